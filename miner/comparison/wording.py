"""How each finding kind is worded, in one place (Russian and English).

Per kind: the finding's summary (:func:`summary`, the ``summary`` of findings.json), its English
one-liner (:func:`describe`), the title of the deviation it names (:func:`title`) and the proposed
CRM requirement with its acceptance check (:func:`requirement_lines`), and the interview question
about it (:data:`INTERVIEW_QUESTIONS`, which :mod:`miner.interviews.texts` takes into the guide).

A deviation (:mod:`miner.comparison.deviations`) is named after its main finding, with the
context its other findings give: a skipped step names the path that bypasses it, an
undeclared step the step it sends the case back to, a group of paths the two steps whose order
is swapped.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from miner.declared.model import END, START
from miner.units import format_count, format_share
from miner.language import Lang, pick



def _q(name: Any) -> str:
    return f"«{name}»"


def title(main: Any, others: Sequence[Any], swap: tuple[str, str] | None = None, lang: Lang = "ru") -> str:
    """Return the title of a deviation whose main finding is ``main``.

    Args:
        main: the finding that names the cause (a ``Finding``).
        others: the deviation's other findings (context for the title).
        swap: ``(earlier, later)`` when the deviation is two steps done in the order opposite
            to the description: ``later`` is done before ``earlier``.
        lang: ``"ru"`` or ``"en"``.

    Example:
        >>> from miner.comparison.findings import Finding
        >>> title(Finding("skipped_step", 9, 0.1, (), "", {"activity": "Согласован заказ"}), [])
        'Пропускают шаг «Согласован заказ»'
    """
    ru = lang == "ru"
    if swap is not None:
        early, late = swap
        return (f"Порядок нарушен: {_q(late)} раньше, чем {_q(early)}" if ru
                else f"Order reversed: {_q(late)} before {_q(early)}")
    if main.kind in ("skipped_step", "undeclared_step"):
        return _cause_title(main, others, ru)
    f = main.fields
    a = f.get("activity")
    if main.kind == "unobserved_step":
        return (f"Шаг {_q(a)} не отражается в системе" if ru else f"{_q(a)} is not recorded in the system")
    if main.kind == "role_mismatch":
        other = "другое подразделение" if f.get("attribute") == "department" else "другая роль"
        return (f"Шаг {_q(a)} выполняет не {_q(f.get('declared'))}, а {other}" if ru
                else f"{_q(a)} is done by someone other than {_q(f.get('declared'))}")
    if main.kind == "slow_step":
        return (f"Шаг {_q(a)} дольше норматива" if ru else f"{_q(a)} takes longer than its limit")
    if main.kind == "rework":
        return f"Шаг {_q(a)} повторяют" if ru else f"{_q(a)} is repeated"
    return _path_title(main.kind, f.get("from"), f.get("to"), ru)


def _cause_title(main: Any, others: Sequence[Any], ru: bool) -> str:
    """Title a skipped step by the path around it, an undeclared step by the step it sends back to."""
    a = main.fields["activity"]
    if main.kind == "skipped_step":
        bypass = [o.fields for o in others if o.kind == "undeclared_path"
                  and o.fields["from"] != START and o.fields["to"] != END]
        if bypass:
            b = bypass[0]
            return (f"После {_q(b['from'])} сразу переходят к {_q(b['to'])}, минуя {_q(a)}" if ru
                    else f"{_q(b['to'])} right after {_q(b['from'])}, skipping {_q(a)}")
        return f"Пропускают шаг {_q(a)}" if ru else f"{_q(a)} is skipped"
    missing = [o.fields["activity"] for o in others if o.kind == "skipped_step"]
    if missing:
        steps = ", ".join(_q(m) for m in missing[:2])
        return (f"Шаг {_q(a)} не описан; в этих случаях нет {'шага' if len(missing) == 1 else 'шагов'} {steps}"
                if ru else f"{_q(a)} is not described; these cases lack {steps}")
    back = [o.fields["activity"] for o in others if o.kind == "rework" and o.fields["activity"] != a]
    if back:
        return (f"Шаг {_q(a)} не описан; после него повторяют {_q(back[0])}" if ru
                else f"{_q(a)} is not described; after it {_q(back[0])} is done again")
    return f"Шаг {_q(a)} не описан, но выполняется" if ru else f"{_q(a)} is done but not described"


def _path_title(kind: str, a: Any, b: Any, ru: bool) -> str:
    if kind == "unobserved_path":
        return (f"Переход {_q(a)} → {_q(b)} описан, но не встречается" if ru
                else f"{_q(a)} → {_q(b)} is described but never seen")
    if a == START:
        return f"Процесс начинают с {_q(b)}" if ru else f"Cases start with {_q(b)}"
    if b == END:
        return f"Процесс заканчивают на {_q(a)}" if ru else f"Cases end at {_q(a)}"
    return f"Переходят от {_q(a)} к {_q(b)}, хотя это не описано" if ru else f"{_q(a)} → {_q(b)} is not described"


# --- finding summaries (Russian, findings.json) -------------------------------------------------

def in_cases(cases: int, total: int) -> str:
    """Say ``в 230 случаях из 1 000 (23 %)`` with the right case ending."""
    word = "случае" if cases % 10 == 1 and cases % 100 != 11 else "случаях"
    return f"в {format_count(cases)} {word} из {format_count(total)} ({format_share(cases / total)})"


def _path_subject(a: str, b: str) -> tuple[str, str]:
    """Name a path as the subject of a sentence, with the ending its verb needs (``""`` / ``"о"``)."""
    if a == START:
        return f"Начало процесса с «{b}»", "о"
    if b == END:
        return f"Завершение процесса на «{a}»", "о"
    return f"Переход «{a}» → «{b}»", ""


def summary(kind: str, fields: Mapping[str, Any], cases: int, total: int, **extra: Any) -> str:
    """Return the one-sentence Russian summary of a finding (findings.json ``summary``).

    Args:
        kind, fields: the finding's kind and fields (``activity``; ``from``/``to``; ``seen_cases``,
            ``declared``, ``attribute`` …).
        cases, total: cases that show it and cases in scope.
        **extra: ``top``/``top_share`` (role_mismatch: the most frequent other value),
            ``limit``/``median``/``unit`` (slow_step: the limit and median in words).

    Example:
        >>> summary("skipped_step", {"activity": "Согласован заказ"}, 109, 1000)
        'Шаг «Согласован заказ» пропущен в 109 случаях из 1 000 (11 %).'
    """
    a = fields.get("activity")
    if kind == "skipped_step":
        return f"Шаг «{a}» пропущен {in_cases(cases, total)}."
    if kind == "undeclared_step":
        return f"«{a}» нет в описании, но это действие встречается {in_cases(cases, total)}."
    if kind == "rework":
        return f"«{a}» повторяется {in_cases(cases, total)}."
    if kind == "unobserved_step":
        seen = int(fields.get("seen_cases") or 0)
        where = "не встречается ни разу" if not seen else f"встречается лишь {in_cases(seen, total)}"
        return f"Шаг «{a}» описан, но в данных {where} — его делают вне системы или не делают."
    if kind in ("undeclared_path", "unobserved_path"):
        subject, ending = _path_subject(fields["from"], fields["to"])
        if kind == "unobserved_path":
            return f"{subject} описан{ending}, но в данных не встречается ни разу."
        return f"{subject} не описан{ending}, но встречается {in_cases(cases, total)}."
    if kind == "role_mismatch":
        other = "другое подразделение" if fields.get("attribute") == "department" else "другая роль"
        return (f"Шаг «{a}» {in_cases(cases, total)} выполняет не «{fields.get('declared')}», а {other}: "
                f"чаще всего «{extra.get('top')}» ({format_share(float(extra.get('top_share', 0)))} событий).")
    if kind == "slow_step":
        return (f"Шаг «{a}» дольше норматива {extra.get('limit')} {in_cases(cases, total)}: в них медиана "
                f"{extra.get('median')} {extra.get('unit', 'ч')}.")
    return f"{kind}: {in_cases(cases, total)}."


def describe(kind: str, fields: Mapping[str, Any], cases: int, share: float, lang: Lang = "ru") -> str:
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


# --- proposed CRM requirements ---------------------------------------------------------------

def requirement_lines(kind: str, fields: Mapping[str, Any], declared: Any, example: str | None,
                      lang: Lang = "ru") -> tuple[str, str]:
    """Return (the proposed CRM requirement, how to accept it) for a finding of ``kind``.

    Example:
        >>> requirement_lines("rework", {"activity": "Отгрузка"}, None, None)[0]
        'Повторное «Отгрузка» в одном случае CRM регистрирует с обязательной причиной; число повторов видно в отчёте.'
    """
    make = pick(lang, _RU, _EN)
    return make.get(kind, make["other"])(dict(fields), declared, example)


def _limit(text: str, lang: Lang) -> str:
    """Say a declared limit («5d», «4h», «1д 4ч») in working time words."""
    units = pick(lang, {"d": "раб. дн", "д": "раб. дн", "h": "раб. ч", "ч": "раб. ч", "m": "мин", "м": "мин"},
                 {"d": "working days", "д": "working days", "h": "working hours", "ч": "working hours", "m": "min",
                  "м": "min"})
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


# The interview question about each finding kind (``str.format`` templates; the guide fills in the
# numbers: ``act``, ``from_``, ``to``, ``in_cases``, ``pct``, ...).
INTERVIEW_QUESTIONS: dict[str, dict[str, str]] = {
    "ru": {
        "skipped_step": "По описанию шаг {act} обязателен, но {in_cases} ({pct}) его нет: когда без него "
                        "обходятся и кто это решает?",
        "undeclared_step": "В описании нет шага {act}, а в данных он есть {in_cases} ({pct}): что это за шаг "
                           "и кто его делает?",
        "undeclared_path": "После {from_} сразу идёт {to} — {in_cases} ({pct}), а по описанию так не бывает: "
                           "кто это разрешает?",
        "undeclared_start": "{in_cases_cap} ({pct}) процесс начинается с {to}, а по описанию — нет: "
                            "откуда берутся такие {plural}?",
        "undeclared_end": "{in_cases_cap} ({pct}) процесс заканчивается на {from_}, а по описанию здесь "
                          "не конец: что с ними происходит дальше?",
        "unobserved_step": "По описанию есть шаг {act}, но в данных он есть лишь {in_seen} ({seen_pct}): "
                           "он делается вне системы или не делается?",
        "unobserved_never": "По описанию есть шаг {act}, но в данных его нет ни разу: он делается вне системы "
                            "или не делается?",
        "unobserved_path": "По описанию после {from_} идёт {to}, но в данных так не бывает: описание устарело "
                           "или работа идёт иначе?",
        "role_mismatch": "По описанию {act} делает {declared}, а в данных {in_cases} ({pct}) — {observed}: "
                         "почему и кто это разрешил?",
        "slow_step": "Норматив на {act} — {declared}, но {in_cases} ({pct}) дольше: там медиана {median}. "
                     "Что задерживает?",
    },
    "en": {
        "skipped_step": "The description makes {act} mandatory, but it is missing {in_cases} ({pct}): "
                        "when is it skipped and who decides?",
        "undeclared_step": "{act} is not in the description, but the data show it {in_cases} ({pct}): "
                           "what is this step and who does it?",
        "undeclared_path": "{to} comes right after {from_} {in_cases} ({pct}), which the description does "
                           "not allow: who allows it?",
        "undeclared_start": "{in_cases_cap} ({pct}) the process starts with {to}, which the description does "
                            "not allow: where do these {plural} come from?",
        "undeclared_end": "{in_cases_cap} ({pct}) the process ends at {from_}, which the description does not "
                          "allow: what happens to them next?",
        "unobserved_step": "The description has {act}, but the data show it only {in_seen} ({seen_pct}): is "
                           "it done outside the system, or not done?",
        "unobserved_never": "The description has {act}, but the data never show it: is it done outside the "
                            "system, or not done?",
        "unobserved_path": "The description has {to} after {from_}, but the data never show it: is the "
                           "description outdated?",
        "role_mismatch": "The description says {declared} does {act}, but {in_cases} ({pct}) it is {observed}: "
                         "why, and who allowed it?",
        "slow_step": "The norm for {act} is {declared}, but it takes longer {in_cases} ({pct}): median "
                     "{median} there. What holds it up?",
    },
}
