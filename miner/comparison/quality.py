"""Data quality apart from the process: records saved twice are not rework (CONTRACTS.md §5).

A clerk who presses «Записать» twice, or a document re-posted a minute later, leaves the same
activity by the same person twice in a row. Counted as process, each such pair would be a
«repeat» of the step and a self-loop path, and would go on into CRM requirements and interview
questions. :func:`split_records` finds them before the comparison, keeps the first record of
each run and reports the others as data-quality items:

- ``repeated_entry``: the same activity recorded again in the same case by the same person
  (``org:resource``; when the log has no resources at all, any person) within ``repeat_window``
  minutes, with no other event of the case in between (and, where the log has XES lifecycle
  transitions, the same transition: a «start» and its «complete» are not a repeat);
- ``duplicate_event``: the same, but the second record comes from another source file (an
  overlap of two exports, or one event recorded in two systems whose clocks differ by minutes,
  that the reading step did not remove).

``repeat_window`` (default :data:`REPEAT_WINDOW` = 10 minutes) is the longest gap still read as
«saved twice»: re-doing a step for a reason takes longer than that (someone has to notice, change
something, save again), and genuine rework usually has another step in between, which this rule
never touches. ``0`` turns the check off.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.discovery.dfg import CodedLog
from miner.prepared import PreparedLog
from miner.units import format_count, format_number, plural

REPEAT_WINDOW = 10.0  # minutes
LIFECYCLE = "lifecycle:transition"  # XES standard extension; pm4py's name for it
MAX_EXAMPLES = 10


@dataclass(frozen=True)
class QualityItem:
    """One kind of record problem for one activity (``data_quality`` in findings.json).

    Attributes:
        kind: ``repeated_entry`` or ``duplicate_event``.
        activity: the activity recorded again.
        cases, events: cases concerned and records set aside.
        within_minutes: the window used.
        examples: up to 10 case ids.
        summary: one sentence in Russian.
    """

    kind: str
    activity: str
    cases: int
    events: int
    within_minutes: float
    examples: tuple[str, ...]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        """Return the item as in findings.json."""
        return {"kind": self.kind, "activity": self.activity, "cases": self.cases, "events": self.events,
                "within_minutes": self.within_minutes, "examples": list(self.examples),
                "summary": self.summary}


def split_records(log: pd.DataFrame, coded: CodedLog,
                  repeat_window: float = REPEAT_WINDOW) -> tuple[CodedLog, tuple[QualityItem, ...]]:
    """Return ``coded`` without records saved twice, and what was set aside.

    Args:
        log: the frame ``coded`` was encoded from (for ``org:resource`` and ``source:file``).
        coded: the coded log.
        repeat_window: minutes; a repeat of the same activity by the same person within this
            time, with nothing in between, is a record saved twice. ``0`` or less: no check.

    Returns:
        (the coded log with the later copies left out, one item per kind and activity, most
        events first).

    Example:
        >>> clean, items = split_records(log, encode(log), repeat_window=10)  # doctest: +SKIP
        >>> items[0].kind, items[0].events  # doctest: +SKIP
        ('repeated_entry', 12)
    """
    if repeat_window <= 0 or coded.n_events < 2:
        return coded, ()
    later = _repeats(log, coded, repeat_window)
    if not later.any():
        return coded, ()
    kind = _kinds(log, coded, later)
    items = _items(coded, later, kind, repeat_window)
    return _without(coded, ~later), items


def drop_repeats(log: pd.DataFrame, repeat_window: float = REPEAT_WINDOW) -> tuple[pd.DataFrame, tuple[QualityItem, ...]]:
    """Return the frame without records saved twice (and copies), and what was left out.

    For analyses that work on the frame itself (the interview's patterns), so that a double
    save is never asked about as rework.

    Example:
        >>> clean, items = drop_repeats(log)  # doctest: +SKIP
    """
    from miner.discovery.dfg import encode

    coded = encode(log)
    kept, items = split_records(log, coded, repeat_window)
    if not items:
        return log, ()
    return log.iloc[np.sort(kept.rows)], items


def _repeats(log: pd.DataFrame, coded: CodedLog, window: float) -> np.ndarray:
    """Mark each event that repeats the event just before it in its case (same activity, person)."""
    same = np.zeros(coded.n_events, dtype=bool)
    same[1:] = coded.codes[1:] == coded.codes[:-1]
    same[coded.case_bounds[:-1]] = False  # the first event of a case repeats nothing
    gap = np.zeros(coded.n_events, dtype=np.int64)
    gap[1:] = np.diff(coded.timestamps.astype("datetime64[ns]").astype(np.int64))
    same &= gap <= int(window * 60e9)
    # the same person; and, in logs with lifecycle transitions (XES: start, complete), the same
    # transition — a «start» followed by its «complete» minutes later is one piece of work, not two
    for col in (E.RESOURCE, LIFECYCLE):
        if col in log.columns and log[col].notna().any():
            value = E.value_codes(log[col])[coded.rows]  # missing -> -1
            same[1:] &= value[1:] == value[:-1]
    return same


def _kinds(log: pd.DataFrame, coded: CodedLog, later: np.ndarray) -> np.ndarray:
    """Return per event 1 where the repeat comes from another source file than the first record, else 0."""
    kind = np.zeros(coded.n_events, dtype=np.int8)
    if E.FILE not in log.columns:
        return kind
    files = E.value_codes(log[E.FILE])[coded.rows]
    at = np.flatnonzero(later)
    kind[at[files[at] != files[at - 1]]] = 1  # two files, two clocks: the same event, not a second save
    return kind


def _items(coded: CodedLog, later: np.ndarray, kind: np.ndarray, window: float) -> tuple[QualityItem, ...]:
    """Group the marked events by kind and activity."""
    out = []
    at = np.flatnonzero(later)
    for k, name in enumerate(("repeated_entry", "duplicate_event")):
        mine = at[kind[at] == k]
        for code in np.unique(coded.codes[mine]):
            events = mine[coded.codes[mine] == code]
            cases = np.unique(coded.case_index[events])
            activity = coded.activities[int(code)]
            out.append(QualityItem(name, activity, int(cases.size), int(events.size), window,
                                   tuple(str(c) for c in coded.case_ids[cases[:MAX_EXAMPLES]]),
                                   _summary(name, activity, int(events.size), int(cases.size), window)))
    return tuple(sorted(out, key=lambda i: (-i.events, i.kind, i.activity)))


def _summary(kind: str, activity: str, events: int, cases: int, window: float) -> str:
    """Say what was found, in Russian, with the right word forms."""
    records = f"{format_count(events)} {plural(events, ('запись', 'записи', 'записей'))}"
    where = f"в {format_count(cases)} {plural(cases, ('случае', 'случаях', 'случаях'))}"
    if kind == "duplicate_event":
        return f"Копии события «{activity}» из другого файла: {records} {where}; в сравнении они не учитываются."
    whole = window == int(window)
    unit = plural(int(window), ("минуты", "минут", "минут")) if whole else "минуты"
    return (f"Повторное сохранение записи «{activity}» тем же сотрудником в пределах "
            f"{format_number(window, digits=0 if whole else 1)} {unit} без других действий между ними: "
            f"{records} {where}. Это не переделка; в сравнении учитывается первая запись.")


def _without(coded: CodedLog, keep: np.ndarray) -> CodedLog:
    """Return ``coded`` with only the events where ``keep`` is true (no case becomes empty)."""
    per_case = np.add.reduceat(keep.astype(np.int64), coded.case_bounds[:-1])
    bounds = np.concatenate(([0], np.cumsum(per_case))).astype(np.int64)
    return replace(coded, codes=coded.codes[keep], timestamps=coded.timestamps[keep],
                   rows=coded.rows[keep], case_bounds=bounds)


def without_repeats(prepared: PreparedLog, repeat_window: float = REPEAT_WINDOW) -> PreparedLog:
    """Return the prepared log without records saved twice (``prepared`` itself when there are none)."""
    kept, items = split_records(prepared.frame, prepared.coded, repeat_window)
    if not items:
        return prepared
    return PreparedLog(prepared.frame.iloc[np.sort(kept.rows)], prepared.ingest, prepared.source)
