"""Vectorised parsing of dates and numbers as 1C and Russian Excel write them.

Dates: ``dd.mm.yyyy H:mm:ss`` (the hour is not zero-padded in 1C), ``dd.mm.yyyy H:mm``, date only,
ISO 8601 (an offset is converted to UTC), ``dd/mm/yyyy``, Excel serial numbers, and real datetime
cells. Numbers: decimal comma, NBSP / narrow NBSP / space thousands separators.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

# (family, strptime format). Families that can be told apart never conflict; "dmy-slash" and
# "mdy-slash" can, and a column that needs both is refused as ambiguous.
RU_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d.%m.%y %H:%M:%S", "%d.%m.%y %H:%M", "%d.%m.%y")
ISO_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d")
DMY_SLASH = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")
MDY_SLASH = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")
YMD_SLASH = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d")  # «2014/10/22 11:15:41.000» in public logs
FAMILIES = {"dd.mm.yyyy": RU_FORMATS, "yyyy-mm-dd": ISO_FORMATS, "yyyy/mm/dd": YMD_SLASH, "dd/mm/yyyy": DMY_SLASH,
            "mm/dd/yyyy": MDY_SLASH}
# Fractions of a second after hh:mm:ss; pyarrow's strptime reads none, so they are parsed apart.
_FRACTION = r"^(?P<base>.*\d:\d\d:\d\d)[.,](?P<frac>\d{1,9})$"
EXCEL_EPOCH = np.datetime64("1899-12-30")
_SERIAL_RANGE = (20000.0, 80000.0)  # 1954..2119: a bare number in this range in a date column


class MixedDateFormats(ValueError):
    """A column holds dates in two formats that cannot be told apart (dd/mm vs mm/dd)."""

    def __init__(self, first: str, second: str, first_index: int, second_index: int) -> None:
        super().__init__(first, second)
        self.first, self.second = first, second
        self.first_index, self.second_index = first_index, second_index


@dataclass(frozen=True)
class ParsedDates:
    """Parsed timestamps (tz-naive ``datetime64[ns]``), the mask of unreadable non-empty values, and the formats used."""

    values: pd.Series
    bad: np.ndarray
    empty: np.ndarray
    formats: tuple[str, ...]


def arrow_text(series: pd.Series) -> "pa.ChunkedArray":
    """The values of a text column as a pyarrow string array (zero-copy for pyarrow-backed columns)."""
    import pyarrow as pa

    try:
        arr = pa.chunked_array(pa.array(series.array)) if series.dtype != object else None
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        arr = None
    if arr is None or not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        values = [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v) for v in series]
        arr = pa.chunked_array([pa.array(values, type=pa.string())])
    return arr


def _strptime(text: pd.Series, fmt: str) -> pd.Series:
    import pyarrow.compute as pc

    parsed = pc.strptime(arrow_text(text), format=fmt, unit="s", error_is_null=True)
    return pd.Series(parsed.to_numpy(), index=text.index).astype("datetime64[ns]")


def parse_datetimes(series: pd.Series, date_format: str | None = None) -> ParsedDates:
    """Parse a column of dates; never raises for a bad value, marks it in ``bad`` instead.

    Args:
        series: text, numbers (Excel serials), Python datetimes, or a mix (as Excel cells come).
        date_format: a strptime format that overrides detection.
    Raises:
        MixedDateFormats: values need both dd/mm/yyyy and mm/dd/yyyy.
    Example:
        >>> parse_datetimes(pd.Series(["10.01.2023 8:47:11"])).values[0]
        Timestamp('2023-01-10 08:47:11')
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        empty = values.isna().to_numpy()
        return ParsedDates(values.astype("datetime64[ns]"), np.zeros(len(series), bool), empty, ("datetime",))
    index = series.index
    out = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    formats: list[str] = []
    text = series
    if series.dtype == object:  # Excel cells: datetimes and numbers come typed
        text = _typed_cells(series, out, formats)
    import pyarrow.compute as pc

    arr = trim(pc.replace_substring(arrow_text(text), "\u00a0", " "))
    empty_arr = pc.fill_null(pc.equal(arr, ""), True)
    empty = empty_arr.to_numpy(zero_copy_only=False) & out.isna().to_numpy()
    todo = arr.to_pandas().set_axis(text.index)[~empty_arr.to_numpy(zero_copy_only=False)]
    todo = _serials(todo, out, formats)
    todo, fraction = _split_fraction(todo)
    if date_format:
        out[todo.index] = _reject_rollover(todo, _strptime(todo, date_format), _family_of(date_format), date_format)
        formats.append(date_format)
    elif len(todo):
        _parse_families(todo, out, formats)
    if fraction is not None:
        out[fraction.index] = out[fraction.index] + fraction
    bad = out.isna().to_numpy() & ~empty
    return ParsedDates(out, bad, empty, tuple(formats))


