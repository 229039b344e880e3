"""Read a text 1C journal (``1Cv8.lgf`` + ``*.lgp``) of any size into a parquet log in bounded memory.

Pass 1 cuts every ``.lgp`` into byte ranges that start at a record (:func:`record_ranges`) and reads
them in worker processes, both cores at a time: each range becomes one *part* — its candidate events
(the same code as the in-memory reader: :func:`connectors.onec.events.build_events`) written to a
parquet file, plus what its records say about their transactions. Nothing of a part stays in memory.
Pass 2 (:mod:`connectors.onec.outofcore`) lets DuckDB decide the transaction outcomes, the case of
every event (which needs the whole journal: an object's latest presentation, a session's runs) and
the activities, and sort the events into the output, spilling to disk beyond its memory limit.

Example:
    >>> read = stream_onec_journal("1Cv8Log", "journal.parquet", case_notion="session")  # doctest: +SKIP
    >>> read.info.rows_read == read.events + read.problems.rejected + read.problems.excluded  # doctest: +SKIP
    True
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from connectors.onec.cases import Cat
from connectors.onec.brackets import CHUNK_BYTES, BrokenRecord, iter_record_batches, record_ranges
from connectors.onec.events import CASE_NOTIONS, OUTCOMES, TITLE_TO_EVENT, CaseNotion, build_events
from connectors.onec.filters import JournalFilter
from connectors.onec.lgf import Refresher, read_header, read_lgf, release_memory
from connectors.onec.lgp import DATA, OTHER, RECORD_PATTERN, _assemble, _Collector, _separator, convert_slow, \
    txn_facts
from miner.errors import InputError, ValueProblemError
from miner.rejects import RowProblems, SourceInfo

__all__ = ["StreamedRead", "stream_onec_journal", "PART_BYTES"]

PART_BYTES = 48 << 20  # one part: ~350 000 records, ~0.3 GB of a worker's memory at most
log = logging.getLogger("miner")
_DICTIONARIES: dict[str, Refresher] = {}  # per worker process: the lgf is read once


@dataclass
class PartTask:
    """One byte range of one lgp file, and how to read it."""

    part: int
    file_id: int
    path: Path
    start: int
    end: int
    lgf: Path
    folder: Path
    case_notion: str
    filt: JournalFilter
    chunk_bytes: int = CHUNK_BYTES


@dataclass
class PartResult:
    """What a worker tells about its part (the events themselves are in ``part-N.parquet``)."""

    part: int
    file_id: int
    records: int
    events: int
    problems: RowProblems
    broken: list[BrokenRecord]
    unknown: list[dict[str, Any]]
    starts: dict[int, int] = field(default_factory=dict)  # session → Session.Start records in the part
    lgf_broken: list[str] = field(default_factory=list)


@dataclass
class StreamedRead:
    """The result of :func:`stream_onec_journal`: the report's facts; the log is in ``output``."""

    info: SourceInfo
    problems: RowProblems
    events: int
    output: Path


def _dictionary(lgf: Path) -> Refresher:
    key = str(lgf)
    if key not in _DICTIONARIES:
        _DICTIONARIES[key] = Refresher(read_lgf(lgf))
    return _DICTIONARIES[key]


