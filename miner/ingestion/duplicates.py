"""The same event read twice: copies across sources are dropped, identical rows in one source counted.

A CSV export and its XLSX copy, or two monthly exports that overlap by a few weeks, hold the same
events. Counted twice they double every case and turn the overlap into fake rework, so an event
that an earlier source already gave is kept once and its copy is ``excluded`` with the reason
``duplicate event`` (CONTRACTS.md §6). Within one source identical rows are kept (a journal can
hold two equal records in one second) and only counted under data quality.

An event is the same when case, activity and timestamp agree, and the resource too where both
sources record one. Timestamps are compared at the coarser precision of the two sources: a file
that writes minutes only matches «10:05:00» of the other file to «10:05:37».
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.rejects import MAX_EXAMPLES, SourceRead

log = logging.getLogger("miner")

DUPLICATE = "duplicate event"
_UNITS = ("s", "min", "D")  # finest to coarsest
_NS = {"s": 10**9, "min": 60 * 10**9, "D": 86_400 * 10**9}


def precision(stamps: pd.Series) -> str:
    """The finest unit a source writes its timestamps in: ``s`` (or finer), ``min`` or ``D`` (dates only).

    >>> precision(pd.Series(pd.to_datetime(["2026-03-02 10:05", "2026-03-02 11:00"])))
    'min'
    """
    ns = stamps.dropna().astype("datetime64[ns]").to_numpy().view("int64")
    if not len(ns):
        return "s"
    for unit in ("D", "min"):
        if not (ns % _NS[unit]).any():
            return unit
    return "s"


def drop_duplicates(reads: list[SourceRead]) -> int:
    """Drop from later reads the events an earlier read already holds; return how many were dropped.

    Each dropped copy is counted in its read's problems as excluded, ``duplicate event``, with the
    file and row of the copy and of the event it repeats.
    """
    kept: list[tuple[SourceRead, str]] = []
    dropped_from: dict[str, dict[str, int]] = {}
    total = 0
    for read in reads:
        if read.frame is None or not len(read.frame):
            continue
        unit = precision(read.frame[E.TIMESTAMP])
        for earlier, earlier_unit in kept:
            copies, originals = _copies(read.frame, earlier.frame, _coarser(unit, earlier_unit))
            if not len(copies):
                continue
            _account(read, earlier, copies, originals, dropped_from)
            read.frame = read.frame.drop(index=read.frame.index[copies])
            total += len(copies)
        kept.append((read, unit))
    if total:
        parts = "; ".join(f"{n} from {file} (already in {', '.join(sorted(of))})"
                          for file, of in dropped_from.items() for n in [sum(of.values())])
        log.warning("duplicate events: %d copies of events read from another source were dropped: %s",
                    total, parts)
    return total


def _coarser(a: str, b: str) -> str:
    return max(a, b, key=_UNITS.index)


def _codes(a: pd.Series | np.ndarray, b: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of two columns in one vocabulary (comparing ints is what makes this fast)."""
    both = pd.concat([pd.Series(a), pd.Series(b)], ignore_index=True)
    codes, _ = pd.factorize(both, use_na_sentinel=False)
    codes = codes.astype(np.int64)
    return codes[: len(a)], codes[len(a):]


