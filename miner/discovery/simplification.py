"""Disco-like simplification of a directly-follows graph: hide rare activities and paths.

``simplify`` keeps the most frequent share of activities and of paths and says what it hid
(«скрыто: 3 действия < 1 %, 12 переходов < 2 %»), for the map's note. ``simplify_overlay`` does the
same for a declared-vs-real overlay but never hides a declared line that occurs (nor its boxes), so
a hidden line is never mistaken for "described, never seen"; ``crowded`` tells when an overlay needs
it. ``miner.discovery.maps`` re-exports ``simplify``.
"""
from __future__ import annotations

import math
from collections.abc import Set
from dataclasses import dataclass, replace


import numpy as np

from miner.discovery.dfg import CodedLog, DirectlyFollows, directly_follows
from miner.units import format_share, plural
from miner.language import Lang, pick


# Auto simplification: a map stays readable up to ~20 boxes and ~2 lines per box.
AUTO_MAX_ACTIVITIES = 20
AUTO_EDGES_PER_ACTIVITY = 2.0
# An overlay is simplified by default above 20 boxes or 40 lines (start/end lines included).
OVERLAY_MAX_LINES = 40

_WORDS = {"ru": (("действие", "действия", "действий"), ("переход", "перехода", "переходов")),
          "en": (("activity", "activities", "activities"), ("path", "paths", "paths"))}


@dataclass(frozen=True, eq=False)
class Simplified:
    """A directly-follows graph with rare activities and paths hidden.

    Attributes:
        dfg: the graph to draw: kept activities, kept edges; ``start``/``end`` are zero where
            the path from the start or to the end was hidden.
        hidden_activities, hidden_paths: how many were hidden (paths count start/end lines too).
        hidden_activity_share: largest share of cases among hidden activities.
        hidden_path_share: largest hidden path's count per case.
    """

    dfg: DirectlyFollows
    hidden_activities: int
    hidden_paths: int
    hidden_activity_share: float
    hidden_path_share: float

    def note(self, lang: Lang = "ru") -> str | None:
        """Return «скрыто: 3 действия < 1 %, 12 переходов < 2 %», or None when nothing was hidden."""
        parts = []
        if self.hidden_activities:
            word = plural(self.hidden_activities, _WORDS[lang][0], lang=lang)
            parts.append(f"{self.hidden_activities} {word} < {_nice_percent(self.hidden_activity_share, lang)} %")
        if self.hidden_paths:
            word = plural(self.hidden_paths, _WORDS[lang][1], lang=lang)
            parts.append(f"{self.hidden_paths} {word} < {_nice_percent(self.hidden_path_share, lang)} %")
        if not parts:
            return None
        return pick(lang, "скрыто: ", "hidden: ") + ", ".join(parts)


def _nice_percent(share: float, lang: Lang = "ru") -> str:
    """Return the smallest round percentage above ``share`` (0.013 -> ``2``)."""
    percent = share * 100
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100):
        if percent < step:
            return format_share(step / 100, lang=lang).removesuffix(" %")
    return "100"


