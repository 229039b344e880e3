"""Turn a finding into one line of a proposed CRM requirement and how to accept it.

The consultant pastes these lines into the requirements spec: each says what the CRM must do
so that the deviation the data shows cannot happen unnoticed, and how the customer checks it at
acceptance («Согласован заказ» — обязательный этап перед «Выставлен счет»: CRM не позволяет
выполнить «Выставлен счет», пока не выполнен этот шаг). They are proposals to discuss, not
decisions: an undeclared step may be the description's gap rather than the staff's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from miner.units import format_share
from miner.language import Lang, pick


START, END = "START", "END"


@dataclass(frozen=True)
class Requirement:
    """A proposed CRM requirement for one finding and its acceptance criterion."""

    finding: str
    requirement: str
    acceptance: str


def _limit(text: str, lang: Lang) -> str:
    """Say a declared limit («5d», «4h», «1д 4ч») in working time words."""
    units = pick(lang, {"d": "раб. дн", "д": "раб. дн", "h": "раб. ч", "ч": "раб. ч", "m": "мин", "м": "мин"},
                 {"d": "working days", "д": "working days", "h": "working hours",
                  "ч": "working hours", "m": "min", "м": "min"})
    return re.sub(r"(\d+(?:[.,]\d+)?)\s*([a-zа-я]+)",
                  lambda m: f"{m.group(1)} {units.get(m.group(2)[0], m.group(2))}", str(text))


def _next_steps(declared: Any, activity: str) -> list[str]:
    """Return the declared steps that may follow ``activity`` (END left out)."""
    if declared is None or activity not in getattr(declared, "steps", {}):
        return []
    steps = [s for s in declared.steps[activity].next if s not in (START, END)]
    offline = set(getattr(declared, "outside_system_steps", ()))
    return [s for s in steps if s not in offline] or steps


def _quote(names: list[str], lang: Lang) -> str:
    joined = ", ".join(f"«{n}»" for n in names)
    return joined or pick(lang, "—", "none")


def describe(kind: str, fields: dict[str, Any], cases: int, share: float, lang: Lang = "ru") -> str:
    """Return a one-sentence English (or Russian) description of a finding for the report.

    findings.json carries the Russian ``summary``; this gives the English one for ``--lang en``.

    Example:
        >>> describe("rework", {"activity": "Согласован заказ"}, 135, 0.135, "en")
        '«Согласован заказ» repeats within a case in 135 cases (14 %).'
    """
    pct = format_share(share, lang=lang)
    a, b, c = fields.get("activity"), fields.get("from"), fields.get("to")
    texts = {
        "skipped_step": f"«{a}» is skipped in {cases} cases ({pct}).",
        "undeclared_step": f"«{a}» is not in the description but occurs in {cases} cases ({pct}).",
        "unobserved_step": f"«{a}» is described but (almost) never recorded.",
        "undeclared_path": f"«{b}» → «{c}» is not described but occurs in {cases} cases ({pct}).",
        "unobserved_path": f"«{b}» → «{c}» is described but never seen.",
        "rework": f"«{a}» repeats within a case in {cases} cases ({pct}).",
        "role_mismatch": f"«{a}» is done by someone other than «{fields.get('declared')}» in {cases} cases ({pct}).",
        "slow_step": f"«{a}» takes longer than {fields.get('declared')} in {cases} cases ({pct}).",
    }
    return texts.get(kind, f"{kind}: {cases} cases ({pct}).").replace("«START»", "the start").replace("«END»", "the end")


def propose(finding: Any, declared: Any = None, lang: Lang = "ru") -> Requirement:
    """Return the proposed CRM requirement and acceptance criterion for ``finding``.

    Args:
        finding: a ``miner.comparison.findings.Finding`` (or anything with ``kind``, ``fields``, ``cases``,
            ``share``, ``examples``, ``summary``).
        declared: the ``DeclaredProcess`` it comes from (names the next declared steps).
        lang: ``"ru"`` or ``"en"``.

    Example:
        >>> from miner.comparison.findings import Finding
        >>> f = Finding("skipped_step", 109, 0.109, ("ЗК-001208",), "…", {"activity": "Согласован заказ"})
        >>> propose(f).requirement
        '«Согласован заказ» — обязательный этап: CRM не позволяет перейти к следующим шагам, пока он не выполнен.'
    """
    fields = dict(finding.fields)
    example = finding.examples[0] if finding.examples else None
    text = pick(lang, finding.summary, describe(finding.kind, fields, finding.cases, finding.share, "en"))
    make = pick(lang, _RU, _EN)
    requirement, acceptance = make.get(finding.kind, make["other"])(fields, declared, example)
    return Requirement(text, requirement, acceptance)


def main_finding(deviation: Any, findings: Any) -> Any:
    """Return the finding that names ``deviation``: the first of its findings of its ``kind``.

    Args:
        deviation: a ``miner.comparison.deviations.Deviation``.
        findings: the comparison's findings (with ids), in any iterable.
    """
    mine = [f for f in findings if f.id in deviation.findings]
    return next((f for f in mine if f.kind == deviation.kind), mine[0] if mine else None)


def propose_deviation(deviation: Any, findings: Any, declared: Any = None, lang: Lang = "ru") -> Requirement:
    """Return the proposed CRM requirement for a deviation: that of its main finding, titled by the deviation.

    Example:
        >>> r = propose_deviation(result.deviations[0], result.findings, declared)  # doctest: +SKIP
        >>> r.finding  # doctest: +SKIP
        'После «Создан заказ клиента» сразу переходят к «Выставлен счет», минуя «Согласован заказ»'
    """
    main = main_finding(deviation, findings)
    if main is None:
        return Requirement(deviation.title, *_RU["other"]({}, declared, None))
    made = propose(main, declared, lang)
    name = deviation.title if lang == "ru" else (getattr(deviation, "title_en", "") or made.finding)
    return Requirement(name, made.requirement, made.acceptance)


def _case(example: str | None, lang: Lang) -> str:
    if not example:
        return ""
    return pick(lang, f" (пример из данных: {example})", f" (example in the data: {example})")


def _ru_skipped(f: dict, d: Any, ex: str | None) -> tuple[str, str]:
    a, nxt = f["activity"], _next_steps(d, f["activity"])
    target = next((n for n in nxt), None)
    if target:
        return (f"«{a}» — обязательный этап перед «{target}»: CRM не позволяет выполнить «{target}», "
                f"пока не выполнен шаг «{a}».",
                f"Попытка выполнить «{target}» без «{a}» блокируется с понятным сообщением{_case(ex, 'ru')}.")
    return (f"«{a}» — обязательный этап: CRM не позволяет перейти к следующим шагам, пока он не выполнен.",
            f"Попытка пропустить «{a}» блокируется с понятным сообщением{_case(ex, 'ru')}.")


def _ru_path(f: dict, d: Any, ex: str | None) -> tuple[str, str]:
    a, b = f["from"], f["to"]
    if a == START:
        return (f"Процесс в CRM начинается только с описанных шагов; начало с «{b}» невозможно "
                "или требует указать причину.",
                f"Создать случай, начиная с «{b}», нельзя без указания причины{_case(ex, 'ru')}.")
    allowed = _next_steps(d, a)
    if b == END:
        return (f"Случай нельзя закрыть на шаге «{a}»: CRM требует выполнить {_quote(allowed, 'ru')}.",
                f"Попытка закрыть случай сразу после «{a}» блокируется{_case(ex, 'ru')}.")
    if not allowed:
        known = d is not None and a in getattr(d, "steps", {})
        rule = (f"«{a}» завершает процесс: после него CRM допускает «{b}» только с указанием причины."
                if known else f"Определить в CRM, какие шаги следуют за «{a}» (в данных — «{b}»); "
                "прочие переходы — только с указанием причины.")
        return rule, f"Переход «{a}» → «{b}» вне правил требует причину; она видна в истории{_case(ex, 'ru')}."
    return (f"После «{a}» CRM разрешает только {_quote(allowed, 'ru')}; переход к «{b}» — "
            "только с указанием причины (или внести его в регламент).",
            f"Переход «{a}» → «{b}» без причины блокируется; причина видна в истории{_case(ex, 'ru')}.")


_RU = {
    "skipped_step": _ru_skipped,
    "undeclared_path": _ru_path,
    "undeclared_step": lambda f, d, ex: (
        f"Решить с руководителем: «{f['activity']}» — законный этап (ввести его в CRM со статусом, "
        "ответственным и датой) или исключение (запретить либо требовать причину).",
        f"В CRM этап «{f['activity']}» либо есть в схеме процесса и отражается в отчёте, "
        f"либо недоступен{_case(ex, 'ru')}."),
    "unobserved_step": lambda f, d, ex: (
        f"Шаг «{f['activity']}» фиксируется в CRM (отметка, дата, ответственный), "
        "иначе его выполнение нельзя проверить.",
        f"В карточке случая есть отметка о «{f['activity']}» с датой и ответственным; она видна в отчёте."),
    "unobserved_path": lambda f, d, ex: (
        f"Уточнить, нужен ли в CRM переход «{f['from']}» → «{f['to']}»: в данных его нет.",
        "Решение записано в протоколе согласования требований."),
    "rework": lambda f, d, ex: (
        f"Повторное «{f['activity']}» в одном случае CRM регистрирует с обязательной причиной; "
        "число повторов видно в отчёте.",
        f"При повторе «{f['activity']}» CRM требует причину; отчёт показывает долю случаев с повтором{_case(ex, 'ru')}."),
    "role_mismatch": lambda f, d, ex: (
        f"«{f['activity']}» выполняет только «{f.get('declared')}»: право на эту операцию в CRM есть "
        "только у этой роли (подразделения).",
        f"Пользователь не из «{f.get('declared')}» не может выполнить «{f['activity']}»: "
        f"операция ему недоступна{_case(ex, 'ru')}."),
    "slow_step": lambda f, d, ex: (
        f"Норматив на «{f['activity']}» — {_limit(f.get('declared', ''), 'ru')}: CRM контролирует срок "
        "и уведомляет исполнителя и руководителя о просрочке.",
        f"При превышении срока «{f['activity']}» исполнитель и руководитель получают уведомление; "
        f"просроченные случаи видны в отчёте{_case(ex, 'ru')}."),
    "other": lambda f, d, ex: ("Обсудить с руководителем, как CRM должна это учитывать.",
                               "Решение записано в протоколе согласования требований."),
}


def _en_skipped(f: dict, d: Any, ex: str | None) -> tuple[str, str]:
    a, nxt = f["activity"], _next_steps(d, f["activity"])
    if nxt:
        return (f"«{a}» is mandatory before «{nxt[0]}»: the CRM does not allow «{nxt[0]}» until «{a}» is done.",
                f"Trying «{nxt[0]}» without «{a}» is blocked with a clear message{_case(ex, 'en')}.")
    return (f"«{a}» is mandatory: the CRM does not allow the next steps until it is done.",
            f"Trying to skip «{a}» is blocked with a clear message{_case(ex, 'en')}.")


def _en_path(f: dict, d: Any, ex: str | None) -> tuple[str, str]:
    a, b = f["from"], f["to"]
    if a == START:
        return (f"Cases start only with the described steps; starting with «{b}» needs a reason.",
                f"Creating a case that starts with «{b}» requires a reason{_case(ex, 'en')}.")
    allowed = _next_steps(d, a)
    if b == END:
        return (f"A case cannot be closed at «{a}»: the CRM requires {_quote(allowed, 'en')} first.",
                f"Closing a case right after «{a}» is blocked{_case(ex, 'en')}.")
    if not allowed:
        known = d is not None and a in getattr(d, "steps", {})
        rule = (f"«{a}» ends the process: after it the CRM allows «{b}» only with a reason." if known
                else f"Define in the CRM which steps follow «{a}» (the data shows «{b}»); others need a reason.")
        return rule, f"«{a}» → «{b}» outside the rules asks for a reason, kept in the history{_case(ex, 'en')}."
    return (f"After «{a}» the CRM allows only {_quote(allowed, 'en')}; going to «{b}» needs a reason "
            "(or the rule is changed).",
            f"«{a}» → «{b}» without a reason is blocked; the reason shows in the history{_case(ex, 'en')}.")


_EN = {
    "skipped_step": _en_skipped,
    "undeclared_path": _en_path,
    "undeclared_step": lambda f, d, ex: (
        f"Decide with the process owner: «{f['activity']}» is a legitimate step (model it in the CRM "
        "with status, owner and date) or an exception (forbid it or require a reason).",
        f"In the CRM «{f['activity']}» is either part of the process and reported, or unavailable{_case(ex, 'en')}."),
    "unobserved_step": lambda f, d, ex: (
        f"«{f['activity']}» is recorded in the CRM (a mark, date and person); otherwise it cannot be checked.",
        f"The case card has a mark for «{f['activity']}» with date and person; it shows in reports."),
    "unobserved_path": lambda f, d, ex: (
        f"Confirm whether the CRM needs «{f['from']}» → «{f['to']}»: the data never shows it.",
        "The decision is written into the requirements sign-off minutes."),
    "rework": lambda f, d, ex: (
        f"Repeating «{f['activity']}» in a case requires a reason in the CRM; repeats show in reports.",
        f"Repeating «{f['activity']}» asks for a reason; a report shows the share of cases with repeats{_case(ex, 'en')}."),
    "role_mismatch": lambda f, d, ex: (
        f"Only «{f.get('declared')}» performs «{f['activity']}»: only that role (department) has the right in the CRM.",
        f"A user outside «{f.get('declared')}» cannot perform «{f['activity']}»{_case(ex, 'en')}."),
    "slow_step": lambda f, d, ex: (
        f"The limit for «{f['activity']}» is {_limit(f.get('declared', ''), 'en')}: the CRM tracks it and "
        "notifies the performer and the manager when it is overdue.",
        f"When «{f['activity']}» is overdue the performer and manager are notified; overdue cases show "
        f"in a report{_case(ex, 'en')}."),
    "other": lambda f, d, ex: ("Discuss with the process owner how the CRM should handle this.",
                               "The decision is written into the requirements sign-off minutes."),
}

