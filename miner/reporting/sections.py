"""The numbers behind each report section, as small frozen dataclasses of DataFrames.

Language-neutral: column names here are English keys; :mod:`miner.reporting.compose` turns them
into Russian or English tables and sentences. Everything is computed on the coded log
(:mod:`miner.discovery.dfg`) with numpy, so a million events take seconds.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.discovery.coding import _distinct
from miner.discovery.dfg import CodedLog, Variants, activity_case_counts

TOP_VARIANTS = 10
TOP_ACTIVITIES = 25


@dataclass(frozen=True)
class Overview:
    """Section 1: where the data came from, its size and period, what was rejected and why.

    ``sources`` has ``file, kind, encoding, sheet, rows_read, events, mapping``; ``reasons`` has
    ``reason, kind (rejected/excluded), rows, examples``. Row counts are None when the log was
    given as a DataFrame (no ingest report).
    """

    sources: pd.DataFrame
    reasons: pd.DataFrame
    cases: int
    events: int
    activities: int
    variants: int
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    rows_read: int | None = None
    rows_used: int | None = None
    rejected: int | None = None
    excluded: int | None = None


@dataclass(frozen=True)
class RealProcess:
    """Section 2: top variants, case durations (seconds), activities by frequency."""

    variants: pd.DataFrame
    n_variants: int
    durations: np.ndarray
    activities: pd.DataFrame


def overview(log: pd.DataFrame, coded: CodedLog, found: Variants, ingest: Any = None) -> Overview:
    """Return section 1 from the log and, when the log was read from files, its ingest report.

    Example:
        >>> o = overview(log, encode(log), variants(encode(log)), result.report)  # doctest: +SKIP
        >>> o.rejected  # doctest: +SKIP
        5
    """
    events_per_file = log[E.FILE].value_counts(dropna=True) if E.FILE in log.columns else pd.Series(dtype=int)
    times = coded.timestamps
    common: dict[str, Any] = dict(cases=coded.n_cases, events=coded.n_events, activities=coded.n_activities,
                  variants=len(found), start=pd.Timestamp(times.min()) if times.size else None,
                  end=pd.Timestamp(times.max()) if times.size else None)
    if ingest is None:
        sources = pd.DataFrame({"file": events_per_file.index.astype(str), "kind": None, "encoding": None,
                                "sheet": None, "rows_read": None, "events": events_per_file.to_numpy(),
                                "mapping": None})
        return Overview(sources, _reasons([]), **common)
    rows = []
    for s in ingest.sources:
        details = dict(getattr(s, "details", {}) or {})
        mapping = ", ".join(f"{k}: {v}" for k, v in (s.columns or {}).items())
        rows.append({"file": s.file, "kind": s.kind, "encoding": s.encoding, "sheet": details.get("sheet"),
                     "rows_read": s.rows_read, "events": int(events_per_file.get(s.file, 0)),
                     "mapping": mapping or None})
    return Overview(pd.DataFrame(rows, columns=["file", "kind", "encoding", "sheet", "rows_read", "events", "mapping"]),
                    _reasons(ingest.reasons), rows_read=ingest.rows_read, rows_used=ingest.rows_used,
                    rejected=ingest.rejected, excluded=ingest.excluded, **common)


def _reasons(reasons: list[Any]) -> pd.DataFrame:
    rows = []
    for r in reasons:
        examples = "; ".join(_example(e) for e in r.examples[:3])
        rows.append({"reason": r.reason, "kind": "excluded" if r.excluded else "rejected",
                     "rows": r.count, "examples": examples})
    return pd.DataFrame(rows, columns=["reason", "kind", "rows", "examples"])


def _example(example: dict[str, Any]) -> str:
    """Return «sales.csv:1286 Дата=31.02.2026» for a located example."""
    text = str(example.get("file", ""))
    if example.get("row") is not None:
        text += f":{example['row']}"
    if example.get("column"):
        text += f" {example['column']}"
        if example.get("value") is not None:
            text += f"=«{example['value']}»"
    return text


def real_process(coded: CodedLog, found: Variants, *, top: int = TOP_VARIANTS,
                 cases: np.ndarray | None = None) -> RealProcess:
    """Return section 2's tables: top variants with shares, activities, case durations.

    ``cases`` (cases per activity code, a PreparedLog's ``dfg.activity_cases``) is reused when given.

    Example:
        >>> r = real_process(encode(log), variants(encode(log)))  # doctest: +SKIP
        >>> r.variants.iloc[0]["share"]  # doctest: +SKIP
        0.41
    """
    n = max(coded.n_cases, 1)
    rows = [{"rank": i, "cases": int(c), "share": int(c) / n, "steps": len(seq), "variant": " → ".join(seq)}
            for i, (seq, c) in enumerate(zip(found.sequences[:top], found.counts[:top].tolist()), 1)]
    variants_table = pd.DataFrame(rows, columns=["rank", "cases", "share", "steps", "variant"])
    durations = case_durations(coded)
    events = np.bincount(coded.codes, minlength=coded.n_activities)
    cases = activity_case_counts(coded) if cases is None else cases
    acts = pd.DataFrame({"activity": list(coded.activities), "events": events, "cases": cases,
                         "case_share": cases / n})
    acts = acts.sort_values(["events", "activity"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return RealProcess(variants_table, len(found), durations.astype(float), acts)


def case_durations(coded: CodedLog) -> np.ndarray:
    """Return each case's duration (last event - first event) in seconds."""
    ts = coded.timestamps.view(np.int64)
    if not coded.n_cases:
        return np.zeros(0)
    return (ts[coded.case_bounds[1:] - 1] - ts[coded.case_bounds[:-1]]) / 1e9


def case_rework(coded: CodedLog) -> np.ndarray:
    """Return, per case, whether some activity occurs in it more than once."""
    n = np.int64(max(coded.n_activities, 1))
    keys = _distinct(coded.case_index * n + coded.codes)
    distinct = np.bincount(keys // n, minlength=coded.n_cases)
    return distinct < coded.case_lengths


def event_values(log: pd.DataFrame, coded: CodedLog, column: str) -> pd.Categorical:
    """Return ``column`` of ``log`` in the coded event order, as a Categorical (NaN for missing).

    Categorical codes keep a million text values cheap: no Python string per event. The result
    is computed once per log and column.
    """
    cache = _VALUES.setdefault(coded, {})
    key = (id(log), column)
    if key not in cache or cache[key][0] is not log:
        codes, uniques = pd.factorize(log[column])
        cache[key] = (log, pd.Categorical.from_codes(
            codes[coded.rows], categories=pd.Index(np.asarray(uniques, dtype=object))))
    return cache[key][1]


# coded log -> (frame id, column) -> (the frame, its values in coded order): the sections of one
# report ask for the same columns several times, and factorising 10^7 texts takes a second each.
# Entries go with their coded log.
_VALUES: weakref.WeakKeyDictionary[CodedLog, dict[tuple[int, str], tuple[pd.DataFrame, pd.Categorical]]] = \
    weakref.WeakKeyDictionary()


def event_activities(coded: CodedLog) -> pd.Categorical:
    """Return each event's activity name in coded order, as a Categorical over the activities."""
    return pd.Categorical.from_codes(coded.codes, categories=pd.Index(list(coded.activities), dtype=object))


def case_first(log: pd.DataFrame, coded: CodedLog, column: str) -> np.ndarray:
    """Return, per case, the first non-missing value of ``column`` (None when the case has none)."""
    values = event_values(log, coded, column)
    idx = np.flatnonzero(~pd.isna(values))
    out = np.full(coded.n_cases, None, dtype=object)
    if idx.size:
        cases = coded.case_index[idx]  # non-decreasing: a case's first value starts its run
        first = np.flatnonzero(np.r_[True, cases[1:] != cases[:-1]])
        out[cases[first]] = np.asarray(values[idx[first]], dtype=object)
    return out


def period_freq(start: pd.Timestamp | None, end: pd.Timestamp | None) -> str:
    """Return the period to count workload by: weeks up to ~6 months, months up to 3 years, else quarters."""
    if start is None or end is None:
        return "W"
    days = (end - start).days
    return "W" if days <= 190 else "M" if days <= 3 * 366 else "Q"


def period_starts(times: np.ndarray, freq: str) -> np.ndarray:
    """Return the start of the week/month/quarter of each timestamp (datetime64[ns])."""
    series = pd.Series(pd.DatetimeIndex(times))
    return series.dt.to_period(freq).dt.start_time.to_numpy(dtype="datetime64[ns]")
