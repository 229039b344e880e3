"""A small order-to-cash log in Russian (8 activities), shaped like design/maps/map.png.

Shared by tests/test_dfg.py, test_stats.py, test_maps.py and test_discovery.py.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from miner.eventlog import finalize

CREATE, CHECK, APPROVE, CHANGE = "Создан заказ клиента", "Проверка кредитного лимита", "Согласован заказ", "Изменен заказ"
INVOICE, PAID, SHIP, RETURN = "Выставлен счет", "Поступила оплата", "Отгрузка", "Возврат товаров"
ACTIVITIES = (CREATE, CHECK, APPROVE, CHANGE, INVOICE, PAID, SHIP, RETURN)

# typical wait before each activity, in hours (a random factor 0.3-2x is applied)
WAIT_HOURS = {CHECK: 0.5, APPROVE: 3, CHANGE: 6, INVOICE: 20, PAID: 60, SHIP: 30, RETURN: 200}


def _trace(rng: np.random.Generator) -> list[str]:
    trace = [CREATE]
    if rng.random() < 0.22:
        trace.append(SHIP)
    else:
        if rng.random() < 0.3:
            trace.append(CHECK)
        trace.append(APPROVE)
        if rng.random() < 0.15:
            trace.append(CHANGE)
            if rng.random() < 0.5:
                trace.append(APPROVE)
        trace.append(INVOICE)
        if rng.random() < 0.85:
            trace += [PAID, SHIP]
        else:
            trace += [SHIP, PAID]
    if rng.random() < 0.04:
        trace.append(RETURN)
    return trace


def o2c_log(cases: int = 1000, seed: int = 7) -> pd.DataFrame:
    """Return a canonical order-to-cash log of ``cases`` orders (З-000001 ...)."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2026-01-12 09:00")
    for i in range(cases):
        t = start + pd.Timedelta(hours=float(rng.uniform(0, 24 * 90)))
        for activity in _trace(rng):
            if activity != CREATE:
                t += pd.Timedelta(hours=WAIT_HOURS[activity] * float(rng.uniform(0.3, 2.0)))
            rows.append({"case:concept:name": f"З-{i + 1:06d}", "concept:name": activity,
                         "time:timestamp": t.floor("min"), "org:resource": "Иванова"})
    return finalize(pd.DataFrame(rows))
