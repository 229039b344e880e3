"""Interview questions about the CRM scope: each head is asked about the verdict and the boundary.

From :func:`miner.scoping.analysis.scope`: whether the department's work is a process, a frame
with free parts or projects («Согласны, что это процесс со стадиями?»), then where its
information crosses the system's boundary — a step recorded elsewhere than declared («…почему не
в 1C?»), a step the description keeps on paper or e-mail, a step entered late («…кто и когда их
вносит?»), cases assembled from several sources. Each question goes to the department whose cases
it concerns.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from miner.interviews.facts import Facts, Unit
from miner.interviews.model import Question
from miner.interviews.texts import q
from miner.scoping.verdicts import cover_verb
from miner.language import Lang, pick
from miner.units import format_count, format_duration, format_share, plural

Pair = tuple[list[Unit], Question]
OUTSIDE_MIN = 0.05      # a step recorded elsewhere than declared in at least this share of its events
LATE_MIN = 0.10         # a step entered more than a day late in at least this share
MULTI_MIN = 0.10        # cases assembled from several sources
_CASES = ("случай", "случая", "случаев")
_VARIANTS = ("вариант", "варианта", "вариантов")

_VERDICT = {
    "process": "По данным работа повторяется: {k80} из {variants} {cover} 80 % случаев, {start} начинаются с {first}. "
               "Согласны, что это процесс со стадиями для CRM? Какие случаи идут не так?",
    "semi": "Общий каркас есть ({start} случаев начинаются с {first}), но середина разная: {k80} из {variants} "
            "покрывают 80 % случаев. Какие шаги обязательны всегда, а какие — по ситуации?",
    "project": "Почти каждый случай идёт своим путём: неповторимых путей {distinct}. Что объединяет эти работы — "
               "этапы, сроки, ответственные? Как вы сейчас следите, на какой стадии каждая?",
    "insufficient": "За период в данных только {cases} — мало, чтобы судить, повторяется ли работа. Сколько таких "
                    "работ бывает обычно и где ведётся остальная их часть?",
}
_EN = {"process": "The work repeats ({k80} of {variants} cover 80 % of cases). Is it a process with stages for the CRM?",
       "semi": "There is a common frame, but {k80} of {variants} are needed for 80 % of cases. Which steps are always done?",
       "project": "Almost every case takes its own path ({distinct} unique). What do these jobs have in common?",
       "insufficient": "Only {cases} in the data. How many such jobs are there usually, and where is the rest kept?"}


def scope_questions(facts: Facts, log: Any, declared: Any, lang: Lang) -> list[Pair]:
    """Return the verdict and boundary questions, each with the units (departments) it is for."""
    from miner.scoping.analysis import scope

    if hasattr(declared, "findings") and hasattr(declared, "parts"):  # a Comparison: the descriptions it was made of
        declared = [p.declared for p in declared.parts]
    try:
        result = scope(log, declared=declared, samples=50)
    except Exception as exc:  # noqa: BLE001 - the guide must not fail for want of a scope section
        import logging

        logging.getLogger("miner").warning("interview: no scope questions (%s)", exc)
        return []
    out: list[Pair] = []
    for d in result.departments:
        units = [u for u in facts.unit_list if u.name == d.department] or facts.unit_list[:1]
        out.append((units, _verdict_question(d, lang)))
        out += [(units, x) for x in _boundary_questions(result.activities(d.department), lang)]
        if d.multi_source_share >= MULTI_MIN and len(d.systems) > 1:
            names = ", ".join(d.systems)
            text = pick(lang, (f"{format_share(d.multi_source_share)} случаев собраны из нескольких источников ({names}). "
                    "Какой из них главный и кто сводит данные вместе?"),
                (f"{format_share(d.multi_source_share, lang=lang)} of cases come from several sources ({names}). "
                 "Which one is the master?"))
            out.append((units, Question("scope", text, "", {"multi_source_share": d.multi_source_share},
                                        key=("scope_sources", d.department))))
    return out


def _verdict_question(d: Any, lang: Lang) -> Question:
    s = d.structure
    fields = {"cases": f"{format_count(d.cases)} {plural(d.cases, _CASES, lang=lang)}"}
    if s is not None:
        fields |= {"k80": f"{format_count(s.k80)} {plural(s.k80, _VARIANTS, lang=lang)}",
                   "variants": format_count(s.variants), "cover": cover_verb(s.k80), "start": format_share(s.top_start_share, lang=lang),
                   "first": q(s.top_start, lang), "distinct": format_share(s.distinct_share, lang=lang)}
    text = pick(lang, _VERDICT, _EN)[d.verdict].format(**fields)
    data = " ".join(d.reasons[:1])
    return Question("scope", text, data, {"verdict": d.verdict, "cases": d.cases}, key=("scope", d.department))


def _boundary_questions(rows: list[dict[str, Any]], lang: Lang) -> list[Question]:
    out = []
    for r in rows:
        act, target = r["activity"], r["declared_system"]
        outside = r["outside_declared_share"]
        if outside is not None and outside >= OUTSIDE_MIN:
            others = ", ".join(k for k in r["systems"] if k.casefold() != str(target).casefold())
            text = pick(lang, (f"{q(act, lang)} в {format_share(outside)} случаев записывают в {others}, а по описанию — в "
                    f"{target}. Почему не в {target}?"),
                f"{q(act, lang)} is recorded in {others} in {format_share(outside, lang=lang)} of cases, not {target}. Why?")
            out.append(Question("scope", text, "", {"activity": act, "share": outside}, key=("scope_outside", act)))
        if r["offline"]:
            text = pick(lang, (f"{q(act, lang)} по описанию делается вне системы ({target}). Как результат попадает в систему, "
                    "кто и когда его вносит?"),
                f"{q(act, lang)} is done outside the system ({target}). How does its result get in?")
            out.append(Question("scope", text, "", {"activity": act, "system": target}, key=("scope_offline", act)))
        late, delay = r["late_entry_share"], r["entry_delay_hours"]
        if late is not None and delay is not None and late >= LATE_MIN:
            median = format_duration(delay["median"] * 3600, lang=lang)
            text = pick(lang, (f"{q(act, lang)} вносят обычно через {median} после того, как работа сделана (медиана; позже "
                    f"суток — {format_share(late)} записей). Кто и когда их вносит?"),
                f"{q(act, lang)} is entered {median} after the work (median). Who enters it, and when?")
            out.append(Question("scope", text, "", {"activity": act, "late_entry_share": late,
                                                    "median_hours": delay["median"]}, key=("scope_late", act)))
    return out
