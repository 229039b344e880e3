"""Read any supported sources into one canonical event log, with a report of every row.

This module is the wiring between ``miner`` and ``connectors`` (like the CLI): connectors are
imported lazily, by kind, through :mod:`connectors.registry`.
"""
from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from miner import eventlog as E
from miner.errors import InputError
from miner.prepared import PreparedLog, source_names
from miner.progress import ticking
from miner.rejects import IngestReport, RowProblems, SourceInfo, SourceRead

log = logging.getLogger("miner")

PathLike = str | Path


@dataclass(frozen=True)
class IngestResult:
    """The canonical log and the report that accounts for every input row."""

    log: pd.DataFrame
    report: IngestReport
    output: Path | None = None

    def __repr__(self) -> str:
        files = ", ".join(s.file for s in self.report.sources)
        return f"IngestResult({files}: {self.report.summary()})"

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{r.reason}</td><td>{r.count}</td></tr>" for r in self.report.reasons)
        table = f"<table><tr><th>reason</th><th>rows</th></tr>{rows}</table>" if rows else ""
        return f"<p><b>{self.report.summary()}</b></p>{table}{self.log.head(10).to_html()}"


def _as_list(sources: PathLike | Sequence[PathLike]) -> list[Path]:
    if isinstance(sources, (str, Path)):
        return [Path(sources)]
    return [Path(s) for s in sources]


def ingest(sources: PathLike | Sequence[PathLike], output: PathLike | None = None, *, kind: str | None = None,
           system: str | None = None, progress: bool = False, **options: Any) -> IngestResult:
    """Read ``sources`` into one canonical event log; write it and its report if ``output`` is given.

    Args:
        sources: files (CSV/TXT, XLSX/XLS, XES, parquet, 1C journal or document lists, bank statements).
        output: ``.parquet``, ``.csv`` or ``.xes``; the report goes to ``output + ".ingest.json"``.
        kind: force the source kind for all files (see ``connectors.KINDS``); detected when None.
        system: value of ``source:system`` for these sources (default: by kind, "1C" for files named *1c*).
        progress: show progress on stderr while reading (only when it is a terminal).
        **options: column mapping (``case``, ``activity``, ``timestamp``, ``resource``, ``role``,
            ``department``), ``encoding``, ``sep``, ``date_format``, ``sheet``, ``strict`` and
            connector options (``tz``, ``case_notion``...); each reader takes those it knows.
    Returns:
        IngestResult with ``.log`` (DataFrame) and ``.report`` (IngestReport).
    Raises:
        InputError: a source cannot be read; the message names file, row and column.
    Example:
        >>> result = ingest(["sample_data/sales_1c.csv", "sample_data/warehouse.xlsx"])  # doctest: +SKIP
        >>> result.report.rows_read == result.report.rows_used + result.report.rejected + result.report.excluded
        True
    """
    from connectors.registry import MULTI_FILE_KINDS, call_with_known, detect_kind, reader_for

    paths = _as_list(sources)
    if not paths:
        raise InputError("no sources given")
    kinds = {p: kind or detect_kind(p) for p in paths}
    from miner.ingestion.streaming import stream_if_big  # a big 1C journal: straight to parquet

    streamed = stream_if_big(paths, kinds, output, system=system, progress=progress, **options)
    if streamed is not None:
        return IngestResult(*streamed)
    reads: list[SourceRead] = []
    grouped: dict[str, list[Path]] = {}
    for p in paths:
        grouped.setdefault(kinds[p], []).append(p)
    for k, group in grouped.items():
        reader = reader_for(k)
        own_bar = "progress" in inspect.signature(reader).parameters  # the 1C readers count records
        calls = [group] if k in MULTI_FILE_KINDS else [[p] for p in group]
        for files in calls:
            target = files if k in MULTI_FILE_KINDS else files[0]
            label = ", ".join(f.name for f in files)
            with ticking(f"{label}: reading", enabled=progress and not own_bar):
                read = call_with_known(reader, target, progress=progress, **options)
            for r in read if isinstance(read, list) else [read]:
                reads.append(r)
                log.info("%s: %s; %s", r.info.file, r.info.kind, _mapping_line(r.info))
    reads = _join_journal(reads, options)
    if system:
        for r in reads:
            r.frame[E.SYSTEM] = system
    else:
        _name_1c_exports(reads)
    problems = RowProblems()
    for r in reads:
        problems.merge(r.problems)
    frames = [r.frame for r in reads]
    for r in reads:  # the log below owns the events now; drop the other references to them
        r.frame = None
    frame = pd.concat(frames, ignore_index=True, sort=False) if len(frames) > 1 else frames[0]
    frames.clear()
    holder = [frame]
    del frame
    with ticking("sorting events", enabled=progress):
        canonical = E.finalize_owned(holder)
    report = IngestReport.build([r.info for r in reads], problems, events=len(canonical))
    out_path = None
    if output is not None:
        with ticking(f"writing {Path(output).name}", enabled=progress):
            out_path = E.write_log(canonical, output)
        report.write(str(out_path) + ".ingest.json")
    return IngestResult(canonical, report, out_path)


