"""``miner report``: everything the consultant attaches to the requirements spec, in one folder.

Writes ``report.html`` (self-contained), ``report.docx`` (A4, table of contents, maps as PNG), every
map and chart as SVG and PNG (maps also as ``.gv``), ``model.bpmn``/``model.pnml``, ``findings.json``
(with ``--declared``), ``ingest.json``, and the report's tables as ``tables/*.csv`` and ``tables.xlsx``
(cells a spreadsheet would run as formulas are neutralised).

With ``pseudonymize=True`` employee names are replaced by codes in the log before anything is
computed (:mod:`miner.ingestion.pseudonymize`), so no output file names an employee; the folder is
checked at the end and a leak is an error.
"""
from __future__ import annotations

import datetime as dt
import html
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Mapping, Sequence


from miner import eventlog as E
from miner.errors import MinerError
from miner.language import Lang, pick

log = logging.getLogger("miner")


class PseudonymizationError(MinerError):
    """A real name was found in the output after pseudonymisation (a bug: the files must not be shared)."""


@dataclass(frozen=True)
class Report:
    """What ``report`` wrote: the two documents, every other file, and the key numbers.

    Example:
        >>> r = report("orders.parquet", "out")  # doctest: +SKIP
        >>> r.html.name, r.docx.name  # doctest: +SKIP
        ('report.html', 'report.docx')
    """

    output: Path
    html: Path
    docx: Path
    paths: tuple[Path, ...]
    cases: int
    events: int
    findings: int = 0
    pseudonymized: bool = False
    comparison: Any = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        return (f"Report({self.output}: {self.cases} cases, {self.events} events, {self.findings} findings, "
                f"{len(self.paths)} files)")

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(p.name)}</li>" for p in self.paths)
        return (f"<p><b>{html.escape(str(self.html))}</b> and <b>{html.escape(self.docx.name)}</b>: "
                f"{self.cases} cases, {self.events} events, {self.findings} findings.</p><ul>{items}</ul>")


