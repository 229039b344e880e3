"""Read the SQLite registration journal ``1Cv8.lgd`` into the raw journal table.

Quirks handled (ONEC_FORMATS.md §1.3): dates are UTC ticks (seconds since 0001-01-01 × 10000) and
are converted to the infobase's local time; severity is 0 Note, 1 Information, 2 Warning, 3 Error
(not 1..4 as some readers assume); ``transactionStatus`` 1 committed, 2 rolled back, 3 none; the
``…Codes`` names of applications, events and computers carry their quotes; ``data`` strings written
by some platform builds are double-encoded (UTF-8 bytes read as cp1251) and are repaired only when
the repair round-trips and yields Cyrillic.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from connectors.onec.lgf import decode_data
from connectors.onec.presentations import ref_to_guid
from miner.errors import FormatError, InputError

SEVERITY = {0: "Примечание", 1: "Информация", 2: "Предупреждение", 3: "Ошибка"}
STATUS = {0: "U", 1: "C", 2: "R", 3: "N"}
TICKS_TO_UNIX = 62135596800  # seconds from 0001-01-01 to 1970-01-01
PAGE = 200_000
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_QUERY = """SELECT rowID, severity, date, connectID, session, transactionStatus, transactionDate, transactionID,
    userCode, computerCode, appCode, eventCode, comment, metadataCodes, dataType, data, dataPresentation,
    workServerCode FROM EventLog WHERE rowID > ? ORDER BY rowID LIMIT ?"""


def connect(path: Path) -> sqlite3.Connection:
    """Open ``path`` read-only (1C may be writing it) and check that it is a 1C journal.

    Raises:
        FormatError: not an SQLite database, or one without the ``EventLog`` table.
    """
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise FormatError(f"{path.name}: is not an SQLite database ({exc}), so it is not a 1C journal (1Cv8.lgd). "
                          "Copy the file again while 1C is stopped, or export the journal from 1C.") from exc
    if "EventLog" not in tables:
        con.close()
        raise FormatError(f"{path.name}: an SQLite database without the EventLog table: not a 1C registration "
                          "journal (1Cv8.lgd).")
    return con


def is_lgd(path: Path) -> bool:
    """Tell whether ``path`` is an SQLite file with an ``EventLog`` table (cheap)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return False
        connect(path).close()
        return True
    except (OSError, InputError):
        return False


def _codes(con: sqlite3.Connection, table: str) -> dict[int, str]:
    try:
        rows = con.execute(f"SELECT code, name FROM {table}").fetchall()
    except sqlite3.DatabaseError:
        return {}
    return {int(code): _unquote(name) for code, name in rows}


def _unquote(name: object) -> str:
    text = "" if name is None else str(name)
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].replace('""', '"')
    return text


def repair_text(text: str) -> str:
    """Undo double encoding (UTF-8 bytes decoded as cp1251) when it round-trips to Cyrillic.

    >>> repair_text("1: РџСЂРѕСЃС‚РѕР№ С‚РµРєСЃС‚ 11")
    '1: Простой текст 11'
    >>> repair_text("Простой текст")
    'Простой текст'
    """
    if not text or text.isascii():
        return text
    try:
        fixed = text.encode("cp1251").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    return fixed if fixed != text and _CYRILLIC.search(fixed) else text


def _data(data_type: int, value: object) -> tuple[str, str, str]:
    """(type letter, GUID, text) of one lgd data cell; ``dataType`` is the lgp tag's ASCII code, 0 = composite."""
    text = "" if value is None else str(value)
    if data_type == 85 or not text:
        return "U", "", ""
    if data_type == 82:
        return "R", ref_to_guid(text) or "", text
    if data_type == 0:
        return decode_data(text.encode("utf-8"))
    if data_type == 66:
        return "B", "", "Истина" if text.strip('"') == "1" else "Ложь"
    return chr(data_type) if 0 < data_type < 128 else "?", "", repair_text(_unquote(text))


def read_lgd(path: Path, *, tz: str, progress: Callable[[int], None] | None = None) -> tuple[pd.DataFrame, int]:
    """Read ``1Cv8.lgd`` into the raw journal table with dates in the local time of ``tz``.

    Returns:
        The raw table (:data:`connectors.onec.events.RAW_COLUMNS`) and the number of records.
    """
    con = connect(path)
    try:
        names = {t: _codes(con, t) for t in ("UserCodes", "ComputerCodes", "AppCodes", "EventCodes", "MetadataCodes",
                                             "WorkServerCodes")}
        total = con.execute("SELECT COUNT(*) FROM EventLog").fetchone()[0]
        pages, last = [], 0
        while True:
            page = pd.DataFrame(con.execute(_QUERY, (last, PAGE)).fetchall(), columns=_columns())
            if page.empty:
                break
            last = int(page["rowID"].iat[-1])
            pages.append(_page(page, names, path.name))
            if progress:
                progress(len(page))
    except sqlite3.DatabaseError as exc:
        raise FormatError(f"{path.name}: the journal database is damaged ({exc}). Copy it again while 1C is "
                          "stopped.") from exc
    finally:
        con.close()
    raw = _concat(pages)
    raw["date"] = _to_local(raw.pop("utc"), tz, path)
    return raw, int(total)


