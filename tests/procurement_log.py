"""A procurement log with known causes, for testing deviations, drivers and data quality.

:func:`make_procurement` draws ``cases`` purchase requests that follow the declared process
(:data:`DECLARED`) and injects causes, each into a known set of cases:

- ``skipped_approval``: the request goes from creation straight to choosing the supplier; tied
  to the manager who created it (``skew_manager``: 45 % of his requests, 5 % of the others');
- ``change_loop``: after approval the request is changed («Изменена заявка», not declared) and
  approved again; at random (12 %);
- ``payment_before_receipt``: the supplier is paid before the goods arrive; tied to the supplier
  segment «Импорт» (50 % against 6 %);
- ``slow_receipt``: the goods arrive 15-25 days after the order (norm 5 working days); tied to
  big amounts (top quarter 40 % against 4 %);
- ``other_department``: the supplier is chosen by Склад, not Отдел закупок; at random (10 %).

Apart from the process: ``repeated`` cases have one record saved again by the same person
1-5 minutes later, and ``duplicated`` cases one event copied from a second source file.
With ``skew=False`` every cause is drawn at random with its overall rate (pure noise).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

STEPS = ("Создана заявка", "Согласована заявка", "Выбран поставщик", "Размещен заказ поставщику",
         "Поступили товары", "Оплачен счет поставщика", "Закрыта заявка")
DEPARTMENT = {"Создана заявка": "Отдел закупок", "Согласована заявка": "Отдел закупок",
              "Выбран поставщик": "Отдел закупок", "Размещен заказ поставщику": "Отдел закупок",
              "Поступили товары": "Склад", "Оплачен счет поставщика": "Бухгалтерия",
              "Закрыта заявка": "Отдел закупок", "Изменена заявка": "Отдел закупок"}
DECLARED: dict[str, Any] = {
    "process": "Закупка", "department": "Отдел закупок",
    "start": ["Создана заявка"], "end": ["Закрыта заявка"],
    "steps": {
        "Создана заявка": {"next": ["Согласована заявка"]},
        "Согласована заявка": {"next": ["Выбран поставщик"]},
        "Выбран поставщик": {"next": ["Размещен заказ поставщику"], "department": "Отдел закупок"},
        "Размещен заказ поставщику": {"next": ["Поступили товары"]},
        "Поступили товары": {"next": ["Оплачен счет поставщика"], "within": "5d"},
        "Оплачен счет поставщика": {"next": ["Закрыта заявка"]},
        "Закрыта заявка": {},
    }}
MANAGERS = ("Иванов П.С.", "Петров А.В.", "Сидорова Е.К.", "Козлов Д.И.", "Смирнова О.Н.", "Попов В.А.",
            "Волкова И.Г.", "Лебедев С.М.")
SEGMENTS = ("Импорт", "Местные", "Опт", "Производители")
CLERKS = {"Склад": ("Орлов К.К.", "Зайцев Р.Р."), "Бухгалтерия": ("Белова Т.Т.", "Морозова Л.Л.")}
# cause -> (rate under the skewed value, rate elsewhere); ``at random`` causes use one rate
RATES = {"skipped_approval": (0.45, 0.05), "payment_before_receipt": (0.50, 0.06),
         "slow_receipt": (0.40, 0.04), "change_loop": (0.12, 0.12), "other_department": (0.10, 0.10)}
CAUSE_KINDS = {
    "skipped_approval": {("skipped_step", "Согласована заявка"),
                         ("undeclared_path", "Создана заявка", "Выбран поставщик")},
    "change_loop": {("undeclared_step", "Изменена заявка"), ("rework", "Согласована заявка"),
                    ("undeclared_path", "Согласована заявка", "Изменена заявка"),
                    ("undeclared_path", "Изменена заявка", "Согласована заявка")},
    "payment_before_receipt": {("undeclared_path", "Размещен заказ поставщику", "Оплачен счет поставщика"),
                               ("undeclared_path", "Оплачен счет поставщика", "Поступили товары"),
                               ("undeclared_path", "Поступили товары", "Закрыта заявка")},
    "slow_receipt": {("slow_step", "Поступили товары")},
    "other_department": {("role_mismatch", "Выбран поставщик")},
}


@dataclass(frozen=True)
class Generated:
    """The log, and the truth: cases per cause, the skewed value per cause, noise cases."""

    log: pd.DataFrame
    causes: dict[str, set[str]]
    drivers: dict[str, tuple[str, str] | None]
    repeated: set[str]
    duplicated: set[str]


def make_procurement(cases: int = 2000, seed: int = 1, *, skew: bool = True, repeated: float = 0.08,
                     duplicated: float = 0.03) -> Generated:
    """Draw the log (see the module docstring)."""
    rng = np.random.default_rng(seed)
    ids = [f"ЗЗ-{i:05d}" for i in range(1, cases + 1)]
    manager = rng.choice(len(MANAGERS), cases)
    segment = rng.choice(len(SEGMENTS), cases)
    amount = np.round(rng.lognormal(11, 0.8, cases), -2)
    big = amount >= np.quantile(amount, 0.75)
    tied = {"skipped_approval": manager == 1, "payment_before_receipt": segment == 0, "slow_receipt": big}
    drawn: dict[str, np.ndarray] = {}
    for cause, (high, low) in RATES.items():
        if skew and cause in tied:
            p = np.where(tied[cause], high, low)
        else:
            p = np.full(cases, _overall(cause, tied))
        drawn[cause] = rng.random(cases) < p
    drawn["change_loop"] &= ~drawn["skipped_approval"]
    rows: list[dict[str, Any]] = []
    start = pd.Timestamp("2026-02-02 09:00")
    for i, case in enumerate(ids):
        opened = start + pd.Timedelta(minutes=int(rng.integers(0, 60 * 24 * 150)))
        flags = {c: bool(drawn[c][i]) for c in drawn}
        events = _events(flags, rng)
        when = opened
        for activity, gap_hours, department in events:
            when = when + pd.Timedelta(hours=gap_hours)
            person = MANAGERS[manager[i]] if department == "Отдел закупок" else str(rng.choice(CLERKS[department]))
            rows.append({"case:concept:name": case, "concept:name": activity, "time:timestamp": when,
                         "org:resource": person, "org:group": department, "source:file": "1c_закупки.csv",
                         "Сегмент": SEGMENTS[segment[i]], "Сумма": float(amount[i]), "case:client": f"Поставщик {i % 40:02d}"})
    log = pd.DataFrame(rows)
    log, rep, dup = _noise(log, rng, repeated, duplicated)
    causes = {c: {ids[i] for i in np.flatnonzero(m)} for c, m in drawn.items()}
    truth_drivers: dict[str, tuple[str, str] | None] = {
        "skipped_approval": ("org:resource", MANAGERS[1]) if skew else None,
        "payment_before_receipt": ("Сегмент", "Импорт") if skew else None,
        "slow_receipt": ("Сумма", "top") if skew else None, "change_loop": None, "other_department": None}
    return Generated(log, causes, truth_drivers, rep, dup)


def _overall(cause: str, tied: dict[str, np.ndarray]) -> float:
    high, low = RATES[cause]
    share = float(tied[cause].mean()) if cause in tied else 0.0
    return high * share + low * (1 - share)


def _events(flags: dict[str, bool], rng: np.random.Generator) -> list[tuple[str, float, str]]:
    """The activities of one case with the hours since the previous event and the department."""
    out = [("Создана заявка", 0.0)]
    if not flags["skipped_approval"]:
        out.append(("Согласована заявка", rng.uniform(1, 6)))
        if flags["change_loop"]:
            out += [("Изменена заявка", rng.uniform(1, 6)), ("Согласована заявка", rng.uniform(1, 6))]
    out += [("Выбран поставщик", rng.uniform(1, 6)), ("Размещен заказ поставщику", rng.uniform(1, 6))]
    receipt = ("Поступили товары", rng.uniform(24 * 15, 24 * 25) if flags["slow_receipt"] else rng.uniform(2, 30))
    payment = ("Оплачен счет поставщика", rng.uniform(1, 6))
    out += [payment, receipt] if flags["payment_before_receipt"] else [receipt, payment]
    out.append(("Закрыта заявка", rng.uniform(1, 6)))
    departments = [DEPARTMENT[a] for a, _ in out]
    if flags["other_department"]:
        departments[[a for a, _ in out].index("Выбран поставщик")] = "Склад"
    return [(a, h, d) for (a, h), d in zip(out, departments)]


def _noise(log: pd.DataFrame, rng: np.random.Generator, repeated: float,
           duplicated: float) -> tuple[pd.DataFrame, set[str], set[str]]:
    """Add records saved twice (1-5 minutes later, same person) and copies from a second file."""
    cases = log["case:concept:name"].unique()
    rep = set(rng.choice(cases, int(repeated * cases.size), replace=False).tolist())
    rest = np.array([c for c in cases if c not in rep], dtype=object)  # one kind of noise per case
    dup = set(rng.choice(rest, int(duplicated * cases.size), replace=False).tolist())
    first = ~log["case:concept:name"].duplicated()
    middle = log[~first & (log["concept:name"] != "Закрыта заявка")]
    one_each = middle.groupby("case:concept:name").sample(1, random_state=int(rng.integers(1 << 30)))
    again = one_each[one_each["case:concept:name"].isin(rep)].copy()
    again["time:timestamp"] += pd.to_timedelta(rng.uniform(1, 5, len(again)), unit="min")
    copy = one_each[one_each["case:concept:name"].isin(dup)].copy()
    copy["source:file"] = "журнал_склада.xlsx"
    out = pd.concat([log, again, copy], ignore_index=True)
    out = out.sort_values(["case:concept:name", "time:timestamp"], kind="stable", ignore_index=True)
    return out, rep, dup