def report(source: Any, output: str | Path, *, declared: str | Path | Sequence[str | Path] | None = None,
           lang: Lang = "ru", pseudonymize: bool = False, pseudonymize_clients: bool = False,
           accept_suggestions: bool = False, repeat_window: float = 10.0, **read_options: Any) -> Report:
    """Write the full report on ``source`` into the folder ``output``.

    Args:
        source: a :class:`~miner.prepared.PreparedLog` (coded once, shared by every section), log
            file(s) (any kind ``miner.ingest`` reads), an ``IngestResult`` or a canonical DataFrame.
        output: folder to write into (created).
        declared: declared-process file(s) (YAML, Excel sheet, BPMN) to compare with; when None,
            section 3 says how to add one.
        lang: ``"ru"`` (default) or ``"en"``.
        pseudonymize: replace employee names with «Сотрудник NN» everywhere.
        pseudonymize_clients: replace client names with «Клиент NNN» everywhere.
        accept_suggestions, repeat_window: as for :func:`miner.compare` (a misspelt declared
            step is an error unless accepted; records saved twice within the window are data
            quality, not rework).
        **read_options: column mapping and reading options for ``source``.

    Returns:
        A :class:`Report` with the paths written (and ``comparison``, the :class:`Comparison`
        made, for the interview guide to reuse).

    Raises:
        InputError: the source or a declared process cannot be read.
        OutputError: the folder ``output`` cannot be written.
        PseudonymizationError: a real name survived pseudonymisation (nothing should be shared).

    Example:
        >>> r = report(["sample_data/sales_1c.csv", "sample_data/warehouse.xlsx"], "out",
        ...            declared="sample_data/sales_declared.yaml")  # doctest: +SKIP
        >>> r.docx  # doctest: +SKIP
        PosixPath('out/report.docx')
    """
    from miner.discovery.real_process import discover
    from miner.ingestion.pseudonymize import Pseudonyms, pseudonymize_log
    from miner.ingestion.reading import prepare_log
    from miner.outputs import output_folder
    from miner.prepared import PreparedLog, plain_text_columns
    from miner.reporting.maps import overlay_stems

    out = output_folder(output)
    stage = Stages("report")  # stage lines start once the log is read: a bad source stays one error line
    prepared = prepare_log(source, **read_options)
    pseudonyms = Pseudonyms()
    if pseudonymize or pseudonymize_clients:
        stage("pseudonymising")
        frame, pseudonyms = pseudonymize_log(prepared.frame, employees=pseudonymize, clients=pseudonymize_clients,
                                             lang=lang)
        prepared = PreparedLog(frame, _scrub_ingest(prepared.ingest, pseudonyms), prepared.source)
    if prepared.n_events >= COMPACT_FROM and plain_text_columns(prepared.frame):  # a big parquet is read so
        stage("holding the text columns as categories")
        prepared = prepared.compacted()
    written: list[Path] = []
    if prepared.ingest is not None:
        written.append(prepared.ingest.write(out / "ingest.json"))
    stage(f"coding {prepared.n_events:,} events".replace(",", " "))
    prepared.variants  # noqa: B018 - computed once here, shared by every section below
    stage("maps and models")
    discovery = discover(prepared, output=out, lang=lang)
    written += list(discovery.paths)
    comparison, overlays = None, {}
    if declared:
        stage("comparing with the declared process")
        comparison, files = _compare(prepared, declared, out, lang, pseudonyms,
                                     accept_suggestions=accept_suggestions, repeat_window=repeat_window)
        overlays = overlay_stems(comparison, out, lang)
        drawn = {out / f"{stem}{ext}" for stem in overlays.values() for ext in (".gv", ".svg", ".png")}
        written += files + sorted(p for p in drawn - set(files) if p.exists())
    stage("CRM scope per department")
    from miner.reporting.compose_scope import report_scope

    scoped = report_scope(prepared, comparison, out, lang)
    stage("sections and charts")
    document = _compose(prepared, discovery, (comparison, overlays), out, lang,
                        pseudonymize, pseudonymize_clients, source, scoped)
    stage("writing report.html, report.docx and the tables")
    written += _write_outputs(document, out)
    stage("the interactive map")
    from miner.reporting.explorer import add_explorer  # the interactive map (CONTRACTS §10)

    add_explorer(out / "report.html", prepared.coded, comparison, lang, found=prepared.variants)
    if comparison is not None:  # the ТЗ chapter and its requirements (CONTRACTS.md §8)
        stage("the spec chapter (spec.docx, requirements.json)")
        written += _write_spec(comparison, prepared, out, prepared.ingest, scoped)
    if pseudonyms.names:
        _check_clean(out, pseudonyms, written)
    stage.done()
    return Report(out, out / "report.html", out / "report.docx", tuple(dict.fromkeys(written)),
                  prepared.n_cases, prepared.n_events, len(comparison.findings) if comparison else 0,
                  bool(pseudonyms.names), comparison)


# From this many events the report holds the log's text as categories (a log given as a DataFrame
# may still hold strings): ~0.2 GB less per million events; below it, plain text is as fast.
COMPACT_FROM = E.CATEGORIES_FROM


class Stages:
    """Say on stderr (the ``miner`` logger, silenced by ``-q``) which stage of a long command starts."""

    def __init__(self, command: str) -> None:
        import time

        self.command, self.clock, self.began = command, time.perf_counter, time.perf_counter()

    def __call__(self, name: str) -> None:
        log.info("%s [%5.1f s]: %s", self.command, self.clock() - self.began, name)

    def done(self) -> None:
        log.info("%s [%5.1f s]: done", self.command, self.clock() - self.began)


