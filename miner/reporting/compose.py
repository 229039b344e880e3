"""Compose report sections 1-3 (data, real process, declared vs real) as blocks in one language.

Sections 4-6 are in :mod:`miner.reporting.compose_people`. Each function takes the section's numbers
(:mod:`miner.reporting.sections`) and returns blocks; charts are drawn here because their texts are
in the report's language.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from miner.reporting import charts
from miner.reporting.texts import reason as reason_text
from miner.reporting.texts import texts
from miner.reporting.blocks import Block, Figure, Heading, Metrics, Paragraph, make_table, svg_size
from miner.reporting.sections import Overview, RealProcess
from miner.reporting.requirements import propose, propose_deviation
from miner.units import format_count, format_counted, format_duration, format_number, format_share
from miner.language import Lang, agree, column_key, method_name, pick, source_kind

MAX_FINDINGS = 30


class Composer:
    """Formats numbers in the report's language and numbers the figures."""

    def __init__(self, lang: Lang = "ru") -> None:
        self.lang = lang
        self.t = texts(lang)
        self.figures = 0

    def count(self, value: Any) -> str:
        return "" if value is None or (isinstance(value, float) and np.isnan(value)) else format_count(value)

    def share(self, value: Any) -> str:
        return "" if value is None or pd.isna(value) else format_share(float(value), lang=self.lang)

    def duration(self, seconds: Any) -> str:
        return format_duration(None if seconds is None or pd.isna(seconds) else float(seconds), lang=self.lang)

    def money(self, value: Any) -> str:
        return "" if value is None or pd.isna(value) else format_number(float(value), digits=0, lang=self.lang)

    def date(self, ts: pd.Timestamp | None) -> str:
        return "–" if ts is None else f"{ts:%d.%m.%Y}"

    def caption(self, key: str, **fields: Any) -> str:
        self.figures += 1
        return self.t[key].format(n=self.figures, **fields)

    def chart(self, chart: charts.Chart, key: str, **fields: Any) -> Figure:
        return Figure(chart.stem, chart.svg, chart.png, chart.width, chart.height, self.caption(key, **fields))

    def picture(self, stem: str, drawn: Any, key: str, **fields: Any) -> Figure:
        """Return a Figure of a map (a ``ProcessMap``): its pictures are rendered once, not read from disk."""
        svg = drawn.svg()
        width, height = svg_size(svg)
        return Figure(stem, svg, drawn.png(), width, height, self.caption(key, **fields))


def text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def data_section(c: Composer, o: Overview, quality: Sequence[Any] = (),
                 source_quality: Sequence[dict[str, Any]] = ()) -> list[Block]:
    """Section 1: sources, period, size, what was rejected and why, records saved twice (``quality``)."""
    t = c.t
    lang = c.lang
    blocks: list[Block] = [Heading(t["s_data"], 1), Paragraph(t["data_lead"].format(
        events=format_counted(o.events, "событие", lang=lang, en="event"),
        cases=format_counted(o.cases, "случай", lang=lang, en="case", case="loct"),
        activities=format_counted(o.activities, "различное действие", lang=lang,
                                  en="distinct activity|distinct activities"),
        variants=format_counted(o.variants, "вариант", lang=lang, en="variant"),
        start=c.date(o.start), end=c.date(o.end)), "lead")]
    metrics = ((o.cases, "случай", "m_cases"), (o.events, "событие", "m_events"),
               (o.activities, "действие", "m_activities"), (o.variants, "вариант", "m_variants"),
               (len(o.sources), "источник", "m_sources"))  # the label under the number agrees with it
    blocks.append(Metrics(tuple((pick(lang, agree(n, noun).capitalize(), t[key]), c.count(n))
                                for n, noun, key in metrics)))
    blocks.append(Heading(t["s_sources"], 2))
    src = o.sources
    where = [" / ".join(x for x in (text(e), text(s)) if x) for e, s in zip(src["encoding"], src["sheet"])]
    kinds = [source_kind(k, c.lang) if isinstance(k, str) else k for k in src["kind"]]
    frame = pd.DataFrame({t["h_file"]: src["file"], t["h_kind"]: kinds, t["h_encoding"]: where,
                          t["h_rows_read"]: src["rows_read"], t["h_events"]: src["events"],
                          t["h_mapping"]: [_mapping(c, m) for m in src["mapping"]]})
    blocks.append(make_table("sources", frame, [text, text, text, c.count, c.count, text],
                             widths=(2.2, 0.9, 1.4, 1.1, 1.0, 4.0), numeric=(False, False, False, True, True, False)))
    blocks.append(Heading(t["s_rejected"], 2))
    if o.rows_read is None:
        blocks.append(Paragraph(t["rows_unknown"]))
        return blocks + quality_blocks(c, quality) + source_notes(c, source_quality, "1.4" if quality else "1.3")
    blocks.append(Paragraph(t["rows_line"].format(rows_read=c.count(o.rows_read), rows_used=c.count(o.rows_used),
                                                  rejected=c.count(o.rejected), excluded=c.count(o.excluded))
                            if o.rejected or o.excluded else t["rows_clean"]))
    if len(o.reasons):
        r = o.reasons
        frame = pd.DataFrame({t["h_reason"]: [reason_text(x, c.lang) for x in r["reason"]],
                              t["h_reason_kind"]: [t[k] for k in r["kind"]], t["h_rows"]: r["rows"],
                              t["h_examples"]: r["examples"]})
        blocks.append(make_table("rejected", frame, [text, text, c.count, text], widths=(2.5, 1.2, 0.8, 5.5),
                                 numeric=(False, False, True, False)))
    blocks.append(Paragraph(t["ingest_note"], "note"))
    return blocks + quality_blocks(c, quality) + source_notes(c, source_quality, "1.4" if quality else "1.3")


