"""Russian texts of the spec chapter: guidance for the consultant, scope verdicts, open questions."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from miner.declared.model import END, START
from miner.units import format_count, format_share, plural

GUIDANCE = {
    "general": "Впишите полное наименование системы и её условное обозначение; заказчика и разработчика с "
               "реквизитами; документы, на основании которых создаётся система; плановые сроки начала и окончания "
               "работ; источники финансирования; порядок оформления и предъявления результатов работ.",
    "goals": "Дополните целями заказчика, которые из журнала не следуют (рост продаж, сокращение срока сделки, "
             "прозрачность для руководства), с их показателями.",
    "purpose": "Уточните, какие виды деятельности автоматизируются, кто пользователи системы и какими объектами "
               "она управляет.",
    "scope": "Границы заполняются по анализу границ (miner scope): какие подразделения ведут повторяемый процесс, "
             "подходящий для CRM, а какие — работу, где каждый случай идёт по-своему; где процесс переходит из одной "
             "системы в другую. Укажите, какие подразделения и шаги входят в проект.",
    "system": "Требования к структуре и функционированию, персоналу, надёжности, безопасности, эргономике, защите "
              "информации, сохранности данных и интеграции с 1С — по требованиям заказчика.",
    "support": "Информационное, лингвистическое, программное, техническое, организационное и методическое "
               "обеспечение: справочники, права доступа, обмен с 1С — по решениям проекта.",
    "works": "Перечислите стадии и этапы работ, их сроки, исполнителей и результаты. Выше — предлагаемое "
             "распределение требований по этапам внедрения.",
    "development": "Опишите порядок разработки: какие документы и когда согласуются, как меняются требования, "
                   "как участвует заказчик.",
    "acceptance": "Укажите виды испытаний (предварительные, опытная эксплуатация, приёмочные), состав комиссии, "
                  "срок опытной эксплуатации и период, за который берётся выгрузка для проверки критериев.",
    "preparation": "Перечислите, что заказчик делает до ввода системы: перенос справочников и незавершённых "
                   "случаев, регламенты, обучение пользователей, изменения оргструктуры.",
    "documents": "Перечислите документы, которые разрабатываются (руководство пользователя, регламент процесса, "
                 "описание настроек), их форму и требования к ним.",
    "sources": "Добавьте прочие материалы: протоколы интервью, действующие регламенты и инструкции.",
}

VERDICTS = {
    "process": "повторяемый процесс: подходят этапы (воронка) CRM",
    "semi": "общая рамка со свободными частями: этапы CRM и задачи",
    "project": "каждый случай идёт по-своему: подходит трекер задач или проектов",
    "insufficient": "мало случаев для вывода",
}

STATUS_RU = {"passed": "выполнено", "failed": "не выполнено", "not computable": "не вычисляется"}

ATTRIBUTES = {"org:resource": "сотрудник", "org:group": "подразделение", "org:role": "роль", "case:client": "клиент"}


CASES, EVENTS = ("случай", "случая", "случаев"), ("событие", "события", "событий")


def count(n: int, forms: tuple[str, str, str] = CASES) -> str:
    """Return «1 случай», «3 события», «1 000 случаев».

    Example:
        >>> count(21), count(6983, EVENTS)
        ('21 случай', '6\u2009983 события')
    """
    return f"{format_count(n)} {plural(int(n), forms)}"


def in_cases(n: int) -> str:
    """Return «в 1 случае», «в 886 случаях»."""
    return f"в {format_count(n)} {plural(int(n), ('случае', 'случаях', 'случаях'))}"


def of_total(n: int, total: int) -> str:
    """Return «177 из 1 000 случаев», «1 из 21 случая» (the genitive after «из»)."""
    return f"{format_count(n)} из {format_count(total)} {plural(int(total), ('случая', 'случаев', 'случаев'))}"


def capital(text: str) -> str:
    """Return ``text`` with its first letter upper-cased (the rest as is, unlike ``str.capitalize``)."""
    return text[:1].upper() + text[1:]


def norm_words(within: Any, working: bool = True) -> str:
    """Say a declared norm in words: ``5d`` → «5 раб. дн.», ``4h`` → «4 раб. ч», ``30m`` → «30 мин».

    Example:
        >>> norm_words("1d 4h")
        '1 раб. дн. 4 раб. ч'
    """
    from miner.declared.model import parse_limit
    from miner.units import format_number

    try:
        limit = parse_limit(within)
    except ValueError:
        return str(within)
    prefix = "раб. " if working else ""
    hours, minutes = divmod(round(limit.minutes), 60)
    parts = [f"{format_number(limit.days)} {prefix}дн."] if limit.days else []
    parts += [f"{hours} {prefix}ч"] if hours else []
    parts += [f"{minutes} мин"] if minutes else []
    return " ".join(parts) or str(within)


def date_ru(value: Any) -> str:
    """Return a date as ``dd.mm.yyyy`` (a string ``yyyy-mm-dd...`` or a date)."""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return f"{value:%d.%m.%Y}"
    return f"{pd.Timestamp(str(value)):%d.%m.%Y}" if value else "—"


def period_ru(data: Mapping[str, Any]) -> str:
    """Return the period of a data summary as ``dd.mm.yyyy – dd.mm.yyyy``."""
    return f"{date_ru(data.get('start'))} – {date_ru(data.get('end'))}"


def _example(examples: Any) -> str:
    items = list(examples or [])[:2]
    return f" (например, {', '.join(map(str, items))})" if items else ""


def _question(criterion: Mapping[str, Any], cases: int, examples: Any) -> str:
    kind, a = criterion["kind"], criterion.get("activity")
    n, ex = in_cases(cases), _example(examples)
    if kind == "undeclared_path":
        source, target = criterion["from"], criterion["to"]
        what = (f"Случаи начинаются с «{target}»" if source == START else
                f"Случаи завершаются на «{source}»" if target == END else f"За «{source}» сразу идёт «{target}»")
        return f"{what} — {count(cases)}{ex}: когда и почему так делают, допустимо ли это как исключение?"
    texts = {
        "skipped_step": f"Шаг «{a}» пропущен {n}{ex}: в каких ситуациях его можно не выполнять?",
        "unobserved_step": f"Шаг «{a}» почти не записывается: его выполняют вне системы или не выполняют?",
        "undeclared_step": f"«{a}» встречается {n}{ex}, но в описании его нет: это этап процесса "
                           "(его нужно ввести в CRM) или исключение?",
        "rework": f"«{a}» повторяется {n}{ex}: что вызывает повтор?",
        "role_mismatch": f"«{a}» выполняет не «{criterion.get('declared')}» {n}{ex}: кто на самом деле "
                         "отвечает за этот шаг?",
        "slow_step": f"Норматив {norm_words(criterion.get('within'))} на «{a}» превышен {n}{ex}: реален ли норматив "
                     "и что задерживает шаг?",
    }
    return texts[kind]


def questions(spec: Any, scope: Mapping[str, Any] | None = None) -> list[str]:
    """Return the open questions for the next interview round, most important first."""
    out = [f"{r.id}: {_question(r.criterion, r.cases, r.examples)}" for r in spec.requirements]
    by_id = {d["id"]: d for d in spec.findings.get("deviations", [])}
    for r in spec.requirements:
        for driver in list(by_id.get(r.deviation, {}).get("drivers", []))[:2]:
            name = ATTRIBUTES.get(driver.get("attribute"), driver.get("attribute"))
            out.append(f"{r.deviation}: отклонение чаще там, где {name} — «{driver.get('value')}» "
                       f"({format_share(driver.get('share_in_value', 0))} против "
                       f"{format_share(driver.get('share_elsewhere', 0))} в остальных случаях). Почему?")
    for item in spec.findings.get("unmatched", []):
        out.append(f"Шаг «{item['step']}» из описания не найден в данных: как он называется в системе?")
    for d in (scope or {}).get("departments", []):
        if d.get("verdict") == "insufficient":
            out.append(f"По подразделению «{d.get('department')}» мало случаев для вывода: есть ли другие выгрузки?")
    if spec.requirements:
        out.append("Целевые значения критериев приёмки (доля случаев с отклонением после внедрения) — согласовать "
                   "с заказчиком.")
    return out