def _columns() -> list[str]:
    return ["rowID", "severity", "date", "connectID", "session", "transactionStatus", "transactionDate",
            "transactionID", "userCode", "computerCode", "appCode", "eventCode", "comment", "metadataCodes",
            "dataType", "data", "dataPresentation", "workServerCode"]


def _page(page: pd.DataFrame, names: dict[str, dict[int, str]], file: str) -> pd.DataFrame:
    """Convert one page of EventLog rows; text columns become categoricals."""
    def lookup(column: str, table: str) -> pd.Series:
        codes = page[column].fillna(0).astype(np.int64)
        return codes.map(lambda c: "" if c == 0 else names[table].get(c, f"<код {c} нет в {table}>")).astype("category")

    meta_first = page["metadataCodes"].fillna("").astype(str).str.split(",").str[0].replace("", "0").astype(np.int64)
    data = [_data(int(t or 0), v) for t, v in zip(page["dataType"], page["data"])]
    txn_date = page["transactionDate"].fillna(0).astype(np.int64).to_numpy()
    txn_id = page["transactionID"].fillna(0).astype(np.int64).to_numpy()
    out = pd.DataFrame({
        "file": file, "row": page["rowID"].astype(np.int64),
        "utc": page["date"].astype(np.int64),
        "status": page["transactionStatus"].map(STATUS).astype("category"),
        "txn_date": np.where(txn_date == 0, -1, txn_date), "txn_id": txn_id,
        "user": lookup("userCode", "UserCodes"), "computer": lookup("computerCode", "ComputerCodes"),
        "application": lookup("appCode", "AppCodes"), "connection": page["connectID"].fillna(0).astype(np.int64),
        "event": lookup("eventCode", "EventCodes"),
        "severity": page["severity"].map(SEVERITY).fillna("?").astype("category"),
        "comment": page["comment"].fillna("").map(repair_text).astype("category"),
        "metadata": meta_first.map(lambda c: "" if c == 0 else names["MetadataCodes"].get(
            c, f"<код {c} нет в MetadataCodes>")).astype("category"),
        "presentation": page["dataPresentation"].fillna("").map(repair_text).astype("category"),
        "data_type": pd.Categorical([d[0] for d in data]), "ref": pd.Categorical([d[1] for d in data]),
        "data": pd.Categorical([d[2] for d in data]),
        "session": page["session"].fillna(0).astype(np.int64),
        "server": lookup("workServerCode", "WorkServerCodes"),
    })
    return out


def _concat(pages: list[pd.DataFrame]) -> pd.DataFrame:
    from pandas.api.types import union_categoricals

    if not pages:
        empty = _page(pd.DataFrame(columns=_columns()), {t: {} for t in (
            "UserCodes", "ComputerCodes", "AppCodes", "EventCodes", "MetadataCodes", "WorkServerCodes")}, "")
        empty["txn"] = np.zeros(0, np.int64)
        return empty.drop(columns=["txn_date", "txn_id"])
    out = {}
    for column in pages[0].columns:
        parts = [p[column] for p in pages]
        if isinstance(parts[0].dtype, pd.CategoricalDtype):
            out[column] = pd.Series(union_categoricals(parts))
        else:
            out[column] = pd.concat(parts, ignore_index=True)
    raw = pd.DataFrame(out)
    inside = raw["txn_date"].to_numpy() >= 0
    txn = np.full(len(raw), -1, dtype=np.int64)
    txn[inside] = pd.MultiIndex.from_arrays([raw["txn_date"][inside], raw["txn_id"][inside]]).factorize()[0]
    raw["txn"] = txn
    raw["file"] = raw["file"].astype("category")
    return raw.drop(columns=["txn_date", "txn_id"])


def _to_local(ticks: pd.Series, tz: str, path: Path) -> pd.Series:
    """UTC ticks → wall-clock time in ``tz`` (tz-naive), truncated to seconds like the lgp."""
    seconds = ticks.to_numpy() // 10000 - TICKS_TO_UNIX
    utc = pd.DatetimeIndex(seconds.astype("datetime64[s]")).tz_localize("UTC")
    try:
        local = utc.tz_convert(tz)
    except Exception as exc:  # zoneinfo raises several types for a bad name
        raise InputError(f"{path.name}: unknown time zone '{tz}'. Pass --tz as an IANA name, e.g. Europe/Moscow, "
                         "Asia/Yekaterinburg.") from exc
    return pd.Series(local.tz_localize(None).astype("datetime64[s]"))
