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
        frame = _read(path)
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


# From this many rows the text columns are read as categories (integer codes + the distinct values):
# at 10^7 events that is ~3 s and ~2 GB less than a string per row, and the analyses take either.
DICTIONARY_FROM = E.CATEGORIES_FROM


def _read(path: Path) -> pd.DataFrame:
    """Read the file; a big one with its text columns as categories."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path)
    if meta.metadata.num_rows < DICTIONARY_FROM:
        return pd.read_parquet(path)
    text = [f.name for f in meta.schema_arrow if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    table = pq.read_table(path, read_dictionary=text).unify_dictionaries()
    columns = {name: E.arrow_categories(column) if pa.types.is_dictionary(column.type)
               else column.to_pandas() for name, column in zip(table.column_names, table.columns)}
    return pd.DataFrame(columns, copy=False)


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
