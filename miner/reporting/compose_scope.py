"""Compose the report's section «Что переводить в CRM» (``id="scope"``): verdicts, reasons, boundary, scope maps.

The numbers come from :func:`miner.scoping.analysis.scope`, run on the report's log with the
declared processes of the comparison; it writes ``scope.json`` and ``scope_N.*`` into the report
folder. The reasons are Russian sentences in both languages of the report.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from miner.reporting.blocks import Block, Figure, Heading, Paragraph, make_table, svg_size
from miner.reporting.compose import Composer, text
from miner.language import Lang
from miner.units import format_count, format_duration

_T: dict[str, dict[str, Any]] = {
    "ru": {"title": "7. Что переводить в CRM и где проходит граница",
           "lead": "Для каждого подразделения — вывод, насколько повторяется его работа: процесс (воронка или "
                   "маршрут в CRM), полуструктурированная работа (стадии плюс задачи), проектная работа (трекер "
                   "задач) или мало данных. Мера — энтропия последовательностей префиксного автомата (0 — все "
                   "случаи идут одним путём, 1 — каждый своим): до 0,3 процесс, от 0,55 проект. Случай "
                   "относится к подразделению своего первого шага; служебные события 1С не учитываются.",
           "h": ("Подразделение", "Случаев", "Вывод", "Энтропия (90 % интервал)", "Вариантов на 80 %",
                 "Из нескольких источников"),
           "dept": "7.{n} {name}: {verdict}",
           "b": ("Шаг", "Событий", "Где записан", "Где должен быть", "Ввод: медиана", "Ввод: 90 %", "Позже суток"),
           "boundary": "Граница информации: где записан каждый шаг, где он должен быть по описанию и через "
                       "сколько его вносят после того, как работа сделана.",
           "offline": "вне системы",
           "caption": "Рисунок {n}. Карта границ: {name} (цвет шага — система, красные линии — переход между системами).",
           "crossings": "7.{n} Переходы между системами",
           "c": ("Подразделение", "Откуда", "Куда", "Из системы", "В систему", "Случаев"),
           "no_crossings": "Ни один случай не переходит из одной системы в другую."},
    "en": {"title": "7. What goes into the CRM, and where the boundary runs",
           "lead": "For each department, how repeatable its work is: process (a CRM pipeline), semi (stages plus "
                   "tasks), project (a task tracker) or too few cases. The measure is the prefix-automaton "
                   "sequence entropy (0: one path, 1: each case its own): up to 0.3 process, from 0.55 project. "
                   "The reasons are given in Russian.",
           "h": ("Department", "Cases", "Verdict", "Entropy (90 % interval)", "Variants for 80 %", "Multi-source"),
           "dept": "7.{n} {name}: {verdict}",
           "b": ("Step", "Events", "Recorded in", "Declared", "Entry: median", "Entry: p90", "Over a day"),
           "boundary": "Where each step is recorded, where the description puts it and how late it is entered.",
           "offline": "outside",
           "caption": "Figure {n}. Scope map: {name} (colour: system; red lines: crossings between systems).",
           "crossings": "7.{n} Crossings between systems",
           "c": ("Department", "From", "To", "From system", "To system", "Cases"),
           "no_crossings": "No case moves from one system to another."},
}


def report_scope(prepared: Any, comparison: Any, out: Path, lang: Lang) -> Any:
    """Compute the scope of the report's log (``miner.scope``); writes scope.json and the scope maps into ``out``."""
    from miner.scoping.analysis import scope

    declared = [p.declared for p in comparison.parts] if comparison is not None else None
    known = {p.declared.process: p.fitness for p in comparison.parts} if comparison is not None else None
    return scope(prepared, out, declared=declared, lang=lang, fitness=known)


def scope_section(c: Composer, result: Any, out: Path) -> list[Block]:
    """Return section 7 (heading ``id="scope"``) for the scope ``result`` of the report's log."""
    t = _T[c.lang]
    blocks: list[Block] = [Heading(t["title"], 1, key="scope"), Paragraph(t["lead"])]
    summary = pd.DataFrame(result.rows(), columns=list(t["h"]))
    blocks.append(make_table("scope", summary, [text] * 6, widths=(2.2, 0.8, 1.8, 1.6, 1, 1.2),
                             numeric=(False, True, False, True, True, True)))
    for n, d in enumerate(result.departments, start=1):
        blocks.append(Heading(t["dept"].format(n=n, name=d.department, verdict=summary.iloc[n - 1, 2]), 2))
        blocks += [Paragraph(r) for r in d.reasons]
        blocks += _boundary(c, result.activities(d.department), t, n)
        if d.map:
            blocks.append(_figure(c, out, d.map, t["caption"], d.department))
    blocks += _crossings(result.boundary.crossings, t, len(result.departments) + 1)
    return blocks


def _boundary(c: Composer, rows: list[dict[str, Any]], t: dict[str, Any], n: int) -> list[Block]:
    if not rows:
        return []
    lang = c.lang

    def where(systems: dict[str, float]) -> str:
        return ", ".join(f"{k} {c.share(v)}" for k, v in systems.items()) or t["offline"]

    def hours(value: Any) -> str:
        return "" if value is None else format_duration(float(value) * 3600, lang=lang)

    frame = pd.DataFrame({
        t["b"][0]: [r["activity"] for r in rows], t["b"][1]: [r["events"] for r in rows],
        t["b"][2]: [where(r["systems"]) for r in rows],
        t["b"][3]: [r["declared_system"] or "" for r in rows],
        t["b"][4]: [hours((r["entry_delay_hours"] or {}).get("median")) for r in rows],
        t["b"][5]: [hours((r["entry_delay_hours"] or {}).get("p90")) for r in rows],
        t["b"][6]: [r["late_entry_share"] for r in rows]})
    table = make_table(f"scope_boundary_{n}", frame, [text, c.count, text, text, text, text, c.share],
                       widths=(2.6, 0.8, 1.8, 1.2, 1, 1, 0.9), numeric=(False, True, False, False, True, True, True))
    return [Paragraph(t["boundary"], "note"), table]


def _figure(c: Composer, out: Path, stem: str, caption: str, name: str) -> Figure:
    svg = (out / f"{stem}.svg").read_text(encoding="utf-8")
    width, height = svg_size(svg)
    c.figures += 1
    return Figure(stem, svg, (out / f"{stem}.png").read_bytes(), width, height, caption.format(n=c.figures, name=name))


def _crossings(crossings: tuple[dict[str, Any], ...], t: dict[str, Any], n: int) -> list[Block]:
    blocks: list[Block] = [Heading(t["crossings"].format(n=n), 2)]
    if not crossings:
        return blocks + [Paragraph(t["no_crossings"])]
    keys = ("department", "from", "to", "from_system", "to_system", "cases")
    frame = pd.DataFrame({h: [r[k] for r in crossings] for h, k in zip(t["c"], keys)})
    return blocks + [make_table("scope_crossings", frame, [text] * 5 + [format_count],
                                widths=(1.6, 2.2, 2.2, 1, 1, 0.8), numeric=(False,) * 5 + (True,))]
