"""Compose report sections 4-6 (people, clients and products, how information enters) as blocks."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from miner.reporting import charts
from miner.reporting.blocks import Block, Heading, Paragraph, make_table
from miner.reporting.clients import TOP_CLIENTS, Clients
from miner.reporting.compose import Composer, text
from miner.reporting.entry import Entry
from miner.reporting.people import TOP_PEOPLE, People

MAX_EMPLOYEES = 25  # rows of the employees table in the documents (the CSV has everyone)


def _period_labels(index: pd.Index, freq: str) -> list[str]:
    """Return short labels of period starts: 12.01 for weeks, 01.2026 for months, 2026 К1 for quarters."""
    stamps = pd.DatetimeIndex(index)
    if freq == "W":
        return [f"{s:%d.%m}" for s in stamps]
    if freq == "M":
        return [f"{s:%m.%Y}" for s in stamps]
    return [f"{s.year} Q{(s.month - 1) // 3 + 1}" for s in stamps]


def people_section(c: Composer, p: People | None, handover_map: Any) -> list[Block]:
    """Section 4: employees, workload over time, handovers between departments, who does what."""
    t, lang = c.t, c.lang
    blocks: list[Block] = [Heading(t["s_people"], 1)]
    if p is None:
        blocks.append(Paragraph(t["no_people"]))
        return blocks
    period = t["period_" + p.freq]
    e = p.employees
    if len(e):
        blocks.append(Heading(t["s_employees"], 2))
        main = [", ".join(f"{a} ({c.share(s)})" for a, s in acts) if isinstance(acts, list) else ""
                for acts in e["activities"]]
        frame = pd.DataFrame({t["h_employee"]: e["employee"], t["h_department"]: e["department"],
                              t["h_role"]: e["role"], t["h_events"]: e["events"], t["h_cases"]: e["cases"],
                              t["h_main_activities"]: main})
        table = make_table("employees", frame, [text, text, text, c.count, c.count, text],
                           widths=(2.2, 1.5, 1.7, 0.8, 0.8, 3.5), numeric=(False, False, False, True, True, False))
        blocks.append(replace(table, rows=table.rows[:MAX_EMPLOYEES]))
        if len(frame) > MAX_EMPLOYEES:
            blocks.append(Paragraph(t["more_rows"].format(shown=MAX_EMPLOYEES, total=len(frame),
                                                          file="tables/employees.csv"), "note"))
    blocks.append(Heading(t["s_workload"], 2))
    blocks.append(Paragraph(t["workload_text"].format(period=period, top=TOP_PEOPLE)))
    if len(p.workload):
        table = p.workload.copy()
        table.columns = _period_labels(table.columns, p.freq)
        chart = charts.heatmap_chart(table, stem="workload_employees", title=t["ch_workload"], lang=lang, wrap=10)
        blocks.append(c.chart(chart, "c_workload", period=period))
    if len(p.departments):
        chart = charts.lines_chart(p.departments, stem="workload_departments", title=t["ch_departments"],
                                   ylabel=t["h_events"], lang=lang)
        blocks.append(c.chart(chart, "c_departments", period=period))
    blocks.append(Heading(t["s_handovers"], 2))
    if p.handovers is None:
        blocks.append(Paragraph(t["no_departments"]))
    else:
        blocks.append(Paragraph(t["handovers_text"].format(unknown=t["unknown_department"])))
        if handover_map is not None:
            blocks.append(c.picture("handovers", handover_map, "c_handovers"))
        h = p.handover_table
        frame = pd.DataFrame({t["h_from"]: h["source"], t["h_to"]: h["target"], t["h_handovers"]: h["count"],
                              t["h_cases"]: h["cases"], t["h_median_time"]: h["median_seconds"]})
        blocks.append(make_table("handovers", frame, [text, text, c.count, c.count, c.duration],
                                 widths=(2.5, 2.5, 1, 1, 1.3), numeric=(False, False, True, True, True)))
    if len(p.who_what):
        blocks.append(Heading(t["s_who_what"], 2))
        chart = charts.heatmap_chart(p.who_what, stem="who_does_what", title=t["ch_who_what"], lang=lang)
        blocks.append(c.chart(chart, "c_who_what"))
    return blocks


def clients_section(c: Composer, cl: Clients | None) -> list[Block]:
    """Section 5: problem clients, revenue by client and by product (where the log has them)."""
    t, lang = c.t, c.lang
    blocks: list[Block] = [Heading(t["s_clients"], 1)]
    if cl is None:
        blocks.append(Paragraph(t["no_clients"]))
        return blocks
    if cl.client_column is not None and len(cl.problems):
        blocks += [Heading(t["s_problem_clients"], 2), Paragraph(t["problem_text"])]
        pr = cl.problems
        frame = pd.DataFrame({t["h_client"]: pr["client"], t["h_cases"]: pr["cases"], t["h_rework"]: pr["rework"],
                              t["h_returns"]: pr["returns"], t["h_slow"]: pr["slow"], t["h_problems"]: pr["problems"],
                              t["h_problem_share"]: pr["problem_share"], t["h_median_duration"]: pr["median_seconds"]})
        table = make_table("problem_clients", frame.head(TOP_CLIENTS), [text] + [c.count] * 5 + [c.share, c.duration],
                           widths=(3.6, 0.8, 0.9, 0.9, 0.8, 1, 1, 1.2), numeric=(False,) + (True,) * 7)
        blocks.append(_with_export(table, frame))
        if len(frame) > TOP_CLIENTS:
            blocks.append(Paragraph(t["more_rows"].format(shown=TOP_CLIENTS, total=len(frame),
                                                          file="tables/problem_clients.csv"), "note"))
    if cl.amount_column is None:
        blocks.append(Paragraph(t["no_amount"], "note"))
        return blocks
    for key, frame_in, name, label in (("clients", cl.by_client, "client", "h_client"),
                                       ("products", cl.by_product, "product", "h_product")):
        if not len(frame_in) or frame_in["amount"].isna().all():
            continue
        blocks += [Heading(t[f"s_revenue_{key}"], 2), Paragraph(t["revenue_text"].format(column=cl.amount_column))]
        top = frame_in.head(TOP_CLIENTS)
        chart = charts.bar_chart(top[name].astype(str).tolist(), top["amount"].fillna(0).tolist(),
                                 stem=f"revenue_{key}", title=t[f"ch_revenue_{key}"], xlabel=t["ax_amount"],
                                 lang=lang, scale_words=(t["thousands"], t["millions"]))
        blocks.append(c.chart(chart, f"c_revenue_{key}", top=len(top)))
        total = frame_in["amount"].sum()
        frame = pd.DataFrame({t[label]: frame_in[name], t["h_cases"]: frame_in["cases"],
                              t["h_amount"]: frame_in["amount"],
                              t["h_amount_share"]: frame_in["amount"] / total if total else None})
        shown = frame.head(TOP_CLIENTS)
        table = make_table(f"revenue_{key}", shown, [text, c.count, c.money, c.share], widths=(4, 1, 1.8, 1.2),
                           numeric=(False, True, True, True))
        blocks.append(_with_export(table, frame))
        if len(frame) > TOP_CLIENTS:
            blocks.append(Paragraph(t["more_rows"].format(shown=TOP_CLIENTS, total=len(frame),
                                                          file=f"tables/revenue_{key}.csv"), "note"))
    return blocks


def _with_export(table: Any, frame: pd.DataFrame) -> Any:
    """Export the whole frame while showing only the table's rows."""
    return replace(table, export=frame)


