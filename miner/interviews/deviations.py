"""Pointed interview questions about what the data show, and about the declared-vs-real findings.

Each function returns ``(units, question)`` pairs, most important first: the units are the
departments the question is for (those doing the activities concerned); :mod:`miner.interviews.guide`
hands each question to them, once per topic (``Question.key``). A finding of
:func:`miner.compare` comes before a pattern found here on the same topic.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from miner.interviews.facts import APPROVAL, Facts, Unit
from miner.interviews.texts import QUESTIONS, Words, q, quoted
from miner.interviews.model import Question
from miner.units import format_count, format_duration, format_number, format_share
from miner.language import Lang, pick

Pair = tuple[list[Unit], Question]


class _Say:
    """Shared phrasing: shares, «в 114 заказах», examples."""

    def __init__(self, facts: Facts, words: Words, lang: Lang) -> None:
        self.facts, self.words, self.lang, self.t = facts, words, lang, QUESTIONS[lang]

    def pct(self, cases: int) -> str:
        return format_share(cases / max(self.facts.n_cases, 1), lang=self.lang)

    def in_cases(self, cases: int, *, cap: bool = False) -> str:
        text = self.words.in_n(cases)
        return text[:1].upper() + text[1:] if cap else text

    def owners(self, *activities: str) -> list[Unit]:
        out: list[Unit] = []
        for a in activities:
            out += [u for u in self.facts.owners(a) if u not in out]
        return out


# When several questions concern the same cases, the first kind here is asked: a skipped step or a
# change after approval explains the undeclared paths and repeats it brings along.
PRIORITY = ("missing", "changed", "inversion", "undeclared_step", "role_mismatch", "slow_step", "rework",
            "outside", "unobserved_step", "undeclared_path", "unobserved_path")


def deviation_questions(facts: Facts, words: Words, lang: Lang, log: Any, declared: Any = None,
                        **options: Any) -> list[Pair]:
    """All questions about deviations, one per group of cases, most cases first.

    Two questions whose cases are the same (same count, same first examples) describe one
    thing seen twice, e.g. a skipped approval and the undeclared path that bypasses it; the one
    whose kind comes first in :data:`PRIORITY` is kept (a declared finding before a pattern).
    """
    pairs, agreed = (declared_questions(facts, words, lang, log, declared, **options) if declared is not None
                     else ([], set()))
    pairs += data_questions(facts, words, lang)
    pairs = [p for p in pairs if not _agreed(p[1], agreed)]
    ranked = sorted(enumerate(pairs), key=lambda ip: (PRIORITY.index(ip[1][1].key[0]), ip[0]))
    kept: dict[int, Pair] = {}
    seen: dict[tuple, int] = {}
    for i, (units, question) in ranked:
        cases = question.facts.get("cases")
        signature = (cases, question.examples[:3]) if question.examples else None
        if signature is not None and signature in seen:
            first = seen[signature]  # the same cases: the kept question takes the deviation's drivers
            kept[first] = _with_deviation(kept[first], units, question)
            continue
        if signature is not None:
            seen[signature] = i
        kept[i] = (units, question)
    order = sorted(kept, key=lambda i: (-int(kept[i][1].facts.get("cases") or 0),
                                        PRIORITY.index(kept[i][1].key[0]), i))
    return [kept[i] for i in order]


def _with_deviation(kept: Pair, units: list[Unit], other: Question) -> Pair:
    """Add to ``kept`` the deviation id, drivers and units of ``other``, a question on the same cases."""
    if "deviation" not in other.facts or "deviation" in kept[1].facts:
        return kept
    question = kept[1]
    extra = {k: other.facts[k] for k in ("deviation", "drivers") if k in other.facts}
    question = replace(question, text=question.text + other.facts.get("why", ""),
                       data=question.data + other.facts.get("deviation_data", ""), facts={**question.facts, **extra})
    return kept[0] + [u for u in units if u not in kept[0]], question


def data_questions(facts: Facts, words: Words, lang: Lang) -> list[Pair]:
    """Questions about patterns in the log: order reversed, change after approval, skipped, repeated."""
    say = _Say(facts, words, lang)
    out: list[tuple[int, Pair]] = []
    for item in _grouped_inversions(facts):
        jumped = item["jumped"]
        text = say.t["inversion"].format(jumped=quoted(jumped, lang), usual=q(item["usual_first"], lang),
                                         in_cases=say.in_cases(item["cases"]), pct=say.pct(item["cases"]))
        data = say.t["inversion_data"].format(usual=q(item["usual_first"], lang), cases=format_count(item["cases"]),
                                              both=words.of_n(item["both"]))
        facts_ = {"usual_first": item["usual_first"], "jumped": jumped, "cases": item["cases"],
                  "share": item["cases"] / facts.n_cases, "pairs": item["pairs"]}
        question = Question("data", text, data, facts_, tuple(facts.examples(item["case_mask"])),
                            ("inversion", item["usual_first"], tuple(jumped)))
        out.append((item["cases"], (say.owners(*jumped, item["usual_first"]), question)))
    for item in facts.changes_after_approval():
        text = say.t["changed"].format(act=q(item["activity"], lang), approval=q(item["approval"], lang),
                                       in_cases=say.in_cases(item["cases"]), pct=say.pct(item["cases"]))
        data = say.t["changed_data"].format(cases=format_count(item["cases"]), approval=q(item["approval"], lang),
                                            with_approval=words.of_n(item["with_approval"]))
        facts_ = {k: v for k, v in item.items() if k != "case_mask"} | {"share": item["cases"] / facts.n_cases}
        question = Question("data", text, data, facts_, tuple(facts.examples(item["case_mask"])),
                            ("changed", item["activity"]))
        out.append((item["cases"], (say.owners(item["activity"], item["approval"]), question)))
    for item in facts.missing():
        if APPROVAL.search(item["activity"]):  # the approvals question already says how often it is absent
            continue
        present = facts.n_cases - item["cases"]
        text = say.t["missing"].format(act=q(item["activity"], lang), in_cases_cap=say.in_cases(item["cases"], cap=True),
                                       pct=say.pct(item["cases"]))
        data = say.t["missing_data"].format(act=q(item["activity"], lang), present=format_count(present),
                                            total=words.of_n(facts.n_cases))
        question = Question("data", text, data, {"activity": item["activity"], "cases": item["cases"],
                                                 "share": item["cases"] / facts.n_cases},
                            tuple(facts.examples(item["case_mask"])), ("missing", item["activity"]))
        out.append((item["cases"], (say.owners(item["activity"]), question)))
    for activity in facts.case_coverage.index:
        repeat = facts.rework(activity)
        if repeat is None:
            continue
        item = repeat
        text = say.t["rework"].format(act=q(activity, lang), in_cases=say.in_cases(item["cases"]),
                                      pct=say.pct(item["cases"]))
        data = say.t["rework_data"].format(cases=format_count(item["cases"]), with_activity=words.of_n(item["with_activity"]))
        question = Question("data", text, data, {"activity": activity, "cases": item["cases"],
                                                 "share": item["cases"] / facts.n_cases,
                                                 "with_activity": item["with_activity"]},
                            tuple(facts.examples(item["case_mask"])), ("rework", activity))
        out.append((item["cases"], (say.owners(activity), question)))
    out.sort(key=lambda pair: -pair[0])
    return [pair for _, pair in out]


def _grouped_inversions(facts: Facts) -> list[dict[str, Any]]:
    """One item per activity that others jump ahead of, listing those that jumped (in process order)."""
    by_usual: dict[str, list[dict[str, Any]]] = {}
    for item in facts.inversions():
        by_usual.setdefault(item["usual_first"], []).append(item)
    order = facts.first_positions.mean().to_dict()
    out = []
    for usual, items in by_usual.items():
        items.sort(key=lambda i: order.get(i["jumped"], 0.0))
        mask = items[0]["case_mask"].copy()
        for i in items[1:]:
            mask |= i["case_mask"]
        out.append({"usual_first": usual, "jumped": [i["jumped"] for i in items], "cases": int(mask.sum()),
                    "both": max(i["both"] for i in items), "case_mask": mask,
                    "pairs": [{"earlier": i["jumped"], "later": usual, "cases": i["cases"], "both": i["both"]}
                              for i in items]})
    return out


def _agreed(question: Question, agreed: set[tuple]) -> bool:
    """Tell whether the consultant already accepted what ``question`` asks about (``accepted:``)."""
    kind, *subject = question.key
    if kind == "inversion":
        return False
    if kind in ("undeclared_path", "unobserved_path"):
        return ("path", *subject) in agreed or any(("step", s) in agreed for s in subject)
    activity = subject[0] if subject else None
    return ("step", activity) in agreed or (kind == "rework" and ("path", activity, activity) in agreed)


def _accepted_keys(parts: Sequence[Any]) -> set[tuple]:
    """``("step", name)`` and ``("path", from, to)`` of every accepted deviation, in log names too."""
    keys: set[tuple] = set()
    for part in parts:
        for a in part.declared.accepted:
            if a.step is not None:
                keys |= {("step", n) for n in [a.step, *_log_names(part, a.step)]}
            else:
                keys.add(("path", a.source, a.target))
                keys |= {("path", x, y) for x in _log_names(part, a.source) for y in _log_names(part, a.target)}
    return keys


def declared_questions(facts: Facts, words: Words, lang: Lang, log: Any,
                       declared: Any, **options: Any) -> tuple[list[Pair], set[tuple]]:
    """Questions from the findings of ``miner.compare(log, declared)``, and the accepted deviations."""
    from miner.comparison.analysis import Comparison, compare

    from miner.reporting.requirements import main_finding

    result = declared if isinstance(declared, Comparison) else compare(log, declared, **options)
    say = _Say(facts, words, lang)
    parts = {p.declared.process: p for p in result.parts}
    out: list[Pair] = []
    for deviation in result.deviations:  # one question per cause, asked through its main finding
        finding = main_finding(deviation, result.findings)
        part = parts.get(finding.process) if finding.process else result.parts[0]
        made = _finding_question(say, finding, part)
        if made is not None:
            out.append(_about_deviation(say, made, deviation))
    for part in result.parts:
        for note in part.outside_system:
            text = say.t["outside"].format(act=q(note["activity"], lang), system=note["system"])
            question = Question("declared", text, say.t["declared_data"].format(
                process=q(part.declared.process, lang), cases=format_count(note["seen_cases"]),
                total=words.of_n(facts.n_cases)), {"kind": "outside_system", **note}, (), ("outside", note["activity"]))
            out.append((_declared_units(say, part, note["activity"]), question))
    return out, _accepted_keys(result.parts)


_WHY = {"ru": {"where": "{drivers} С чем это связано?",
               "data": "; отклонение {id}: {title} (находки {findings})"},
        "en": {"where": "{drivers} Why is that?",
               "data": "; deviation {id}: {title} (findings {findings})"}}


def _about_deviation(say: _Say, made: Pair, deviation: Any) -> Pair:
    """Turn a finding's question into the question about its deviation, with its drivers.

    The drivers (the employee, department, client... under which it is markedly more frequent)
    are asked about; a department named by a driver is asked too.
    """
    units, question = made
    words = _WHY[say.lang]
    why = ""
    if deviation.drivers:
        why = " " + words["where"].format(drivers=" ".join(d.sentence(say.lang) for d in deviation.drivers[:3]))
        units = units + [u for u in _driver_units(say.facts, deviation.drivers) if u not in units]
    title = pick(say.lang, deviation.title, deviation.title_en or deviation.title)
    title = title[:1].lower() + title[1:]  # it follows a colon in the data line
    about = words["data"].format(id=deviation.id, title=title, findings=", ".join(deviation.findings))
    facts = {**question.facts, "deviation": deviation.id, "cases": deviation.cases, "share": deviation.share,
             "drivers": [d.to_dict() for d in deviation.drivers], "why": why, "deviation_data": about}
    return units, replace(question, text=question.text + why, data=question.data + about, facts=facts,
                          examples=tuple(deviation.examples[:5]))


def _driver_units(facts: Facts, drivers: Sequence[Any]) -> list[Unit]:
    """The units to ask about drivers: a department named, the unit where a named employee works most."""
    out: list[Unit] = []
    for d in drivers:
        if d.attribute == "org:group":
            out += [u for u in facts.units if u.name == d.value]
        elif d.attribute == "org:resource" and "org:resource" in facts.log.columns:
            mine = facts.unit_codes[(facts.log["org:resource"] == d.value).to_numpy(dtype=bool)]
            if mine.size:
                out.append(facts.units[int(np.bincount(mine).argmax())])
    return [u for i, u in enumerate(out) if u not in out[:i]]


def _log_names(part: Any, step: str) -> list[str]:
    """The log activities a declared step stands for (itself when unmatched)."""
    return list(part.matching.steps.get(step, (step,)))


def _declared_units(say: _Say, part: Any, *steps: str) -> list[Unit]:
    """Units doing the steps; else the step's or the process's department if it is a unit."""
    names = [n for s in steps for n in _log_names(part, s)]
    units = say.owners(*names)
    if units:
        return units
    wanted = [getattr(part.declared.steps.get(s), "department", None) for s in steps] + [part.declared.department]
    return [u for w in wanted if w for u in say.facts.units if u.name == w][:1]


def _finding_question(say: _Say, finding: Any, part: Any) -> Pair | None:
    """Turn one finding into a question for the units concerned (None for kinds not asked)."""
    t, lang, f = say.t, say.lang, finding.fields
    common = {"in_cases": say.in_cases(finding.cases), "in_cases_cap": say.in_cases(finding.cases, cap=True),
              "pct": format_share(finding.share, lang=lang), "plural": say.words.plural}
    kind = finding.kind
    if kind in ("skipped_step", "undeclared_step", "unobserved_step", "rework"):
        seen = int(f.get("seen_cases", 0))  # unobserved: a step never seen is not «почти нет»
        template = "unobserved_never" if kind == "unobserved_step" and not seen else kind
        text = t[template].format(act=q(f["activity"], lang), in_seen=say.in_cases(seen), seen_pct=say.pct(seen),
                                  **common)
        key: tuple[Any, ...] = ("missing" if kind == "skipped_step" else kind, f["activity"])
        units = _declared_units(say, part, f["activity"])
    elif kind in ("undeclared_path", "unobserved_path"):
        a, b = f["from"], f["to"]
        template = kind
        if kind == "undeclared_path" and a == "START":
            template = "undeclared_start"
        elif kind == "undeclared_path" and b == "END":
            template = "undeclared_end"
        text = t[template].format(from_=q(a, lang), to=q(b, lang), **common)
        key = (kind, a, b)
        units = _declared_units(say, part, *[s for s in (b, a) if s not in ("START", "END")])
    elif kind == "role_mismatch":
        others = [(k, v) for k, v in f["observed"].items() if str(k) != str(f["declared"])]
        observed = ", ".join(f"{v_name} ({format_share(v, lang=lang)})" for v_name, v in others[:3])
        text = t[kind].format(act=q(f["activity"], lang), declared=q(str(f["declared"]), lang), observed=observed,
                              **common)
        key = (kind, f["activity"])
        units = _declared_units(say, part, f["activity"])
        units += [u for k, _ in others for u in say.facts.units if u.name == k and u not in units]
    elif kind == "slow_step":
        median = format_number(f["median_hours"], digits=0, lang=lang) + pick(lang, " раб. ч", " working h")
        text = t[kind].format(act=q(f["activity"], lang), declared=_limit(str(f["declared"]), lang), median=median,
                              **common)
        key = (kind, f["activity"])
        units = _declared_units(say, part, f["activity"])
    else:
        return None
    data = t["declared_data"].format(process=q(part.declared.process, lang), cases=format_count(finding.cases),
                                     total=say.words.of_n(say.facts.n_cases))
    facts = {"kind": kind, **{k: v for k, v in f.items()}, "cases": finding.cases, "share": finding.share,
             "summary": finding.summary}
    return units, Question("declared", text, data, facts, tuple(finding.examples[:5]), key)


def _limit(text: str, lang: Lang) -> str:
    """A declared ``within`` in words: «5 раб. дн», «4 ч»."""
    from miner.declared.model import parse_limit

    try:
        limit = parse_limit(text)
    except Exception:  # an unusual limit is still shown as written
        return text
    parts = []
    if limit.days:
        parts.append(format_number(limit.days, lang=lang) + pick(lang, " раб. дн", " working d"))
    if limit.minutes:
        parts.append(format_duration(limit.minutes * 60, lang=lang))
    return " ".join(parts) or text


__all__: Sequence[str] = ("data_questions", "declared_questions")
