"""Maps drawn for the report only: department handovers, and a readable declared-vs-real overlay.

``miner compare`` draws the overlay on every directly-follows line, as the contract's
``comparison.png`` must show every deviation. On a big log that is hundreds of lines; for the
report the overlay keeps every *declared* line that occurs, the most frequent undeclared ones and
each activity's strongest way in and out, and says on the map how many it hid
(``comparison_simplified.*``). Small overlays are used as ``compare`` drew them.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from miner.dfg import DirectlyFollows, directly_follows
from miner.maps import END, START, ProcessMap, comparison_map, frequency_map
from miner.simplification import Simplified

Lang = Literal["ru", "en"]
LINES_PER_ACTIVITY = 3.0  # an overlay with more lines than this per box is simplified for the report


def handover_map(graph: DirectlyFollows | None, output: Path, lang: Lang) -> ProcessMap | None:
    """Draw and save the department handover map as ``handovers.*`` (None without departments)."""
    if graph is None or not len(graph.activities):
        return None
    return frequency_map(graph, lang=lang).save(output, "handovers")


def overlay_stems(comparison: Any, output: Path, lang: Lang) -> dict[int, str]:
    """Return, per description, the stem of the overlay map the report shows (simplified when crowded)."""
    stems = {}
    for i, part in enumerate(comparison.parts):
        stem = "comparison" if i == 0 else f"comparison_{i + 1}"
        dfg = directly_follows(part.coded, durations=False)
        lines = dfg.count.size + int(np.count_nonzero(dfg.start)) + int(np.count_nonzero(dfg.end))
        if lines > LINES_PER_ACTIVITY * max(len(dfg.activities), 1):
            declared = set(part.effective.edges)
            simplified = thin_overlay(dfg, declared, limit=len(dfg.activities))
            comparison_map(simplified, declared_edges=declared, declared_activities=set(part.effective.steps),
                           skipped=part.skipped, lang=lang).save(output, f"{stem}_simplified")
            stem += "_simplified"
        stems[i] = stem
    return stems


def thin_overlay(dfg: DirectlyFollows, declared: set[tuple[str, str]], *, limit: int) -> Simplified:
    """Keep declared lines, the ``limit`` most frequent undeclared ones, and each box's strongest in/out.

    Example:
        >>> thin_overlay(dfg, {("START", "A"), ("A", "B")}, limit=10).note()  # doctest: +SKIP
        'скрыто: 85 переходов < 2 %'
    """
    names, n, m = dfg.activities, len(dfg.activities), dfg.count.size
    src = np.concatenate((dfg.source, np.full(n, -1), np.arange(n)))
    dst = np.concatenate((dfg.target, np.arange(n), np.full(n, n)))
    cnt = np.concatenate((dfg.count, dfg.start, dfg.end))

    def name(code: int) -> str:
        return START if code < 0 else END if code >= n else names[code]

    real = cnt > 0
    is_declared = np.array([(name(a), name(b)) in declared for a, b in zip(src.tolist(), dst.tolist())])
    keep = real & is_declared
    others = np.flatnonzero(real & ~is_declared)
    keep[others[np.argsort(-cnt[others], kind="stable")[:limit]]] = True
    for ends, other in ((src, dst), (dst, src)):
        for code in range(n):
            mine = np.flatnonzero((ends == code) & real & (other != code))
            if mine.size:
                keep[mine[np.argmax(cnt[mine])]] = True
    hidden = real & ~keep
    share = float(cnt[hidden].max() / max(dfg.n_cases, 1)) if hidden.any() else 0.0
    edge = keep[:m]
    thin = replace(dfg, source=dfg.source[edge], target=dfg.target[edge], count=dfg.count[edge],
                   cases=dfg.cases[edge], median_seconds=dfg.median_seconds[edge],
                   mean_seconds=dfg.mean_seconds[edge], start=np.where(keep[m:m + n], dfg.start, 0),
                   end=np.where(keep[m + n:], dfg.end, 0))
    return Simplified(thin, 0, int(hidden.sum()), 0.0, share)