def _mapping(c: Composer, mapping: Any) -> str:
    """Say «case: Номер заказа» in the report's words («случай: Номер заказа»)."""
    if not isinstance(mapping, str):
        return ""
    parts = []
    for item in mapping.split(", "):
        key, _, column = item.partition(": ")
        parts.append(f"{column_key(key, c.lang)}: {column}")
    return "; ".join(parts)


def process_section(c: Composer, real: RealProcess, discovery: Any) -> list[Block]:
    """Section 2: the two maps, top variants, case durations, activities by frequency."""
    t, lang = c.t, c.lang
    blocks: list[Block] = [Heading(t["s_process"], 1), Heading(t["s_freq_map"], 2), Paragraph(t["freq_map_text"]),
                           c.picture("map", discovery.frequency, "c_freq_map"),
                           Heading(t["s_perf_map"], 2), Paragraph(t["perf_map_text"]),
                           c.picture("performance", discovery.performance, "c_perf_map"),
                           Heading(t["s_variants"], 2)]
    v = real.variants
    blocks.append(Paragraph(t["variants_text"].format(n=c.count(real.n_variants), top=len(v),
                                                      share=c.share(v["share"].sum() if len(v) else 0))))
    frame = pd.DataFrame({t["h_rank"]: v["rank"], t["h_cases"]: v["cases"], t["h_share"]: v["share"],
                          t["h_steps"]: v["steps"], t["h_variant"]: v["variant"]})
    blocks.append(make_table("variants", frame, [str, c.count, c.share, str, text], widths=(0.4, 0.9, 0.8, 0.6, 7.3),
                             numeric=(True, True, True, True, False)))
    d = real.durations
    blocks.append(Heading(t["s_durations"], 2))
    if d.size:
        blocks.append(Paragraph(t["durations_text"].format(
            median=c.duration(np.median(d)), p90=c.duration(np.percentile(d, 90)), mean=c.duration(d.mean()),
            max=c.duration(d.max()))))
        chart = charts.duration_histogram(d, stem="throughput", title=t["ch_durations"], xlabel=t["ax_durations"],
                                          ylabel=t["ax_cases"], median_label=t["median_mark"],
                                          p90_label=t["p90_mark"], longer_label=t["longer_mark"], lang=lang)
        blocks.append(c.chart(chart, "c_durations"))
    blocks.append(Heading(t["s_activities"], 2))
    a = real.activities
    shown = a.head(25)
    chart = charts.bar_chart(shown["activity"].tolist(), shown["events"].tolist(), stem="activities",
                             title=t["ch_activities"], xlabel=t["ax_events"], lang=lang)
    blocks.append(c.chart(chart, "c_activities"))
    frame = pd.DataFrame({t["h_activity"]: a["activity"], t["h_events"]: a["events"], t["h_cases"]: a["cases"],
                          t["h_case_share"]: a["case_share"]})
    blocks.append(make_table("activities", frame, [text, c.count, c.count, c.share], widths=(5, 1.3, 1.3, 1.3),
                             numeric=(False, True, True, True)))
    return blocks


