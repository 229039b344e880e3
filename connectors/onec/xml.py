"""Read the XML that «Выгрузить журнал регистрации» (``ВыгрузитьЖурналРегистрации``) writes.

No real public sample exists; the layout follows ONEC_FORMATS.md §1.4: ``<v8e:EventLog>`` holding
``<v8e:Event>`` elements whose children (Level, Date, ApplicationName, Event, EventPresentation,
User/UserName, Computer, Metadata/MetadataPresentation, Comment, Data, DataPresentation,
TransactionStatus, TransactionID, Connection, Session, ServerName, ...) are all optional, because
the export writes only the columns selected for it. Dates are local time without a zone.
The file is parsed as a stream (``iterparse``) with entity expansion refused (defusedxml).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from connectors.onec.events import TITLE_TO_EVENT
from connectors.onec.presentations import ref_to_guid
from miner.errors import FormatError, UnsafeFileError

LEVELS = {"information": "Информация", "warning": "Предупреждение", "error": "Ошибка", "note": "Примечание",
          "информация": "Информация", "предупреждение": "Предупреждение", "ошибка": "Ошибка",
          "примечание": "Примечание"}
STATUSES = {"committed": "C", "rolledback": "R", "unfinished": "U", "notapplicable": "N", "зафиксирована": "C",
            "отменена": "R", "незавершена": "U", "нетранзакции": "N"}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_FIELDS = ("Level", "Date", "ApplicationName", "ApplicationPresentation", "Event", "EventPresentation", "User",
           "UserName", "Computer", "Metadata", "MetadataPresentation", "Comment", "Data", "DataPresentation",
           "TransactionStatus", "TransactionID", "Connection", "Session", "ServerName")


def is_xml_journal(path: Path) -> bool:
    """Tell whether ``path`` looks like a journal XML export (namespace or root element)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048).decode("utf-8", "ignore")
    except OSError:
        return False
    return head.lstrip("\ufeff \r\n\t").startswith("<") and (
        "v8.1c.ru/eventLog" in head or re.search(r"<(?:\w+:)?EventLog[\s>]", head) is not None)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _record(elem: Any) -> dict[str, Any]:
    """Take the direct children of one ``<Event>`` by local name; Data may be text or nested."""
    out: dict[str, Any] = {}
    for child in elem:
        name = _local(child.tag)
        if name == "Data":
            texts = [t.strip() for t in child.itertext() if t and t.strip()]
            out["Data"] = "; ".join(texts)
            out["DataType"] = next((v for k, v in child.attrib.items() if _local(k) == "type"), "")
        elif name in _FIELDS:
            out[name] = (child.text or "").strip()
    return out


def read_xml_journal(path: Path, progress: Callable[[int], None] | None = None) -> tuple[pd.DataFrame, int]:
    """Read a journal XML export into the raw journal table (dates as written: local time).

    Raises:
        FormatError: the XML is malformed (with line and column).
        UnsafeFileError: the file declares entities (XML bomb protection).
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    rows: list[dict[str, Any]] = []
    depth = 0
    try:
        for action, elem in iterparse(str(path), events=("start", "end")):
            if action == "start":
                depth += 1
                continue
            depth -= 1
            if depth == 1 and _local(elem.tag) == "Event":
                rows.append(_record(elem))
                elem.clear()
                if progress and len(rows) % 10000 == 0:
                    progress(10000)
    except DefusedXmlException as exc:
        raise UnsafeFileError(f"{path.name}: the XML declares entities or a DTD ({exc}); refused as unsafe. "
                              "Export the journal from 1C again.") from exc
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
        line, column = getattr(exc, "position", (0, 0))
        raise FormatError(f"{path.name}, строка {line}, позиция {column}: the journal XML is malformed "
                          f"({exc}); {len(rows)} events were read before it. Export the journal again.") from exc
    return _raw(rows, path.name), len(rows)


def _raw(rows: list[dict[str, Any]], file: str) -> pd.DataFrame:
    """Build the raw table from the records' fields; missing elements become empty values."""
    t = pd.DataFrame(rows, columns=list(_FIELDS) + ["DataType"]).fillna("")
    event = t["Event"].where(t["Event"] != "", t["EventPresentation"].map(
        lambda p: TITLE_TO_EVENT.get(p.replace(" ", "").casefold(), p)))
    data = t["Data"]
    is_ref = data.str.match(_GUID) | t["DataType"].str.contains("Ref", regex=False)
    ref = data.where(data.str.match(_GUID), data.map(lambda d: ref_to_guid(d) or "")).where(is_ref, "")
    txn_text = t["TransactionID"].where(t["TransactionID"] != "", None)
    txn = pd.factorize(txn_text, use_na_sentinel=True)[0].astype(np.int64)
    status = t["TransactionStatus"].map(lambda s: STATUSES.get(s.replace(" ", "").casefold(), "N" if not s else "U"))
    dates = pd.to_datetime(t["Date"], errors="coerce", format="ISO8601")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    raw = pd.DataFrame({
        "file": pd.Categorical([file] * len(t)), "row": np.arange(1, len(t) + 1, dtype=np.int64),
        "date": dates.astype("datetime64[s]"), "status": status.astype("category"), "txn": txn,
        "user": t["UserName"].where(t["UserName"] != "", t["User"]).astype("category"),
        "computer": t["Computer"].astype("category"),
        "application": t["ApplicationName"].where(t["ApplicationName"] != "", t["ApplicationPresentation"]).astype(
            "category"),
        "connection": pd.to_numeric(t["Connection"], errors="coerce").fillna(0).astype(np.int64),
        "event": event.astype("category"),
        "severity": t["Level"].map(lambda v: LEVELS.get(v.casefold(), v)).astype("category"),
        "comment": t["Comment"].astype("category"),
        "metadata": t["Metadata"].where(t["Metadata"] != "", t["MetadataPresentation"]).astype("category"),
        "presentation": t["DataPresentation"].astype("category"),
        "data_type": np.where(is_ref, "R", np.where(data == "", "U", "S")),
        "ref": ref.astype("category"), "data": data.where(~is_ref, data).astype("category"),
        "session": pd.to_numeric(t["Session"], errors="coerce").fillna(0).astype(np.int64),
        "server": t["ServerName"].astype("category"),
    })
    raw["data_type"] = raw["data_type"].astype("category")
    return raw