def read_part(task: PartTask) -> PartResult:
    """Read one byte range into ``part-N.parquet`` and ``txn-N.parquet`` under ``task.folder``."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    refresh = _dictionary(task.lgf)
    keep = (DATA,) if task.case_notion == "object" else (OTHER, DATA)
    collect = _Collector(refresh, keep, task.lgf.name, task.filt)
    header = task.start == read_header(task.path)
    for batch in iter_record_batches(task.path, task.start, RECORD_PATTERN, _separator(task.path), convert_slow,
                                     chunk_bytes=task.chunk_bytes, end=task.end, line=None if header else 1):
        collect.add(batch, 0, task.path.name)
        del batch
    result = PartResult(task.part, task.file_id, collect.records, 0, collect.problems, [b for _, b in collect.broken],
                        [])
    if not collect.txn:
        return result
    keys, rb, cm, cand = txn_facts(collect)
    inside = np.ones(len(keys), dtype=bool)
    none = pc.index(keys, b"0,0").as_py()
    if none >= 0:
        inside[none] = False
    pq.write_table(pa.table({"key": keys.filter(pa.array(inside)).cast(pa.string()), "rb": rb[inside],
                             "cm": cm[inside]}), task.folder / f"txn-{task.part:06d}.parquet")
    read = _assemble(collect, [task.path.name], True, (np.zeros(len(cand), np.int8), cand, {}))
    result.unknown, result.lgf_broken = read.unknown, read.lgf_broken
    raw = read.frame
    del read
    txn_of = raw["txn"].to_numpy().astype(np.int64)
    built = build_events(raw, case_notion=task.case_notion, include_rolled_back=True,  # type: ignore[arg-type]
                         outcome=pd.Categorical.from_codes(np.zeros(len(raw), np.int8), categories=OUTCOMES),
                         transactions={}, deferred=True)
    del raw
    result.problems.merge(built.problems)
    result.events = len(built.frame)
    table = _part_table(built, txn_of, keys, task, result)
    pq.write_table(table, task.folder / f"part-{task.part:06d}.parquet", row_group_size=1 << 20,
                   write_statistics=False)  # read once, whole: statistics would only cost time
    release_memory()
    return result


def _part_table(built: Any, txn_of: np.ndarray, keys: Any, task: PartTask, result: PartResult) -> Any:
    """The part's events as an arrow table, without the case and activity pass 2 decides, plus helpers."""
    import pyarrow as pa

    from miner import eventlog as ev

    frame, pres = built.frame, built.presentations
    assert built.keep is not None and pres is not None
    txn = txn_of[built.keep]
    helpers: dict[str, Any] = {
        "_part": pa.array(np.full(len(frame), task.part, np.int32)),
        "_txn": keys.cast(pa.string()).take(pa.array(np.maximum(txn, 0), mask=txn < 0)),
        "_data": pa.array(Cat(frame["onec:event"]).mask(lambda c: c.startswith("_$Data$_."))),
        "_pres": pres.cat.arrow.take(pa.array(np.maximum(pres.cat.codes, 0), mask=pres.cat.codes < 0))
        if len(pres.cat.categories) else pa.nulls(len(frame), pa.string()),
        "_isdoc": pa.array(pres.is_doc[pres.at(pres.cat.codes)]),
        "_pkind": pres.kind.take(pa.array(pres.at(pres.cat.codes))) if len(pres.kind) else pa.nulls(len(frame),
                                                                                                    pa.string()),
    }
    if task.case_notion == "object":
        helpers["_obj"] = _object_keys(frame, helpers["_pres"])
    elif task.case_notion == "session":
        session = frame["onec:session"].to_numpy()
        start = Cat(frame["onec:event"]).mask(lambda c: c == "_$Session$_.Start").astype(np.int64)
        helpers["_run"] = pa.array(pd.Series(start).groupby(session).cumsum().to_numpy())
        counts = pd.Series(start).groupby(session).sum()
        result.starts = {int(s): int(n) for s, n in counts.items()}  # every session of the part needs its offset
    else:
        helpers["_case"] = pa.array(frame[ev.CASE].array, pa.string())
    frame = frame.drop(columns=[ev.CASE, ev.ACTIVITY])
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.cast(pa.schema([pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
                                  for f in table.schema]))
    for name, column in helpers.items():
        table = table.append_column(name, column)
    return table


