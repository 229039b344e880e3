"""Vectorised directly-follows graph, variants and durations over an integer-coded log.

Activities and cases are coded as integers once (:mod:`miner.discovery.coding`, re-exported
here); everything else is numpy over the codes: directly-follows pairs are ``code[i] * n + code[i+1]`` inside a case, counted with
``bincount``; variants are per-case polynomial hashes of the code sequence, verified exactly.
This is 5-15x faster than pm4py on millions of events and gives the same numbers
(``tests/test_dfg.py`` checks against ``pm4py.discover_dfg`` and ``pm4py.get_variants``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from miner.discovery.coding import _DENSE_CELLS, CodedLog, _distinct, activity_case_counts, encode

__all__ = ["CodedLog", "DirectlyFollows", "Variants", "activity_case_counts", "directly_follows",
           "edge_durations", "encode", "variants"]

# bincount over n*n pair codes is fastest while the square fits comfortably in memory.
_DENSE_PAIRS = 4_000_000


@dataclass(frozen=True, eq=False, repr=False)
class DirectlyFollows:
    """A directly-follows graph with frequencies and times.

    Edge arrays are parallel and sorted by count, most frequent first. Per-activity arrays are
    indexed by activity code.

    Attributes:
        activities: activity names.
        source, target: activity codes of each edge.
        count: how many times ``target`` directly follows ``source``.
        cases: in how many distinct cases it does.
        median_seconds, mean_seconds: time between the two events (NaN when not computed).
        start, end: how many cases start / end with each activity.
        activity_events: events of each activity; activity_cases: cases that contain it.
        n_cases, n_events: size of the log the graph was computed from.
    """

    activities: tuple[str, ...]
    source: np.ndarray
    target: np.ndarray
    count: np.ndarray
    cases: np.ndarray
    median_seconds: np.ndarray
    mean_seconds: np.ndarray
    start: np.ndarray
    end: np.ndarray
    activity_events: np.ndarray
    activity_cases: np.ndarray
    n_cases: int
    n_events: int

    def edges(self) -> dict[tuple[str, str], int]:
        """Return ``{(a, b): count}`` like the first result of ``pm4py.discover_dfg``."""
        names = self.activities
        return {(names[s], names[t]): int(c)
                for s, t, c in zip(self.source.tolist(), self.target.tolist(), self.count.tolist())}

    def start_activities(self) -> dict[str, int]:
        """Return ``{activity: cases starting with it}`` (non-zero only)."""
        return {self.activities[i]: int(self.start[i]) for i in np.flatnonzero(self.start)}

    def end_activities(self) -> dict[str, int]:
        """Return ``{activity: cases ending with it}`` (non-zero only)."""
        return {self.activities[i]: int(self.end[i]) for i in np.flatnonzero(self.end)}

    def activity_counts(self) -> dict[str, int]:
        """Return ``{activity: number of events}``."""
        return dict(zip(self.activities, self.activity_events.tolist()))

    def to_frame(self) -> pd.DataFrame:
        """Return the edges as a DataFrame (``source``, ``target``, ``count``, ``cases``, times)."""
        names = np.array(self.activities, dtype=object)
        return pd.DataFrame({
            "source": names[self.source], "target": names[self.target], "count": self.count,
            "cases": self.cases, "median_seconds": self.median_seconds,
            "mean_seconds": self.mean_seconds,
        })

    def __repr__(self) -> str:
        return (f"DirectlyFollows(activities={len(self.activities)}, edges={self.count.size}, "
                f"cases={self.n_cases}, events={self.n_events})")


@dataclass(frozen=True, eq=False, repr=False)
class Variants:
    """Distinct activity sequences with the number of cases that follow each, most common first.

    Attributes:
        sequences: activity names of each variant.
        counts: cases per variant (int64), descending; ties keep the order of first appearance.
        case_variant: variant index of each case of the coded log.
        n_cases: number of cases.
    """

    sequences: tuple[tuple[str, ...], ...]
    counts: np.ndarray
    case_variant: np.ndarray
    n_cases: int

    def to_dict(self) -> dict[tuple[str, ...], int]:
        """Return ``{sequence: cases}`` like ``pm4py.get_variants`` on a DataFrame."""
        return dict(zip(self.sequences, self.counts.tolist()))

    def __len__(self) -> int:
        return len(self.sequences)

    def __repr__(self) -> str:
        return f"Variants({len(self)} variants, cases={self.n_cases})"


def _pairs(coded: CodedLog) -> tuple[np.ndarray, np.ndarray]:
    """Return the pair code ``a * n + b`` of each directly-follows step and its event index."""
    inside = np.ones(max(coded.n_events - 1, 0), dtype=bool)
    inside[coded.case_bounds[1:-1] - 1] = False
    first = np.flatnonzero(inside)
    n = np.int64(max(coded.n_activities, 1))
    pairs = coded.codes[first].astype(np.int64) * n + coded.codes[first + 1]
    return pairs, first


def directly_follows(coded: CodedLog, *, durations: bool = True, loops: bool = True) -> DirectlyFollows:
    """Compute the directly-follows graph: counts, distinct cases, start/end, median times.

    Args:
        coded: the log from ``encode``.
        durations: compute median and mean time per edge (a sort; skip it for counts only).
        loops: keep the edges from an activity to itself (a handover graph leaves them out).

    Returns:
        The ``DirectlyFollows`` graph.

    Example:
        >>> dfg = directly_follows(encode(log))  # doctest: +SKIP
        >>> dfg.edges()[("Создан заказ", "Согласован заказ")]  # doctest: +SKIP
        700
    """
    n = coded.n_activities
    pairs, first = _pairs(coded)
    if not loops:
        other = coded.codes[first] != coded.codes[first + 1]
        pairs, first = pairs[other], first[other]
    if n * n <= _DENSE_PAIRS:
        dense = np.bincount(pairs, minlength=n * n)
        edge_ids = np.flatnonzero(dense)
        counts = dense[edge_ids]
    else:
        edge_ids = _distinct(pairs)
    slot = np.searchsorted(edge_ids, pairs)
    if n * n > _DENSE_PAIRS:
        counts = np.bincount(slot, minlength=edge_ids.size)
    # distinct cases per edge: unique (case, edge slot) keys
    edge_cases = _cases_per_slot(coded.case_index[first], slot, coded.n_cases, edge_ids.size)
    median = np.full(edge_ids.size, np.nan)
    mean = np.full(edge_ids.size, np.nan)
    if durations and pairs.size:
        nanos = np.diff(coded.timestamps.view(np.int64))[first]
        mean = np.bincount(slot, weights=nanos / 1e9, minlength=edge_ids.size) / counts
        ordered = _sorted_within_groups(slot, nanos, edge_ids.size)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        median = (ordered[starts + (counts - 1) // 2] + ordered[starts + counts // 2]) / 2
    order = np.lexsort((edge_ids, -counts))
    return DirectlyFollows(
        activities=coded.activities,
        source=(edge_ids[order] // max(n, 1)).astype(np.int32),
        target=(edge_ids[order] % max(n, 1)).astype(np.int32),
        count=counts[order].astype(np.int64),
        cases=edge_cases[order].astype(np.int64),
        median_seconds=median[order],
        mean_seconds=mean[order],
        start=np.bincount(coded.codes[coded.case_bounds[:-1]], minlength=n),
        end=np.bincount(coded.codes[coded.case_bounds[1:] - 1], minlength=n),
        activity_events=np.bincount(coded.codes, minlength=n),
        activity_cases=activity_case_counts(coded),
        n_cases=coded.n_cases,
        n_events=coded.n_events,
    )


def _cases_per_slot(cases: np.ndarray, slot: np.ndarray, n_cases: int, n_slots: int) -> np.ndarray:
    """Return, per slot, the number of distinct cases among the (case, slot) pairs."""
    width = max(n_slots, 1)
    if n_cases * width <= _DENSE_CELLS:
        seen = np.zeros(n_cases * width, dtype=bool)
        seen[cases * np.int64(width) + slot] = True
        return seen.reshape(n_cases, width).sum(axis=0, dtype=np.int64)[:n_slots]
    keys = _distinct(cases * np.int64(width) + slot)
    return np.bincount(keys % width, minlength=n_slots)


def _sorted_within_groups(groups: np.ndarray, nanos: np.ndarray, n_groups: int) -> np.ndarray:
    """Return durations (seconds) ordered by group, then by value, as one array.

    Packs (group, duration in ms) into one int64 and sorts that: ~40x faster than ``lexsort``.
    Durations are rounded to milliseconds (1C and Excel record seconds).
    """
    millis = nanos // 1_000_000
    low = int(millis.min()) if millis.size else 0
    span = (int(millis.max()) - low + 1) if millis.size else 1
    if n_groups * span < 2**62:
        packed = np.sort(groups.astype(np.int64) * span + (millis - low))
        return ((packed % span) + low) / 1e3
    return (nanos[np.lexsort((nanos, groups))]) / 1e9


def edge_durations(coded: CodedLog) -> dict[tuple[str, str], np.ndarray]:
    """Return, per directly-follows edge, the sorted times between the two events in seconds.

    Example:
        >>> edge_durations(coded)[("Выставлен счет", "Поступила оплата")].mean()  # doctest: +SKIP
    """
    pairs, first = _pairs(coded)
    if pairs.size == 0:
        return {}
    edge_ids = _distinct(pairs)
    slot = np.searchsorted(edge_ids, pairs)
    ordered = _sorted_within_groups(slot, np.diff(coded.timestamps.view(np.int64))[first], edge_ids.size)
    cuts = np.cumsum(np.bincount(slot, minlength=edge_ids.size))[:-1]
    n = max(coded.n_activities, 1)
    names = coded.activities
    return {(names[int(p // n)], names[int(p % n)]): chunk
            for p, chunk in zip(edge_ids.tolist(), np.split(ordered, cuts))}


def variants(coded: CodedLog) -> Variants:
    """Group cases by their activity sequence.

    Each case's code sequence is hashed (a polynomial over 64-bit integers); every case is then
    compared with its group's first case, so a hash collision cannot merge two variants.

    Example:
        >>> v = variants(encode(log))  # doctest: +SKIP
        >>> v.sequences[0], v.counts[0]  # doctest: +SKIP
        (('Создан заказ', 'Согласован заказ', 'Отгрузка'), 412)
    """
    if coded.n_cases == 0:
        return Variants((), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0)
    lengths = coded.case_lengths
    position = np.arange(coded.n_events, dtype=np.int64) - np.repeat(coded.case_bounds[:-1], lengths)
    powers = np.full(int(lengths.max()), 0x9E3779B97F4A7C15, dtype=np.uint64)
    powers[0] = 1
    with np.errstate(over="ignore"):
        powers = np.cumprod(powers, dtype=np.uint64)
        terms = (coded.codes.astype(np.uint64) + np.uint64(1)) * powers[position]
        hashes = np.add.reduceat(terms, coded.case_bounds[:-1])
        hashes ^= lengths.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    _, first_case, group = np.unique(hashes, return_index=True, return_inverse=True)
    rep = first_case[group]
    rep_events = coded.case_bounds[rep][coded.case_index] + position
    exact = (lengths[rep] == lengths).all() and (
        coded.codes[np.minimum(rep_events, coded.n_events - 1)] == coded.codes).all()
    if not exact:
        group, first_case = _exact_groups(coded)
    counts = np.bincount(group)
    order = np.lexsort((first_case, -counts))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    names = coded.activities
    bounds = coded.case_bounds
    sequences = tuple(tuple(names[c] for c in coded.codes[bounds[i]:bounds[i + 1]].tolist())
                      for i in first_case[order].tolist())
    return Variants(sequences, counts[order].astype(np.int64), rank[group], coded.n_cases)


def _exact_groups(coded: CodedLog) -> tuple[np.ndarray, np.ndarray]:
    """Group cases by their exact code sequence (slow path, used only after a hash collision)."""
    seen: dict[bytes, int] = {}
    group = np.empty(coded.n_cases, dtype=np.int64)
    first: list[int] = []
    bounds = coded.case_bounds
    for i in range(coded.n_cases):
        key = coded.codes[bounds[i]:bounds[i + 1]].tobytes()
        if key not in seen:
            seen[key] = len(first)
            first.append(i)
        group[i] = seen[key]
    return group, np.asarray(first, dtype=np.int64)
