"""XLSX/XLS workbooks: 1C «Вывести список» exports and the departments' own Excel journals.

Cells are read with python-calamine (7x faster than openpyxl here, see docs/benchmarks.md).
Before reading, the container is checked: a password-protected workbook, a zip that is not a
workbook, an XML part with a DTD (entity-expansion "bombs") or an absurd compression ratio are
refused with a message, never parsed.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from connectors.tables.layout import password_error, read_excel_table, worksheet_names
from connectors.tables.events import table_to_events
from miner.errors import ColumnError, EmptySourceError, FormatError, InputError, UnsafeFileError
from miner.rejects import RowProblems, SourceInfo, SourceRead

SHEET = "source:sheet"  # the sheet of each event, when a workbook is read from several sheets

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNCOMPRESSED = 4 << 30
MAX_RATIO = 200


def check_workbook(path: Path) -> str:
    """Return ``"xlsx"`` or ``"xls"`` after checking that the file is a safe, readable workbook.

    Raises:
        FormatError: not a workbook, damaged, or password-protected.
        UnsafeFileError: an XML part declares a DTD/entities, or decompresses to an absurd size.
    """
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in path.read_bytes():
            raise password_error(path)
        return "xls"
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
                raise FormatError(f"{path.name}: a ZIP archive, but not an Excel workbook "
                                  f"(no xl/workbook.xml). Save the table from Excel as .xlsx.")
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > MAX_UNCOMPRESSED or (total > (64 << 20) and total / packed > MAX_RATIO):
                raise UnsafeFileError(f"{path.name}: unpacks to {total / 2**20:.0f} MB from {packed / 2**20:.1f} MB; "
                                      "refused as a possible zip bomb. Re-save the workbook from Excel.")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with zf.open(info) as part:
                        _check_xml_head(path, info.filename, part.read(4096))
    except zipfile.BadZipFile as exc:
        raise FormatError(f"{path.name}: the workbook is damaged ({exc}). Open it in Excel and save it again.") from exc
    return "xlsx"


def _check_xml_head(path: Path, part: str, head: bytes) -> None:
    """Refuse DTDs: a workbook never needs one, and entity expansion is how XML bombs work."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        try:
            DET.fromstring(head + b"")  # raises DTDForbidden/EntitiesForbidden
        except DefusedXmlException as exc:
            raise UnsafeFileError(f"{path.name}: part {part} declares XML entities ({type(exc).__name__}); "
                                  "refused as a possible XML bomb. Re-save the workbook from Excel.") from exc
        except Exception:  # a truncated head does not parse; the DTD alone is reason enough
            pass
        raise UnsafeFileError(f"{path.name}: part {part} declares a DTD; refused as a possible XML bomb. "
                              "Re-save the workbook from Excel.")


def read_excel(path: str | Path, *, sheet: str | int | None = None, header_row: int | None = None,
               case: str | None = None, activity: str | None = None, timestamp: str | None = None,
               resource: str | None = None, role: str | None = None, department: str | None = None,
               client: str | None = None, entered: str | None = None, date_format: str | None = None,
               strict: bool = False) -> SourceRead:
    """Read the event sheets of an XLSX/XLS workbook into events.

    Without ``sheet`` the first sheet that reads as an event table is read (a cover page or a
    pivot before the journal is skipped), and with it every other sheet with the same columns (a
    sheet per month or per manager). ``sheet="all"`` reads every sheet that reads as an event
    table; a name or 1-based number reads that sheet only. Sheets left out are named in the
    details and in a warning, never dropped silently. When several sheets are read, the column
    ``source:sheet`` says which sheet each event came from.

    Example:
        >>> read_excel("warehouse.xlsx", sheet="Журнал отгрузок").info.columns  # doctest: +SKIP
    """
    path = Path(path)
    check_workbook(path)
    mapping: dict[str, Any] = dict(case=case, activity=activity, timestamp=timestamp, resource=resource, role=role,
                   department=department, client=client, entered=entered, date_format=date_format, strict=strict)
    if sheet is not None and str(sheet).casefold() != "all":
        return table_to_events(read_excel_table(path, sheet=sheet, header_row=header_row), kind="excel",
                               system="Excel", **mapping)
    names: list[str | None] = list(worksheet_names(path)) or [None]
    read, left_out = _read_sheets(path, names, header_row, mapping, every=sheet is not None)
    if left_out:
        read.info.details["sheets_left_out"] = [{"sheet": n, "why": why} for n, why in left_out.items()]
    worth = {n: why for n, why in left_out.items() if why != "empty"}  # an empty sheet loses nothing
    if worth:
        listed = "; ".join(f'"{n}" ({why})' for n, why in worth.items())
        read.info.details.setdefault("warnings", []).append(
                f"{path.name}: sheets left out: {listed}. Pass --sheet NAME to read one of them, "
                "or --sheet all for every sheet that reads as an event table.")
    return read


def _read_sheets(path: Path, names: list[str | None], header_row: int | None, mapping: dict[str, Any],
                 every: bool) -> tuple[SourceRead, dict[str, str]]:
    """Read the sheets that qualify; return one read for them all and the others with the reason."""
    reads: list[tuple[str, SourceRead]] = []
    left_out: dict[str, str] = {}
    first_error: InputError | None = None
    base: list[str] | None = None
    for name in names:
        try:
            table = read_excel_table(path, sheet=name, header_row=header_row)
            read = table_to_events(table, kind="excel", system="Excel", **mapping)
            if base is not None and not every and sorted(table.frame.columns) != base:
                left_out[str(name)] = "an event table with other columns"
                continue
        except (ColumnError, EmptySourceError, FormatError) as exc:  # not an event table: try the next
            if len(names) == 1:
                raise
            first_error = first_error or exc
            left_out[str(name)] = "empty" if isinstance(exc, EmptySourceError) else "not an event table"
            continue
        base = base if base is not None else sorted(table.frame.columns)
        reads.append((str(table.sheet), read))
    if not reads:
        assert first_error is not None
        listed = ", ".join(f'"{n}"' for n in names)
        raise type(first_error)(f"{first_error} No sheet of {listed} reads as an event table; "
                                "pass --sheet and the column options.") from first_error
    return _combined(reads), left_out


def _combined(reads: list[tuple[str, SourceRead]]) -> SourceRead:
    """One read of several sheets: events concatenated with their sheet, problems located by sheet."""
    if len(reads) == 1:
        return reads[0][1]
    problems = RowProblems()
    for sheet, read in reads:
        for reason in read.problems.reasons:
            for example in reason.examples:
                example["sheet"] = sheet
        problems.merge(read.problems)
    frame = pd.concat([r.frame.assign(**{SHEET: sheet}) for sheet, r in reads], ignore_index=True, sort=False)
    first = reads[0][1].info
    details = dict(first.details)
    details["sheets"] = [sheet for sheet, _ in reads]
    details["sheet"] = ", ".join(details["sheets"])
    warnings = [w for _, r in reads for w in r.info.details.get("warnings", [])]
    if warnings:
        details["warnings"] = warnings
    info = SourceInfo(file=first.file, kind="excel", rows_read=sum(r.info.rows_read for _, r in reads),
                      encoding=first.encoding, columns=first.columns, details=details)
    return SourceRead(frame, info, problems)
