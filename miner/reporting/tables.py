"""Export report tables as CSV and XLSX that are safe to open in a spreadsheet.

A cell whose text starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is run as a
formula by Excel and LibreOffice (CSV injection, OWASP). Data from 1C and Excel may hold such text
(«=СУММ(...)», «-50 % скидка», «@менеджер»), so every text cell gets a leading ``'`` before export:
the spreadsheet then shows it as text. Numbers and dates are written as they are.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def neutralize(value: Any) -> Any:
    """Return ``value`` with a leading ``'`` if a spreadsheet would run it as a formula.

    Example:
        >>> neutralize("=1+1"), neutralize("-5 %"), neutralize("Отгрузка"), neutralize(-5)
        ("'=1+1", "'-5 %", 'Отгрузка', -5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every text cell (and header) neutralised.

    Example:
        >>> neutralize_frame(pd.DataFrame({"a": ["=HYPERLINK(1)", "ok"]}))["a"].tolist()
        ["'=HYPERLINK(1)", 'ok']
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_string_dtype(series.dtype) or series.dtype == object or \
                isinstance(series.dtype, pd.CategoricalDtype):
            out[col] = series.astype(object).map(neutralize)
    out.columns = [neutralize(str(c)) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as CSV for Russian Excel: UTF-8 with BOM, ``;``, decimal comma, dd.mm.yyyy dates.

    Example:
        >>> write_csv(findings, "out/tables/findings.csv")  # doctest: +SKIP
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = neutralize_frame(_dates_as_text(frame))
    safe.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    return path


def _dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%d.%m.%Y %H:%M:%S")
    return out


def sheet_name(name: str, used: set[str]) -> str:
    """Return a valid, unused sheet name: at most 31 characters, none of ``[]:*?/\\``.

    Example:
        >>> sheet_name("Клиенты: выручка/товары", set())
        'Клиенты выручка товары'
    """
    base = " ".join(_SHEET_BAD.sub(" ", name).split())[:31].strip("'") or "Sheet"
    candidate, n = base, 2
    while candidate.casefold() in {u.casefold() for u in used}:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write one sheet per table into an XLSX workbook, text cells neutralised, header bold.

    Args:
        sheets: sheet title -> table (titles are shortened to Excel's 31 characters).
        path: the ``.xlsx`` file.

    Example:
        >>> write_xlsx({"Варианты": variants, "Находки": findings}, "out/tables.xlsx")  # doctest: +SKIP
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    used: set[str] = set()
    bold = Font(bold=True)
    for title, frame in sheets.items():
        sheet = book.create_sheet(sheet_name(title, used))
        safe = neutralize_frame(frame)
        for i, col in enumerate(safe.columns):
            width = max([len(str(col))] + [len(str(v)) for v in safe[col].head(200).tolist()])
            sheet.column_dimensions[_letter(i)].width = min(60, max(8, width + 2))
        header = []
        for col in safe.columns:
            cell = WriteOnlyCell(sheet, value=str(col))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in safe.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
    if not sheets:
        book.create_sheet("Sheet")
    book.save(path)
    return path


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _cell(value: Any) -> Any:
    """Return a value openpyxl writes as data (NaN/NaT/NA as empty, timestamps as datetimes)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if value is None or isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()
    return value