def compare_section(c: Composer, comparison: Any, output: Path, overlays: dict[int, str] | None = None) -> list[Block]:
    """Section 3: per description the fitness, the overlay map, findings and proposed requirements.

    ``overlays`` names, per description, the overlay map file to show (``comparison`` by default).
    """
    t = c.t
    blocks: list[Block] = [Heading(t["s_compare"], 1)]
    if comparison is None:
        blocks.append(Paragraph(t["no_declared"]))
        return blocks
    many = len(comparison.parts) > 1
    for i, part in enumerate(comparison.parts):
        d = part.declared
        blocks.append(Heading(f"3.{i + 1} «{d.process}»", 2))
        blocks.append(Paragraph(t["fitness_text"].format(
            fitness=format_number(part.fitness, digits=2, lang=c.lang),
            method=method_name(part.fitness_method, c.lang),
            conforming=c.share(part.conforming_cases)), "lead"))
        stem = (overlays or {}).get(i) or ("comparison" if i == 0 else f"comparison_{i + 1}")
        drawn = _overlay_map(comparison, i, output / f"{stem}.gv", c.lang)
        if drawn is not None:  # right under the heading: a tall map then fits the page
            blocks.append(c.picture(stem, drawn, "c_compare_map", process=d.process))
        if d.described_by or d.file:
            blocks.append(Paragraph(t["declared_by"].format(by=d.described_by or "—", file=Path(d.file).name or "—")))
        for note in part.outside_system:
            blocks.append(Paragraph(pick(c.lang, note["summary"],
                                         f"«{note['activity']}» is done outside the system ({note['system']})."), "note"))
        if part.unmatched:
            blocks.append(Paragraph(t["unmatched"].format(steps=", ".join(f"«{s}»" for s in part.unmatched)), "note"))
        suffix = "" if i == 0 else f"_{i + 1}"
        own = [v for v in comparison.deviations if v.process == (d.process if many else None)]
        blocks += findings_blocks(c, list(part.findings), d, suffix, level=3, number=f"3.{i + 1}", deviations=own)
        if part.accepted:
            blocks.append(Heading(f"3.{i + 1}.4 {t['s_accepted']}", 3))
            blocks.append(Paragraph(t["accepted_text"]))
            blocks.append(_findings_table(c, list(part.accepted), f"accepted{suffix}"))
    if many:
        common = [f for f in comparison.findings if f.process is None]
        if common:
            blocks.append(Heading(f"3.{len(comparison.parts) + 1} {t['s_common_findings']}", 2))
            blocks += findings_blocks(c, common, None, "_common", level=3, number=f"3.{len(comparison.parts) + 1}",
                                      deviations=[v for v in comparison.deviations if v.process is None])
        for conflict in comparison.conflicts:
            blocks.append(Paragraph(t["conflict"].format(summary=conflict.summary), "note"))
    return blocks


def _overlay_map(comparison: Any, i: int, gv: Path, lang: str) -> Any:
    """Return the overlay map shown for description ``i``: as compared, or as written in ``gv``."""
    from miner.discovery.maps import ProcessMap

    if i < len(comparison.maps) and comparison.output is not None and comparison.lang == lang \
            and gv.parent.resolve() == Path(comparison.output).resolve():
        return comparison.maps[i]
    return ProcessMap(gv.read_text(encoding="utf-8"), "comparison") if gv.exists() else None