def entry_section(c: Composer, e: Entry) -> list[Block]:
    """Section 6: systems per case, steps recorded only outside 1C, late entry and back-dating."""
    t = c.t
    blocks: list[Block] = [Heading(t["s_entry"], 1), Heading(t["s_systems"], 2), Paragraph(t["systems_text"])]
    frame = pd.DataFrame({t["h_systems"]: e.combos["systems"], t["h_cases"]: e.combos["cases"],
                          t["h_share"]: e.combos["share"]})
    blocks.append(make_table("systems_per_case", frame, [text, c.count, c.share], widths=(4, 1.2, 1.2),
                             numeric=(False, True, True)))
    blocks.append(Heading(t["s_outside"], 2))
    by_act = e.outside if e.has_1c else e.by_activity
    if e.has_1c and not len(by_act):
        blocks.append(Paragraph(t["no_outside"]))
    else:
        blocks.append(Paragraph(t["outside_text"] if e.has_1c else t["no_1c"]))
        frame = pd.DataFrame({t["h_activity"]: by_act["activity"], t["h_where"]: by_act["systems"],
                              t["h_events"]: by_act["events"]})
        blocks.append(make_table("outside_1c", frame, [text, text, c.count], widths=(4, 2.5, 1.2),
                                 numeric=(False, False, True)))
    blocks.append(Heading(t["s_late"], 2))
    if e.late is None:
        blocks.append(Paragraph(t["no_journal"]))
        return blocks
    blocks.append(Paragraph(t["late_text"]))
    late = e.late
    frame = pd.DataFrame({t["h_activity"]: late["activity"], t["h_events"]: late["events"],
                          t["h_measured"]: late["measured"], t["h_late"]: late["late"],
                          t["h_backdated"]: late["backdated"], t["h_median_lag"]: late["median_lag_seconds"]})
    blocks.append(make_table("late_entry", frame, [text, c.count, c.count, c.count, c.count, c.duration],
                             widths=(3.5, 1, 1.2, 1, 1.1, 1.3), numeric=(False,) + (True,) * 5))
    blocks.append(Paragraph(t["late_columns"].format(columns=", ".join(e.late_columns)), "note"))
    return blocks

