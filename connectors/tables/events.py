"""Turn a table (CSV, TXT, Excel) into canonical events, accounting for every row."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from connectors.tables.columns import guess_columns, normalize
from connectors.tables.layout import _DATA_LIKE, RawTable
from connectors.tables.values import MixedDateFormats, arrow_text, parse_datetimes, parse_numbers, trim
from miner import eventlog as E
from miner.errors import ValueProblemError
from miner.rejects import RowProblems, SourceInfo, SourceRead

TARGET = {"case": E.CASE, "activity": E.ACTIVITY, "resource": E.RESOURCE, "role": E.ROLE, "department": E.GROUP,
          "client": E.CLIENT}
# Mapped to optional canonical columns and kept under their own names too (the client analyses
# and pseudonymisation find «Клиент» by its header).
_COPIED = ("client", "entered")
ID_LIKE_ACTIVITIES = 1000  # more distinct activities than this: the column probably holds ids
_TOTAL = re.compile(r"^\s*(итого|всего|total)\b", re.IGNORECASE)
_LEADING_ZERO = r"^0[0-9]"  # no \\d and no compiled pattern: pandas then stays on pyarrow (RE2)


def text_column(values: pd.Series) -> pd.Series:
    """Cell values as trimmed text; Excel numbers that are whole become ``"123"``, not ``"123.0"``."""

    if values.dtype == object:
        if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
            values = values.astype("str")  # all text already: no per-cell Python call
        else:
            values = values.map(_cell_text, na_action="ignore").astype("str")
    arr = arrow_text(values)
    trimmed = trim(arr)
    if trimmed is arr and values.dtype == "str":
        return values
    return trimmed.to_pandas().astype("str").set_axis(values.index)


def _cell_text(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y %H:%M:%S")
    return str(value)


def _blank(text: pd.Series) -> np.ndarray:
    return (text.isna() | (text == "")).to_numpy()


def table_to_events(table: RawTable, *, kind: str, system: str, case: str | None = None,
                    activity: str | None = None, timestamp: str | None = None, resource: str | None = None,
                    role: str | None = None, department: str | None = None, client: str | None = None,
                    entered: str | None = None, date_format: str | None = None, strict: bool = False) -> SourceRead:
    """Map a table's columns to the event log and read its values; bad rows go to the report.

    Rows are checked in this order, each row counted once under its first problem: empty row and
    «Итого» row (excluded), empty case id, empty activity, empty date, unreadable date (rejected).

    Raises:
        ColumnError: required columns missing or ambiguous.
        ValueProblemError: in strict mode on the first bad row; or when no row is usable.
    """
    frame = table.frame
    given = {"case": case, "activity": activity, "timestamp": timestamp, "resource": resource, "role": role,
             "department": department, "client": client, "entered": entered}
    mapping = guess_columns(list(frame.columns), given, label=table.label,
                            header_row=table.header_row if _header_in_doubt(table) else None)
    problems = RowProblems()
    if table.bad_rows:
        bad_values = pd.Series([t[:80] for _, t in table.bad_rows])
        _reject(problems, table, "wrong number of fields", None, bad_values, strict,
                rows=[r for r, _ in table.bad_rows])
    stamp_col = mapping["timestamp"]
    stamps = _combined_stamps(frame, mapping)
    used = {c for f, c in mapping.items() if f not in _COPIED}
    # pyarrow's kernels release the GIL: dates and attribute columns run beside the text columns.
    with ThreadPoolExecutor(max_workers=2) as pool:
        dates = pool.submit(parse_datetimes, stamps, date_format)
        copied = {mapping[f]: f for f in ("client",) if f in mapping}  # read once, kept twice
        attributes = {c: pool.submit(_attribute, frame[c]) for c in frame.columns if c not in used and c not in copied}
        texts = {f: text_column(frame[col]) for f, col in mapping.items() if f not in ("timestamp", "entered")}
        attributes = {c: f.result() for c, f in attributes.items()}
        attributes.update({c: texts[f] for c, f in copied.items()})
    try:
        parsed = dates.result()
    except MixedDateFormats as exc:
        raise ValueProblemError(
            f'{table.label}, столбец "{stamp_col}": mixed date formats {exc.first} (e.g. row '
            f"{table.rows[exc.first_index]}) and {exc.second} (e.g. row {table.rows[exc.second_index]}): day and "
            f"month cannot be told apart. Make the column one format, or pass --date-format.") from exc
    checks = [("empty case id", _blank(texts["case"]), mapping["case"], None),
              ("empty activity", _blank(texts["activity"]), mapping["activity"], None),
              ("empty date", parsed.empty, stamp_col, None),
              ("unreadable date", parsed.bad, stamp_col, stamps)]
    suspect = np.zeros(len(frame), dtype=bool)
    for _, mask, _, _ in checks:
        suspect |= mask
    keep = ~suspect
    if suspect.any():
        empty_row, total = _service_rows(frame, suspect)
        problems.exclude("empty row", int(empty_row.sum()))
        problems.exclude("total row (Итого/Всего)", int(total.sum()),
                         [{"file": table.file, "row": int(r)} for r in table.rows[total][:5]])
        left = suspect & ~empty_row & ~total
        for reason, mask, column, values in checks:
            hit = mask & left
            _reject(problems, table, reason, column, values, strict, mask=hit)
            left &= ~hit
    if keep.sum() == 0 and len(frame):
        raise ValueProblemError(_nothing_usable(table, problems))
    everything = bool(keep.all())

    def kept(series: pd.Series) -> pd.Series:  # stays pyarrow-backed: no Python string objects
        return series.reset_index(drop=True) if everything else series[keep].reset_index(drop=True)

    out = pd.DataFrame({E.CASE: kept(texts["case"]), E.ACTIVITY: kept(texts["activity"]),
                        E.TIMESTAMP: kept(parsed.values)})
    for field in ("resource", "role", "department", "client"):
        if field in texts:
            values = kept(texts[field])
            blank = values == ""
            out[TARGET[field]] = values.mask(blank) if blank.any() else values  # no copy when none is blank
    warnings = _entered(out, frame, mapping, kept, date_format, table)
    warnings += id_like_warnings(table, mapping, texts)
    provenance = {E.SYSTEM: system, E.FILE: table.file, E.ROW: table.rows[keep]}
    for col, value in provenance.items():  # a re-read canonical CSV keeps its own provenance
        out[col] = kept(frame[col]) if col in frame.columns and col not in mapping.values() else value
    for col, values in attributes.items():
        if col not in out.columns:
            out[col] = kept(values)
    if E.ROW in frame.columns:
        out[E.ROW] = pd.to_numeric(out[E.ROW], errors="coerce").fillna(0).astype("int64")
    details = _details(table, parsed.formats)
    if warnings:
        details["warnings"] = warnings
    info = SourceInfo(file=table.file, kind=kind, rows_read=len(frame) + len(table.bad_rows), encoding=table.encoding,
                      columns=dict(mapping), details=details)
    return SourceRead(out, info, problems)


def _entered(out: pd.DataFrame, frame: pd.DataFrame, mapping: dict[str, str], kept: Any, date_format: str | None,
             table: RawTable) -> list[str]:
    """Fill ``time:entered`` from the entered column; a guessed column that holds no dates is dropped."""
    column = mapping.get("entered")
    if column is None:
        return []
    try:
        parsed = parse_datetimes(frame[column], date_format)
    except MixedDateFormats:
        parsed = None
    readable = 0 if parsed is None else int((~parsed.empty & ~parsed.bad).sum())
    if parsed is None or readable < 0.5 * int((~parsed.empty).sum()) or readable == 0:
        del mapping["entered"]
        return [f'{table.label}: column "{column}" does not hold dates, so it is not the entry time (time:entered); '
                "pass --entered COLUMN to name another"]
    out[E.ENTERED] = kept(parsed.values)
    return []


def id_like_warnings(table: RawTable, mapping: dict[str, str], texts: dict[str, pd.Series]) -> list[str]:
    """Warn when the activity (or case) column looks like ids, naming the columns that look better.

    Thousands of distinct activities make an unreadable map and a slow report; a case column
    with a new value on every row makes every case one event.
    """
    rows = len(table.frame)
    out = []
    acts = int(texts["activity"].nunique()) if rows else 0
    if acts > ID_LIKE_ACTIVITIES:
        better = _few_values(table.frame, mapping, rows, high=200)
        out.append(f'{table.label}: the activity column "{mapping["activity"]}" has {acts} distinct values — it '
                   f"looks like ids, not steps." + _suggest(better, "activity"))
    if rows >= 200 and int(texts["case"].nunique()) == rows:
        better = _few_values(table.frame, mapping, rows, high=rows // 2)
        out.append(f'{table.label}: the case column "{mapping["case"]}" has a new value on every row, so every case '
                   "is one event." + _suggest(better, "case"))
    return out


def _few_values(frame: pd.DataFrame, mapping: dict[str, str], rows: int, high: int) -> list[tuple[str, int]]:
    found = []
    for column in frame.columns:
        if column in mapping.values():
            continue
        values = text_column(frame[column])
        distinct = int(values.nunique())
        if 2 <= distinct <= high and values.notna().sum() >= 0.9 * rows and \
                not bool(values.dropna().str.match(r"^[\d\s.,:/-]+$").mean() > 0.5):
            found.append((str(column), distinct))
    return sorted(found, key=lambda t: t[1])[:3]


def _suggest(better: list[tuple[str, int]], field: str) -> str:
    if not better:
        return f" Check the column, or pass --{field} COLUMN."
    listed = ", ".join(f'"{c}" ({n} values)' for c, n in better)
    return f" Columns that look better: {listed}; pass --{field} \"{better[0][0]}\" to use one."


def _header_in_doubt(table: RawTable) -> bool:
    """Rows above the header, or a first data row of labels only: the names may be in another row."""
    if table.header_row > 1:
        return True
    if not len(table.frame):
        return False
    first = [v for v in table.frame.iloc[0].tolist() if v is not None and str(v).strip()]
    return len(first) >= 2 and all(isinstance(v, str) and not _DATA_LIKE.match(v.strip()) for v in first)


def _service_rows(frame: pd.DataFrame, suspect: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Among suspect rows, find the fully empty ones and the «Итого»/«Всего» total rows."""
    sub = frame[suspect]
    filled = pd.DataFrame({c: ~_blank(text_column(sub[c])) for c in sub.columns}, index=sub.index)
    empty_sub = ~filled.any(axis=1).to_numpy()
    first = sub.apply(lambda r: next((str(v) for v in r if isinstance(v, str) and v.strip()), ""), axis=1)
    total_sub = first.str.match(_TOTAL).fillna(False).to_numpy() & ~empty_sub
    empty_row = np.zeros(len(frame), dtype=bool)
    total = np.zeros(len(frame), dtype=bool)
    idx = np.flatnonzero(suspect)
    empty_row[idx[empty_sub]] = True
    total[idx[total_sub]] = True
    return empty_row, total


