"""Generated logs with awkward values, shared by tests/test_prepared.py, test_markup_names.py and benchmarks.

``markup_log``: an order-to-cash log whose activity, department and employee names are written the
way 1C writes broken and empty references («<Объект не найден> (12:b3f0…)», «<Не указан>») or
look like HTML (``<img src=x onerror=alert(1)>``). ``many_activities_log``: a log whose activity
column holds ids (operations with numbers in their names), thousands of distinct activities.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from miner.eventlog import finalize

BROKEN = "<Объект не найден> (12:b3f0c1a2-77de-11ee-8c99-0242ac120002)"
EMPTY = "<Не указан>"
SCRIPT = "<img src=x onerror=alert(1)>"
QUOTED = 'Проверка "срочно" \\ <b>жирно</b> & ко'
STEPS = ("Создан заказ", "Согласован заказ", BROKEN, "Выставлен счет", SCRIPT, "Отгрузка", QUOTED)
DEPARTMENTS = ("Отдел продаж", EMPTY, "<Пусто>", SCRIPT)
PEOPLE = ("Иванова А. А.", EMPTY, "<script>alert('x')</script>")


def markup_log(cases: int = 120, seed: int = 3) -> pd.DataFrame:
    """Return a canonical log of ``cases`` orders; most follow STEPS, some skip or swap a step."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2026-02-02 09:00")
    for i in range(cases):
        steps = [s for s in STEPS if s not in (BROKEN, QUOTED) or rng.random() < 0.6]
        if rng.random() < 0.2:
            steps[1], steps[2] = steps[2], steps[1]
        t = start + pd.Timedelta(hours=float(rng.uniform(0, 24 * 30)))
        for k, step in enumerate(steps):
            t += pd.Timedelta(minutes=float(rng.uniform(5, 600)))
            rows.append({"case:concept:name": f"З-{i + 1:05d}", "concept:name": step, "time:timestamp": t.floor("min"),
                         "org:resource": PEOPLE[(i + k) % len(PEOPLE)],
                         "org:group": DEPARTMENTS[k % len(DEPARTMENTS)]})
    return finalize(pd.DataFrame(rows))


MARKUP_DECLARED = f"""process: Продажа <b>клиенту</b>
described_by: '{EMPTY}'
start: [Создан заказ]
end: [Отгрузка]
steps:
  Создан заказ:
    next: [Согласован заказ]
  Согласован заказ:
    next: ['{BROKEN}']
    department: '{EMPTY}'
  '{BROKEN}':
    next: [Выставлен счет]
  Выставлен счет:
    next: ['{SCRIPT}']
  '{SCRIPT}':
    next: [Отгрузка]
  Отгрузка: {{}}
"""


def many_activities_log(events: int = 18_000, activities: int = 4_900, seed: int = 5) -> pd.DataFrame:
    """Return a log whose activity column holds operation ids: ``activities`` distinct values.

    Cases have 2-10 events; a few common steps («Создан заказ», «Отгрузка») frame operations
    named «Операция №NNNNN», so the activity column looks like the wrong column was guessed.
    """
    rng = np.random.default_rng(seed)
    ids = [f"Операция №{10000 + k}" for k in range(activities)]
    rows, case, used = [], 0, 0
    start = pd.Timestamp("2026-01-01 09:00")
    while len(rows) < events:
        case += 1
        n = int(rng.integers(0, 9))
        middle = [ids[(used + j) % activities] if used + j < activities else ids[int(rng.integers(activities))]
                  for j in range(n)]
        used += n
        t = start + pd.Timedelta(hours=float(rng.uniform(0, 24 * 180)))
        for step in ["Создан заказ", *middle, "Отгрузка"]:
            t += pd.Timedelta(minutes=float(rng.uniform(1, 300)))
            rows.append({"case:concept:name": f"З-{case:06d}", "concept:name": step, "time:timestamp": t.floor("s"),
                         "org:resource": f"Сотрудник {int(rng.integers(1, 40)):02d}",
                         "org:group": ("Отдел продаж", "Склад", "Бухгалтерия")[int(rng.integers(3))]})
    return finalize(pd.DataFrame(rows[:events]))
