"""Read any supported sources into one canonical event log, with a report of every row.

This module is the wiring between ``miner`` and ``connectors`` (like the CLI): connectors are
imported lazily, by kind, through :mod:`connectors.registry`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import pandas as pd

from miner import eventlog as E
from miner.errors import InputError
from miner.prepared import PreparedLog, source_names
from miner.progress import ticking
from miner.rejects import IngestReport, RowProblems, SourceRead

if TYPE_CHECKING:
    from connectors.options import ReadOptions

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
        import html

        rows = "".join(f"<tr><td>{html.escape(r.reason)}</td><td>{r.count}</td></tr>" for r in self.report.reasons)
        table = f"<table><tr><th>reason</th><th>rows</th></tr>{rows}</table>" if rows else ""
        return f"<p><b>{html.escape(self.report.summary())}</b></p>{table}{self.log.head(10).to_html()}"


def _as_list(sources: PathLike | Sequence[PathLike]) -> list[Path]:
    if isinstance(sources, (str, Path)):
        return [Path(sources)]
    return [Path(s) for s in sources]


def ingest(sources: PathLike | Sequence[PathLike], output: PathLike | None = None, *, progress: bool = False,
           options: ReadOptions | None = None, categories: bool = False, **keywords: Any) -> IngestResult:
    """Read ``sources`` into one canonical event log; write it and its report if ``output`` is given.

    Args:
        sources: files (CSV/TXT, XLSX/XLS, XES, parquet, 1C journal or document lists, bank
            statements) or folders of them.
        output: ``.parquet``, ``.csv`` or ``.xes``; the report goes to ``output + ".ingest.json"``.
        progress: show progress on stderr while reading (only when it is a terminal).
        options: a :class:`connectors.options.ReadOptions`; keywords given beside it win.
        categories: a log of 10^6 events or more holds its text columns as categories
            (``eventlog.CATEGORIES_FROM``); keep the case and activity so too. By default they are
            text, as pm4py needs them.
        **keywords: any field of ``ReadOptions``: the column mapping (``case``, ``activity``,
            ``timestamp``, ``resource``, ``role``, ``department``, ``client``, ``entered``; a name,
            or ``{file: column}`` per source), ``kind``, ``system``, ``encoding``, ``sep``,
            ``date_format``, ``sheet``, ``header_row``, ``strict`` and the 1C options.
    Returns:
        IngestResult with ``.log`` (DataFrame) and ``.report`` (IngestReport).
    Raises:
        UnknownOptionError: a keyword is no read option (the message suggests the close one).
        InputError: a source cannot be read; the message names file, row and column.
    Example:
        >>> result = ingest(["sample_data/sales_1c.csv", "sample_data/warehouse.xlsx"])  # doctest: +SKIP
        >>> result.report.rows_read == result.report.rows_used + result.report.rejected + result.report.excluded
        True
    """
    from connectors.options import ReadOptions
    from miner.ingestion.sources import expand, read_sources

    opts = ReadOptions.build(options, **keywords)
    paths = _as_list(sources)
    if not paths:
        raise InputError("no sources given")
    notes: list[str] = []
    kinds = expand(paths, opts.kind)
    from miner.ingestion.streaming import stream_if_big  # a big 1C journal: straight to parquet

    streamed = stream_if_big(list(kinds), kinds, output, system=opts.system, progress=progress,
                             **opts.for_kind("onec-journal"))
    if streamed is not None:
        return IngestResult(*streamed)
    reads = read_sources(kinds, opts, progress, notes)
    reads = _join_journal(reads)
    if opts.system:
        for r in reads:
            r.frame[E.SYSTEM] = opts.system
    else:
        _name_1c_exports(reads)
    canonical, report = _one_log(reads, notes, progress, categories)
    out_path = None
    if output is not None:
        with ticking(f"writing {Path(output).name}", enabled=progress):
            out_path = E.write_log(canonical, output)
        report.write(str(out_path) + ".ingest.json")
    return IngestResult(canonical, report, out_path)


def _one_log(reads: list[SourceRead], notes: list[str], progress: bool,
             categories: bool = False) -> tuple[pd.DataFrame, IngestReport]:
    """Drop copies across sources, concatenate, check, sort; the report accounts for every row."""
    from miner.ingestion.duplicates import drop_duplicates, identical_rows
    from miner.ingestion.quality import fill_case_client, onec_placeholders
    from miner.ingestion.sources import infos

    quality = [item for r in reads if r.carried is not None for item in r.carried.data_quality]
    quality += [item for r in reads for item in r.info.details.pop("data_quality", [])]
    notes += [n for r in reads if r.carried is not None for n in r.carried.warnings if n not in notes]
    if len(reads) > 1:
        drop_duplicates(reads)
    problems = RowProblems()
    for r in reads:
        problems.merge(r.problems)
    sources_read = [info for r in reads for info in infos(r)]
    frames = [r.frame for r in reads]
    for r in reads:  # the log below owns the events now; drop the other references to them
        r.frame = None
    frame = pd.concat(frames, ignore_index=True, sort=False) if len(frames) > 1 else frames[0]
    frames.clear()
    quality += onec_placeholders(frame)
    fill_case_client(frame)
    holder = [frame]
    del frame
    with ticking("sorting events", enabled=progress):
        canonical = E.finalize_owned(holder, categories=categories)
    same = identical_rows(canonical)
    quality += [same] if same else []
    report = IngestReport.build(sources_read, problems, events=len(canonical), data_quality=_merged(quality),
                                warnings=notes)
    for item in report.data_quality:
        log.info("%s", _quality_line(item))
    return canonical, report


def _quality_line(item: dict[str, Any]) -> str:
    """One stderr line for a data-quality item of the ingest report."""
    n, kind = item["count"], item["kind"]
    if kind == "unlinked_documents":
        kept = "kept as cases of their own" if item.get("kept") else "left out of the cases (--keep-unlinked keeps them)"
        total = item.get("amount")
        amount = ", amount " + f"{total:,.2f}".replace(",", "\u00a0") if total is not None else ""
        return f"data quality: {n} document(s) linked to no order{amount}: {kept}"
    if kind == "identical_rows":
        return f"data quality: {n} events repeat exactly within one source (kept): {item.get('files')}"
    if kind == "empty_placeholder":
        return f"data quality: {n} 1C empty references («<Не указан>», «<Пусто>») read as missing values"
    if kind == "broken_reference":
        return f"data quality: {n} references to deleted 1C objects («<Объект не найден>»), kept as text"
    return f"data quality: {kind}: {n}"


def _merged(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One data-quality item per kind: counts added, examples kept up to five."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        if item["kind"] not in out:
            out[item["kind"]] = {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
                                 for k, v in item.items()}
            continue
        have = out[item["kind"]]
        have["count"] += item["count"]
        for key in ("files", "columns"):
            for name, n in item.get(key, {}).items():
                have.setdefault(key, {})[name] = have.get(key, {}).get(name, 0) + n
        have["examples"] = (have.get("examples", []) + item.get("examples", []))[:5]
    return list(out.values())


def _name_1c_exports(reads: list[SourceRead]) -> None:
    """A CSV/XLSX whose file name says 1C (``sales_1c.csv``, ``заказы_1С.xlsx``) holds 1C records."""
    for r in reads:
        stem = Path(r.info.file).stem.casefold()
        if r.info.kind in ("csv", "excel") and ("1c" in stem or "1с" in stem):
            r.frame[E.SYSTEM] = "1C"


def _join_journal(reads: list[SourceRead]) -> list[SourceRead]:
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
    if "onec:entered" in joined.columns:  # when the record was really entered (CONTRACTS.md §6)
        entered = joined["onec:entered"]
        joined[E.ENTERED] = entered if E.ENTERED not in joined.columns else joined[E.ENTERED].fillna(entered)
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
        frame = read_log(source, **options)
        return PreparedLog(frame, None, source_names(frame))
    result = ingest(source, categories=True, **options)  # the analyses take codes: no text per row
    return PreparedLog(result.log, result.report, source_names(result.log))


def read_log(source: PathLike | Sequence[PathLike] | pd.DataFrame | IngestResult | PreparedLog,
             **options: Any) -> pd.DataFrame:
    """Return the canonical log of ``source``: a DataFrame, an IngestResult, or file(s) to ingest.

    Raises:
        InputError: a DataFrame lacks the canonical columns, or a file cannot be read.
    Example:
        >>> log = read_log("orders.parquet")  # doctest: +SKIP
    """
    if isinstance(source, (IngestResult, PreparedLog)):
        _check_options(options)
        return source.log if isinstance(source, IngestResult) else source.frame
    if isinstance(source, pd.DataFrame):
        _check_options(options)
        missing = [c for c in E.REQUIRED if c not in source.columns]
        if missing:
            raise InputError(f"the DataFrame lacks the columns {missing}; build it with "
                             "miner.read_log or miner.eventlog.finalize")
        return source if _is_final(source) else E.finalize(source)
    return ingest(source, **options).log


def _check_options(options: dict[str, Any]) -> None:
    """A misspelt option is an error even where there is nothing left to read."""
    if options:
        from connectors.options import ReadOptions

        ReadOptions.build(**options)


def _is_final(frame: pd.DataFrame) -> bool:
    return list(frame.columns[: len(E.COLUMNS)]) == list(E.COLUMNS) and \
        pd.api.types.is_datetime64_any_dtype(frame[E.TIMESTAMP])


