"""Scenario 1: order-to-cash of a wholesale company (1C CSV + the warehouse's Excel journal + YAML).

Every order follows the declared process except where a deviation is injected on purpose (each
drawn per order with the seed, see ``PROBABILITIES``). Normal variation stays inside the model:
pickup orders end at «Отгрузка», the confirming call is never recorded (it is made by phone).
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from miner.eventlog import finalize
from sample_data._common import (WORKING_TIME_RULE, Scenario, add_working_hours, fmt_1c, fmt_excel_text,
                                 is_working_day, rub, stable_xlsx, yaml_list)
from sample_data._truth import END, expected_findings, off_system_steps, split_accepted

CSV_NAME, XLSX_NAME, YAML_NAME = "sales_1c.csv", "warehouse.xlsx", "sales_declared.yaml"
CSV_HEADER = ["Номер заказа", "Событие", "Дата", "Ответственный", "Должность", "Подразделение", "Клиент", "Сумма"]
XLSX_SHEET = "Журнал отгрузок"
XLSX_HEADER = ["№ заказа", "Операция", "Дата и время", "Кладовщик", "Примечание"]
XLSX_FIRST_ROW = 5  # title, «Период: …», blank, header, then data

CREATED, APPROVED, CALL, CHANGED = "Создан заказ клиента", "Согласован заказ", "Подтвержден заказ по телефону", "Изменен заказ клиента"
INVOICED, PAID, PICKED, SHIPPED, DELIVERED = "Выставлен счет", "Поступила оплата", "Собран заказ", "Отгрузка", "Доставлен клиенту"
SALES, ACCOUNTING, LOGISTICS = "Отдел продаж", "Бухгалтерия", "Логистика"

DECLARED: dict[str, Any] = {
    "process": "Продажа клиенту (от заказа до отгрузки)",
    "department": SALES,
    "described_by": "Руководитель отдела продаж Кузнецов О. В., интервью 03.06.2026",
    "start": [CREATED],
    "end": [SHIPPED, DELIVERED],
    "steps": {
        CREATED: {"next": [APPROVED], "role": "Менеджер по продажам", "department": SALES},
        APPROVED: {"next": [CALL, INVOICED], "role": "Руководитель отдела продаж", "department": SALES,
                   "within": "4h"},
        CALL: {"next": [INVOICED], "role": "Менеджер по продажам", "system": "телефон"},
        INVOICED: {"next": [PAID], "department": ACCOUNTING, "within": "1d"},
        PAID: {"next": [PICKED], "department": ACCOUNTING, "within": "5d"},
        PICKED: {"next": [SHIPPED]},
        SHIPPED: {"next": [DELIVERED], "within": "2d"},
        DELIVERED: {"department": LOGISTICS},
    },
    "accepted": [{"from": PAID, "to": PAID}],
}
COMMENTS = {
    APPROVED: "руководитель согласует скидку и условия в течение 4 часов",
    CALL: "менеджер звонит клиенту подтвердить заказ; крупным клиентам можно не звонить",
    INVOICED: "счет выставляет только бухгалтерия",
    PAID: "клиент платит в течение 5 рабочих дней; отгрузка только после оплаты",
    SHIPPED: "самовывоз заканчивается отгрузкой",
}

PROBABILITIES = {
    "skipped_approval": 0.12,           # «Согласован заказ» left out
    "shipment_before_payment": 0.10,    # picked, shipped and delivered before the payment comes in
    "order_changed_after_approval": 0.15,  # «Изменен заказ клиента» and a second approval
    "invoice_by_sales": 0.18,           # the manager issues the invoice instead of Бухгалтерия
    "slow_payment": 0.14,               # the payment comes 14-25 working days after the invoice
    "partial_payment": 0.03,            # two payments (accepted by the head of sales)
}
DESCRIPTIONS = {
    "skipped_approval": "the order goes from creation straight to the invoice",
    "shipment_before_payment": "picked, shipped and delivered before the payment comes in",
    "order_changed_after_approval": "the manager changes the approved order and it is approved again",
    "invoice_by_sales": "the invoice is issued by a sales manager (Отдел продаж) instead of Бухгалтерия",
    "slow_payment": "the payment comes 14-25 working days after the previous event (norm 5d)",
    "partial_payment": "the client pays in two parts (accepted deviation)",
}
CAUSES = {
    ("skipped_step", APPROVED): "skipped_approval",
    ("undeclared_path", CREATED, INVOICED): "skipped_approval",
    ("undeclared_path", INVOICED, PICKED): "shipment_before_payment",
    ("undeclared_path", DELIVERED, PAID): "shipment_before_payment",
    ("undeclared_path", PAID, END): "shipment_before_payment",
    ("undeclared_step", CHANGED): "order_changed_after_approval",
    ("undeclared_path", APPROVED, CHANGED): "order_changed_after_approval",
    ("undeclared_path", CHANGED, APPROVED): "order_changed_after_approval",
    ("rework", APPROVED): "order_changed_after_approval",
    ("role_mismatch", INVOICED, "department"): "invoice_by_sales",
    ("slow_step", PAID): "slow_payment",
    ("undeclared_path", PAID, PAID): "partial_payment",
    ("rework", PAID): "partial_payment",
}

MANAGERS = ["Иванова Мария Сергеевна", "Петров Алексей Игоревич", "Смирнова Ольга Николаевна",
            "Волков Дмитрий Андреевич", "Фёдорова Анна Павловна", "Морозов Игорь Викторович"]
HEAD = "Кузнецов Олег Викторович"
ACCOUNTANTS = ["Соколова Елена Владимировна", "Лебедева Татьяна Юрьевна", "Новикова Ирина Олеговна"]
DRIVERS = ["Козлов Сергей Петрович", "Зайцев Артём Николаевич", "Павлов Роман Евгеньевич"]
STOREKEEPERS = ["Егоров В. А.", "Никитин П. С.", "Орлова Г. М.", "Семёнов К. Д."]
CLIENTS = ['ООО "Альфа-Снаб"', 'ООО "Торговый дом Восток"', 'АО "СтройМаркет"', "ИП Сидоров А. А.",
           'ООО "Ромашка"', 'ООО "ТехноОпт"', 'ООО "Северная звезда"', 'АО "Уралкомплект"',
           "ИП Белова Н. В.", 'ООО "Продукты Поволжья"', 'ООО "Мегаторг"', 'ООО "Камский берег"',
           'ООО "Лидер-М"', 'АО "Регион-Трейд"', "ИП Гусев П. Л.", 'ООО "Вектор"', 'ООО "Гранит"',
           'ООО "Сибирский хлеб"', 'ООО "Домострой"', 'ООО "Оптима"', 'ООО "Бриз"', 'ООО "Стандарт плюс"']
FIRST_DAY, LAST_DAY = date(2026, 1, 12), date(2026, 4, 30)


def generate_sales(n_orders: int = 1000, seed: int = 20260112) -> Scenario:
    """Generate the order-to-cash scenario in memory.

    Args:
        n_orders: orders (cases) to create between 12.01.2026 and 30.04.2026.
        seed: seed of the only random generator used.

    Returns:
        A :class:`Scenario` with the 1C CSV rows, the warehouse journal rows, the log and the truth.

    Example:
        >>> s = generate_sales(200, seed=1)
        >>> sorted(s.tables)
        ['sales_1c.csv', 'warehouse.xlsx']
    """
    rng = np.random.default_rng(seed)
    flags = {name: rng.random(n_orders) < p for name, p in PROBABILITIES.items()}
    days = [d for d in pd.date_range(FIRST_DAY, LAST_DAY).date if is_working_day(d)]
    # 1C numbers orders in the order they are created
    starts = sorted(add_working_hours(datetime.combine(days[d], datetime.min.time()), float(h))
                    for d, h in zip(rng.integers(len(days), size=n_orders), rng.uniform(0.1, 8.5, n_orders)))
    events: list[dict[str, Any]] = []
    for i, start in enumerate(starts):
        events += _order(rng, f"ЗК-{i + 1201:06d}", start, {k: bool(v[i]) for k, v in flags.items()})
    csv_rows, dirty = _csv_rows(rng, events)
    xlsx_rows = _xlsx_rows(rng, events)
    log = _log(csv_rows, xlsx_rows)
    truth = _truth(log, csv_rows, xlsx_rows, dirty, flags, n_orders, seed)
    tables = {CSV_NAME: pd.DataFrame([r["cells"] for r in csv_rows], columns=CSV_HEADER),
              XLSX_NAME: pd.DataFrame([r["cells"] for r in xlsx_rows], columns=XLSX_HEADER)}
    return Scenario("sales", log, tables, DECLARED, truth)


def _order(rng: np.random.Generator, case: str, now: datetime, flag: dict[str, bool]) -> list[dict]:
    """Return the events of one order created at ``now``, in time order."""
    manager, client = MANAGERS[rng.integers(len(MANAGERS))], CLIENTS[rng.integers(len(CLIENTS))]
    amount = round(float(rng.lognormal(11.8, 0.9)), 2)
    out: list[dict] = []

    def add(act: str, hours: float, who: str, role: str | None, group: str | None, source: str = CSV_NAME,
            amt: float | None = None, note: str = "") -> None:
        nonlocal now
        now = add_working_hours(now, hours) if out else now
        if source == XLSX_NAME:
            now = now.replace(second=0)  # the warehouse journal keeps minutes only
        out.append({"case": case, "activity": act, "ts": now, "resource": who, "role": role, "group": group,
                    "source": source, "client": client, "amount": amt, "note": note})

    def u(lo: float, hi: float) -> float:
        return float(rng.uniform(lo, hi))

    sales = ("Менеджер по продажам", SALES)
    add(CREATED, 0, manager, *sales, amt=amount)
    if not flag["skipped_approval"]:
        add(APPROVED, u(0.2, 3.5), HEAD, "Руководитель отдела продаж", SALES, amt=amount)
        if flag["order_changed_after_approval"]:
            amount = round(amount * u(0.8, 1.25), 2)
            add(CHANGED, u(0.5, 6), manager, *sales, amt=amount)
            add(APPROVED, u(0.2, 3.5), HEAD, "Руководитель отдела продаж", SALES, amt=amount)
    invoicer = (manager, *sales) if flag["invoice_by_sales"] else (
        ACCOUNTANTS[rng.integers(len(ACCOUNTANTS))], "Бухгалтер", ACCOUNTING)
    add(INVOICED, u(0.2, 6), *invoicer, amt=amount)
    pickup = not flag["shipment_before_payment"] and rng.random() < 0.25

    def payments(first_hours: float) -> None:
        accountant = ACCOUNTANTS[rng.integers(len(ACCOUNTANTS))]
        parts = [round(amount * 0.5, 2), round(amount - round(amount * 0.5, 2), 2)] if flag["partial_payment"] else [amount]
        for k, part in enumerate(parts):
            add(PAID, first_hours if k == 0 else u(0.5, 9), accountant, "Бухгалтер", ACCOUNTING, amt=part)

    def warehouse(after_hours: float) -> None:
        keeper = STOREKEEPERS[rng.integers(len(STOREKEEPERS))]
        add(PICKED, after_hours, keeper, None, None, XLSX_NAME,
            note="Пересорт, заменено по согласованию" if rng.random() < 0.03 else "")
        note = "Самовывоз" if pickup else ("Без оплаты, по письму менеджера" if flag["shipment_before_payment"]
                                           and rng.random() < 0.5 else "")
        add(SHIPPED, u(0.2, 5), keeper, None, None, XLSX_NAME, note=note)
        if not pickup:
            add(DELIVERED, u(1, 8), DRIVERS[rng.integers(len(DRIVERS))], "Экспедитор", LOGISTICS)

    pay_delay = u(130, 225) if flag["slow_payment"] else None
    if flag["shipment_before_payment"]:
        warehouse(u(0.5, 8))
        payments(pay_delay or u(0.5, 8))
    else:
        payments(pay_delay or u(0.5, 16))
        warehouse(u(0.5, 8))
    return out


def _csv_rows(rng: np.random.Generator, events: list[dict]) -> tuple[list[dict], list[dict]]:
    """Return the 1C journal rows sorted by time (with the dirty rows) and the list of dirty rows."""
    rows = [{"sort": (e["ts"], e["case"], k), "event": e,
             "cells": [e["case"], e["activity"], fmt_1c(e["ts"]), e["resource"], e["role"], e["group"],
                       e["client"], rub(e["amount"]) if e["amount"] is not None else ""]}
            for k, e in enumerate(events) if e["source"] == CSV_NAME]
    dirty = []
    for k in range(3):  # unidentified bank payments: no order number
        base = rows[int(rng.integers(len(rows)))]
        ts = base["event"]["ts"] + timedelta(minutes=7)
        cells = ["", PAID, fmt_1c(ts), ACCOUNTANTS[k], "Бухгалтер", ACCOUNTING,
                 CLIENTS[int(rng.integers(len(CLIENTS)))], rub(round(float(rng.lognormal(11, 0.7)), 2))]
        rows.append({"sort": (ts, "", -1 - k), "event": None, "cells": cells})
        dirty.append({"column": "Номер заказа", "value": "", "reason": "empty case id", "cells": cells})
    invoices = [r for r in rows if r["event"] and r["event"]["activity"] == INVOICED]
    for k, bad in enumerate(("31.02.2026", "30.02.2026")):  # a re-keyed invoice with an impossible date
        base = invoices[int(rng.integers(len(invoices)))]
        ts = base["event"]["ts"]
        cells = list(base["cells"])
        cells[2] = f"{bad} {ts.hour}:{ts:%M:%S}"
        rows.append({"sort": (ts, base["event"]["case"], 10**6 + k), "event": None, "cells": cells})
        dirty.append({"column": "Дата", "value": cells[2], "reason": "unreadable date", "cells": cells})
    rows.sort(key=lambda r: r["sort"])
    for line, r in enumerate(rows, start=2):  # line 1 is the header
        r["row"] = line
    by_cells = {id(r["cells"]): r["row"] for r in rows}
    dirty = [{"file": CSV_NAME, "row": by_cells[id(d.pop("cells"))], **d} for d in dirty]
    return rows, sorted(dirty, key=lambda d: d["row"])


def _xlsx_rows(rng: np.random.Generator, events: list[dict]) -> list[dict]:
    """Return the warehouse journal rows sorted by time; some dates are typed in as text."""
    wh = sorted((e for e in events if e["source"] == XLSX_NAME), key=lambda e: (e["ts"], e["case"]))
    rows = []
    for k, e in enumerate(wh):
        when: Any = fmt_excel_text(e["ts"]) if rng.random() < 0.08 else e["ts"]
        rows.append({"row": XLSX_FIRST_ROW + k, "event": e,
                     "cells": [e["case"], e["activity"], when, e["resource"], e["note"]]})
    return rows


def _log(csv_rows: list[dict], xlsx_rows: list[dict]) -> pd.DataFrame:
    """Return the canonical log an honest reader gets from both files (dirty rows left out)."""
    records = [{"case:concept:name": r["event"]["case"], "concept:name": r["event"]["activity"],
                "time:timestamp": r["event"]["ts"], "org:resource": r["event"]["resource"],
                "org:role": r["event"]["role"], "org:group": r["event"]["group"],
                "source:system": system, "source:file": name, "source:row": r["row"]}
               for rows, name, system in ((csv_rows, CSV_NAME, "1C"), (xlsx_rows, XLSX_NAME, "Excel"))
               for r in rows if r["event"] is not None]
    return finalize(pd.DataFrame.from_records(records))


def _truth(log: pd.DataFrame, csv_rows: list, xlsx_rows: list, dirty: list, flags: dict, n: int,
           seed: int) -> dict[str, Any]:
    """Return the ground truth: files, dirty rows, injections and the expected findings."""
    findings, accepted = split_accepted(expected_findings(log, DECLARED, CAUSES), DECLARED)
    text_dates = sum(isinstance(r["cells"][2], str) for r in xlsx_rows)
    return {
        "scenario": "sales", "generator": "sample_data/generate.py", "seed": seed, "orders": n,
        "declared": YAML_NAME,
        "files": {
            CSV_NAME: {"encoding": "cp1251", "sep": ";", "header_row": 1, "data_rows": len(csv_rows),
                       "events": len(csv_rows) - len(dirty), "rejected": len(dirty)},
            XLSX_NAME: {"sheet": XLSX_SHEET, "header_row": XLSX_FIRST_ROW - 1, "data_rows": len(xlsx_rows),
                        "events": len(xlsx_rows), "rejected": 0, "text_dates": text_dates},
        },
        "dirty_rows": dirty,
        "log": {"cases": int(log["case:concept:name"].nunique()), "events": len(log),
                "start": str(log["time:timestamp"].min()), "end": str(log["time:timestamp"].max())},
        "duration_rule": WORKING_TIME_RULE,
        "injections": [{"name": k, "probability": p, "orders_drawn": int(flags[k].sum()), "description": DESCRIPTIONS[k]}
                       for k, p in PROBABILITIES.items()],
        "findings": findings,
        "accepted": accepted,
        "outside_system": [{"activity": s, "system": DECLARED["steps"][s]["system"]} for s in sorted(off_system_steps(DECLARED))],
        "share_tolerance": 0.03,
        "max_other_share": 0.05,
    }


def write_sales(scenario: Scenario, out_dir: Any) -> list[str]:
    """Write ``sales_1c.csv``, ``warehouse.xlsx`` and ``sales_declared.yaml`` into ``out_dir``."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(scenario.tables[CSV_NAME].itertuples(index=False, name=None))
    (out_dir / CSV_NAME).write_bytes(buf.getvalue().encode("cp1251"))
    (out_dir / XLSX_NAME).write_bytes(_warehouse_workbook(scenario))
    (out_dir / YAML_NAME).write_text(declared_yaml(scenario.declared), encoding="utf-8")
    return [CSV_NAME, XLSX_NAME, YAML_NAME]