def simplify(source: CodedLog | DirectlyFollows, *, activities: float | None = None,
             paths: float | None = None, graph: DirectlyFollows | None = None,
             durations: bool = True) -> Simplified:
    """Hide rare activities and paths the way Disco's sliders do.

    ``activities=P`` keeps the ``ceil(P * n)`` most frequent activities (by events). Given a
    ``CodedLog``, the events of hidden activities are removed and the graph recomputed, so cases
    stay connected through the kept steps; given a graph, hidden activities just lose their
    edges. ``paths=P`` keeps the ``ceil(P * m)`` most frequent of the ``m`` paths (start and end
    lines included) plus, for every kept activity, its most frequent incoming and outgoing path,
    so nothing floats. ``None`` picks a readable default: all activities up to 20, else the 20
    most frequent; paths: all when there are at most 2 per activity, else the 2 per activity
    most frequent (plus the connecting ones).

    Args:
        source: the coded log (preferred) or an already computed graph.
        activities: share 0..1 of activities to keep, or None for the default.
        paths: share 0..1 of paths to keep, or None for the default.
        graph: the full graph of ``source`` when it is already computed (a PreparedLog's ``dfg``).
        durations: compute the times of the lines of a log recomputed without hidden activities
            (a frequency map does not need them: at 10^7 events they are most of the time).

    Example:
        >>> s = simplify(encode(log), activities=0.8, paths=0.3)  # doctest: +SKIP
        >>> s.note()  # doctest: +SKIP
        'скрыто: 6 действий < 1 %, 40 переходов < 2 %'
    """
    full = graph if graph is not None else directly_follows(source, durations=durations) \
        if isinstance(source, CodedLog) else source
    n = len(full.activities)
    keep_n = _auto_activities(n) if activities is None else math.ceil(_share(activities) * n)
    keep_n = min(n, max(1, keep_n)) if n else 0
    ranking = np.lexsort((np.arange(n), -full.activity_events))
    keep = np.zeros(n, dtype=bool)
    keep[ranking[:keep_n]] = True
    hidden_activity_share = float(full.activity_cases[~keep].max() / max(full.n_cases, 1)) if keep_n < n else 0.0
    if keep_n == n:
        dfg = full
    elif isinstance(source, CodedLog):
        dfg = directly_follows(source.project(keep), durations=durations)
    else:
        dfg = _drop_activities(full, keep)
    dfg, hidden_paths, path_share = _keep_paths(dfg, paths)
    return Simplified(dfg, n - keep_n, hidden_paths, hidden_activity_share, path_share)


def crowded(dfg: DirectlyFollows) -> bool:
    """Tell whether a full overlay of ``dfg`` would be hard to read (> 20 boxes or > 40 lines)."""
    lines = int(np.count_nonzero(_all_paths(dfg)[2]))
    return len(dfg.activities) > AUTO_MAX_ACTIVITIES or lines > OVERLAY_MAX_LINES


def simplify_overlay(dfg: DirectlyFollows, declared_edges: Set[tuple[str, str]], *,
                     activities: float | None = None, paths: float | None = None) -> Simplified:
    """Hide rare activities and paths of a declared-vs-real overlay, keeping what was declared.

    Like :func:`simplify` on a graph (hidden activities just lose their lines, so every count
    drawn is a real count), except that every declared activity that occurs and every declared
    line that occurs are kept whatever the thresholds: a hidden declared line would read as
    "described, never seen". ``None`` picks the defaults of :func:`simplify` (20 boxes, about two
    lines per box), declared ones on top.

    Args:
        dfg: the real directly-follows graph, activities named as the declared steps.
        declared_edges: declared ``(from, to)`` pairs, ``"START"``/``"END"`` for the ends.
        activities, paths: shares 0..1 to keep, as in :func:`simplify`.

    Example:
        >>> s = simplify_overlay(dfg, {("START", "A"), ("A", "B"), ("B", "END")})  # doctest: +SKIP
        >>> s.note()  # doctest: +SKIP
        'скрыто: 4 действия < 1 %, 85 переходов < 2 %'
    """
    names, n = dfg.activities, len(dfg.activities)
    declared_names = {a for edge in declared_edges for a in edge}
    must = np.array([a in declared_names for a in names], dtype=bool) & (dfg.activity_events > 0)
    ranking = np.lexsort((np.arange(n), -dfg.activity_events))
    keep = must.copy()
    if activities is None:  # fill up to 20 boxes with the most frequent undeclared ones
        others = ranking[~must[ranking]]
        keep[others[:max(0, _auto_activities(n) - int(must.sum()))]] = True
    else:
        keep[ranking[:math.ceil(_share(activities) * n)]] = True
    hidden_share = float(dfg.activity_cases[~keep].max() / max(dfg.n_cases, 1)) if not keep.all() else 0.0
    shown = dfg if keep.all() else _drop_activities(dfg, keep)
    src, dst, _ = _all_paths(shown)
    kept = shown.activities

    def name(code: int) -> str:
        return "START" if code < 0 else "END" if code >= len(kept) else kept[code]

    declared_line = np.array([(name(a), name(b)) in declared_edges for a, b in zip(src.tolist(), dst.tolist())],
                             dtype=bool)
    thin, hidden_paths, path_share = _keep_paths(shown, paths, must=declared_line)
    return Simplified(thin, int(n - keep.sum()), hidden_paths, hidden_share, path_share)


