"""Turn a raw 1C registration journal table into events: transactions, activities, case notions.

All three journal formats (lgf/lgp, lgd, XML export) are first read into the same *raw table*
(:data:`RAW_COLUMNS`), then :func:`build_events` decides each transaction's outcome, drops the
service records, names the activities and picks the case id. Everything is vectorised over
categorical codes, so a journal of millions of records costs seconds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from connectors.onec.cases import (Cat, Presentations, activities, as_categorical, doc_kinds,
                                   object_cases, session_cases, user_day_cases)
from connectors.onec.filters import EVENTS_REASON, PERIOD_REASON, JournalFilter
from connectors.onec.lgf import release_memory
from miner import eventlog as ev
from miner.rejects import RowProblems

CaseNotion = Literal["object", "session", "user_day"]
CASE_NOTIONS = ("object", "session", "user_day")

# file, row, date (local wall clock), status (C/N/R/U), txn (int group key, -1 = none), user,
# computer, application, connection, event (internal id), severity, comment, metadata,
# presentation, data_type, ref (GUID), data (text), session, server.
RAW_COLUMNS = ("file", "row", "date", "status", "txn", "user", "computer", "application", "connection", "event",
               "severity", "comment", "metadata", "presentation", "data_type", "ref", "data", "session", "server")

BEGIN, COMMIT, ROLLBACK = "_$Transaction$_.Begin", "_$Transaction$_.Commit", "_$Transaction$_.Rollback"
# Presentations of the platform's events (the ЖР form shows these); keyed on the internal id
# because presentations differ between platform versions ("Сеанс.Начало" vs "Сеанс. Начало").
EVENT_TITLES = {
    "_$Session$_.Start": "Сеанс. Начало", "_$Session$_.Finish": "Сеанс. Завершение",
    "_$Session$_.Authentication": "Сеанс. Аутентификация",
    "_$Session$_.AuthenticationError": "Сеанс. Ошибка аутентификации",
    "_$Session$_.ConfigExtensionApplyError": "Сеанс. Ошибка применения расширения конфигурации",
    BEGIN: "Транзакция. Начало", COMMIT: "Транзакция. Фиксация", ROLLBACK: "Транзакция. Отмена",
    "_$Data$_.New": "Данные. Добавление", "_$Data$_.Update": "Данные. Изменение", "_$Data$_.Post": "Данные. Проведение",
    "_$Data$_.Unpost": "Данные. Отмена проведения", "_$Data$_.Delete": "Данные. Удаление",
    "_$Data$_.NewVersion": "Данные. Добавление версии",
    "_$Data$_.TotalsPeriodUpdate": "Данные. Изменение периода рассчитанных итогов",
    "_$Job$_.Start": "Фоновое задание. Запуск", "_$Job$_.Succeed": "Фоновое задание. Успешное завершение",
    "_$Job$_.Fail": "Фоновое задание. Ошибка выполнения", "_$Job$_.Cancel": "Фоновое задание. Отмена",
    "_$Job$_.Terminate": "Фоновое задание. Принудительное завершение",
    "_$InfoBase$_.ConfigUpdate": "Информационная база. Изменение конфигурации",
    "_$InfoBase$_.DBConfigUpdate": "Информационная база. Изменение конфигурации базы данных",
    "_$InfoBase$_.EventLogSettingsUpdate": "Информационная база. Изменение параметров журнала регистрации",
    "_$InfoBase$_.EventLogReduce": "Информационная база. Сокращение журнала регистрации",
    "_$InfoBase$_.PredefinedDataUpdate": "Информационная база. Обновление предопределенных данных",
    "_$InfoBase$_.DBConfigExtensionUpdate": "Информационная база. Изменение расширения конфигурации",
    "_$User$_.New": "Пользователи. Добавление", "_$User$_.Update": "Пользователи. Изменение",
    "_$User$_.Delete": "Пользователи. Удаление", "_$User$_.NewError": "Пользователи. Ошибка добавления",
    "_$User$_.UpdateError": "Пользователи. Ошибка изменения", "_$User$_.DeleteError": "Пользователи. Ошибка удаления",
    "_$Access$_.Access": "Доступ. Доступ", "_$Access$_.AccessDenied": "Доступ. Отказ в доступе",
    "_$PerformError$_": "Ошибка выполнения",
}
TITLE_TO_EVENT = {title.replace(" ", "").casefold(): name for name, title in EVENT_TITLES.items()}
OUTCOMES = ["нет транзакции", "зафиксирована", "отменена", "не завершена"]
ATTRIBUTES = {"event": "onec:event", "computer": "onec:computer", "application": "onec:application",
              "session": "onec:session", "connection": "onec:connection", "severity": "onec:severity",
              "comment": "onec:comment", "metadata": "onec:metadata", "presentation": "onec:presentation",
              "ref": "onec:ref", "data": "onec:data", "server": "onec:server"}


@dataclass
class Built:
    """Events of one journal, the problems met, and facts for the ingest report."""

    frame: pd.DataFrame
    problems: RowProblems
    details: dict[str, Any] = field(default_factory=dict)
    keep: np.ndarray | None = None  # which raw records became events
    presentations: Presentations | None = None  # the events' parsed data presentations


def transaction_outcomes(raw: pd.DataFrame) -> pd.Categorical:
    """Decide each record's transaction outcome from the records that share its transaction key.

    A transaction with a ``_$Transaction$_.Rollback`` record or an ``R`` status is rolled back;
    else one with a Commit record or a ``C`` status is committed; else it is unfinished (still
    open, or the journal was cut). ``U`` alone says nothing (ONEC_FORMATS.md §1.2.5).
    """
    event, status = Cat(raw["event"]), Cat(raw["status"])
    rollback = event.mask(lambda c: c == ROLLBACK) | status.mask(lambda c: c == "R")
    commit = event.mask(lambda c: c == COMMIT) | status.mask(lambda c: c == "C")
    txn = raw["txn"].to_numpy()
    inside = txn >= 0
    codes = np.zeros(len(raw), dtype=np.int8)
    groups, _ = pd.factorize(txn[inside])
    if len(groups):
        rb = np.bincount(groups, weights=rollback[inside]) > 0
        cm = np.bincount(groups, weights=commit[inside]) > 0
        codes[inside] = np.where(rb, 2, np.where(cm, 1, 3))[groups]
    return pd.Categorical.from_codes(codes, categories=OUTCOMES)


def event_title(name: str) -> str:
    """Russian presentation of an event id (configuration-defined events are already text)."""
    return EVENT_TITLES.get(name, name)


def build_events(raw: pd.DataFrame, *, case_notion: CaseNotion = "object", include_rolled_back: bool = False,
                 system: str = "1C", outcome: pd.Categorical | None = None,
                 transactions: dict[str, int] | None = None, filt: JournalFilter | None = None,
                 deferred: bool = False) -> Built:
    """Turn a raw journal table into canonical events.

    Args:
        raw: the table with :data:`RAW_COLUMNS`, one row per journal record. Pass it over (no other
            reference) to let a big journal's table be freed while the events are built.
        case_notion: ``object`` (one case per document or other object; only data changes
            become events), ``session`` (one case per user session), ``user_day`` (per user and day).
        include_rolled_back: keep data changes of rolled-back transactions (flagged) instead of
            excluding them.
        system: the value of ``source:system``.
        outcome, transactions: the transaction outcome of each record and the counts per outcome,
            when the reader decided them already (the lgp reader keeps only candidate records).
        filt: the period and event kinds to keep (the lgp reader applies it while reading).
        deferred: leave the object and session case ids and the activities empty: the streaming
            reader decides them over the whole journal.
    Returns:
        :class:`Built`: events, problems (every record that is not an event), details.
    Example:
        >>> build_events(raw, case_notion="session").frame["case:concept:name"][0]  # doctest: +SKIP
        'Сеанс 4 от 21.01.2019 14:28:34'
    """
    if case_notion not in CASE_NOTIONS:
        raise ValueError(f"case_notion must be one of {CASE_NOTIONS}, not {case_notion!r}")
    problems = RowProblems()
    if outcome is None:
        outcome = transaction_outcomes(raw)
        transactions = _transaction_counts(raw, outcome)
    event = Cat(raw["event"])
    is_data = event.mask(lambda c: c.startswith("_$Data$_."))
    service = event.mask(lambda c: c in (BEGIN, COMMIT, ROLLBACK))
    no_date = raw["date"].isna().to_numpy()
    keep = ~no_date & ~service
    _count(problems, raw, no_date, "unreadable date in the record", reject=True)
    _count(problems, raw, service & ~no_date, "transaction service record (Begin/Commit/Rollback)")
    if case_notion == "object":
        _count(problems, raw, keep & ~is_data,
               "not a change of a 1C object (session, job, message); use case notion session or user_day")
        keep &= is_data
    if filt is not None and filt.active:
        keep = _filtered(problems, raw, keep, filt)
    rolled = (np.asarray(outcome.codes) == 2) & is_data & keep
    if not include_rolled_back:
        _count(problems, raw, rolled, "rolled-back transaction")
        keep &= ~rolled
    if case_notion == "object":
        has_object = Cat(raw["ref"]).nonempty() | Cat(raw["data"]).nonempty() | Cat(raw["presentation"]).nonempty()
        _count(problems, raw, keep & ~has_object, "data change without an object reference")
        keep &= has_object
    kept = raw if keep.all() else raw[keep]
    del raw  # the caller passes the table over: free it before the events are built
    outcome = outcome if keep.all() else outcome[keep]
    frame, pres = _event_frame(kept, case_notion, system, deferred)
    frame["onec:transaction"] = outcome
    details: dict[str, Any] = {"case_notion": case_notion, "transactions": transactions}
    if include_rolled_back and rolled.any():
        details["rolled_back_kept"] = int(rolled.sum())
    return Built(frame, problems, details, keep, pres)


def _filtered(problems: RowProblems, raw: pd.DataFrame, keep: np.ndarray, filt: JournalFilter) -> np.ndarray:
    """Apply the period and event filters to the records still kept; count what they leave out."""
    seconds = raw["date"].to_numpy().astype("datetime64[s]").astype(np.int64)  # NaT is int64 min
    period = filt.period_mask(seconds)
    _count(problems, raw, keep & ~period, PERIOD_REASON)
    keep = keep & period
    if filt.tokens:
        event, meta = Cat(raw["event"]), Cat(raw["metadata"])
        width = len(meta.labels) + 1
        pairs, uniques = pd.factorize(event.codes * width + (meta.codes + 1))
        lut = np.array([filt.event_ok(event.labels[e] if e >= 0 else "", meta.labels[m - 1] if m > 0 else "")
                        for e, m in (divmod(int(k), width) for k in uniques)] + [True], dtype=bool)
        chosen = lut[np.where(pairs < 0, len(uniques), pairs)]
        _count(problems, raw, keep & ~chosen, EVENTS_REASON)
        keep = keep & chosen
    return keep


def _count(problems: RowProblems, raw: pd.DataFrame, mask: np.ndarray, reason: str, reject: bool = False) -> None:
    """Count the records of ``mask`` under ``reason`` with the first few as located examples."""
    total = int(mask.sum())
    if not total:
        return
    if reject:
        files = raw["file"].astype(str).to_numpy()[mask]
        rows = raw["row"].to_numpy()[mask]
        for name in pd.unique(files):
            problems.reject(reason, name, rows[files == name].tolist())
        return
    first = np.flatnonzero(mask)[:5]
    problems.exclude(reason, total, [{"file": str(raw["file"].iat[i]), "row": int(raw["row"].iat[i])} for i in first])


def _transaction_counts(raw: pd.DataFrame, outcome: pd.Categorical) -> dict[str, int]:
    txn = raw["txn"].to_numpy()
    inside = txn >= 0
    per = pd.DataFrame({"t": txn[inside], "o": np.asarray(outcome.codes)[inside]}).drop_duplicates("t")["o"]
    counts = per.value_counts()
    return {"committed": int(counts.get(1, 0)), "rolled_back": int(counts.get(2, 0)),
            "unfinished": int(counts.get(3, 0))}


def _event_frame(kept: pd.DataFrame, case_notion: CaseNotion, system: str,
                 deferred: bool = False) -> tuple[pd.DataFrame, Presentations]:
    """Build the canonical columns and attributes for the records that become events."""
    pres = Presentations(kept["presentation"])
    release_memory()
    meta = Cat(kept["metadata"])
    frame = pd.DataFrame(index=pd.RangeIndex(len(kept)))
    empty = pd.Categorical.from_codes(np.zeros(len(kept), np.int8), categories=[""])
    if deferred and case_notion != "user_day":
        frame[ev.CASE] = empty
    elif case_notion == "object":
        frame[ev.CASE] = object_cases(kept, pres, meta)
    elif case_notion == "session":
        frame[ev.CASE] = session_cases(kept)
    else:
        frame[ev.CASE] = user_day_cases(kept)
    release_memory()
    frame[ev.ACTIVITY] = empty if deferred else activities(kept, pres, meta, event_title)
    frame[ev.TIMESTAMP] = kept["date"].to_numpy().astype("datetime64[ns]")
    user = Cat(kept["user"])
    # Few distinct values: categoricals (finalize makes them strings cheaply); the case id has as
    # many values as documents and is a pyarrow string column already.
    frame[ev.RESOURCE] = as_categorical(user.codes, [u or None for u in user.labels])  # "" = not authenticated
    frame[ev.SYSTEM] = pd.Categorical.from_codes(np.zeros(len(kept), np.int8), categories=[system])
    frame[ev.FILE] = kept["file"].array
    frame[ev.ROW] = kept["row"].to_numpy(dtype=np.int64)
    for source, target in ATTRIBUTES.items():
        if source == "presentation" and case_notion == "object":
            continue  # the case id is the object's presentation; doc:kind/number/date keep the event's own
        column = kept[source]
        frame[target] = column.array if isinstance(column.dtype, pd.CategoricalDtype) else column.to_numpy()
    frame["doc:kind"] = doc_kinds(pres, meta)
    release_memory()
    frame["doc:number"] = as_categorical(pres.cat.codes, pres.number)
    frame["doc:date"] = pres.dates[pres.at(pres.cat.codes)].astype("datetime64[ns]")
    release_memory()
    return frame, pres

