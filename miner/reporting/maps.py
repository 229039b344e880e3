"""Maps drawn for the report only: department handovers; and which overlay map the report shows.

The declared-vs-real overlay is drawn once, by ``miner compare`` (:mod:`miner.comparison.overlay`):
on a big log ``comparison.*`` is already the readable, simplified overlay (every declared line that
occurs, the most frequent others and each box's strongest way in and out, with a note of what it
hid) and the full one sits beside it as ``comparison_full.*``. The report shows ``comparison.*``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from miner.discovery.dfg import DirectlyFollows
from miner.discovery.maps import ProcessMap, frequency_map
from miner.language import Lang


def handover_map(graph: DirectlyFollows | None, output: Path, lang: Lang) -> ProcessMap | None:
    """Draw and save the department handover map as ``handovers.*`` (None without departments)."""
    if graph is None or not len(graph.activities):
        return None
    return frequency_map(graph, lang=lang).save(output, "handovers")


def overlay_stems(comparison: Any, output: Path, lang: Lang) -> dict[int, str]:
    """Return, per description, the stem of the overlay map the report shows (readable when crowded).

    The maps ``compare`` wrote into ``output`` are used as they are; they are drawn here (same
    rule, same thresholds) only when the comparison was written elsewhere or in another language.

    Example:
        >>> overlay_stems(compare(log, "sales.yaml", "out"), Path("out"), "ru")  # doctest: +SKIP
        {0: 'comparison'}
    """
    from miner.comparison.overlay import draw_overlay

    drawn_here = (comparison.maps and comparison.output is not None
                  and Path(comparison.output).resolve() == Path(output).resolve() and comparison.lang == lang)
    stems = {}
    for i, part in enumerate(comparison.parts):
        stem = "comparison" if i == 0 else f"comparison_{i + 1}"
        if not drawn_here:
            draw_overlay(part, lang=lang, activities=comparison.activities, paths=comparison.paths).save(output, stem)
        stems[i] = stem
    return stems
