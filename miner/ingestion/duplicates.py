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


def _keys(frame: pd.DataFrame, unit: str, with_resource: bool) -> pd.DataFrame:
    stamps = frame[E.TIMESTAMP].astype("datetime64[ns]").dt.floor(unit)
    keys = pd.DataFrame({"c": frame[E.CASE].astype("str").to_numpy(), "a": frame[E.ACTIVITY].astype("str").to_numpy(),
                         "t": stamps.to_numpy()})
    if with_resource:
        keys["r"] = frame[E.RESOURCE].astype("str").fillna("").to_numpy()
    keys["n"] = keys.groupby(list(keys.columns), sort=False, dropna=False).cumcount()
    return keys


def _has_resource(frame: pd.DataFrame) -> bool:
    return E.RESOURCE in frame.columns and bool(frame[E.RESOURCE].notna().any())


def _copies(frame: pd.DataFrame, earlier: pd.DataFrame, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``frame`` of events ``earlier`` holds, and the positions of those in ``earlier``.

    The n-th occurrence of an event in ``frame`` matches its n-th occurrence in ``earlier``, so
    a source that holds an event twice where the other holds it once keeps one copy.
    """
    with_resource = _has_resource(frame) and _has_resource(earlier)
    left = _keys(frame, unit, with_resource).assign(pos=np.arange(len(frame)))
    right = _keys(earlier, unit, with_resource).assign(orig=np.arange(len(earlier)))
    on = [c for c in left.columns if c != "pos"]
    matched = left.merge(right, on=on, how="inner", sort=False)
    matched = matched.sort_values("pos", kind="stable")
    return matched["pos"].to_numpy(dtype=np.int64), matched["orig"].to_numpy(dtype=np.int64)


def _where(frame: pd.DataFrame, positions: np.ndarray) -> list[tuple[str, int]]:
    files = frame[E.FILE].to_numpy()[positions] if E.FILE in frame.columns else [""] * len(positions)
    rows = frame[E.ROW].to_numpy()[positions] if E.ROW in frame.columns else positions + 1
    return [(str(f), int(r)) for f, r in zip(files, rows)]


def _account(read: SourceRead, earlier: SourceRead, copies: np.ndarray, originals: np.ndarray,
             dropped_from: dict[str, dict[str, int]]) -> None:
    copy_at = _where(read.frame, copies)
    orig_at = _where(earlier.frame, originals)
    examples = [{"file": f, "row": r, "copy_of": f"{of}:{orow}"}
                for (f, r), (of, orow) in zip(copy_at[:MAX_EXAMPLES], orig_at[:MAX_EXAMPLES])]
    read.problems.exclude(DUPLICATE, len(copies), examples)
    for (file, _), (of, _) in zip(copy_at, orig_at):
        counts = dropped_from.setdefault(file, {})
        counts[of] = counts.get(of, 0) + 1


def identical_rows(reads: list[SourceRead]) -> dict[str, Any] | None:
    """Count events that repeat exactly within one source (kept, but worth a look).

    Returns:
        ``{"kind": "identical_rows", "count", "files": {file: count}, "examples": [{file, row, same_as}]}``
        or None when there are none.
    """
    count, files, examples = 0, {}, []
    for read in reads:
        frame = read.frame
        if frame is None or len(frame) < 2:
            continue
        columns = [c for c in (E.CASE, E.ACTIVITY, E.TIMESTAMP, E.RESOURCE) if c in frame.columns]
        codes = pd.DataFrame({c: pd.factorize(frame[c], use_na_sentinel=True)[0] for c in columns})
        repeat = codes.duplicated(keep="first").to_numpy()
        n = int(repeat.sum())
        if not n:
            continue
        count += n
        where = _where(frame, np.flatnonzero(repeat))
        for file, _ in where:
            files[file] = files.get(file, 0) + 1
        examples += [{"file": f, "row": r} for f, r in where[: MAX_EXAMPLES - len(examples)]]
    if not count:
        return None
    return {"kind": "identical_rows", "count": count, "files": files, "examples": examples,
            "note": "the same case, activity, timestamp and resource more than once in one source; kept"}
