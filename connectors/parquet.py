"""Canonical logs saved by ``miner ingest -o LOG.parquet`` (or any parquet with pm4py column names)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from miner import eventlog as E
from miner.errors import ColumnError, FormatError
from miner.rejects import RowProblems, SourceInfo, SourceRead


def read_parquet(path: str | Path) -> SourceRead:
    """Read a parquet event log; it must have the canonical case, activity and timestamp columns."""
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
    return SourceRead(frame, info, RowProblems())
