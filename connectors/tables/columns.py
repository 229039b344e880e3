"""Guess which column of a table is the case, activity, timestamp, resource, role and department.

Headers are matched in Russian and English after normalisation; the guess is reported so that the
user can correct it with ``--case``, ``--activity``, ... (CONTRACTS.md §2).
"""
from __future__ import annotations

import re

from miner.errors import ColumnError

FIELDS = ("case", "activity", "timestamp", "resource", "role", "department", "client", "entered")
REQUIRED_FIELDS = ("case", "activity", "timestamp")

# field -> synonyms, most specific first. A header equal to a synonym scores highest, a header
# that starts with one next, a header that contains one as a word last. The work items and people
# of every department are here: sales (Сделка), service desk (Обращение, Тикет), design (Задача,
# Этап, Исполнитель), HR (Вакансия, Рекрутер), approvals (Кто, Согласовал), projects (Проект).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "case": ("case:concept:name", "case id", "caseid", "case", "номер заказа", "№ заказа", "номер заявки", "№ заявки",
             "номер обращения", "№ обращения", "номер задачи", "№ задачи", "номер сделки", "заказ", "заявка",
             "обращение", "тикет", "инцидент", "сделка", "задача", "вакансия", "номер документа", "документ",
             "договор", "проект", "номер", "№", "order", "ticket", "request", "issue", "incident", "deal",
             "vacancy", "project", "id"),
    "activity": ("concept:name", "activity", "событие", "операция", "действие", "этап", "статус", "шаг", "стадия",
                 "решение", "event", "task", "step", "status", "stage", "stages", "events", "activities", "action"),
    "timestamp": ("time:timestamp", "timestamp", "дата и время", "дата/время", "дата", "время", "период",
                  "complete timestamp", "end time", "date", "time", "datetime", "dt", "start time", "когда"),
    "resource": ("org:resource", "resource", "ответственный", "исполнитель", "автор", "менеджер", "пользователь",
                 "сотрудник", "кладовщик", "оператор", "рекрутер", "согласовал", "согласующий", "кто", "инженер",
                 "специалист", "дизайнер", "юрист", "бухгалтер", "user", "users", "employee", "owner", "agent",
                 "assignee", "recruiter", "approver", "performer"),
    "role": ("org:role", "role", "должность", "роль", "position"),
    "department": ("org:group", "department", "подразделение", "отдел", "служба", "группа", "команда", "group", "unit",
                   "team"),
    "client": ("case:client", "клиент", "контрагент", "покупатель", "плательщик", "заказчик", "партнер", "client",
               "customer", "counterparty", "buyer"),
    "entered": ("time:entered", "дата ввода", "дата создания", "дата записи", "создан", "создано", "дата регистрации",
                "entered", "created", "created at", "creation date"),
}
OPTION = {f: f"--{f}" for f in FIELDS}


def normalize(header: str) -> str:
    """Casefold, ё→е, drop punctuation around words, collapse spaces."""
    text = str(header).casefold().replace("ё", "е").replace("\u00a0", " ")
    text = re.sub(r"[\"'«»()\[\].,;_]+", " ", text)
    return " ".join(text.split())


def _score(header: str, synonym: str) -> int:
    h, s = normalize(header), normalize(synonym)
    if not s:
        return 0
    if h == s:
        return 300
    if h.startswith(s + " ") or h.startswith(s + ":"):
        return 200 - len(h)  # "Дата документа" beats "Дата отгрузки плановая"
    if re.search(rf"(^|\s){re.escape(s)}(\s|$)", h):
        return 100 - len(h)
    return 0


def score(header: str, field: str) -> int:
    """How well ``header`` names ``field`` (0: not at all). Earlier synonyms weigh more."""
    syns = SYNONYMS[field]
    best = 0
    for rank, syn in enumerate(syns):
        s = _score(header, syn)
        if s:
            best = max(best, s * 10 + (len(syns) - rank))
    return best


def guess_columns(headers: list[str], given: dict[str, str | None], *, label: str,
                  header_row: int | None = None) -> dict[str, str]:
    """Map fields to headers: the given ones checked, the rest guessed; required ones must be found.

    A header is guessed for the field it names best: «Дата создания» is the entered time, not the
    event time, as long as another column («Дата») can be the event time.

    Raises:
        ColumnError: a given column does not exist, or a required field is missing or ambiguous.
    """
    where = _header_hint(header_row)
    mapping: dict[str, str] = {}
    lookup = {normalize(h): h for h in headers}
    for field in FIELDS:
        name = given.get(field)
        if name:
            real = name if name in headers else lookup.get(normalize(name))
            if real is None:
                raise ColumnError(f'{label}: no column "{name}" (given with {OPTION[field]}). '
                                  f"Columns: {', '.join(headers)}.{where}")
            mapping[field] = real
    used = set(mapping.values())
    for field in FIELDS:
        if field in mapping:
            continue
        scored = sorted(((_own(h, field), score(h, field), h) for h in headers if h not in used), reverse=True)
        scored = [(o, s, h) for o, s, h in scored if s > 0]
        if not scored:
            continue
        if field in REQUIRED_FIELDS and len(scored) > 1 and scored[0][:2] == scored[1][:2]:
            raise ColumnError(f'{label}: cannot tell which column is the {field}: "{scored[0][2]}" or '
                              f'"{scored[1][2]}". Pass {OPTION[field]} "<column>".')
        mapping[field] = scored[0][2]
        used.add(scored[0][2])
    missing = [f for f in REQUIRED_FIELDS if f not in mapping]
    if missing:
        hints = " ".join(f'{OPTION[f]} "<column>"' for f in missing)
        raise ColumnError(f"{label}: no column looks like the {' and '.join(missing)}. "
                          f"Columns: {', '.join(headers)}. Pass {hints}.{where}")
    return mapping


def _own(header: str, field: str) -> bool:
    """Whether ``field`` is the one ``header`` names best (ties count for every field tied)."""
    mine = score(header, field)
    return mine > 0 and all(score(header, other) <= mine for other in FIELDS if other != field)


def _header_hint(header_row: int | None) -> str:
    if header_row is None:
        return ""
    return (f" The column names were read from row {header_row}; if they are in another row, pass "
            "--header-row N (the row number as the spreadsheet shows it).")


def describe(mapping: dict[str, str]) -> str:
    """One line for the terminal: ``case ← «Номер заказа», activity ← «Событие», ...``."""
    return ", ".join(f"{f} ← «{mapping[f]}»" for f in FIELDS if f in mapping)
