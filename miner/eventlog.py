"""The canonical event log: column names, types, order, and reading/writing it.

A log is a plain ``pandas.DataFrame`` with pm4py's column names (CONTRACTS.md §1), so every pm4py
function takes it as it is. Column names are spelled only here.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from miner.errors import FormatError, InputError

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

CASE = "case:concept:name"
ACTIVITY = "concept:name"
TIMESTAMP = "time:timestamp"
RESOURCE = "org:resource"
ROLE = "org:role"
GROUP = "org:group"
SYSTEM = "source:system"
FILE = "source:file"
ROW = "source:row"
# Optional canonical columns (CONTRACTS.md §6): present only where a source gives them.
CLIENT = "case:client"        # client or counterparty of the case
ENTERED = "time:entered"      # when the record was entered, as opposed to when the work happened

REQUIRED = (CASE, ACTIVITY, TIMESTAMP)
OPTIONAL_TEXT = (RESOURCE, ROLE, GROUP)
PROVENANCE = (SYSTEM, FILE, ROW)
COLUMNS = REQUIRED + OPTIONAL_TEXT + PROVENANCE

LOG_SUFFIXES = (".parquet", ".csv", ".xes")

# From this many events the log holds its text columns as categories (integer codes + the distinct
# values): sorting, writing and every analysis then move codes, not strings (at 10^6 events the sort
# and the parquet write take half the time, at 10^7 the report needs 2 GB less). The values and
# every result are the same either way (tests/test_prepared.py). The case and activity columns a
# user gets are text (``pm4py`` refuses a categorical case id or activity); the analyses and the
# writing of ``miner ingest -o`` take them as categories too (``categories=True``).
CATEGORIES_FROM = 1_000_000
PM4PY_TEXT = (CASE, ACTIVITY)


def finalize(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with the canonical columns first, typed, and sorted.

    Missing optional columns are added empty; events are sorted by case, then timestamp, then
    the order they had in the sources (a stable sort). The input frame is not modified.
    """
    return finalize_owned([frame.copy(deep=False)])


def finalize_owned(holder: list[pd.DataFrame], *, categories: bool = False) -> pd.DataFrame:
    """Like :func:`finalize`, for a frame nobody else references (passed in a one-item list).

    The frame is typed and sorted in place, column by column, so each unsorted column is freed
    as soon as its sorted twin exists: at 5·10^6 events this saves a whole copy of the log.
    ``categories``: from ``CATEGORIES_FROM`` events keep the case and activity as categories too
    (for the analyses and for writing; pm4py needs them as text).
    """
    out = holder.pop()
    missing = [c for c in REQUIRED if c not in out.columns]
    if missing:
        raise InputError(f"event log lacks the columns {missing}; expected {list(REQUIRED)}")
    for col in OPTIONAL_TEXT + (SYSTEM, FILE):
        if col not in out.columns:
            out[col] = pd.Series(None, index=out.index, dtype="str")
    if ROW not in out.columns:
        out[ROW] = pd.Series(range(1, len(out) + 1), index=out.index, dtype="int64")
    for col in (CASE, ACTIVITY) + OPTIONAL_TEXT + (SYSTEM, FILE):
        if not _is_text(out[col].dtype):
            out[col] = out[col].astype("str")
    ts = out[TIMESTAMP]
    if not pd.api.types.is_datetime64_any_dtype(ts):
        ts = pd.to_datetime(ts, errors="raise")
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    out[TIMESTAMP] = ts.astype("datetime64[ns]")
    out[ROW] = out[ROW].astype("int64")
    if CLIENT in out.columns and not _is_text(out[CLIENT].dtype):
        out[CLIENT] = out[CLIENT].astype("str")
    if ENTERED in out.columns and out[ENTERED].dtype != "datetime64[ns]":
        out[ENTERED] = pd.to_datetime(out[ENTERED], errors="coerce").astype("datetime64[ns]")
    rest = [c for c in out.columns if c not in COLUMNS]
    out = out[list(COLUMNS) + rest]
    if len(out) >= CATEGORIES_FROM:
        from concurrent.futures import ThreadPoolExecutor

        text = [col for col in out.columns if out[col].dtype == "str"]
        with ThreadPoolExecutor(max_workers=2) as pool:  # pyarrow's hashing releases the GIL
            for col, coded in zip(text, pool.map(lambda c: text_categories(out[c]), text)):
                out[col] = coded
    _sort_in_place(out)
    return out if categories else pm4py_ready(out)


def text_categories(column: pd.Series) -> pd.Categorical:
    """Return a text column as a categorical; pyarrow codes it without a Python string per row."""
    import pyarrow as pa

    values = column.array
    arrow = getattr(values, "_pa_array", None)
    if arrow is None:
        return pd.Categorical(column)
    return arrow_categories(pa.chunked_array(arrow).dictionary_encode())


def pm4py_ready(log: pd.DataFrame) -> pd.DataFrame:
    """Return ``log`` with its case and activity columns as text where they are categories (pm4py needs text)."""
    coded = [c for c in PM4PY_TEXT if c in log.columns and isinstance(log[c].dtype, pd.CategoricalDtype)]
    if not coded:
        return log
    out = log.copy(deep=False)
    for col in coded:
        out[col] = decoded_text(out[col])
    return out


def decoded_text(column: pd.Series) -> pd.Series:
    """Return a categorical text column as a text column; pyarrow decodes the codes (no Python string per row)."""
    import pyarrow as pa

    values = column.array
    words = pa.array(pd.Series(values.categories).astype("str").array)
    indices = pa.array(values.codes, mask=values.codes < 0).cast(pa.int32())
    decoded = pa.DictionaryArray.from_arrays(indices, words).dictionary_decode()
    return pd.Series(pd.array(decoded, dtype="str"), index=column.index, name=column.name)


