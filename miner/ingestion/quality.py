"""Data-quality checks at ingest that lose no row: 1C placeholders, id-like columns, the case's client.

1C writes an empty reference as «<Не указан>» or «<Пусто>» and a reference to a deleted object
as «<Объект не найден> (12:b3f0…)». An empty placeholder is a missing value (so a department
«<Не указан>» is no department); a broken reference is kept as text but counted, since it shows
records that point at deleted objects. Both are listed under ``data_quality`` in the ingest
report (docs/inputs.md).
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.rejects import MAX_EXAMPLES

log = logging.getLogger("miner")

_RU_EMPTY = r"не\s+указан\w*|не\s+заполнен\w*|пуст\w*(?:\s+ссылка)?|нет\s+значения|отсутствует"
EMPTY_PLACEHOLDER = r"(?i)^\s*<\s*(?:" + _RU_EMPTY + r"|empty|not\s+(?:set|specified)|none|null)\s*>\s*$"
BROKEN_REFERENCE = r"(?i)^\s*<\s*(?:объект\s+не\s+найден|object\s+not\s+found)\s*>"
_KEEP_TEXT = (E.CASE, E.ACTIVITY)  # a placeholder here is reported, not blanked: the row must stay an event
_SKIP = (E.TIMESTAMP, E.SYSTEM, E.FILE, E.ROW)


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in _SKIP and
            (pd.api.types.is_string_dtype(frame[c].dtype) or frame[c].dtype == object
             or isinstance(frame[c].dtype, pd.CategoricalDtype))]


def onec_placeholders(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Blank empty-reference placeholders in ``frame`` (in place) and count broken references.

    Returns:
        data-quality items: ``{"kind": "empty_placeholder", "count", "columns": {column: count},
        "examples"}`` and ``{"kind": "broken_reference", ...}`` (only those that occur).
    """
    found: dict[str, dict[str, Any]] = {}
    rows: dict[str, set[Any]] = {"empty_placeholder": set(), "broken_reference": set()}
    for column in _text_columns(frame):
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            _categorical_placeholders(frame, column, found, rows)
            continue
        if values.dtype == object:
            values = values.where(np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values)))
        values = values.astype("str")
        starts = values.str.startswith("<").fillna(False).to_numpy(dtype=bool)
        if not starts.any():
            continue
        sub = values[starts]
        for kind, pattern in (("empty_placeholder", EMPTY_PLACEHOLDER), ("broken_reference", BROKEN_REFERENCE)):
            hit = sub.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
            if not hit.any():
                continue
            index = sub.index[hit]
            _count(found, kind, frame, column, index.difference(pd.Index(list(rows[kind]))))
            rows[kind].update(index)
            if kind == "empty_placeholder" and column not in _KEEP_TEXT:
                frame.loc[index, column] = None
    return list(found.values())


def _categorical_placeholders(frame: pd.DataFrame, column: str, found: dict[str, dict[str, Any]],
                              rows: dict[str, set[Any]]) -> None:
    """``onec_placeholders`` for a categorical column: the distinct values are checked, not the rows."""
    values = frame[column]
    words = pd.Series(values.cat.categories.astype("str"))
    codes = values.cat.codes.to_numpy()
    for kind, pattern in (("empty_placeholder", EMPTY_PLACEHOLDER), ("broken_reference", BROKEN_REFERENCE)):
        hit = (words.str.startswith("<") & words.str.contains(pattern, regex=True)).fillna(False).to_numpy(dtype=bool)
        if not hit.any():
            continue
        index = frame.index[np.append(hit, False)[codes]]
        _count(found, kind, frame, column, index.difference(pd.Index(list(rows[kind]))))
        rows[kind].update(index)
        if kind == "empty_placeholder" and column not in _KEEP_TEXT:
            frame[column] = values.cat.remove_categories(values.cat.categories[hit])
            values = frame[column]


def _count(found: dict[str, dict[str, Any]], kind: str, frame: pd.DataFrame, column: str, index: pd.Index) -> None:
    """Count the rows first found with ``kind`` in ``column`` (a row counts once, under its first column)."""
    if not len(index):
        return
    item = found.setdefault(kind, {"kind": kind, "count": 0, "columns": {}, "examples": [],
                                   "note": _NOTES[kind]})
    item["count"] += len(index)
    item["columns"][column] = item["columns"].get(column, 0) + len(index)
    for i in index[: MAX_EXAMPLES - len(item["examples"])]:
        example: dict[str, Any] = {"column": column, "value": str(frame.at[i, column])}
        if E.FILE in frame.columns:
            example = {"file": str(frame.at[i, E.FILE]), "row": int(frame.at[i, E.ROW]) if E.ROW in frame.columns
                       else None, **example}
        item["examples"].append(example)


_NOTES = {"empty_placeholder": "1C empty references («<Не указан>», «<Пусто>»): read as missing values",
          "broken_reference": "1C references to deleted objects («<Объект не найден>»): kept as text"}


def fill_case_client(frame: pd.DataFrame) -> None:
    """Give every event of a case the case's client where the event itself names none (in place).

    A payment or a shipment often lacks the client column its order has; ``case:client`` is a
    case attribute, so the first client named in the case is used.
    """
    if E.CLIENT not in frame.columns:
        return
    if isinstance(frame[E.CLIENT].dtype, pd.CategoricalDtype):
        _fill_categorical_client(frame)
        return
    client = frame[E.CLIENT].astype("str")
    client = client.mask(client == "")
    if client.isna().any() and client.notna().any():
        client = client.fillna(client.groupby(frame[E.CASE].to_numpy(), sort=False).transform("first"))
    frame[E.CLIENT] = client


def _fill_categorical_client(frame: pd.DataFrame) -> None:
    """``fill_case_client`` on codes, for a categorical client column (a big parquet log)."""
    client = frame[E.CLIENT]
    if "" in client.cat.categories:
        client = client.cat.remove_categories([""])
    codes = pd.Series(client.cat.codes.to_numpy(), index=frame.index)
    missing = codes < 0
    if missing.any() and not missing.all():
        known = codes.where(~missing)
        firsts = known.groupby(E.value_codes(frame[E.CASE]), sort=False).transform("first")
        codes = known.fillna(firsts).fillna(-1).astype(np.int64)
        client = pd.Categorical.from_codes(codes.to_numpy(), categories=client.cat.categories)
    frame[E.CLIENT] = client
