"""Canonical logs saved by ``miner ingest -o LOG.parquet`` (or any parquet with pm4py column names)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from miner import eventlog as E
from miner.errors import ColumnError, FormatError
from miner.rejects import IngestReport, RowProblems, SourceInfo, SourceRead


def read_parquet(path: str | Path) -> SourceRead:
    """Read a parquet event log; it must have the canonical case, activity and timestamp columns.

    A log written by ``miner ingest -o LOG.parquet`` has its report beside it
    (``LOG.parquet.ingest.json``): the read carries it, so that the rows the original sources
    rejected or excluded stay accounted for (CONTRACTS.md §6). A report that does not match the
    log (another number of events) is not carried, and the details say why.

    Example:
        >>> read_parquet("sales.parquet").carried.rejected  # doctest: +SKIP
        5
    """
    path = Path(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for damaged files
        raise FormatError(f"{path.name}: a damaged parquet file ({exc}). Write it again.") from exc
    missing = [c for c in E.REQUIRED if c not in frame.columns]
    if missing:
        raise ColumnError(f"{path.name}: a parquet file without the event-log columns {missing}. "
                          "Create it with `miner ingest ... -o LOG.parquet`.")
    if E.FILE not in frame.columns:
        frame[E.FILE] = path.name
    if E.SYSTEM not in frame.columns:
        frame[E.SYSTEM] = "parquet"
    info = SourceInfo(file=path.name, kind="parquet", rows_read=len(frame),
                      columns={"case": E.CASE, "activity": E.ACTIVITY, "timestamp": E.TIMESTAMP})
    carried = _carried_report(path, len(frame), info)
    return SourceRead(frame, info, RowProblems(), carried)


def _carried_report(path: Path, events: int, info: SourceInfo) -> IngestReport | None:
    beside = path.with_name(path.name + ".ingest.json")
    if not beside.is_file():
        return None
    try:
        report = IngestReport.read(beside)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        info.details["ingest_report"] = f"{beside.name} is not readable ({type(exc).__name__}); not carried"
        return None
    if report.events != events:
        info.details["ingest_report"] = (f"{beside.name} counts {report.events} events, the log has {events}: "
                                         "the log was changed after ingest; its report is not carried")
        return None
    return report