def _split_fraction(todo: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    """Cut «.000» after the seconds off; return the rest and the fractions (as timedeltas) cut."""
    if todo.empty:
        return todo, None
    import pyarrow.compute as pc

    arr = arrow_text(todo)
    hit = pc.fill_null(pc.match_substring_regex(arr, _FRACTION), False).to_numpy(zero_copy_only=False)
    if not hit.any():
        return todo, None
    parts = pc.extract_regex(arr.filter(pa_mask(hit)), _FRACTION)
    base = pc.struct_field(parts, [0]).to_pandas()
    digits = pc.struct_field(parts, [1]).to_pandas()
    index = todo.index[hit]
    nanos = digits.str.ljust(9, "0").astype("int64").to_numpy()
    todo = todo.copy()
    todo[index] = base.to_numpy()
    return todo, pd.Series(pd.to_timedelta(nanos, unit="ns"), index=index)


def pa_mask(mask: np.ndarray) -> "pa.Array":
    """A numpy boolean mask as a pyarrow array (to filter pyarrow arrays)."""
    import pyarrow as pa

    return pa.array(mask)


def _typed_cells(series: pd.Series, out: pd.Series, formats: list[str]) -> pd.Series:
    """Fill ``out`` from datetime cells and Excel serial numbers; return the text cells left."""
    is_dt = series.map(lambda v: isinstance(v, (dt.datetime, dt.date)), na_action="ignore").fillna(False).astype(bool)
    if is_dt.any():
        cells = series[is_dt]
        try:  # calamine gives naive datetimes: convert them in one call
            stamps = pd.to_datetime(cells.to_numpy(dtype=object))
        except (TypeError, ValueError):  # aware or mixed cells: one at a time, to UTC
            stamps = pd.to_datetime(cells.map(_naive))
        if getattr(stamps, "tz", None) is not None:
            stamps = pd.to_datetime(cells.map(_naive))
        out[is_dt] = np.asarray(stamps, dtype="datetime64[ns]")
        formats.append("datetime cell")
    is_num = series.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool),
                        na_action="ignore").fillna(False).astype(bool) & ~is_dt
    if is_num.any():
        _put_serials(series[is_num].astype(float), out, formats)
    return series.where(~(is_dt | is_num), None)


def _serials(todo: pd.Series, out: pd.Series, formats: list[str]) -> pd.Series:
    """Excel serial numbers typed as text ("45123,5"); returns what is left to parse."""
    if todo.empty:
        return todo
    import pyarrow.compute as pc

    text = arrow_text(todo)
    if pc.all(pc.fill_null(pc.match_substring(text, ":"), True)).as_py():
        return todo  # every value has a time: none is a serial number (the common case, no regex pass)
    hit = pc.match_substring_regex(text, r"^\d{5}(?:[.,]\d+)?$").to_numpy(zero_copy_only=False)
    if not hit.any():
        return todo
    _put_serials(todo[hit].str.replace(",", ".", regex=False).astype(float), out, formats)
    return todo[~hit]