def _mapping_line(info: SourceInfo) -> str:
    from connectors.tables.columns import describe

    if not info.columns or info.kind not in ("csv", "excel"):
        return f"{info.rows_read} rows"
    return f"columns: {describe(info.columns)} (correct with --case/--activity/--timestamp/...)"


def _name_1c_exports(reads: list[SourceRead]) -> None:
    """A CSV/XLSX whose file name says 1C (``sales_1c.csv``, ``заказы_1С.xlsx``) holds 1C records."""
    for r in reads:
        stem = Path(r.info.file).stem.casefold()
        if r.info.kind in ("csv", "excel") and ("1c" in stem or "1с" in stem):
            r.frame[E.SYSTEM] = "1C"


def _join_journal(reads: list[SourceRead], options: dict[str, Any]) -> list[SourceRead]:
    """Enrich 1C document events with journal entry times when both kinds were given."""
    docs = [r for r in reads if r.info.kind == "onec-documents"]
    journal = [r for r in reads if r.info.kind == "onec-journal"]
    if not docs or not journal:
        return reads
    try:
        from connectors.onec.join import join_journal
    except ModuleNotFoundError:
        return reads
    joined = join_journal(pd.concat([d.frame for d in docs], ignore_index=True),
                          pd.concat([j.frame for j in journal], ignore_index=True))
    docs[0].frame = joined
    for d in docs[1:]:
        d.frame = d.frame.iloc[0:0]
    return reads


def prepare_log(source: PathLike | Sequence[PathLike] | pd.DataFrame | IngestResult | PreparedLog,
                **options: Any) -> PreparedLog:
    """Return the :class:`~miner.prepared.PreparedLog` of ``source``, reading files only once.

    A PreparedLog is returned as it is; an IngestResult keeps its report; file(s) are ingested.

    Example:
        >>> log = prepare_log("orders.parquet")  # doctest: +SKIP
        >>> log.variants  # computed once, shared by every analysis  # doctest: +SKIP
    """
    if isinstance(source, PreparedLog):
        return source
    if isinstance(source, IngestResult):
        return PreparedLog(source.log, source.report, source_names(source.log))
    if isinstance(source, pd.DataFrame):
        frame = read_log(source)
        return PreparedLog(frame, None, source_names(frame))
    result = ingest(source, **options)
    return PreparedLog(result.log, result.report, source_names(result.log))


def read_log(source: PathLike | Sequence[PathLike] | pd.DataFrame | IngestResult | PreparedLog,
             **options: Any) -> pd.DataFrame:
    """Return the canonical log of ``source``: a DataFrame, an IngestResult, or file(s) to ingest.

    Raises:
        InputError: a DataFrame lacks the canonical columns, or a file cannot be read.
    Example:
        >>> log = read_log("orders.parquet")  # doctest: +SKIP
    """
    if isinstance(source, IngestResult):
        return source.log
    if isinstance(source, PreparedLog):
        return source.frame
    if isinstance(source, pd.DataFrame):
        missing = [c for c in E.REQUIRED if c not in source.columns]
        if missing:
            raise InputError(f"the DataFrame lacks the columns {missing}; build it with "
                             "miner.read_log or miner.eventlog.finalize")
        return source if _is_final(source) else E.finalize(source)
    return ingest(source, **options).log


def _is_final(frame: pd.DataFrame) -> bool:
    return list(frame.columns[: len(E.COLUMNS)]) == list(E.COLUMNS) and \
        pd.api.types.is_datetime64_any_dtype(frame[E.TIMESTAMP])


