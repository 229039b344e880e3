"""A sales process before a CRM rollout and after it, with known deviations (a generator with known truth).

Every order follows the declared process (``DECLARED``) unless a deviation is drawn for it with the
seed. ``generate(rates)`` builds the canonical event log; the truth is which deviations were drawn.
Before the rollout every deviation of ``BEFORE`` happens; after it, the CRM blocks some of them
(their rate is 0) and not the others. ``crm_names=True`` writes the steps as the CRM calls them
(``CRM_NAMES``): one through a declared alias, the others only through a mapping file.
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from miner.eventlog import finalize
from sample_data._common import add_working_hours

CREATED, APPROVED, INVOICED, PAID, PICKED, SHIPPED = ("Создан заказ клиента", "Согласован заказ", "Выставлен счет",
                                                      "Поступила оплата", "Собран заказ", "Отгрузка")
SALES, ACCOUNTING, WAREHOUSE = "Отдел продаж", "Бухгалтерия", "Склад"
DECLARED = {
    "process": "Продажа клиенту",
    "department": SALES,
    "start": [CREATED],
    "end": [SHIPPED],
    "steps": {
        CREATED: {"next": [APPROVED], "department": SALES},
        APPROVED: {"next": [INVOICED], "department": SALES},
        INVOICED: {"next": [PAID], "department": ACCOUNTING},
        PAID: {"next": [PICKED], "within": "5d"},
        PICKED: {"next": [SHIPPED]},
        SHIPPED: {"aliases": ["Отгружено"]},
    },
}
# deviation -> the findings (kind, subject) it causes
CAUSES = {
    "skipped_approval": {("skipped_step", APPROVED), ("undeclared_path", (CREATED, INVOICED))},
    "invoice_by_sales": {("role_mismatch", INVOICED)},
    "shipment_before_payment": {("undeclared_path", (INVOICED, PICKED)), ("undeclared_path", (SHIPPED, PAID)),
                                ("undeclared_path", (PAID, "END"))},
    "slow_payment": {("slow_step", PAID)},
}
BEFORE = {"skipped_approval": 0.15, "invoice_by_sales": 0.2, "shipment_before_payment": 0.12, "slow_payment": 0.15}
# the CRM enforces the approval, the invoice right and the payment before shipping; it cannot make clients pay
AFTER = {"skipped_approval": 0.0, "invoice_by_sales": 0.0, "shipment_before_payment": 0.0, "slow_payment": 0.15}
FIXED = {name for name, rate in AFTER.items() if rate == 0}
# SHIPPED's CRM name is a declared alias; the other two need the mapping file
CRM_NAMES = {APPROVED: "Заказ согласован", INVOICED: "Счёт клиенту выставлен", SHIPPED: "Отгружено"}
MAPPING = {APPROVED: "Заказ согласован", INVOICED: "Счёт клиенту выставлен"}


def generate(rates: dict[str, float], n_orders: int = 400, seed: int = 1, *,
             first: datetime = datetime(2026, 2, 2, 10), crm_names: bool = False) -> pd.DataFrame:
    """Return the canonical log of ``n_orders`` orders with each deviation drawn at its rate."""
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    for i in range(n_orders):
        drawn = {name: bool(rng.random() < rate) for name, rate in rates.items()}
        start = add_working_hours(first, float(i) * 0.7)
        rows += _order(rng, f"ЗК-{i + 1:05d}", start, drawn)
    log = pd.DataFrame(rows)
    if crm_names:
        log["concept:name"] = log["concept:name"].replace(CRM_NAMES)
    log["source:system"] = "CRM" if crm_names else "1C"
    log["source:file"] = "crm.csv" if crm_names else "1c.csv"
    return finalize(log)


def _order(rng: np.random.Generator, case: str, now: datetime, drawn: dict[str, bool]) -> list[dict]:
    out: list[dict] = []

    def add(activity: str, hours: float, group: str) -> None:
        nonlocal now
        now = add_working_hours(now, hours) if out else now
        out.append({"case:concept:name": case, "concept:name": activity, "time:timestamp": now,
                    "org:group": group, "org:resource": f"{group} {int(rng.integers(3)) + 1}"})

    add(CREATED, 0, SALES)
    if not drawn["skipped_approval"]:
        add(APPROVED, float(rng.uniform(0.2, 3)), SALES)
    add(INVOICED, float(rng.uniform(0.2, 4)), SALES if drawn["invoice_by_sales"] else ACCOUNTING)
    pay = float(rng.uniform(60, 120)) if drawn["slow_payment"] else float(rng.uniform(0.5, 16))
    if drawn["shipment_before_payment"]:
        add(PICKED, float(rng.uniform(0.5, 6)), WAREHOUSE)
        add(SHIPPED, float(rng.uniform(0.2, 4)), WAREHOUSE)
        add(PAID, pay, ACCOUNTING)
    else:
        add(PAID, pay, ACCOUNTING)
        add(PICKED, float(rng.uniform(0.5, 6)), WAREHOUSE)
        add(SHIPPED, float(rng.uniform(0.2, 4)), WAREHOUSE)
    return out


def cause_of(criterion: dict) -> str:
    """Return the injected deviation a requirement's criterion measures."""
    subject = (criterion["from"], criterion["to"]) if criterion["kind"] == "undeclared_path" else criterion["activity"]
    return next(name for name, found in CAUSES.items() if (criterion["kind"], subject) in found)