def _combine(x: tuple[np.ndarray, np.ndarray], y: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the pairs (x, y) of both frames; compressed only when the product would not fit int64."""
    span = int(max(y[0].max(initial=0), y[1].max(initial=0))) + 1
    top = int(max(x[0].max(initial=0), x[1].max(initial=0))) + 1
    if top > (1 << 62) // span:
        both = np.unique(np.concatenate(x), return_inverse=True)[1].astype(np.int64)
        x = (both[: len(x[0])], both[len(x[0]):])
    return x[0] * span + y[0], x[1] * span + y[1]


def _occurrence(group: np.ndarray) -> np.ndarray:
    """For each row, how many rows of the same group came before it (0, 1, 2, ...)."""
    order = np.argsort(group, kind="stable")
    ranked = group[order]
    starts = np.r_[True, ranked[1:] != ranked[:-1]]
    run_start = np.maximum.accumulate(np.where(starts, np.arange(len(ranked)), 0))
    out = np.empty(len(group), dtype=np.int64)
    out[order] = np.arange(len(ranked)) - run_start
    return out


def _event_keys(frame: pd.DataFrame, earlier: pd.DataFrame, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """One int64 key per event of both frames: case, activity, floored time, resource (where both
    have one) and the occurrence of that event in its frame."""
    columns = [E.CASE, E.ACTIVITY] + ([E.RESOURCE] if _has_resource(frame) and _has_resource(earlier) else [])
    stamps = [np.floor_divide(f[E.TIMESTAMP].astype("datetime64[ns]").to_numpy().view("int64"), _NS[unit])
              for f in (frame, earlier)]
    low = min(stamps[0].min(initial=0), stamps[1].min(initial=0))
    key = (stamps[0] - low, stamps[1] - low)
    for column in columns:
        key = _combine(key, _codes(frame[column].astype("str"), earlier[column].astype("str")))
    span = max(len(frame), len(earlier)) + 1
    return key[0] * span + _occurrence(key[0]), key[1] * span + _occurrence(key[1])


def _has_resource(frame: pd.DataFrame) -> bool:
    return E.RESOURCE in frame.columns and bool(frame[E.RESOURCE].notna().any())


def _copies(frame: pd.DataFrame, earlier: pd.DataFrame, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``frame`` of events ``earlier`` holds, and the positions of those in ``earlier``.

    The n-th occurrence of an event in ``frame`` matches its n-th occurrence in ``earlier``, so
    a source that holds an event twice where the other holds it once keeps one copy.
    """
    left, right = _event_keys(frame, earlier, unit)
    found = pd.Index(right).get_indexer(left)  # right's keys are unique: the occurrence is part of them
    copies = np.flatnonzero(found >= 0)
    return copies.astype(np.int64), found[copies].astype(np.int64)


def _where(frame: pd.DataFrame, positions: np.ndarray) -> list[tuple[str, int]]:
    files = frame[E.FILE].iloc[positions].tolist() if E.FILE in frame.columns else [""] * len(positions)
    rows = frame[E.ROW].iloc[positions].tolist() if E.ROW in frame.columns else (positions + 1).tolist()
    return [(str(f), int(r)) for f, r in zip(files, rows)]


def _account(read: SourceRead, earlier: SourceRead, copies: np.ndarray, originals: np.ndarray,
             dropped_from: dict[str, dict[str, int]]) -> None:
    copy_at = _where(read.frame, copies[:MAX_EXAMPLES])
    orig_at = _where(earlier.frame, originals[:MAX_EXAMPLES])
    examples = [{"file": f, "row": r, "copy_of": f"{of}:{orow}"} for (f, r), (of, orow) in zip(copy_at, orig_at)]
    read.problems.exclude(DUPLICATE, len(copies), examples)
    mine, mine_names = _file_codes(read.frame, copies)
    theirs, their_names = _file_codes(earlier.frame, originals)
    pairs, counts = np.unique(mine * len(their_names) + theirs, return_counts=True)
    for pair, n in zip(pairs.tolist(), counts.tolist()):
        file, of = str(mine_names[pair // len(their_names)]), str(their_names[pair % len(their_names)])
        dropped_from.setdefault(file, {})[of] = dropped_from.get(file, {}).get(of, 0) + int(n)


def _file_codes(frame: pd.DataFrame, positions: np.ndarray) -> tuple[np.ndarray, list[str]]:
    if E.FILE not in frame.columns:
        return np.zeros(len(positions), dtype=np.int64), [""]
    codes, names = pd.factorize(frame[E.FILE], use_na_sentinel=False)
    return codes[positions].astype(np.int64), [str(n) for n in names]


def identical_rows(log: pd.DataFrame) -> dict[str, Any] | None:
    """Count events that repeat exactly within one source (kept, but worth a look).

    ``log`` is the canonical log, sorted by case and time: identical events sit in runs of equal
    case and timestamp, so only those runs are compared (a few rows, not the whole log).

    Returns:
        ``{"kind": "identical_rows", "count", "files": {file: count}, "examples": [{file, row}]}``
        or None when there are none.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(log)
    if n < 2:
        return None
    stamps = log[E.TIMESTAMP].to_numpy().view("int64")
    if isinstance(log[E.CASE].dtype, pd.CategoricalDtype):
        codes = log[E.CASE].cat.codes.to_numpy()
        same = (codes[1:] == codes[:-1]) & (codes[1:] >= 0) & (stamps[1:] == stamps[:-1])
    else:
        case = pa.array(log[E.CASE].astype("str").array)  # zero-copy for the canonical (pyarrow) text column
        same = pc.fill_null(pc.equal(case.slice(1), case.slice(0, n - 1)), False).to_numpy(zero_copy_only=False) \
            & (stamps[1:] == stamps[:-1])
    if not same.any():
        return None
    candidate = np.zeros(n, dtype=bool)
    candidate[1:] |= same
    candidate[:-1] |= same
    columns = [c for c in (E.CASE, E.ACTIVITY, E.TIMESTAMP, E.RESOURCE, E.FILE) if c in log.columns]
    sub = log.loc[candidate, columns + ([E.ROW] if E.ROW in log.columns else [])]
    repeat = sub.duplicated(columns, keep="first").to_numpy()
    if not repeat.any():
        return None
    where = _where(sub, np.flatnonzero(repeat))
    files: dict[str, int] = {}
    for file, _ in where:
        files[file] = files.get(file, 0) + 1
    return {"kind": "identical_rows", "count": len(where), "files": files,
            "examples": [{"file": f, "row": r} for f, r in where[:MAX_EXAMPLES]],
            "note": "the same case, activity, timestamp and resource more than once in one source; kept"}