def _share(value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError(f"a share must be between 0 and 1, got {value}")
    return value


def _auto_activities(n: int) -> int:
    return min(n, AUTO_MAX_ACTIVITIES)


def _drop_activities(dfg: DirectlyFollows, keep: np.ndarray) -> DirectlyFollows:
    """Remove hidden activities and their edges from a graph (no log to reconnect through)."""
    new_code = np.cumsum(keep) - 1
    edge_keep = keep[dfg.source] & keep[dfg.target]
    return replace(
        dfg, activities=tuple(a for a, k in zip(dfg.activities, keep) if k),
        source=new_code[dfg.source[edge_keep]].astype(np.int32),
        target=new_code[dfg.target[edge_keep]].astype(np.int32),
        count=dfg.count[edge_keep], cases=dfg.cases[edge_keep],
        median_seconds=dfg.median_seconds[edge_keep], mean_seconds=dfg.mean_seconds[edge_keep],
        start=dfg.start[keep], end=dfg.end[keep], activity_events=dfg.activity_events[keep],
        activity_cases=dfg.activity_cases[keep])


def _all_paths(dfg: DirectlyFollows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return every path as parallel (from, to, count) arrays: edges, then start, then end lines.

    ``-1`` stands for the start and ``n`` (the number of activities) for the end.
    """
    n = len(dfg.activities)
    src = np.concatenate((dfg.source, np.full(n, -1), np.arange(n)))
    dst = np.concatenate((dfg.target, np.arange(n), np.full(n, n)))
    return src, dst, np.concatenate((dfg.count, dfg.start, dfg.end))


def _keep_paths(dfg: DirectlyFollows, paths: float | None,
                must: np.ndarray | None = None) -> tuple[DirectlyFollows, int, float]:
    """Keep the most frequent paths, the ``must`` ones, and each activity's strongest in- and out-path."""
    n, m = len(dfg.activities), dfg.count.size
    src, dst, cnt = _all_paths(dfg)
    real = cnt > 0
    total = int(real.sum())
    limit = math.ceil(AUTO_EDGES_PER_ACTIVITY * n) if paths is None else math.ceil(_share(paths) * total)
    ranking = np.lexsort((np.arange(cnt.size), -cnt))
    keep = np.zeros(cnt.size, dtype=bool) if must is None else must.copy()
    keep[ranking[:max(limit, 0)]] = True
    for ends, other in ((src, dst), (dst, src)):
        for code in range(n):
            mine = np.flatnonzero((ends == code) & real & (other != code))
            if mine.size:
                keep[mine[np.argmax(cnt[mine])]] = True
    keep &= real
    hidden = real & ~keep
    share = float(cnt[hidden].max() / max(dfg.n_cases, 1)) if hidden.any() else 0.0
    edge_keep = keep[:m]
    out = replace(
        dfg, source=dfg.source[edge_keep], target=dfg.target[edge_keep], count=dfg.count[edge_keep],
        cases=dfg.cases[edge_keep], median_seconds=dfg.median_seconds[edge_keep],
        mean_seconds=dfg.mean_seconds[edge_keep],
        start=np.where(keep[m:m + n], dfg.start, 0), end=np.where(keep[m + n:], dfg.end, 0))
    return out, int(hidden.sum()), share