def _put_serials(nums: pd.Series, out: pd.Series, formats: list[str]) -> None:
    ok = nums.between(*_SERIAL_RANGE)
    days = nums[ok].to_numpy()
    out[nums.index[ok.to_numpy()]] = EXCEL_EPOCH + (days * 86400).round().astype("timedelta64[s]")
    if ok.any():
        formats.append("excel serial")


def _parse_families(todo: pd.Series, out: pd.Series, formats: list[str]) -> None:
    """Try each format family on what is still unparsed; refuse dd/mm mixed with mm/dd."""
    used: dict[str, int] = {}
    rest = todo
    for family in ("dd.mm.yyyy", "yyyy-mm-dd", "yyyy/mm/dd", "dd/mm/yyyy", "mm/dd/yyyy"):
        for fmt in FAMILIES[family]:
            if rest.empty:
                break
            parsed = _reject_rollover(rest, _strptime(rest, fmt), family)
            hit = parsed.notna().to_numpy()
            if hit.any():
                out[rest.index[hit]] = parsed[hit]
                used.setdefault(family, _position(out, rest.index[hit][0]))
                formats.append(fmt)
                rest = rest[~hit]
    if not rest.empty:
        _parse_iso_with_offset(rest, out, used, formats)
    for first, second in (("dd/mm/yyyy", "mm/dd/yyyy"), ("dd.mm.yyyy", "mm/dd/yyyy")):
        if first in used and second in used:
            raise MixedDateFormats(first, second, used[first], used[second])


def _position(out: pd.Series, label: object) -> int:
    """The row position of ``label`` in ``out``."""
    if isinstance(out.index, pd.RangeIndex) and out.index.start == 0 and out.index.step == 1:
        return int(label)  # type: ignore[call-overload]
    return int(np.flatnonzero(out.index == label)[0])


# pyarrow's strptime rolls impossible dates over ("31.02.2026" -> 03.03.2026). A rolled-over
# date lands on day 1-3 of the next month, so only those are re-checked against the text.
_DAY_MONTH = {"dd.mm.yyyy": (r"^(\d{1,2})\.(\d{1,2})\.", 1, 2), "yyyy-mm-dd": (r"^\d{4}-(\d{1,2})-(\d{1,2})", 2, 1),
              "yyyy/mm/dd": (r"^\d{4}/(\d{1,2})/(\d{1,2})", 2, 1),
              "dd/mm/yyyy": (r"^(\d{1,2})/(\d{1,2})/", 1, 2), "mm/dd/yyyy": (r"^(\d{1,2})/(\d{1,2})/", 2, 1)}


def _named(pattern: str) -> str:
    """Give the two groups of a day/month pattern names (pyarrow's extract_regex needs them)."""
    first = pattern.index("(")
    second = pattern.index("(", first + 1)
    return pattern[:first] + "(?P<g1>" + pattern[first + 1:second] + "(?P<g2>" + pattern[second + 1:]


def _family_of(fmt: str) -> str | None:
    for family, fmts in FAMILIES.items():
        if fmt in fmts:
            return family
    return None


def _reject_rollover(text: pd.Series, parsed: pd.Series, family: str | None, fmt: str = "") -> pd.Series:
    """Null out parsed dates whose day differs from the day written in the text."""
    suspects = parsed.notna() & (parsed.dt.day <= 3)
    if not suspects.any():
        return parsed
    sub = text[suspects.to_numpy()]
    parsed = parsed.copy()
    if family in _DAY_MONTH:
        import pyarrow.compute as pc

        pattern, day_group, _ = _DAY_MONTH[family]
        parts = pc.extract_regex(arrow_text(sub), _named(pattern))
        day = pc.cast(pc.struct_field(parts, [day_group - 1]), "int64").to_numpy(zero_copy_only=False)
        wrong = day != parsed[suspects].dt.day.to_numpy()
    else:  # a user format: Python's strptime is strict about impossible days
        wrong = pd.to_datetime(sub, format=fmt, errors="coerce").isna().to_numpy()
    parsed[sub.index[wrong]] = pd.NaT
    return parsed