def findings_blocks(c: Composer, findings: list[Any], declared: Any, suffix: str, *, level: int,
                    number: str, deviations: Sequence[Any] | None = None) -> list[Block]:
    """Return the deviations, their findings and the proposed requirements (one per deviation).

    The documents show the ``MAX_FINDINGS`` most important rows; the exported tables hold them all.
    Without ``deviations`` (an old caller) each finding stands for itself.
    """
    t = x = c.t
    if not findings:
        return [Heading(f"{number}.1 {x['s_deviations']}", level), Paragraph(t["no_findings"])]
    devs = list(deviations) if deviations is not None else []
    blocks: list[Block] = [Heading(f"{number}.1 {x['s_deviations']}", level)]
    if devs:
        blocks.append(Paragraph(x["deviations_text"]))
        blocks += _limited(c, _deviations_table(c, devs, f"deviations{suffix}"), len(devs), f"deviations{suffix}")
        blocks.append(Heading(f"{number}.2 {x['s_detail']}", level))
    blocks += _limited(c, _findings_table(c, findings, f"findings{suffix}"), len(findings), f"findings{suffix}")
    blocks += [Heading(f"{number}.{3 if devs else 2} {t['s_requirements']}", level), Paragraph(t["requirements_text"])]
    if devs:
        proposals = [propose_deviation(d, findings, declared, c.lang) for d in devs]
        ids = [d.id for d in devs]
    else:
        proposals = [propose(f, declared, c.lang) for f in findings]
        ids = [str(i) for i in range(1, len(findings) + 1)]
    frame = pd.DataFrame({x["h_id"]: ids, x["h_deviation"]: [p.finding for p in proposals],
                          t["h_requirement"]: [p.requirement for p in proposals],
                          t["h_acceptance"]: [p.acceptance for p in proposals]})
    table = make_table(f"requirements{suffix}", frame, [str, text, text, text], widths=(0.5, 2.5, 3.6, 3.4),
                       numeric=(False, False, False, False))
    blocks += _limited(c, table, len(proposals), f"requirements{suffix}")
    return blocks


def _limited(c: Composer, table: Any, rows: int, name: str) -> list[Block]:
    """Return ``table`` cut to ``MAX_FINDINGS`` rows, with a note when rows were left out."""
    if rows <= MAX_FINDINGS:
        return [table]
    note = Paragraph(c.t["more_rows"].format(shown=MAX_FINDINGS, total=rows, file=f"tables/{name}.csv"), "note")
    return [_shown(table, MAX_FINDINGS), note]


def _deviations_table(c: Composer, deviations: list[Any], name: str) -> Any:
    x = c.t
    titles = [pick(c.lang, d.title, d.title_en or d.title) for d in deviations]
    drivers = [" ".join(v.sentence(c.lang) for v in d.drivers) or x["no_drivers"] for d in deviations]
    frame = pd.DataFrame({x["h_id"]: [d.id for d in deviations], x["h_deviation"]: titles,
                          c.t["h_cases"]: [d.cases for d in deviations], c.t["h_share"]: [d.share for d in deviations],
                          x["h_findings_ids"]: [", ".join(d.findings) for d in deviations],
                          x["h_drivers"]: drivers,
                          c.t["h_example_cases"]: [", ".join(map(str, d.examples[:3])) for d in deviations]})
    return make_table(name, frame, [str, text, c.count, c.share, text, text, text],
                      widths=(0.4, 2.9, 0.8, 0.7, 0.8, 2.9, 1.5),
                      numeric=(False, False, True, True, False, False, False))


# What the sources themselves showed while they were read (ingest.json ``data_quality``).
_SOURCE_NOTES = {
    "unlinked_documents": ("Документы, не связанные ни с одним заказом", "Documents linked to no order"),
    "identical_rows": ("Одинаковые строки в одном файле (оставлены)", "Identical rows within one file (kept)"),
    "empty_placeholder": ("Пустые ссылки 1С («<Не указан>», «<Пусто>»): пустые значения",
                          "1C empty references («<Не указан>», «<Пусто>»): missing values"),
    "broken_reference": ("Ссылки на удалённые объекты 1С («<Объект не найден>»)",
                         "References to deleted 1C objects («<Объект не найден>»)"),
}


