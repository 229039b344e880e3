"""XES and XES.gz event logs (IEEE 1849), read with pm4py."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from miner import eventlog as E
from miner.errors import FormatError
from miner.rejects import RowProblems, SourceInfo, SourceRead


def read_xes(path: str | Path, *, strict: bool = False, progress: bool = False) -> SourceRead:
    """Read an XES log; events without a case, activity or timestamp are rejected and counted."""
    import sys
    import warnings

    import pm4py

    path = Path(path)
    try:
        with warnings.catch_warnings():  # pm4py advertises an optional faster parser on every read
            warnings.filterwarnings("ignore", message=".*r4pm.*")
            frame = pm4py.read_xes(str(path), return_legacy_log_object=False,
                                   show_progress_bar=progress and sys.stderr.isatty())
    except Exception as exc:  # pm4py raises bare exceptions of many kinds for broken XML
        raise FormatError(f"{path.name}: not a readable XES log ({type(exc).__name__}: {exc}). "
                          "Check that the export finished, or re-export it.") from exc
    if not isinstance(frame, pd.DataFrame):
        frame = pm4py.convert_to_dataframe(frame)
    frame = frame.reset_index(drop=True)
    problems = RowProblems()
    rows = pd.Series(range(1, len(frame) + 1))
    keep = pd.Series(True, index=frame.index)
    for col, reason in ((E.CASE, "empty case id"), (E.ACTIVITY, "empty activity"), (E.TIMESTAMP, "empty date")):
        if col not in frame.columns:
            raise FormatError(f"{path.name}: the XES log has no '{col}' attribute on its events or traces.")
        bad = frame[col].isna() & keep
        if strict and bad.any():
            raise FormatError(f"{path.name}, event {int(rows[bad].iloc[0])}: {reason}.")
        problems.reject(reason, path.name, rows[bad].tolist(), col)
        keep &= ~bad
    out = frame[keep].copy()
    out[E.ROW] = rows[keep].to_numpy()
    out[E.SYSTEM] = "XES"
    out[E.FILE] = path.name
    info = SourceInfo(file=path.name, kind="xes", rows_read=len(frame),
                      columns={"case": E.CASE, "activity": E.ACTIVITY, "timestamp": E.TIMESTAMP})
    return SourceRead(out, info, problems)