_ISO_TZ = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")


def _parse_iso_with_offset(rest: pd.Series, out: pd.Series, used: dict[str, int], formats: list[str]) -> None:
    """ISO values with fractions or offsets: converted to UTC, then made naive (CONTRACTS §1)."""
    looks = rest[rest.str.match(_ISO_TZ).fillna(False).astype(bool)]
    if looks.empty:
        return
    parsed = pd.to_datetime(looks, errors="coerce", utc=True, format="ISO8601")
    ok = parsed.notna()
    if ok.any():
        out[looks.index[ok.to_numpy()]] = parsed[ok].dt.tz_localize(None).astype("datetime64[ns]")
        used.setdefault("yyyy-mm-dd", int(np.flatnonzero(out.index.isin(looks.index[ok.to_numpy()]))[0]))
        formats.append("ISO 8601")


def _naive(value: object) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


_SPACES = "[ \u00a0\u202f]"  # real characters: RE2 (pyarrow) has no \\u escapes
_NUMBER = r"^[+-]?\d{1,3}(?:" + _SPACES + r"?\d{3})*(?:[.,]\d+)?$|^[+-]?\d+(?:[.,]\d+)?$"


def trim(arr: "pa.ChunkedArray") -> "pa.ChunkedArray":
    """Strip white space, without copying a column that has none (the common case)."""
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim_whitespace(arr)
    return arr if pc.all(pc.fill_null(pc.equal(trimmed, arr), True)).as_py() else trimmed


def _fast_numbers(arr: "pa.ChunkedArray") -> "pa.ChunkedArray | None":
    """Cast after literal replacements (NBSP, spaces, decimal comma); None if any value resists."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cleaned = arr
    for space in ("\u00a0", "\u202f", " "):
        cleaned = pc.replace_substring(cleaned, space, "")
    cleaned = pc.replace_substring(cleaned, ",", ".")
    cleaned = pc.if_else(pc.equal(cleaned, ""), pa.scalar(None, pa.string()), cleaned)
    try:
        return pc.cast(cleaned, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def parse_numbers(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse numbers written with a decimal comma and NBSP/space thousands separators.

    Returns the float series and the mask of non-empty values that are not numbers.
    Example:
        >>> parse_numbers(pd.Series(["1\u00a0234,50", "7"]))[0].tolist()
        [1234.5, 7.0]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if pd.api.types.is_numeric_dtype(series):
        return series.astype(float), np.zeros(len(series), bool)
    values = pd.Series(np.nan, index=series.index)
    text = series
    if series.dtype == object:
        is_num = series.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), na_action="ignore")
        is_num = is_num.fillna(False).astype(bool)
        values[is_num] = series[is_num].astype(float)
        text = series.where(~is_num, None)
    arr = trim(arrow_text(text))
    parsed = _fast_numbers(arr)
    if parsed is None:  # some value is not a plain number: check each against the pattern
        ok = pc.fill_null(pc.match_substring_regex(arr, _NUMBER), False)
        cleaned = pc.replace_substring(pc.replace_substring_regex(arr, _SPACES, ""), ",", ".")
        parsed = pc.cast(pc.if_else(ok, cleaned, pa.scalar(None, pa.string())), pa.float64())
    parsed_np = parsed.to_numpy(zero_copy_only=False)
    have = ~np.isnan(parsed_np)
    values[have] = parsed_np[have]
    empty = pc.fill_null(pc.equal(arr, ""), True).to_numpy(zero_copy_only=False) & values.isna().to_numpy()
    bad = values.isna().to_numpy() & ~empty
    return values, bad