def arrow_categories(column: "pa.ChunkedArray") -> pd.Categorical:
    """Return a dictionary-encoded arrow column (one dictionary for all chunks) as a pandas categorical.

    (pyarrow's own ``to_pandas`` takes twice as long for the same result.)
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = column.chunks
    if not chunks:
        return pd.Categorical([], categories=pd.Index([], dtype="str"))
    codes = np.concatenate([pc.fill_null(c.indices, -1).to_numpy(zero_copy_only=False) for c in chunks])
    words = chunks[0].dictionary.cast(pa.large_string())
    return pd.Categorical.from_codes(codes, categories=pd.Index(pd.array(words, dtype="str")), validate=False)


def _is_text(dtype: object) -> bool:
    """Text as the log holds it: strings, or categories of strings (a big parquet log is read so)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return dtype.categories.dtype == "str"
    return dtype == "str"


def _case_order(column: pd.Series) -> "np.ndarray":
    """Return each event's case as its rank among the cases in text order."""
    import numpy as np

    if isinstance(column.dtype, pd.CategoricalDtype):  # rank the distinct values, not every row
        rank = np.empty(len(column.cat.categories), dtype=np.int64)
        rank[column.cat.categories.argsort()] = np.arange(len(rank))
        codes = column.cat.codes.to_numpy()
        return np.where(codes >= 0, rank[codes], -1)  # missing first, as factorize gives them
    return pd.factorize(column, sort=True)[0]


def _sort_in_place(log: pd.DataFrame) -> None:
    """Sort by case, then timestamp, then the current (source) order, one column at a time."""
    import numpy as np

    log.index = pd.RangeIndex(len(log))
    case_codes = _case_order(log[CASE])
    stamps = log[TIMESTAMP].to_numpy().view("int64")
    step = np.diff(case_codes)
    if (step >= 0).all() and (np.diff(stamps)[step == 0] >= 0).all():
        return  # in order already (a log this tool wrote): no sort, no copy
    order = np.lexsort((stamps, case_codes))  # lexsort is stable: ties keep the source order
    del case_codes, stamps
    if not len(order) or (np.diff(order) == 1).all():
        return
    from concurrent.futures import ThreadPoolExecutor

    columns = list(log.columns)
    with ThreadPoolExecutor(max_workers=2) as pool:  # pyarrow's take releases the GIL
        for start in range(0, len(columns), 2):  # two at a time: each old column is freed as we go
            pair = columns[start:start + 2]
            for col, taken in zip(pair, pool.map(lambda c: log[c].array.take(order), pair)):
                log[col] = taken


def value_codes(column: pd.Series) -> "np.ndarray":
    """Return an integer code per value of ``column`` (-1 = missing): equal values, equal codes.

    A categorical column gives its codes as they are: comparing codes instead of values spares
    making a Python string per row (at 10^7 events: seconds and a gigabyte per column).

    Example:
        >>> value_codes(pd.Series(["a", "b", "a", None])).tolist()
        [0, 1, 0, -1]
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy()
    return pd.factorize(column)[0]


def _write_parquet(log: pd.DataFrame, path: Path) -> None:
    """Write parquet whose text columns read back as text for everyone, however they are held here.

    Categorical columns are stored dictionary-encoded (as parquet stores most text anyway, and
    without re-hashing every value), but typed as plain strings: pandas, DuckDB or pm4py reading
    the file get text columns, as CONTRACTS.md §1 says.
    """
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(log, preserve_index=False)
    coded = {str(c) for c in log.columns if isinstance(log[c].dtype, pd.CategoricalDtype)}
    if coded and table.schema.metadata and b"pandas" in table.schema.metadata:
        meta = json.loads(table.schema.metadata[b"pandas"])
        for column in meta.get("columns", []):
            if column.get("name") in coded:
                column.update(pandas_type="object", numpy_type="str", metadata=None)
        table = table.replace_schema_metadata({**table.schema.metadata, b"pandas": json.dumps(meta).encode()})
    # statistics only where a reader filters on them (times, numbers): on text they cost ~15 % of the write
    plain = [str(c) for c in log.columns if not _is_text(log[c].dtype) and log[c].dtype != object]
    with pq.ParquetWriter(path, table.schema, store_schema=not coded, write_statistics=plain) as writer:
        writer.write_table(table)
        if coded and table.schema.metadata:  # without the arrow schema the pandas types still travel
            writer.add_key_value_metadata(table.schema.metadata)


def write_log(log: pd.DataFrame, path: str | Path) -> Path:
    """Write a canonical log as ``.parquet``, ``.csv`` (UTF-8 with BOM, ``;``) or ``.xes``.

    Example:
        >>> write_log(log, "orders.parquet")  # doctest: +SKIP
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        _write_parquet(log, path)
    elif suffix == ".csv":
        # UTF-8 with BOM and ';' so that Russian Excel opens it with Cyrillic intact.
        safe = log.copy()
        safe[TIMESTAMP] = safe[TIMESTAMP].dt.strftime("%d.%m.%Y %H:%M:%S")
        safe.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    elif suffix == ".xes":
        import pm4py

        coded = {c: "str" for c in log.columns if isinstance(log[c].dtype, pd.CategoricalDtype)}
        pm4py.write_xes(log.astype(coded) if coded else log, str(path), case_id_key=CASE)  # pm4py wants text
    else:
        raise FormatError(f"{path.name}: cannot write a log as '{suffix}'; use one of {', '.join(LOG_SUFFIXES)}")
    return path

