"""Join registration-journal entries to document-list events: business date vs. when it was entered.

A document list gives each document's *business* date (the «Дата» a user can set to anything);
the journal says when the document was really created, posted and changed, and by whom. Joining
them (by GUID when the list has «Ссылка.Уникальный идентификатор», else by kind + number + date)
shows late entries (created long after the business date) and back-dating (a document dated
before it existed).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from connectors.onec.presentations import find_kind
from miner import eventlog as ev

ADDED = ("onec:entered", "onec:entered_by", "onec:first_posted", "onec:last_changed", "onec:changes",
         "doc:lag_hours", "doc:late_entry", "doc:back_dated")


def _metadata(kinds: pd.Series) -> pd.Series:
    """Document metadata name (``ЗаказКлиента``) from a metadata path, a metadata name or a kind title."""
    uniques = {k: (find_kind(str(k).split(".")[-1]) or find_kind(str(k))) for k in kinds.dropna().unique()}
    return kinds.map(lambda k: u.metadata if (u := uniques.get(k)) is not None else None)


def _entries(journal: pd.DataFrame) -> pd.DataFrame:
    """One row per journalled document: created (first New, else first change), by whom, posted, changes."""
    events = journal["onec:event"].astype(str) if "onec:event" in journal else pd.Series("", index=journal.index)
    data = journal[events.str.startswith("_$Data$_.")]
    if data.empty:
        return pd.DataFrame(columns=["guid", "key", "entered", "entered_by", "posted", "last", "changes"])
    source = data["onec:metadata"] if "onec:metadata" in data else data.get("doc:kind")
    meta = _metadata(source.astype(object))
    if "doc:kind" in data:
        meta = meta.where(meta.notna(), _metadata(data["doc:kind"].astype(object)))
    frame = pd.DataFrame({
        "guid": data.get("onec:ref", pd.Series(pd.NA, index=data.index)).astype("string").replace("", pd.NA),
        "key": _keys(meta, data.get("doc:number"), data.get("doc:date")),
        "when": data[ev.TIMESTAMP], "who": data.get(ev.RESOURCE), "event": events[data.index],
    })
    frame["ident"] = frame["guid"].fillna(frame["key"])
    frame = frame[frame["ident"].notna()].sort_values("when", kind="stable")
    created = frame[frame["event"] == "_$Data$_.New"].groupby("ident").first()
    first = frame.groupby("ident").first()
    first.loc[created.index, ["when", "who"]] = created[["when", "who"]].to_numpy()
    posted = frame[frame["event"] == "_$Data$_.Post"].groupby("ident")["when"].min()
    out = pd.DataFrame({"guid": first["guid"], "key": first["key"], "entered": first["when"],
                        "entered_by": first["who"], "posted": posted.reindex(first.index),
                        "last": frame.groupby("ident")["when"].max(), "changes": frame.groupby("ident").size()})
    return out.reset_index(drop=True)


def _keys(meta: pd.Series, number: pd.Series | None, date: pd.Series | None) -> pd.Series:
    """``kind|number|yyyymmdd``: how a document is named when its GUID is not known."""
    if number is None or date is None:
        return pd.Series(pd.NA, index=meta.index, dtype="string")
    day = pd.to_datetime(date).dt.strftime("%Y%m%d")
    key = meta.astype("string") + "|" + number.astype("string") + "|" + day.astype("string")
    return key.where(meta.notna() & number.notna() & day.notna(), pd.NA)


def _delta(text: str) -> pd.Timedelta:
    """``1d`` and ``1D`` both mean a day (pandas deprecates the lower-case day unit)."""
    return pd.Timedelta(text[:-1] + "D" if text.endswith("d") and text[:-1].strip().isdigit() else text)


def join_journal(documents: pd.DataFrame, journal: pd.DataFrame, *, late_after: str = "1d",
                 back_dated_after: str = "10min") -> pd.DataFrame:
    """Return the documents log with when and by whom each document was really entered.

    Args:
        documents: events from :func:`connectors.onec.documents.read_onec_documents` (``doc:kind``,
            ``doc:number``, ``doc:date``, optionally ``doc:guid``).
        journal: events from :func:`connectors.onec.journal.read_onec_journal` (``onec:event``,
            ``onec:metadata``, ``onec:ref``, ``doc:number``, ``doc:date``).
        late_after: a lag longer than this marks a late entry (``1D``, ``36h``, ``2 days``).
        back_dated_after: a document dated more than this before its creation is back-dated
            (1C sets the date to the moment of creation, so a date well before it was typed in).
    Returns:
        A copy of ``documents`` with ``onec:entered``, ``onec:entered_by``, ``onec:first_posted``,
        ``onec:last_changed``, ``onec:changes``, ``doc:lag_hours`` (entered − business date),
        ``doc:late_entry`` and ``doc:back_dated`` (missing where the journal has no entry).
    Example:
        >>> joined = join_journal(docs.frame, journal.frame, late_after="2d")  # doctest: +SKIP
        >>> joined.loc[joined["doc:late_entry"] == True, "doc:presentation"]  # doctest: +SKIP
    """
    late, grace = _delta(late_after), _delta(back_dated_after)
    out = documents.copy()
    entries = _entries(journal)
    by_guid = entries.dropna(subset=["guid"]).drop_duplicates("guid").set_index("guid")
    by_key = entries.dropna(subset=["key"]).drop_duplicates("key").set_index("key")
    guid = out["doc:guid"].astype("string").str.lower() if "doc:guid" in out else pd.Series(pd.NA, index=out.index)
    key = _keys(_metadata(out["doc:kind"].astype(object)), out.get("doc:number"), out.get("doc:date"))
    columns = {"entered": "onec:entered", "entered_by": "onec:entered_by", "posted": "onec:first_posted",
               "last": "onec:last_changed", "changes": "onec:changes"}
    for source, target in columns.items():
        values = guid.map(by_guid[source]) if len(by_guid) else pd.Series(pd.NA, index=out.index)
        values = values.where(values.notna(), key.map(by_key[source]) if len(by_key) else pd.NA)
        out[target] = values
    for target in ("onec:entered", "onec:first_posted", "onec:last_changed"):
        out[target] = pd.to_datetime(out[target]).astype("datetime64[ns]")
    out["onec:entered_by"] = out["onec:entered_by"].astype("string")
    out["onec:changes"] = pd.array(out["onec:changes"], dtype="Int64")
    lag = out["onec:entered"] - pd.to_datetime(out["doc:date"])
    out["doc:lag_hours"] = lag.dt.total_seconds() / 3600
    known = lag.notna().to_numpy()
    out["doc:late_entry"] = pd.array(np.where(known, (lag > late).to_numpy(), None), dtype="boolean")
    out["doc:back_dated"] = pd.array(np.where(known, (lag > grace).to_numpy(), None), dtype="boolean")
    return out
