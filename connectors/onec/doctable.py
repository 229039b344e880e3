"""Read one 1C document-list export into documents and their link cells.

Header-driven: every column is found by its header through synonyms, so the column order, extra
columns and «Изменить форму» additions do not matter. Rows that are not documents (empty, «Итого»)
are excluded; rows without a number or with an unreadable date are rejected with their row.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from connectors.onec.links import header_key, link_column, split_cell
from connectors.onec.presentations import (DocumentKind, find_kind, guid_created, kind_metadata, kind_title,
                                            parse_presentations)
from miner.errors import ColumnError, FormatError, ValueProblemError
from miner.rejects import RowProblems

# document field -> normalised headers (see onec_links.header_key)
FIELDS: dict[str, tuple[str, ...]] = {
    "number": ("номер", "номердокумента", "№", "№документа"),
    "date": ("дата", "датадокумента"),
    "presentation": ("ссылка", "документ", "представление", "представлениессылки"),
    "guid": ("уникальныйидентификатор", "ссылкауникальныйидентификатор", "guid", "uuid", "идентификатор"),
    "amount": ("сумма", "суммадокумента", "суммаплатежа", "суммавзаиморасчетов"),
    "status": ("статус", "состояние"),
    "customer": ("клиент", "партнер", "покупатель", "плательщик", "поставщик", "получатель", "заказчик", "client",
                 "customer"),
    "counterparty": ("контрагент",),
    "manager": ("менеджер", "ответственный"),
    "author": ("автор",),
    "kind": ("виддокумента", "типдокумента"),
}
ACTIVITY_HEADERS = {"событие", "действие", "этап", "шаг", "стадия", "операция", "activity", "event", "conceptname",
                    "task", "step"}
_TOTAL = re.compile(r"^\s*(итого|всего)\b", re.IGNORECASE)


@dataclass
class DocTable:
    """The documents of one export and the link cells they hold."""

    file: str
    label: str
    encoding: str | None
    header_row: int
    kind: DocumentKind | None
    kind_title: str
    kind_source: str
    columns: dict[str, str]
    documents: pd.DataFrame
    links: pd.DataFrame
    attributes: list[str]
    problems: RowProblems
    rows_read: int
    warnings: list[str] = field(default_factory=list)


def _is_excel(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(8)
    return head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _head_rows(path: Path, sheet: str | None = None) -> list[list[Any]]:
    """The first rows of a file, cheaply (for detection and for the title above the header)."""
    if _is_excel(path):
        return _excel_head(path, sheet)
    from connectors.tables.encoding import decode_sample, detect_encoding, detect_separator

    text = decode_sample(path, detect_encoding(path), 1 << 16)
    sep = detect_separator(text)
    return list(csv.reader(io.StringIO(text), delimiter=sep))[:80]


def _excel_head(path: Path, sheet: str | None, rows: int = 80) -> list[list[Any]]:
    """The first rows of a sheet; the parsed sheet is kept for the reader that comes next."""
    from connectors.tables.layout import sheet_rows

    try:
        return [list(r) for r in sheet_rows(path, sheet, keep=True)[1][:rows]]
    except Exception:  # damaged, protected, no such sheet: the full reader says precisely why
        return []


def _map_columns(headers: list[str]) -> tuple[dict[str, str], dict[str, tuple[str, str | None]]]:
    """Map document fields and link attributes to headers (the first matching header wins)."""
    fields: dict[str, str] = {}
    links: dict[str, tuple[str, str | None]] = {}
    for header in headers:
        key = header_key(header)
        link = link_column(header)
        if link is not None:
            links[header] = link
            continue
        for name, keys in FIELDS.items():
            if key in keys and name not in fields:
                fields[name] = header
                break
    return fields, links


def sniff_doc_table(path: Path) -> bool:
    """Cheap check used by :func:`connectors.onec.documents.looks_like_onec_documents`."""
    from connectors.tables.layout import find_header

    rows = _head_rows(path)
    h = find_header(rows)
    headers = [str(v).strip() for v in rows[h] if v is not None and str(v).strip()]
    keys = {header_key(x) for x in headers}
    if keys & ACTIVITY_HEADERS:
        return False
    fields, links = _map_columns(headers)
    if "number" not in fields or "date" not in fields:
        return False
    if links:
        return True
    return _kind_from_text(rows[:h], path.stem) is not None or _kind_from_sample(rows[h + 1:], headers, fields)


def _kind_from_sample(rows: list[list[Any]], headers: list[str], fields: dict[str, str]) -> bool:
    for name in ("presentation", "kind"):
        if name in fields:
            i = headers.index(fields[name])
            values = [str(r[i]) for r in rows if len(r) > i and r[i]]
            parsed = parse_presentations(values) if name == "presentation" else pd.DataFrame({"kind": values})
            if any(find_kind(k) for k in parsed["kind"].dropna()):
                return True
    return False


def _kind_from_text(title_rows: list[list[Any]], stem: str) -> tuple[DocumentKind, str, str] | None:
    """A known kind named in the title rows above the header, or in the file name."""
    from connectors.onec.presentations import KINDS

    def search(text: str) -> tuple[DocumentKind, str] | None:
        norm = header_key(text)
        best = None
        for kind in KINDS:
            for name in (kind.title, *kind.aliases, kind.metadata):
                if header_key(name) and header_key(name) in norm and (best is None or len(name) > len(best[1])):
                    best = (kind, name)
        return best

    for row in title_rows:
        for cell in row:
            if cell is not None and str(cell).strip():
                found = search(str(cell))
                if found:
                    return found[0], found[1], "title"
    found = search(stem)
    return (found[0], found[1], "file name") if found else None


def read_doc_table(path: Path, *, encoding: str | None = None, sep: str | None = None, sheet: str | None = None,
                   header_row: int | None = None, strict: bool = False) -> DocTable:
    """Read one export: documents (number, date, kind, amount, status, ...) and their link cells.

    Raises:
        ColumnError: no Номер/Ссылка or no Дата column.
        FormatError: the document kind cannot be told (no presentations, title or file name naming it).
    """
    from connectors.tables.layout import read_excel_table, read_text_table

    table = (read_excel_table(path, sheet=sheet, header_row=header_row) if _is_excel(path)
             else read_text_table(path, encoding=encoding, sep=sep, header_row=header_row))
    headers = list(table.frame.columns)
    fields, links = _map_columns(headers)
    if "number" not in fields and "presentation" not in fields:
        raise ColumnError(f"{table.label}: no «Номер» column and no «Ссылка» column with document presentations, so "
                          f"documents cannot be told apart. Columns: {', '.join(headers)}.")
    if "date" not in fields and "presentation" not in fields:
        raise ColumnError(f"{table.label}: no «Дата» column: documents have no date. Columns: {', '.join(headers)}.")
    values = _values(table, fields)
    kind, title, source = _file_kind(path, table, fields, values, sheet)
    links.update(_value_links(table, fields, links))
    problems = RowProblems()
    keep = _row_checks(table, values, problems, strict, fields)
    docs = _documents(table, values, keep, kind, title)
    link_rows = _link_rows(table, links, keep)
    warnings = []
    if not links and kind is not None and kind.role not in ("order", "purchase_order"):
        warnings.append(f"{table.label}: no link column (Заказ клиента, Документ основание, Документ реализации, "
                        f"Объект расчетов, ...): its {len(docs)} documents cannot be tied to orders, so each starts "
                        "its own case. Add the column in 1C (Еще → Изменить форму) and export the list again.")
    unresolved = link_rows[link_rows["target_metadata"].isna()]
    if len(unresolved):
        warnings.append(f"{table.label}: {len(unresolved)} link cells name no known document, e.g. "
                        f"«{unresolved['text'].iat[0]}» in row {int(table.rows[keep][unresolved['line'].iat[0]])}.")
    columns = {**fields, **{f"link:{v[0]}": k for k, v in links.items()}}
    attributes = [c for c in headers if c not in fields.values()]
    for c in attributes:
        docs[c] = _text(table.frame[c])[keep].to_numpy()
    return DocTable(table.file, table.label, table.encoding, table.header_row, kind, title, source, columns, docs,
                    link_rows, attributes, problems, len(table.frame) + len(table.bad_rows), warnings)


def _text(values: pd.Series) -> pd.Series:
    from connectors.tables.events import text_column

    return text_column(values)


def _values(table: Any, fields: dict[str, str]) -> dict[str, Any]:
    """Parse the mapped columns: number/text as trimmed text, dates, amounts; presentations."""
    from connectors.tables.values import parse_datetimes, parse_numbers

    frame = table.frame
    out: dict[str, Any] = {name: _text(frame[col]) for name, col in fields.items() if name not in ("date", "amount")}
    if "presentation" in out:
        out["parsed"] = parse_presentations(out["presentation"].astype(object).where(out["presentation"].notna(), None))
    if "date" in fields:
        out["date"] = parse_datetimes(frame[fields["date"]])
    if "amount" in fields:
        out["amount"] = parse_numbers(frame[fields["amount"]])
    return out


def _file_kind(path: Path, table: Any, fields: dict[str, str], values: dict[str, Any],
               sheet: str | None) -> tuple[DocumentKind | None, str, str]:
    """The kind of the list: from presentations, a «Вид документа» column, the title, the file name."""
    if "parsed" in values:
        kinds = values["parsed"]["kind"].dropna()
        if len(kinds):
            top = kinds.value_counts().index[0]
            return find_kind(top), top, "presentation column"
    if "kind" in values:
        kinds = values["kind"].dropna()
        kinds = kinds[kinds != ""]
        if len(kinds):
            top = kinds.value_counts().index[0]
            return find_kind(top), top, "column «" + fields["kind"] + "»"
    rows = _head_rows(path, sheet)[: max(table.header_row - 1, 0)]
    found = _kind_from_text(rows, path.stem)
    if found is None:
        raise FormatError(f"{table.label}: cannot tell which document kind this list holds: no «Ссылка» column with "
                          f"document presentations, no title naming it, and the file name «{path.name}» names no known "
                          "kind. Name the file after the list (e.g. «Заказы клиентов.xlsx») or add the Ссылка column.")
    kind, _, source = found
    return kind, kind.title, source


def _value_links(table: Any, fields: dict[str, str], links: dict[str, Any]) -> dict[str, tuple[str, None]]:
    """Other columns whose cells are mostly presentations of known documents are links too («Основание»)."""
    out = {}
    for col in table.frame.columns:
        if col in fields.values() or col in links:
            continue
        text = _text(table.frame[col])
        sample = text[text.notna() & (text != "")].head(200)
        if len(sample) < 1:
            continue
        parsed = parse_presentations(sample.astype(object))
        known = parsed["kind"].dropna().map(lambda k: find_kind(k) is not None)
        if known.sum() >= 0.5 * len(sample):
            out[col] = (header_key(col), None)
    return out


def _row_checks(table: Any, values: dict[str, Any], problems: RowProblems, strict: bool,
                fields: dict[str, str]) -> np.ndarray:
    """Exclude empty and «Итого» rows; reject rows without a number or a readable date."""
    frame = table.frame
    texts = pd.DataFrame({c: _text(frame[c]) for c in frame.columns})
    filled = (texts.notna() & (texts != "")).to_numpy()
    empty = ~filled.any(axis=1)
    first = texts.apply(lambda r: next((v for v in r if isinstance(v, str) and v), ""), axis=1)
    total = first.str.match(_TOTAL).fillna(False).astype(bool).to_numpy() & ~empty
    problems.exclude("empty row", int(empty.sum()))
    problems.exclude("total row (Итого/Всего)", int(total.sum()),
                     [{"file": table.file, "row": int(r)} for r in table.rows[total][:5]])
    left = ~empty & ~total
    parsed: Any = values.get("parsed")  # None when the file has number and date columns
    number = values["number"] if "number" in values else parsed["number"]
    no_number = (number.isna() | (number == "")).to_numpy() & left
    if parsed is not None and "number" in values:
        no_number &= parsed["number"].isna().to_numpy()
    _reject(table, problems, "no document number", fields.get("number") or fields.get("presentation"), None,
            no_number, strict)
    left &= ~no_number
    if "date" in values:
        dates = values["date"]
        has_pres = parsed["date"].notna().to_numpy() if parsed is not None else np.zeros(len(frame), bool)
        for reason, mask, shown in (("empty date", dates.empty & ~has_pres, None),
                                    ("unreadable date", dates.bad & ~has_pres, frame[fields["date"]])):
            _reject(table, problems, reason, fields["date"], shown, mask & left, strict)
            left &= ~mask | has_pres
    else:
        bad = parsed["date"].isna().to_numpy() & left
        _reject(table, problems, "no date in the presentation", fields["presentation"], values["presentation"], bad,
                strict)
        left &= ~bad
    return left


def _reject(table: Any, problems: RowProblems, reason: str, column: str | None, shown: pd.Series | None,
            mask: np.ndarray, strict: bool) -> None:
    if not mask.any():
        return
    rows = table.rows[mask].tolist()
    examples = None if shown is None else [str(v) for v in shown[mask][:5]]
    if strict:
        where = f"ячейка {table.cell(rows[0], column)}" if table.sheet and column else f"строка {rows[0]}"
        value = f' "{examples[0]}"' if examples else ""
        raise ValueProblemError(f'{table.label}, {where} (столбец "{column}"):{value} {reason}; {len(rows)} rows like '
                                "this. Fix them, or drop --strict to skip and count them.")
    problems.reject(reason, table.file, rows, column, examples)


def _identity(values: dict[str, Any], kind: DocumentKind | None, title: str) -> tuple[pd.Series, ...]:
    """Number, date, kind as written and metadata name of each row: the columns, else the presentation."""
    parsed: Any = values.get("parsed")
    number = values["number"] if "number" in values else parsed["number"]
    date = values["date"].values if "date" in values else parsed["date"]
    if parsed is not None and "number" in values:
        number = number.where(number.notna() & (number != ""), parsed["number"])
    if parsed is not None and "date" in values:
        date = date.where(date.notna(), parsed["date"])
    if parsed is not None:
        row_kind = parsed["kind"].where(parsed["kind"].notna(), title)
    else:
        row_kind = pd.Series(title, index=number.index)
    fallback = kind.metadata if kind else None
    meta = row_kind.map(lambda k: kind_metadata(k) or fallback or k)
    return number, date, row_kind, meta


def _first_filled(values: dict[str, Any], *names: str) -> pd.Series | None:
    """The first of the named text columns, gaps filled from the next ones («Менеджер», else «Автор»)."""
    found = [values[n] for n in names if n in values]
    if not found:
        return None
    out = found[0]
    for other in found[1:]:
        out = out.where(out.notna() & (out != ""), other)
    return out.replace("", None)


def _documents(table: Any, values: dict[str, Any], keep: np.ndarray, kind: DocumentKind | None,
               title: str) -> pd.DataFrame:
    """One row per kept line: identity (kind, number, date), presentation and the main attributes."""
    number, date, row_kind, meta = _identity(values, kind, title)
    out = pd.DataFrame({"line": np.arange(int(keep.sum())), "row": table.rows[keep],
                        "metadata": meta[keep].to_numpy(), "kind": row_kind[keep].to_numpy(),
                        "number": number[keep].to_numpy(), "date": pd.to_datetime(date[keep].to_numpy())})
    # 1C prints «<вид> <номер> от дд.мм.гггг Ч:мм:сс» (hour not padded); used when there is no Ссылка column
    built = [f"{k} {n} от {d:%d.%m.%Y} {d.hour}:{d:%M:%S}" for k, n, d in zip(out["kind"], out["number"], out["date"])]
    given = values["presentation"][keep].to_numpy() if "presentation" in values else [None] * len(built)
    out["presentation"] = [p if isinstance(p, str) and p else b for p, b in zip(given, built)]
    out["amount"] = values["amount"][0][keep].to_numpy() if "amount" in values else np.nan
    out["status"] = values["status"][keep].to_numpy() if "status" in values else None
    for column, names in (("resource", ("manager", "author")), ("customer", ("customer", "counterparty"))):
        found = _first_filled(values, *names)
        out[column] = found[keep].to_numpy() if found is not None else None
    guid = values["guid"][keep].to_numpy() if "guid" in values else [None] * len(out)
    out["guid"] = guid
    out["created"] = pd.to_datetime([guid_created(g) if g else None for g in guid])  # v1 GUID: creation (UTC)
    return out


def _link_rows(table: Any, links: dict[str, tuple[str, str | None]], keep: np.ndarray) -> pd.DataFrame:
    """One row per document named in a link cell: source line, attribute, target identity and text."""
    records = []
    for col, (attribute, implied) in links.items():
        cells = _text(table.frame[col])[keep].to_numpy()
        for line, cell in enumerate(cells):
            for text in split_cell(cell if isinstance(cell, str) else ""):
                records.append((line, attribute, text, implied))
    frame = pd.DataFrame(records, columns=["line", "attribute", "text", "implied"])
    parsed = parse_presentations(frame["text"].astype(object)) if len(frame) else pd.DataFrame(
        {"kind": [], "number": [], "date": []})
    meta = [kind_metadata(k) if isinstance(k, str) else None for k in parsed["kind"]]
    bare = [None if m else (i if i else None) for m, i in zip(meta, frame["implied"])]
    frame["target_metadata"] = [m or b for m, b in zip(meta, bare)]
    frame["target_kind"] = [k if m else (kind_title(b) if b else None)
                            for k, m, b in zip(parsed["kind"], meta, bare)]
    frame["target_number"] = [n if isinstance(n, str) else (t if b else None)
                              for n, t, b in zip(parsed["number"], frame["text"], bare)]
    frame["target_date"] = pd.to_datetime(parsed["date"].to_numpy()) if len(frame) else pd.to_datetime([])
    frame["file"] = table.file
    frame["row"] = table.rows[keep][frame["line"].to_numpy()] if len(frame) else np.zeros(0, np.int64)
    return frame.drop(columns=["implied"])