def _object_keys(frame: pd.DataFrame, pres: Any) -> Any:
    """The object of each event: its reference (GUID), else metadata + data value, else metadata + presentation."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ref, data, meta = (_text(frame[c]).fill_null("") for c in ("onec:ref", "onec:data", "onec:metadata"))
    rest = pc.if_else(pc.not_equal(data, ""), pc.binary_join_element_wise("d", meta, data, "\x1f"),
                      pc.binary_join_element_wise("p", meta, pres.fill_null(""), "\x1f"))
    return pc.if_else(pc.not_equal(ref, ""), ref, rest)


def _text(column: pd.Series) -> Any:
    """A text column as a plain pyarrow string array (categoricals decoded in C)."""
    import pyarrow as pa

    array = pa.array(column.array)
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    return array.cast(pa.string())


def _tasks(lgps: list[Path], lgf: Path, folder: Path, case_notion: str, filt: JournalFilter, part_bytes: int,
           chunk_bytes: int) -> list[PartTask]:
    tasks: list[PartTask] = []
    for file_id, path in enumerate(lgps):
        for start, end in record_ranges(path, read_header(path), _separator(path), part_bytes):
            tasks.append(PartTask(len(tasks), file_id, path, start, end, lgf, folder, case_notion, filt,
                                  min(chunk_bytes, part_bytes)))
    return tasks


def _run_parts(tasks: list[PartTask], workers: int, progress: Callable[[int], None] | None) -> list[PartResult]:
    """Read the parts, ``workers`` processes at a time (in this process when 1), in task order."""
    if workers <= 1 or len(tasks) <= 1:
        out = []
        for task in tasks:
            out.append(read_part(task))
            if progress:
                progress(task.end - task.start)
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import pyarrow.compute  # noqa: F401  (imported and the dictionary read once, before the workers fork)
    import pyarrow.parquet  # noqa: F401

    _dictionary(tasks[0].lgf)

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        results = []
        for task, result in zip(tasks, pool.map(read_part, tasks)):
            results.append(result)
            if progress:
                progress(task.end - task.start)
    return results


def stream_onec_journal(path: str | Path, output: str | Path, *, case_notion: CaseNotion = "object",
                        include_rolled_back: bool = False, strict: bool = False, system: str = "1C",
                        date_from: str | None = None, date_to: str | None = None,
                        events: Sequence[str] | str | None = None, progress: Callable[[int], None] | None = None,
                        workers: int | None = None, part_bytes: int = PART_BYTES, chunk_bytes: int = CHUNK_BYTES,
                        memory_limit: str = "1GB") -> StreamedRead:
    """Read a text journal into the parquet log ``output`` without holding it in memory.

    The events, their order and the record accounting are those of
    :func:`connectors.onec.journal.read_onec_journal` followed by writing the log (see
    ``docs/onec.md`` for the rare label differences).

    Args:
        path: a ``1Cv8Log`` folder, its ``1Cv8.lgf`` or one ``.lgp``.
        output: the ``.parquet`` to write.
        case_notion, include_rolled_back, strict, date_from, date_to, events: as in
            :func:`~connectors.onec.journal.read_onec_journal`.
        system: the value of ``source:system``.
        progress: called with the bytes read as parts finish.
        workers: processes that read parts (default: the CPUs this process may use, at most 2).
        part_bytes: bytes per part; chunk_bytes: read size inside a part (tests make both tiny).
        memory_limit: DuckDB's memory limit for pass 2 (it spills to disk beyond it).
    Returns:
        :class:`StreamedRead`.
    Raises:
        FormatError: not a text journal. ValueProblemError: ``strict`` and a record is broken.
    """
    from connectors.onec.journal import _pick_files
    from connectors.onec.outofcore import finish

    if case_notion not in CASE_NOTIONS:
        raise InputError(f"unknown case notion '{case_notion}'; use one of: {', '.join(CASE_NOTIONS)}")
    filt = JournalFilter.build(date_from, date_to, events, titles=TITLE_TO_EVENT)
    path, output = Path(path), Path(output)
    kind, lgps, lgf, notes = _pick_files(path)
    if kind != "lgp" or lgf is None or not lgps:
        raise InputError(f"{path}: streaming reads the text journal (1Cv8.lgf + *.lgp) only; this is {kind}.")
    output.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        tasks = _tasks(lgps, lgf, folder, case_notion, filt, part_bytes, chunk_bytes)
        started = time.perf_counter()
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        results = _run_parts(tasks, workers or min(2, cpus), progress)
        log.info("1C journal: %d records read in %d parts in %.1f s; deciding transactions and cases",
                 sum(r.records for r in results), len(tasks), time.perf_counter() - started)
        problems, records, offsets = _account(results, tasks, strict)
        details: dict[str, Any] = {"format": "lgp", "files": [p.name for p in lgps], "streamed": True, **notes}
        if filt.active:
            details["filters"] = filt.describe()
        _warnings(results, details, lgf.name)
        events_n, extra = finish(folder, output, case_notion=case_notion, include_rolled_back=include_rolled_back,
                                 system=system, offsets=offsets, problems=problems, memory_limit=memory_limit)
        details.update(extra, case_notion=case_notion, records=records)
        log.info("1C journal: %d events written to %s in %.1f s in all", events_n, output.name,
                 time.perf_counter() - started)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    info = SourceInfo(file=str(path), kind="onec-journal", rows_read=records, encoding="utf-8",
                      columns={"case": case_notion, "activity": "event + metadata", "timestamp": "date",
                               "resource": "user"}, details=details)
    return StreamedRead(info, problems, events_n, output)


def _account(results: list[PartResult], tasks: list[PartTask],
             strict: bool) -> tuple[RowProblems, int, dict[str, pd.DataFrame]]:
    """Turn part-local record numbers into file record numbers; merge the problems; session offsets."""
    problems = RowProblems()
    done: dict[int, int] = {}
    runs: dict[int, int] = {}
    rows, sessions = [], []
    for task, result in zip(tasks, results):
        base = done.get(task.file_id, 0)
        done[task.file_id] = base + result.records
        rows.append((task.part, task.file_id, base))
        for session, count in result.starts.items():
            sessions.append((task.part, session, runs.get(session, 0)))
            runs[session] = runs.get(session, 0) + count
        for reason in result.problems.reasons:
            for example in reason.examples:
                example["row"] = int(example.get("row", 0)) + base
        problems.merge(result.problems)
        for broken in result.broken:
            where = f"{task.path.name}, запись {broken.record + base}, байт {broken.offset}"
            if strict:
                raise ValueProblemError(f"{where}: broken journal record: {broken.reason}. Without --strict it is "
                                        "skipped and counted, and the rest of the file is read.")
            problems.reject("broken journal record", task.path.name, [broken.record + base],
                            values=[f"байт {broken.offset}: {broken.reason}"])
        for unknown in result.unknown:
            unknown["row"] = int(unknown["row"]) + base
    if strict and problems.rejected:
        first = next(r for r in problems.reasons if not r.excluded)
        ex = first.examples[0] if first.examples else {}
        raise ValueProblemError(f"{ex.get('file', '?')}, запись {ex.get('row', '?')}: {first.reason} "
                                f"({first.count} records like this). Without --strict they are skipped and counted.")
    offsets = {"parts": pd.DataFrame(rows, columns=["_part", "file_id", "row_off"]),
               "runs": pd.DataFrame(sessions, columns=["_part", "session", "run_off"])}
    return problems, sum(r.records for r in results), offsets


def _warnings(results: list[PartResult], details: dict[str, Any], lgf_name: str) -> None:
    unknown: dict[tuple[str, int], dict[str, Any]] = {}
    for result in results:
        for u in result.unknown:
            key = (u["table"], u["code"])
            if key in unknown:
                unknown[key]["records"] += u["records"]
            else:
                unknown[key] = dict(u)
    warnings = list(dict.fromkeys(w for r in results for w in r.lgf_broken))
    if unknown:
        details["unknown_codes"] = list(unknown.values())
        warnings += [f"{u['file']}, запись {u['row']}: {lgf_name} has no {u['table']} code {u['code']} "
                     f"({u['records']} records); copy 1Cv8.lgf again, after the *.lgp files" for u in unknown.values()]
    if warnings:
        details["warnings"] = warnings