def _combined_stamps(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.Series:
    """The timestamp column, joined with a separate «Время» column when the date has no time."""
    stamp = frame[mapping["timestamp"]]
    if "время" in normalize(mapping["timestamp"]) or "time" in normalize(mapping["timestamp"]):
        return stamp
    times = [c for c in frame.columns if normalize(c) in ("время", "time") and c not in mapping.values()]
    if not times:
        return stamp
    mapping["time"] = times[0]
    return text_column(stamp) + " " + text_column(frame[times[0]]).fillna("")


def _reject(problems: RowProblems, table: RawTable, reason: str, column: str | None, values: pd.Series | None,
            strict: bool, *, mask: np.ndarray | None = None, rows: list[int] | None = None) -> None:
    """Count rejected rows (given by ``mask`` or by their ``rows``); in strict mode, raise on the first."""
    if mask is not None:
        if not mask.any():
            return
        rows = table.rows[mask].tolist()
        values = None if values is None else [str(v) for v in values[mask][:5]]
    if not rows:
        return
    if values is not None and not isinstance(values, list):
        values = [str(v) for v in list(values)[:5]]
    if strict:
        where = f"ячейка {table.cell(int(rows[0]), column)}" if table.sheet and column else f"строка {rows[0]}"
        col = f' (столбец "{column}")' if column else ""
        shown = f' "{values[0]}"' if values else ""
        raise ValueProblemError(f"{table.label}, {where}{col}:{shown} {reason}; {len(rows)} rows like this. "
                                "Fix them, or drop --strict to skip and count them.")
    problems.reject(reason, table.file, rows, column, values)


def _nothing_usable(table: RawTable, problems: RowProblems) -> str:
    top = problems.reasons[0] if problems.reasons else None
    if top is None:
        return f"{table.label}: no data rows below the header. Export the data again."
    ex = top.examples[0] if top.examples else {}
    where = f"строка {ex.get('row')}" if ex else ""
    value = f' "{ex["value"]}"' if "value" in ex else ""
    hint = " Pass --date-format, or check --timestamp." if "date" in top.reason else ""
    return (f"{table.label}, {where} (столбец \"{ex.get('column', '')}\"):{value} {top.reason} — in all "
            f"{top.count} rows, so no events could be made.{hint}")


def _attribute(values: pd.Series) -> pd.Series:
    """Keep a column as text, or as numbers when (nearly) all of it reads as numbers."""
    sample = values.dropna()
    if sample.empty:
        return values.astype("string")
    if values.dtype == object and sample.map(lambda v: hasattr(v, "strftime")).all():
        return pd.to_datetime(values)
    text = text_column(values)
    nonempty = text[text.notna() & (text != "")]
    if nonempty.empty or nonempty.str.match(_LEADING_ZERO).any():
        return text
    if parse_numbers(nonempty.iloc[:1000])[1].any():  # a cheap look first: most text columns fail here
        return text
    numbers, bad = parse_numbers(values)
    if bad.sum() == 0 and numbers.notna().sum() == len(nonempty):
        return numbers
    return text


def _details(table: RawTable, formats: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"header_row": table.header_row, "date_formats": list(formats)}
    if table.sheet:
        out["sheet"] = table.sheet
    if table.separator:
        out["separator"] = "tab" if table.separator == "\t" else table.separator
    out.update(table.details)
    return out