def _scrub_ingest(ingest: Any, pseudonyms: Any) -> Any:
    """Return the ingest report with names removed from the examples' values."""
    if ingest is None:
        return None
    reasons = [replace(r, examples=[{k: pseudonyms.scrub(v) if isinstance(v, str) else v for k, v in e.items()}
                                    for e in r.examples]) for r in ingest.reasons]
    return replace(ingest, reasons=reasons)


def _compare(prepared: Any, declared: Any, out: Path, lang: Lang, pseudonyms: Any,
             **options: Any) -> tuple[Any, list[Path]]:
    """Compare with the declared process(es); their ``described_by`` is scrubbed of names first."""
    from miner.comparison.analysis import compare
    from miner.declared.reading import read_declared

    items = [declared] if isinstance(declared, (str, Path)) else list(declared)
    processes = []
    for item in items:
        process = read_declared(item)
        if pseudonyms.names and process.described_by:
            process = replace(process, described_by=pseudonyms.scrub(process.described_by))
        processes.append(process)
    comparison = compare(prepared, processes if len(processes) > 1 else processes[0], output=out, lang=lang,
                         **options)
    files = [out / "findings.json"]
    for i in range(len(comparison.maps)):
        stem = "comparison" if i == 0 else f"comparison_{i + 1}"
        files += [out / f"{stem}{ext}" for ext in (".gv", ".svg", ".png")]
        if comparison.full_maps[i] is not None:  # the map shown is simplified; the full one beside it
            files += [out / f"{stem}_full{ext}" for ext in (".gv", ".svg", ".png")]
    return comparison, files


def _compose(prepared: Any, discovery: Any, compared: tuple[Any, dict[int, str]], out: Path, lang: Lang,
             pseudonymize: bool, pseudonymize_clients: bool, source: Any, scoped: Any) -> Any:
    """Compute every section from the prepared log and compose the document.

    ``compared`` is (Comparison or None, overlay stems); the maps come from ``discovery`` and the
    comparison as drawn, not read back from the folder.
    """
    from miner.reporting.blocks import Document
    from miner.reporting.clients import clients
    from miner.reporting.compose import Composer, compare_section, data_section, process_section
    from miner.reporting.compose_people import clients_section, entry_section, people_section
    from miner.reporting.compose_scope import scope_section
    from miner.reporting.entry import entry
    from miner.reporting.maps import handover_map
    from miner.reporting.people import people
    from miner.reporting.sections import overview, real_process

    comparison, overlays = compared
    c = Composer(lang)
    t = c.t
    frame, coded, found = prepared.frame, prepared.coded, prepared.variants
    ov = overview(frame, coded, found, prepared.ingest)
    staff = people(frame, coded, unknown=t["unknown_department"])
    handovers = handover_map(staff.handovers if staff is not None else None, out, lang)
    real = real_process(coded, found, cases=prepared.dfg.activity_cases)
    quality = comparison.data_quality if comparison is not None else ()
    notes = prepared.ingest.data_quality if prepared.ingest is not None else ()
    blocks = (data_section(c, ov, quality, notes) + process_section(c, real, discovery)
              + compare_section(c, comparison, out, overlays) + people_section(c, staff, handovers)
              + clients_section(c, clients(frame, coded)) + entry_section(c, entry(frame, coded, unknown="—"))
              + scope_section(c, scoped, out))
    files = ", ".join(ov.sources["file"].astype(str).tolist()) if prepared.ingest is not None else ""
    files = files or prepared.source or ", ".join(ov.sources["file"].astype(str).tolist()) or str(source)
    subtitle = [t["subtitle"].format(sources=files, period=f"{c.date(ov.start)} – {c.date(ov.end)}",
                                     today=f"{dt.date.today():%d.%m.%Y}")]
    if pseudonymize:
        subtitle.append(t["pseudonymized"])
    if pseudonymize_clients:
        subtitle.append(t["pseudonymized_clients"])
    title = t["title"]
    if comparison is not None:
        title += f": {comparison.parts[0].declared.process}"
    return Document(title, tuple(subtitle), tuple(capped(blocks, t, lang)), lang, t["toc"], t["toc_hint"])


