"""Scenario 2: procure-to-pay (an Excel report of purchase requests + the interview sheet form).

A different shape from scenario 1: one xlsx source with its own column names (Заявка | Этап |
Период | Исполнитель | Отдел | Сумма), rows grouped by request, no role column; the declared
process is the Excel sheet of CONTRACTS §3 and needs an alias («Заявка согласована»); a quality
check after the goods arrive is optional.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from miner.eventlog import finalize
from sample_data._common import WORKING_TIME_RULE, Scenario, add_working_hours, is_working_day, stable_xlsx
from sample_data._truth import expected_findings, off_system_steps, split_accepted

XLSX_NAME, DECLARED_NAME = "purchasing.xlsx", "purchasing_declared.xlsx"
SHEET, HEADER = "Заявки на закупку", ["Заявка", "Этап", "Период", "Исполнитель", "Отдел", "Сумма"]
DECLARED_SHEET, DECLARED_HEADER_ROW = "Процесс", 5  # Процесс / Подразделение / Описал, a blank row, the header
DECLARED_HEADER = ["Шаг", "Далее", "Роль", "Подразделение", "Система", "Норматив", "Синонимы"]

CREATED, APPROVAL, APPROVED_IN_DATA = "Создана заявка на закупку", "Согласование заявки", "Заявка согласована"
QUOTES, SUPPLIER, ORDERED = "Запрошены коммерческие предложения", "Выбран поставщик", "Оформлен заказ поставщику"
PAID, RECEIVED, RETURNED, CLOSED = "Оплачен счет поставщика", "Поступили товары", "Возврат поставщику", "Закрыта заявка"
CHECKED = "Проверено качество"
PURCHASING, ACCOUNTING, WAREHOUSE = "Отдел закупок", "Бухгалтерия", "Склад"

DECLARED: dict[str, Any] = {
    "process": "Закупка товаров у поставщиков",
    "department": PURCHASING,
    "described_by": "Руководитель отдела закупок Андреев П. С., интервью 10.06.2026",
    "start": [CREATED],
    "end": [CLOSED],
    "steps": {
        CREATED: {"next": [APPROVAL], "role": "Инициатор"},
        APPROVAL: {"next": [QUOTES, SUPPLIER], "role": "Руководитель отдела закупок", "department": PURCHASING,
                   "within": "1d", "aliases": [APPROVED_IN_DATA]},
        QUOTES: {"next": [SUPPLIER], "role": "Менеджер по закупкам", "system": "почта"},
        SUPPLIER: {"next": [ORDERED], "role": "Менеджер по закупкам", "department": PURCHASING},
        ORDERED: {"next": [PAID], "role": "Менеджер по закупкам", "department": PURCHASING},
        PAID: {"next": [RECEIVED], "role": "Бухгалтер", "department": ACCOUNTING, "within": "3d"},
        RECEIVED: {"next": [CHECKED, CLOSED], "role": "Кладовщик", "department": WAREHOUSE, "within": "5d"},
        CHECKED: {"next": [CLOSED], "role": "Кладовщик", "department": WAREHOUSE},
        CLOSED: {"role": "Менеджер по закупкам", "department": PURCHASING},
    },
}
PROBABILITIES = {
    "skipped_approval": 0.10,       # bought without the head of purchasing's approval
    "supplier_by_requester": 0.14,  # the requesting department picks the supplier itself
    "return_to_supplier": 0.12,     # goods returned and delivered again
    "slow_delivery": 0.16,          # goods arrive 14-25 working days after the previous step (norm 5d)
}
DESCRIPTIONS = {
    "skipped_approval": "the request goes from creation straight to choosing the supplier",
    "supplier_by_requester": "«Выбран поставщик» is done by the requesting department, not Отдел закупок",
    "return_to_supplier": "«Поступили товары» → «Возврат поставщику» → «Поступили товары» again",
    "slow_delivery": "the goods arrive 14-25 working days after the previous event (norm 5d)",
}
CAUSES = {
    ("skipped_step", APPROVAL): "skipped_approval",
    ("undeclared_path", CREATED, SUPPLIER): "skipped_approval",
    ("role_mismatch", SUPPLIER, "department"): "supplier_by_requester",
    ("undeclared_step", RETURNED): "return_to_supplier",
    ("undeclared_path", RECEIVED, RETURNED): "return_to_supplier",
    ("undeclared_path", RETURNED, RECEIVED): "return_to_supplier",
    ("rework", RECEIVED): "return_to_supplier",
    ("slow_step", RECEIVED): "slow_delivery",
}
REQUESTERS = {"Склад": ["Егоров Виктор Андреевич", "Никитин Павел Семёнович", "Орлова Галина Михайловна"],
              "Отдел продаж": ["Иванова Мария Сергеевна", "Волков Дмитрий Андреевич"],
              "Администрация": ["Тихонова Вера Ильинична"]}
HEAD, BUYERS = "Андреев Павел Сергеевич", ["Крылова Дарья Олеговна", "Макаров Илья Романович", "Белов Антон Юрьевич"]
ACCOUNTANTS = ["Соколова Елена Владимировна", "Лебедева Татьяна Юрьевна"]
FIRST_DAY, LAST_DAY = date(2026, 2, 2), date(2026, 5, 29)


def generate_purchasing(n_requests: int = 400, seed: int = 20260202) -> Scenario:
    """Generate the procure-to-pay scenario in memory.

    Args:
        n_requests: purchase requests (cases) created between 02.02.2026 and 29.05.2026.
        seed: seed of the only random generator used.

    Returns:
        A :class:`Scenario` with the report rows, the log, the declared process and the truth.

    Example:
        >>> generate_purchasing(50, seed=1).log["case:concept:name"].nunique()
        50
    """
    rng = np.random.default_rng(seed)
    flags = {name: rng.random(n_requests) < p for name, p in PROBABILITIES.items()}
    days = [d for d in pd.date_range(FIRST_DAY, LAST_DAY).date if is_working_day(d)]
    starts = sorted(add_working_hours(datetime.combine(days[d], datetime.min.time()), float(h)).replace(second=0)
                    for d, h in zip(rng.integers(len(days), size=n_requests), rng.uniform(0.1, 8.5, n_requests)))
    events: list[dict[str, Any]] = []
    for i, start in enumerate(starts):
        events += _request(rng, f"ЗП-{i + 1:04d}", start, {k: bool(v[i]) for k, v in flags.items()})
    rows, dirty = _rows(rng, events)
    log = finalize(pd.DataFrame.from_records([
        {"case:concept:name": r["event"]["case"], "concept:name": r["event"]["activity"],
         "time:timestamp": r["event"]["ts"], "org:resource": r["event"]["resource"], "org:role": None,
         "org:group": r["event"]["group"], "source:system": "Excel", "source:file": XLSX_NAME, "source:row": r["row"]}
        for r in rows if r["event"] is not None]))
    findings, accepted = split_accepted(expected_findings(log, DECLARED, CAUSES), DECLARED)
    truth = {
        "scenario": "purchasing", "generator": "sample_data/generate.py", "seed": seed, "requests": n_requests,
        "declared": DECLARED_NAME,
        "files": {XLSX_NAME: {"sheet": SHEET, "header_row": 1, "data_rows": len(rows),
                              "events": len(rows) - len(dirty), "rejected": len(dirty)}},
        "dirty_rows": dirty,
        "log": {"cases": int(log["case:concept:name"].nunique()), "events": len(log),
                "start": str(log["time:timestamp"].min()), "end": str(log["time:timestamp"].max())},
        "duration_rule": WORKING_TIME_RULE,
        "notes": "Roles are declared but the report has no role column: no role findings are expected.",
        "injections": [{"name": k, "probability": p, "requests_drawn": int(flags[k].sum()),
                        "description": DESCRIPTIONS[k]} for k, p in PROBABILITIES.items()],
        "findings": findings, "accepted": accepted,
        "outside_system": [{"activity": s, "system": DECLARED["steps"][s]["system"]}
                           for s in sorted(off_system_steps(DECLARED))],
        "share_tolerance": 0.03, "max_other_share": 0.05,
    }
    table = pd.DataFrame([r["cells"] for r in rows], columns=HEADER)
    return Scenario("purchasing", log, {XLSX_NAME: table}, DECLARED, truth)


def _request(rng: np.random.Generator, case: str, now: datetime, flag: dict[str, bool]) -> list[dict]:
    """Return the events of one purchase request created at ``now``, in time order (whole minutes)."""
    dept = ["Склад", "Склад", "Склад", "Отдел продаж", "Отдел продаж", "Администрация"][rng.integers(6)]
    requester = REQUESTERS[dept][rng.integers(len(REQUESTERS[dept]))]
    buyer = BUYERS[rng.integers(len(BUYERS))]
    amount = round(float(rng.lognormal(11.0, 1.0)), 2)
    out: list[dict] = []

    def add(act: str, hours: float, who: str, group: str, amt: float | None = None) -> None:
        nonlocal now
        now = (add_working_hours(now, hours) if out else now).replace(second=0)
        out.append({"case": case, "activity": act, "ts": now, "resource": who, "group": group, "amount": amt})

    def u(lo: float, hi: float) -> float:
        return float(rng.uniform(lo, hi))

    add(CREATED, 0, requester, dept, amount)
    if not flag["skipped_approval"]:
        add(APPROVED_IN_DATA, u(0.5, 7), HEAD, PURCHASING)
    picker = (requester, dept) if flag["supplier_by_requester"] else (buyer, PURCHASING)
    add(SUPPLIER, u(1, 14), *picker)
    add(ORDERED, u(0.5, 8), buyer, PURCHASING, amount)
    keeper = REQUESTERS["Склад"][rng.integers(3)]
    add(PAID, u(1, 16), ACCOUNTANTS[rng.integers(len(ACCOUNTANTS))], ACCOUNTING, amount)
    # normal deliveries, returns and re-deliveries add up to at most 16 working hours, so the norm of
    # 5d is kept however the previous step is chosen (the event before, or the declared predecessor)
    add(RECEIVED, u(130, 225) if flag["slow_delivery"] else u(3, 10), keeper, WAREHOUSE)
    if flag["return_to_supplier"]:
        add(RETURNED, u(0.5, 2), keeper, WAREHOUSE)
        add(RECEIVED, u(1, 4), keeper, WAREHOUSE)
    if rng.random() < 0.4:
        add(CHECKED, u(0.5, 6), keeper, WAREHOUSE)
    add(CLOSED, u(0.5, 8), buyer, PURCHASING)
    return out


def _rows(rng: np.random.Generator, events: list[dict]) -> tuple[list[dict], list[dict]]:
    """Return the report rows (grouped by request, then time) with two blank-stage rows, and those rows."""
    rows = [{"event": e, "cells": [e["case"], e["activity"], e["ts"], e["resource"], e["group"], e["amount"]]}
            for e in events]
    for k in sorted(rng.choice(len(rows), size=2, replace=False), reverse=True):
        base = rows[int(k)]["cells"]
        rows.insert(int(k) + 1, {"event": None, "cells": [base[0], "", base[2], base[3], base[4], None]})
    dirty = []
    for line, r in enumerate(rows, start=2):  # row 1 is the header
        r["row"] = line
        if r["event"] is None:
            dirty.append({"file": XLSX_NAME, "row": line, "column": "Этап", "value": "", "reason": "empty activity"})
    return rows, dirty


def write_purchasing(scenario: Scenario, out_dir: Any) -> list[str]:
    """Write ``purchasing.xlsx`` and ``purchasing_declared.xlsx`` into ``out_dir``."""
    (out_dir / XLSX_NAME).write_bytes(_report_workbook(scenario.tables[XLSX_NAME]))
    (out_dir / DECLARED_NAME).write_bytes(_declared_workbook(scenario.declared))
    return [XLSX_NAME, DECLARED_NAME]


def _report_workbook(table: pd.DataFrame) -> bytes:
    """Build the purchasing report: header in row 1, a filter, real datetime and number cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for values in table.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in values])
        ws.cell(ws.max_row, 3).number_format = "dd.mm.yyyy h:mm"
        ws.cell(ws.max_row, 6).number_format = "#,##0.00"
    ws.auto_filter.ref = f"A1:F{ws.max_row}"
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEF", (10, 34, 17, 30, 16, 14)):
        ws.column_dimensions[col].width = width
    return stable_xlsx(wb)


