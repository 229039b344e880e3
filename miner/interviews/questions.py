"""The eight questions about how a department works, each primed with its own numbers.

What you do, what most often, what rarely, where the work comes from, how it is processed,
where it goes, who approves what and how, which reports: :class:`WorkQuestions` words the numbers
of :meth:`miner.interviews.facts.Facts.unit` into these questions (see :func:`miner.interview`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.interviews.facts import END, START, Facts, Unit, value_counts
from miner.interviews.texts import (ACTIVITY_FORMS, EVENT_FORMS, LABELS, PEOPLE_FORMS, QUESTIONS, Words, counted,
                                   q, quoted, things, times)
from miner.interviews.model import Question
from miner.units import format_count, format_duration, format_number, format_share
from miner.language import Lang, how_often, pick, system_name


def unit_label(name: str | None, basis: str | None, lang: Lang) -> str:
    """How a unit is named inside a sentence: «Бухгалтерия», «warehouse.xlsx», «все»."""
    if name is None:
        return ""
    return name if basis != "all" else pick(lang, "все", "everyone")


class WorkQuestions:
    """The eight questions about how a unit works, primed with its numbers."""

    def __init__(self, facts: Facts, words: Words, lang: Lang) -> None:
        self.facts, self.words, self.lang = facts, words, lang
        self.t = QUESTIONS[lang]
        self.unknown = LABELS[lang]["unknown"]

    def pct(self, share: float) -> str:
        return format_share(share, lang=self.lang)

    def in_cases(self, count: int, *, cap: bool = False) -> str:
        text = self.words.in_n(count)
        return text[:1].upper() + text[1:] if cap else text

    def dur(self, seconds: float | None) -> str:
        return format_duration(seconds, lang=self.lang)

    def questions(self, unit: Unit) -> list[Question]:
        """Return the eight questions for ``unit``."""
        f = self.facts.unit(unit)
        return [self.work(f), self.frequent(f), self.rare(f), self.inputs(f), self.processing(f),
                self.outputs(f), self.approvals(f), self.reports(f)]

    def _systems(self, f: Mapping[str, Any]) -> str:
        names = [system_name(s, self.lang) for s, _ in f["systems"]] or [pick(self.lang, "системы", "the system")]
        return pick(self.lang, " и ", " and ").join(names)

    def work(self, f: Mapping[str, Any]) -> Question:
        table = f["activities"]
        top = ", ".join(f"{q(a, self.lang)} ({format_count(r['events'])})" for a, r in table.head(4).iterrows())
        if len(table) > 4:
            top += pick(self.lang, " и ещё ", " and ") + format_count(len(table) - 4) + pick(self.lang, "", " more")
        people = f["people"]
        staff = things(len(people), *PEOPLE_FORMS, self.lang) + " — " + counted(people, self.lang, limit=3) \
            if people else self.unknown
        data = self.t["work_data"].format(events=things(f["events"], *EVENT_FORMS, self.lang),
                                          in_cases=self.words.in_n(f["cases"]),
                                          total=format_count(self.facts.n_cases),
                                          pct=self.pct(f["cases"] / self.facts.n_cases), people=staff)
        if f["roles"]:
            data += self.t["roles"].format(roles=counted(f["roles"], self.lang, limit=3))
        text = self.t["work"].format(activities=things(len(table), *ACTIVITY_FORMS, self.lang), top=top,
                                     systems=self._systems(f))
        return Question("work", text, data, {"activities": len(table), "events": f["events"], "cases": f["cases"],
                                             "people": len(people)})

    def frequent(self, f: Mapping[str, Any]) -> Question:
        name, row = next(iter(f["activities"].iterrows()))
        events, cases = int(row["events"]), int(row["cases"])
        share = cases / self.facts.n_cases
        idx = f["index"][self.facts.activity[f["index"]] == name]
        doers = value_counts(self.facts.log, E.ROLE, idx) or value_counts(self.facts.log, E.RESOURCE, idx)
        text = self.t["frequent"].format(act=q(name, self.lang), times=times(events, self.lang),
                                         in_cases=self.in_cases(cases), pct=self.pct(share))
        data = self.t["frequent_data"].format(act=q(name, self.lang), times=times(events, self.lang),
                                              in_cases=self.in_cases(cases),
                                              people=counted(doers, self.lang, limit=3, total=int(idx.size)) or self.unknown)
        return Question("frequent", text, data, {"activity": name, "events": events, "cases": cases, "share": share})

    def rare(self, f: Mapping[str, Any]) -> Question:
        table = f["activities"]
        name, row = list(table.iterrows())[-1]
        events, cases = int(row["events"]), int(row["cases"])
        facts = {"activity": name, "events": events, "cases": cases, "share": cases / self.facts.n_cases}
        if len(table) == 1:
            text = self.t["rare_one"].format(act=q(name, self.lang), times=times(events, self.lang))
            return Question("rare", text, "", facts)
        if how_often(cases / max(f["cases"], 1)) in ("almost_always", "always"):  # every step in almost every case
            text = self.t["rare_even"].format(acts=quoted(table.index, self.lang, limit=4))
            return Question("rare", text, "", facts | {"even": True})
        examples = tuple(self.facts.examples(_cases_with(self.facts, name)))
        template = "rare" if how_often(facts["share"]) == "rarely" else "rare_some"  # the word matches the share shown
        text = self.t[template].format(act=q(name, self.lang), times=times(events, self.lang),
                                       in_cases=self.in_cases(cases), pct=self.pct(cases / self.facts.n_cases))
        rare = "; ".join(f"{q(a, self.lang)} — {format_count(r['events'])}"
                         for a, r in table.iloc[::-1].head(3).iterrows())
        return Question("rare", text, self.t["rare_data"].format(rare=rare), facts, examples)

    def _neighbour(self, item: Mapping[str, Any]) -> str:
        if item["activity"] in (START, END):
            return self.t["start_word" if item["activity"] == START else "end_word"]
        return f"{q(item['activity'], self.lang)} ({unit_label(item['unit'], item['basis'], self.lang)})"

    def _neighbours(self, items: Sequence[Mapping[str, Any]]) -> str:
        return ", ".join(f"{self._neighbour(i)} {self.pct(i['share'])}" for i in items[:3])

    def inputs(self, f: Mapping[str, Any]) -> Question:
        items = f["inputs"]
        top = items[0]
        own = q(top["own"], self.lang)
        systems = self._systems(f)
        if top["activity"] == START:
            text = self.t["inputs_start"].format(plural=self.words.plural, in_cases_cap=self.in_cases(top["cases"], cap=True),
                                                 pct=self.pct(top["share"]), own=own, systems=systems)
        else:
            text = self.t["inputs_after"].format(plural=self.words.plural, pct=self.pct(top["share"]),
                                                 act=q(top["activity"], self.lang),
                                                 unit=unit_label(top["unit"], top["basis"], self.lang), own=own,
                                                 systems=systems)
        total = sum(c for _, c in f["systems"]) or 1
        recorded = counted(f["systems"], self.lang, total=total) or self.unknown
        if f["files"]:
            recorded += " (" + ", ".join(n for n, _ in f["files"][:3]) + ")"
        data = self.t["inputs_data"].format(systems=recorded, before=self._neighbours(items))
        return Question("inputs", text, data, {"before": top["activity"], "unit": top["unit"], "cases": top["cases"],
                                               "share": top["share"], "own": top["own"]})

    def processing(self, f: Mapping[str, Any]) -> Question:
        seq, waits = f["sequence"], f["waits"]
        share = seq["cases"] / seq["of"]
        facts: dict[str, Any] = {"sequence": seq["activities"], "cases": seq["cases"], "of": seq["of"], "share": share}
        if waits:
            facts.update(wait_activity=waits[0]["activity"], median_seconds=waits[0]["median"],
                         p90_seconds=waits[0]["p90"])
        data = self.t["processing_data"].format(variants=format_count(seq["variants"]))
        if f["elapsed"] is not None:
            data += self.t["elapsed"].format(elapsed=self.dur(f["elapsed"]))
        if len(f["activities"]) == 1 and waits:
            w = waits[0]
            text = self.t["processing_single"].format(plural=self.words.plural, act=q(w["activity"], self.lang),
                                                      median=self.dur(w["median"]), p90=self.dur(w["p90"]))
            return Question("processing", text, data, facts)
        arrow = " → ".join(q(a, self.lang) for a in seq["activities"])
        text = self.t["processing"].format(plural=self.words.plural, sequence=arrow, in_cases=self.in_cases(seq["cases"]),
                                           total=format_count(seq["of"]), pct=self.pct(share))
        if waits:
            text += self.t["processing_wait"].format(act=q(waits[0]["activity"], self.lang),
                                                     median=self.dur(waits[0]["median"]),
                                                     p90=self.dur(waits[0]["p90"]))
        else:
            text += self.t["processing_none"]
        return Question("processing", text, data, facts)

    def outputs(self, f: Mapping[str, Any]) -> Question:
        items = f["outputs"]
        top = items[0]
        if top["activity"] == END:
            text = self.t["outputs_end"].format(in_cases_cap=self.in_cases(top["cases"], cap=True),
                                                pct=self.pct(top["share"]), own=q(top["own"], self.lang))
        else:
            text = self.t["outputs_next"].format(pct=self.pct(top["share"]), act=q(top["activity"], self.lang),
                                                 unit=unit_label(top["unit"], top["basis"], self.lang))
        data = self.t["outputs_data"].format(after=self._neighbours(items))
        return Question("outputs", text, data, {"after": top["activity"], "unit": top["unit"], "cases": top["cases"],
                                                "share": top["share"]})

    def approvals(self, f: Mapping[str, Any]) -> Question:
        found = sorted(f["approvals"], key=lambda a: -a["events"])
        if not found:
            names = ", ".join(q(a, self.lang) for a in f["activities"].index[:5])
            return Question("approvals", self.t["approvals_none"],
                            self.t["approvals_none_data"].format(activities=names), {"approvals": 0})
        a = found[0]
        who_pairs = a["roles"] or a["people"]
        who = counted(who_pairs, self.lang, limit=3, total=a["events"])
        absent = ""
        if a["absent"] and self.facts.enough(a["absent"]):
            absent = self.t["approvals_absent"].format(in_cases_cap=self.in_cases(a["absent"], cap=True),
                                                       pct=self.pct(a["absent"] / self.facts.n_cases))
        text = self.t["approvals"].format(act=q(a["activity"], self.lang), who=who, median=self.dur(a["median"]),
                                          p90=self.dur(a["p90"]), absent=absent)
        data = self.t["approvals_data"].format(act=q(a["activity"], self.lang), times=times(a["events"], self.lang),
                                               in_cases=self.in_cases(a["cases"]), absent=self.words.n(a["absent"]))
        return Question("approvals", text, data,
                        {"activity": a["activity"], "events": a["events"], "cases": a["cases"], "absent": a["absent"],
                         "median_seconds": a["median"], "p90_seconds": a["p90"], "who": dict(who_pairs)},
                        tuple(a["absent_examples"]), ("approval", a["activity"]))

    def reports(self, f: Mapping[str, Any]) -> Question:
        start, end = pd.Timestamp(f["start"]), pd.Timestamp(f["end"])
        period = f"{start:%d.%m.%Y} – {end:%d.%m.%Y}"
        months = max((end - start).days / 30.44, 1.0)
        per_month = f["cases"] / months
        text = self.t["reports"].format(period=period, cases=self.words.n(f["cases"]),
                                        per_month=format_number(per_month, digits=0 if per_month >= 10 else 1,
                                                                lang=self.lang))
        data = self.t["reports_data"].format(period=period, events=things(f["events"], *EVENT_FORMS, self.lang))
        return Question("reports", text, data, {"cases": f["cases"], "per_month": per_month,
                                                "start": start.isoformat(), "end": end.isoformat()})


def _cases_with(facts: Facts, activity: str) -> np.ndarray:
    """Per case: whether ``activity`` occurs in it."""
    mask = np.zeros(facts.n_cases, dtype=bool)
    mask[facts.case_codes[facts.activity == activity]] = True
    return mask