MAX_ROWS = 50  # rows of one table a person reads in the documents; the exports hold them all


def capped(blocks: Sequence[Any], t: Mapping[str, str], lang: Lang, rows: int = MAX_ROWS) -> list[Any]:
    """Show at most ``rows`` rows of each table, with a note that the rest are in tables.xlsx.

    A table already cut by its section (findings, employees: their own note follows) is left
    as it is. A log whose activity column holds ids has thousands of activities: the documents
    stay readable and fast to write, and nothing is lost.

    Example:
        >>> capped([make_table("activities", frame, [str])], texts("ru"), "ru", rows=2)  # doctest: +SKIP
    """
    from miner.reporting.blocks import Paragraph, Table
    from miner.units import format_count

    out: list[Any] = []
    for block in blocks:
        cut = isinstance(block, Table) and block.export is not None and len(block.export) > len(block.rows)
        if not isinstance(block, Table) or cut or len(block.rows) <= rows:
            out.append(block)
            continue
        where = pick(lang, f"tables.xlsx, лист «{block.name[:31]}»", f"tables.xlsx, sheet «{block.name[:31]}»")
        out += [replace(block, rows=block.rows[:rows]),
                Paragraph(t["more_rows"].format(shown=format_count(rows), total=format_count(len(block.rows)),
                                                file=where), "note")]
    return out


def _write_outputs(document: Any, out: Path) -> list[Path]:
    """Write the charts, the tables (CSV and XLSX), report.html and report.docx."""
    from miner.reporting.render_docx import write_docx
    from miner.reporting.render_html import write_html
    from miner.reporting.tables import write_csv, write_xlsx

    written: list[Path] = []
    maps = {"map", "performance", "handovers"} | {f.stem for f in document.figures if f.stem.startswith("comparison")}
    for figure in document.figures:
        if figure.stem in maps:  # drawn and saved with its .gv twin already
            written += [p for p in (out / f"{figure.stem}{ext}" for ext in (".gv", ".svg", ".png")) if p.exists()]
            continue
        for suffix, data in ((".svg", figure.svg.encode("utf-8")), (".png", figure.png)):
            path = out / f"{figure.stem}{suffix}"
            path.write_bytes(data)
            written.append(path)
    sheets = {}
    for table in document.tables:
        if table.export is None:
            continue
        written.append(write_csv(table.export, out / "tables" / f"{table.name}.csv"))
        sheets[table.name] = table.export
    written.append(write_xlsx(sheets, out / "tables.xlsx"))
    written.append(write_html(document, out / "report.html"))
    written.append(write_docx(document, out / "report.docx"))
    log.info("%s: report.html, report.docx and %d other files", out, len(written) - 2)
    return written


def _write_spec(comparison: Any, prepared: Any, out: Path, ingest: Any, scoped: Any) -> list[Path]:
    """Write ``spec.docx`` and ``requirements.json`` beside the report (Russian: the ГОСТ layout)."""
    from miner.specification.chapter import write_spec

    return list(write_spec(comparison, prepared, out, ingest=ingest, scope=scoped).paths)


def _check_clean(out: Path, pseudonyms: Any, written: list[Path]) -> None:
    """Raise if a real name is in a file the report wrote; warn about other files of ``out`` that have one."""
    from miner.ingestion.pseudonymize import find_names

    leaks = find_names(out, pseudonyms.names, files=written)
    if leaks:
        where = "; ".join(f"{path.name}: {name}" for path, name in leaks[:5])
        raise PseudonymizationError(f"pseudonymisation left real names in {out} ({where}); do not share the "
                                    "folder, and report this as a bug")
    mine = {p.resolve() for p in written}
    others = sorted({p.name for p, _ in find_names(out, pseudonyms.names) if p.resolve() not in mine})
    if others:
        log.warning("%s: other files in the folder name employees or clients (%s); delete them before sharing",
                    out, ", ".join(others[:5]))
