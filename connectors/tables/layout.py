"""Read a text or Excel table as it is, finding the header row below titles and parameter rows.

1C «Вывести список» / report exports and departments' own workbooks put a title, a «Период:» or
«Отбор:» line and blank rows above the header; this module finds the header and keeps every data
row with its 1-based row number as a spreadsheet shows it.
"""
from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from connectors.tables.encoding import (decode_sample, detect_encoding, detect_separator, encoding_error, normalize_encoding,
                             open_bytes)
from miner.errors import EmptySourceError, FormatError, InputError

HEADER_SCAN_ROWS = 60
BIG_BLOCK = 1 << 28  # pyarrow block for tables with cells over 1 MB (a pasted document, a log dump)
_DATA_LIKE = re.compile(r"^[\d\s.,:/\-+\u00a0]+$")


@dataclass
class RawTable:
    """A table read as it is: header names, cell values, and where each row came from."""

    frame: pd.DataFrame
    rows: np.ndarray
    label: str
    file: str
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    header_row: int = 1
    details: dict[str, Any] = field(default_factory=dict)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)

    def cell(self, row: int, column: str) -> str:
        """Return the Excel cell name (``C14``) of a 1-based row and a header."""
        return f"{column_letter(list(self.frame.columns).index(column))}{row}"


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _is_text_label(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return False
    if not isinstance(value, str):
        return False  # numbers and dates are data, not headers
    text = value.strip()
    return bool(text) and not _DATA_LIKE.match(text)


def find_header(rows: list[list[Any]]) -> int:
    """Return the 0-based index of the header row among the first rows of a table.

    The header is the first row that fills at least half of the table's width with text labels
    (not numbers or dates) and is followed by a non-empty row.
    """
    def filled(row: list[Any]) -> int:
        return sum(1 for v in row if v is not None and str(v).strip() != "")

    width = max((filled(r) for r in rows[:HEADER_SCAN_ROWS]), default=0)
    if width == 0:
        raise EmptySourceError("no data: the first rows are empty")
    need = max(2, -(-width // 2)) if width > 1 else 1

    def labels(row: list[Any]) -> int:
        count = sum(1 for v in row if _is_text_label(v))
        return count if count >= need and count == filled(row) else 0

    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if labels(row):
            # A group-header row («Заказ» over two columns, «Отгрузка» over three) sits above the
            # real header, which names more columns: take the fuller row below.
            while i + 1 < len(rows) and labels(rows[i + 1]) > labels(rows[i]) and labels(rows[i]) < width:
                i += 1
            return i
    raise FormatError("no header row found in the first rows (a row of column names above the data). "
                      "Add a header row, or remove title rows above it.")


def _unique(names: list[Any]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        text = str(name).strip() if name is not None and str(name).strip() else f"Столбец {column_letter(i)}"
        text = " ".join(text.split())
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        out.append(text)
    return out


def given_header(rows: list[list[Any]], header_row: int, label: str) -> int:
    """The 0-based index of the header row the user named (1-based, as the spreadsheet shows it)."""
    if header_row < 1 or header_row > len(rows):
        raise FormatError(f"{label}: --header-row {header_row} is outside the table's first {len(rows)} rows. "
                          "Give the row number as the spreadsheet shows it.")
    if not any(v is not None and str(v).strip() for v in rows[header_row - 1]):
        raise FormatError(f"{label}: row {header_row} (--header-row) is empty. Give the row with the column names.")
    return header_row - 1


def _head(text: str, delimiter: str, label: str) -> list[list[str]]:
    """The first records of a text table; a huge cell is read, not refused by the csv module's field limit."""
    try:
        return list(itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), HEADER_SCAN_ROWS))
    except csv.Error as exc:
        raise FormatError(f"{label}: the table is broken near its start ({exc}). Check quotes and separators, "
                          "or pass --sep.") from exc


def read_text_table(path: Path, *, encoding: str | None = None, sep: str | None = None,
                    header_row: int | None = None) -> RawTable:
    """Read a CSV/TXT table (UTF-8, UTF-8 with BOM, windows-1251; ``;``, tab or ``,``).

    ``header_row`` (1-based) names the row with the column names when guessing it fails.
    """
    enc = normalize_encoding(encoding) if encoding else detect_encoding(path)
    sample = decode_sample(path, enc)
    if not sample.strip():
        raise EmptySourceError(f"{path.name}: the file is empty. Export the data again.")
    delimiter = detect_separator(sample, sep)
    head_rows = _head(sample, delimiter, path.name)
    try:
        h = given_header(head_rows, header_row, path.name) if header_row else find_header(head_rows)
    except (FormatError, EmptySourceError) as exc:
        if header_row:
            raise
        raise type(exc)(f"{path.name}: {exc} Or pass --header-row N.") from exc
    # The header's line number, counting physical lines (quoted cells may span lines above it).
    header_line = _physical_line(sample, delimiter, h)
    frame, rows, bad = _read_arrow_csv(path, enc, delimiter, header_line, h)
    frame.columns = _unique(list(frame.columns))
    table = RawTable(frame, rows, path.name, path.name, encoding=enc, separator=delimiter, header_row=h + 1)
    table.bad_rows = bad
    return table


def _read_arrow_csv(path: Path, enc: str, delimiter: str, skip: int,
                    h: int) -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, str]]]:
    """Read with pyarrow's CSV reader (5x pandas' C engine on cp1251 here); every cell stays text.

    Records with the wrong number of fields are not lost: they come back as (1-based row, text)
    for the caller to report.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    bad: list[tuple[int | None, str]] = []

    def on_invalid(row: object) -> str:
        bad.append((getattr(row, "number", None), getattr(row, "text", "")))
        return "skip"

    def read(threads: bool, block: int | None = None) -> "pa.Table":
        return pcsv.read_csv(
            pa.input_stream(str(path), compression="detect" if path.suffix.lower() == ".gz" else None),
            read_options=pcsv.ReadOptions(encoding=enc, skip_rows=skip, use_threads=threads,
                                          **({"block_size": block} if block else {})),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False,
                                            invalid_row_handler=on_invalid),
            convert_options=pcsv.ConvertOptions(strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                column_types=_all_text(path, enc, delimiter, skip)))

    try:
        try:
            table = read(True)
        except pa.ArrowInvalid as exc:  # a cell longer than a block (1 MB): read with blocks that hold it
            if "straddl" not in str(exc):
                raise
            bad.clear()
            table = read(True, block=BIG_BLOCK)
        if bad:  # re-read single-threaded: only then does pyarrow tell the row numbers
            bad.clear()
            table = read(False, block=BIG_BLOCK)
    except pa.ArrowInvalid as exc:
        raise FormatError(f"{path.name}: the table is broken ({_arrow_detail(exc)}). "
                          "Check quotes and separators, or pass --sep.") from exc
    except UnicodeDecodeError as exc:
        with open_bytes(path) as fh:
            data = fh.read()
        raise encoding_error(path, data, exc, enc) from exc
    frame = table.to_pandas()
    first = h + 2
    # pyarrow numbers records from the first one it reads (the header is record 1).
    located = [(h + n, text) for n, text in bad if n is not None]
    skipped = np.array([r for r, _ in located], dtype=np.int64)
    numbers = np.arange(first, first + len(frame) + len(bad), dtype=np.int64)
    rows = numbers[~np.isin(numbers, skipped)][: len(frame)]
    return frame, rows, located


def _all_text(path: Path, enc: str, delimiter: str, skip: int) -> dict[str, object]:
    import pyarrow as pa

    with open_bytes(path) as fh:
        lines = fh.read(1 << 16).decode(enc, errors="replace").splitlines()
    header = next(csv.reader([lines[skip]], delimiter=delimiter)) if len(lines) > skip else []
    return {name: pa.string() for name in header}


def _arrow_detail(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
    return text


def _physical_line(sample: str, delimiter: str, record: int) -> int:
    """Number of physical lines before CSV record ``record`` (quoted newlines count)."""
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    for i, _ in enumerate(reader):
        if i == record - 1:
            return reader.line_num
    return 0 if record == 0 else reader.line_num


# calamine parses a whole sheet on access (0.8 s per 10^5 rows); detection peeks at the sheet the
# reader then reads, so the last sheet parsed is kept for the next call on the same file.
_last_sheet: dict[tuple, tuple[str, list[list[Any]], list[tuple]]] = {}


def sheet_rows(path: Path, sheet: str | int | None, *, keep: bool = False) -> tuple[str, list[list[Any]], list[tuple]]:
    """Return (sheet name, cell rows from row 1, merged ranges) of an XLSX/XLS sheet via calamine.

    ``keep=True`` (a peek) leaves the parsed sheet for the next call on the same file and sheet,
    which takes it and frees it.
    """
    book = _open_book(path)
    names = book.sheet_names if sheet is not None else worksheet_names(path)
    name = _pick_sheet(path, names, sheet)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, name)
    if key in _last_sheet:
        return _last_sheet[key] if keep else _last_sheet.pop(key)
    _last_sheet.clear()
    ws = book.get_sheet_by_name(name)
    result = (name, ws.to_python(skip_empty_area=False), list(ws.merged_cell_ranges or []))
    if keep:
        _last_sheet[key] = result
    return result


def password_error(path: Path) -> FormatError:
    """The message for a password-protected workbook (found by calamine or by the container check)."""
    return FormatError(f"{path.name}: the workbook is password-protected. Open it in Excel, remove the "
                       "password (Файл → Сведения → Защита книги) and save it again.")


def _open_book(path: Path) -> Any:
    import python_calamine as calamine

    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise password_error(path) from exc
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError, OSError) as exc:
        raise FormatError(f"{path.name}: the workbook is damaged or not an Excel file ({exc}). "
                          "Open it in Excel and save it again as .xlsx.") from exc


def worksheet_names(path: Path) -> list[str]:
    """Worksheet names, visible ones first, without parsing any sheet (calamine parses on access)."""
    import python_calamine as calamine

    meta = [m for m in _open_book(path).sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    visible = [m.name for m in meta if m.visible == calamine.SheetVisibleEnum.Visible]
    return visible + [m.name for m in meta if m.name not in visible]


def _pick_sheet(path: Path, names: list[str], sheet: str | int | None) -> str:
    if sheet is None:
        return names[0]
    if isinstance(sheet, int) or str(sheet).isdigit():
        idx = int(sheet) - 1
        if 0 <= idx < len(names):
            return names[idx]
    elif str(sheet) in names:
        return str(sheet)
    listed = ", ".join(f'"{n}"' for n in names)
    raise InputError(f'{path.name}: no sheet "{sheet}". The workbook has: {listed}. Pass --sheet with one of them.')


def read_excel_table(path: Path, *, sheet: str | int | None = None, header_row: int | None = None) -> RawTable:
    """Read an XLSX/XLS sheet, finding the header row (or taking ``header_row``) and filling merged header cells."""
    name, rows, merged = sheet_rows(path, sheet)
    if not any(any(str(v).strip() for v in r) for r in rows):
        raise EmptySourceError(f'{path.name}, лист "{name}": the sheet is empty. Choose another with --sheet.')
    label = f'{path.name}, лист "{name}"'
    try:
        h = given_header(rows, header_row, label) if header_row else find_header(rows)
    except (FormatError, EmptySourceError) as exc:
        if header_row:
            raise
        raise type(exc)(f"{label}: {exc} Or pass --header-row N.") from exc
    header = list(rows[h])
    for (r0, c0), (r1, c1) in merged:  # a merged header cell names every column it spans
        if r0 <= h <= r1 and c0 < len(header):
            for c in range(c0 + 1, min(c1 + 1, len(header))):
                if not str(header[c]).strip():
                    header[c] = header[c0]
    width = len(header)
    body = [list(r[:width]) + [""] * (width - len(r)) for r in rows[h + 1:]]
    frame = pd.DataFrame(body, columns=_unique(header), dtype=object)
    frame = frame.replace({"": None})
    rows_no = np.arange(len(frame), dtype=np.int64) + h + 2
    return RawTable(frame, rows_no, f'{path.name}, лист "{name}"', path.name, sheet=name, header_row=h + 1)