def _cell(value: Any) -> Any:
    """Turn a pandas value into what openpyxl writes: ``datetime``, a number, text or an empty cell."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def declared_rows(declared: dict[str, Any]) -> list[list[str]]:
    """Return the interview sheet rows (CONTRACTS §3): НАЧАЛО first, КОНЕЦ in «Далее» of end steps and last."""
    rows = [["НАЧАЛО", "; ".join(declared["start"]), "", "", "", "", ""]]
    for step, spec in declared["steps"].items():
        nxt = spec.get("next", []) + (["КОНЕЦ"] if step in declared["end"] else [])
        rows.append([step, "; ".join(nxt), spec.get("role", ""), spec.get("department", ""), spec.get("system", ""),
                     spec.get("within", ""), "; ".join(spec.get("aliases", []))])
    return rows + [["КОНЕЦ", "", "", "", "", "", ""]]


def _declared_workbook(declared: dict[str, Any]) -> bytes:
    """Build the interview sheet: who described it above the header, then one row per step."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = DECLARED_SHEET
    for label, key in (("Процесс", "process"), ("Подразделение", "department"), ("Описал", "described_by")):
        ws.append([label, declared[key]])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append([])
    ws.append(DECLARED_HEADER)
    for cell in ws[DECLARED_HEADER_ROW]:
        cell.font = Font(bold=True)
    for row in declared_rows(declared):
        ws.append(row)
    for col, width in zip("ABCDEFG", (36, 52, 28, 18, 10, 11, 22)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=DECLARED_HEADER_ROW + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return stable_xlsx(wb)