def source_notes(c: Composer, items: Sequence[dict[str, Any]], number: str) -> list[Block]:
    """Return «what the sources showed» of section 1: documents without an order, empty references, ...

    Documents linked to no order (an advance payment, a return without its sale) are money or
    goods that entered before any order: the consultant asks about them, so they are listed with
    their kinds, total and examples.
    """
    if not items:
        return []
    lang = c.lang
    whats, counts, details = [], [], []
    for item in items:
        whats.append(pick(lang, *_SOURCE_NOTES.get(item["kind"], (item["kind"], item["kind"]))))
        counts.append(int(item.get("count", 0)))
        details.append(_note_detail(c, item))
    frame = pd.DataFrame({pick(lang, "Что найдено", "Found"): whats, pick(lang, "Записей", "Records"): counts,
                          pick(lang, "Подробности", "Details"): details})
    return [Heading(f"{number} " + pick(lang, "Особенности исходных данных", "What the sources showed"), 2),
            Paragraph(pick(lang, "Это найдено при чтении файлов. Документы без заказа не вошли в случаи "
                                 "(если не указан --keep-unlinked): это деньги или товары, пришедшие раньше "
                                 "любого заказа, — о них стоит спросить.",
                           "Found while the files were read. Documents linked to no order are left out of the "
                           "cases (unless --keep-unlinked): money or goods that came before any order.")),
            make_table("source_notes", frame, [text, c.count, text], widths=(3.0, 1.0, 6.0),
                       numeric=(False, True, False))]


def _note_detail(c: Composer, item: dict[str, Any]) -> str:
    parts = []
    if item.get("by_kind"):
        parts.append(", ".join(f"{k}: {c.count(n)}" for k, n in item["by_kind"].items()))
    if item.get("amount") is not None:
        parts.append(pick(c.lang, "сумма ", "amount ") + format_number(item["amount"], digits=2))
    if item.get("files"):
        parts.append(", ".join(f"{f}: {c.count(n)}" for f, n in dict(item["files"]).items()))
    examples = [e.get("document") or f"{e.get('file', '')}:{e.get('row', '')}" for e in item.get("examples", [])[:3]]
    if examples:
        parts.append(pick(c.lang, "примеры: ", "examples: ") + "; ".join(str(e) for e in examples))
    return ". ".join(parts)


def quality_blocks(c: Composer, items: Sequence[Any]) -> list[Block]:
    """Return the «record quality» part of section 1 (records saved twice, copies), or nothing."""
    if not items:
        return []
    x = c.t
    frame = pd.DataFrame({x["h_quality"]: [x.get(q.kind, q.kind) for q in items],
                          c.t["h_activity"]: [q.activity for q in items], x["h_records"]: [q.events for q in items],
                          c.t["h_cases"]: [q.cases for q in items],
                          c.t["h_example_cases"]: [", ".join(q.examples[:3]) for q in items]})
    return [Heading(x["s_quality"], 2), Paragraph(x["quality_text"]),
            make_table("data_quality", frame, [text, text, c.count, c.count, text], widths=(2.0, 3.2, 1.0, 1.0, 2.8),
                       numeric=(False, False, True, True, False))]


def _shown(table: Any, rows: int) -> Any:
    """Return ``table`` showing its first ``rows`` rows (its export keeps every row)."""
    from dataclasses import replace

    return replace(table, rows=table.rows[:rows])


def _findings_table(c: Composer, findings: list[Any], name: str) -> Any:
    t = x = c.t
    proposals = [propose(f, None, c.lang) for f in findings]
    ids = [f.id or str(i) for i, f in enumerate(findings, start=1)]
    frame = pd.DataFrame({x["h_id"]: ids, x["h_deviation"]: [f.deviation or "" for f in findings],
                          t["h_finding"]: [p.finding for p in proposals],
                          t["h_cases"]: [f.cases for f in findings], t["h_share"]: [f.share for f in findings],
                          t["h_example_cases"]: [", ".join(map(str, f.examples[:3])) for f in findings]})
    return make_table(name, frame, [str, text, text, c.count, c.share, text], widths=(0.5, 0.8, 5.0, 0.9, 0.8, 2.0),
                      numeric=(False, False, False, True, True, False))