def _warehouse_workbook(scenario: Scenario) -> bytes:
    """Build the warehouse journal: title, «Период: …», a blank row, the header, the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = XLSX_SHEET
    table = scenario.tables[XLSX_NAME]
    stamps = scenario.log.loc[scenario.log["source:file"] == XLSX_NAME, "time:timestamp"]
    ws.append(["Журнал отгрузок склада (основной склад, г. Казань)"])
    ws.append([f"Период: {stamps.min():%d.%m.%Y} – {stamps.max():%d.%m.%Y}"])
    ws.append([])
    ws.append(XLSX_HEADER)
    ws["A1"].font = Font(bold=True, size=13)
    for cell in ws[XLSX_FIRST_ROW - 1]:
        cell.font = Font(bold=True)
    for values in table.itertuples(index=False, name=None):
        ws.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in values])
        when = ws.cell(ws.max_row, 3)
        if not isinstance(when.value, str):
            when.number_format = "dd.mm.yyyy h:mm"
    for col, width in zip("ABCDE", (14, 16, 18, 18, 34)):
        ws.column_dimensions[col].width = width
    return stable_xlsx(wb)


def _scalar(value: str) -> str:
    """Quote a YAML scalar when plain style would misread it (``: `` or `` #`` inside)."""
    return f'"{value}"' if ": " in value or " #" in value or value[:1] in "[{&*!|>'\"%@`" else value


def declared_yaml(declared: dict[str, Any]) -> str:
    """Write the declared process as the YAML of CONTRACTS §3, with the head of sales' remarks."""
    lines = ["# Как описал процесс руководитель отдела продаж (записано консультантом со слов).",
             f"process: {_scalar(declared['process'])}", f"department: {_scalar(declared['department'])}",
             f"described_by: {_scalar(declared['described_by'])}", f"start: {yaml_list(declared['start'])}",
             f"end: {yaml_list(declared['end'])}", "steps:"]
    for step, spec in declared["steps"].items():
        lines.append(f"  {step}:" + (f"  # {COMMENTS[step]}" if step in COMMENTS else ""))
        for key in ("next", "role", "department", "system", "within", "aliases"):
            if key in spec:
                value = spec[key]
                lines.append(f"    {key}: {yaml_list(value) if isinstance(value, list) else _scalar(value)}")
    lines.append("accepted:  # согласовано с руководителем: это не отклонения")
    for entry in declared["accepted"]:
        body = f"step: {entry['step']}" if "step" in entry else f"from: {entry['from']}, to: {entry['to']}"
        lines.append(f"  - {{{body}}}  # оплата частями допустима")
    return "\n".join(lines) + "\n"
