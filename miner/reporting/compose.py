"""Compose report sections 1-3 (data, real process, declared vs real) as blocks in one language.

Sections 4-6 are in :mod:`miner.reporting.compose_people`. Each function takes the section's numbers
(:mod:`miner.reporting.sections`) and returns blocks; charts are drawn here because their texts are
in the report's language.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from miner.reporting import charts
from miner.reporting.texts import reason as reason_text
from miner.reporting.texts import texts
from miner.reporting.blocks import Block, Figure, Heading, Metrics, Paragraph, make_table, svg_size
from miner.reporting.sections import Overview, RealProcess
from miner.reporting.requirements import propose
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

    def picture(self, stem: str, svg_path: Path, png_path: Path, key: str, **fields: Any) -> Figure:
        """Return a Figure of a map already written as ``svg_path`` and ``png_path``."""
        svg = svg_path.read_text(encoding="utf-8")
        width, height = svg_size(svg)
        return Figure(stem, svg, png_path.read_bytes(), width, height, self.caption(key, **fields))


def text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def data_section(c: Composer, o: Overview) -> list[Block]:
    """Section 1: sources, period, size, what was rejected and why."""
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
        return blocks
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
    return blocks


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
    freq_paths = {p.suffix: p for p in discovery.frequency.paths}
    perf_paths = {p.suffix: p for p in discovery.performance.paths}
    blocks: list[Block] = [Heading(t["s_process"], 1), Heading(t["s_freq_map"], 2), Paragraph(t["freq_map_text"]),
                           c.picture("map", freq_paths[".svg"], freq_paths[".png"], "c_freq_map"),
                           Heading(t["s_perf_map"], 2), Paragraph(t["perf_map_text"]),
                           c.picture("performance", perf_paths[".svg"], perf_paths[".png"], "c_perf_map"),
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
        if (output / f"{stem}.svg").exists():  # right under the heading: a tall map then fits the page
            blocks.append(c.picture(stem, output / f"{stem}.svg", output / f"{stem}.png", "c_compare_map",
                                    process=d.process))
        if d.described_by or d.file:
            blocks.append(Paragraph(t["declared_by"].format(by=d.described_by or "—", file=Path(d.file).name or "—")))
        for note in part.outside_system:
            blocks.append(Paragraph(pick(c.lang, note["summary"],
                                         f"«{note['activity']}» is done outside the system ({note['system']})."), "note"))
        if part.unmatched:
            blocks.append(Paragraph(t["unmatched"].format(steps=", ".join(f"«{s}»" for s in part.unmatched)), "note"))
        suffix = "" if i == 0 else f"_{i + 1}"
        blocks += findings_blocks(c, list(part.findings), d, suffix, level=3, number=f"3.{i + 1}")
        if part.accepted:
            blocks.append(Heading(f"3.{i + 1}.3 {t['s_accepted']}", 3))
            blocks.append(Paragraph(t["accepted_text"]))
            blocks.append(_findings_table(c, list(part.accepted), f"accepted{suffix}"))
    if many:
        common = [f for f in comparison.findings if f.process is None]
        if common:
            blocks.append(Heading(f"3.{len(comparison.parts) + 1} {t['s_common_findings']}", 2))
            blocks += findings_blocks(c, common, None, "_common", level=3, number=f"3.{len(comparison.parts) + 1}")
        for conflict in comparison.conflicts:
            blocks.append(Paragraph(t["conflict"].format(summary=conflict.summary), "note"))
    return blocks


def findings_blocks(c: Composer, findings: list[Any], declared: Any, suffix: str, *, level: int,
                    number: str) -> list[Block]:
    """Return the findings table and the proposed requirements for them.

    The documents show the ``MAX_FINDINGS`` most important; the exported tables hold them all.
    """
    t = c.t
    blocks: list[Block] = [Heading(f"{number}.1 {t['s_findings']}", level)]
    if not findings:
        blocks.append(Paragraph(t["no_findings"]))
        return blocks
    table = _findings_table(c, findings, f"findings{suffix}")
    blocks.append(_shown(table, MAX_FINDINGS))
    if len(findings) > MAX_FINDINGS:
        blocks.append(Paragraph(t["more_rows"].format(shown=MAX_FINDINGS, total=len(findings),
                                                      file=f"tables/findings{suffix}.csv"), "note"))
    blocks += [Heading(f"{number}.2 {t['s_requirements']}", level), Paragraph(t["requirements_text"])]
    proposals = [propose(f, declared, c.lang) for f in findings]
    frame = pd.DataFrame({t["h_rank"]: range(1, len(proposals) + 1),
                          t["h_requirement"]: [p.requirement for p in proposals],
                          t["h_acceptance"]: [p.acceptance for p in proposals]})
    table = make_table(f"requirements{suffix}", frame, [str, text, text], widths=(0.4, 4.8, 4.8),
                       numeric=(True, False, False))
    blocks.append(_shown(table, MAX_FINDINGS))
    if len(findings) > MAX_FINDINGS:
        blocks.append(Paragraph(t["more_rows"].format(shown=MAX_FINDINGS, total=len(findings),
                                                      file=f"tables/requirements{suffix}.csv"), "note"))
    return blocks


def _shown(table: Any, rows: int) -> Any:
    """Return ``table`` showing its first ``rows`` rows (its export keeps every row)."""
    from dataclasses import replace

    return replace(table, rows=table.rows[:rows])


def _findings_table(c: Composer, findings: list[Any], name: str) -> Any:
    t = c.t
    proposals = [propose(f, None, c.lang) for f in findings]
    frame = pd.DataFrame({t["h_rank"]: range(1, len(findings) + 1), t["h_finding"]: [p.finding for p in proposals],
                          t["h_cases"]: [f.cases for f in findings], t["h_share"]: [f.share for f in findings],
                          t["h_example_cases"]: [", ".join(map(str, f.examples[:3])) for f in findings]})
    return make_table(name, frame, [str, text, c.count, c.share, text], widths=(0.4, 5.6, 0.9, 0.8, 2.3),
                      numeric=(True, False, True, True, False))
