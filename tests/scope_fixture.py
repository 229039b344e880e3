"""Exports of a made-up wholesale company with known truth, for ``miner scope`` (tests/test_scoping.py).

Departments doing very different kinds of work:

- «Отдел продаж»: a repeatable order-to-cash process in 1C (``sales_1c.csv``), with 1C session
  events mixed in that must not count as work;
- «Отдел закупок»: a repeatable purchase process in 1C (``purchases_1c.csv``) whose approval
  step is kept in Excel (``approvals.xlsx``) in a known share of cases, although the declared
  process puts it in 1C; the goods receipt is entered into 1C late (``time:entered``), with a
  known median delay and share over 24 hours;
- «Сервисный отдел»: a common frame (request in, request closed) with free work between (``service.csv``);
- «Дизайн-группа»: packaging design, every case its own path (``design_tracker.xlsx``);
- «Юридический отдел»: too few cases to judge (``legal.csv``).

:func:`write_company` writes the files and returns the :class:`Truth` computed from what was
generated (never from miner's own code).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

SALES, PURCHASES, SERVICE, DESIGN, LEGAL = ("Отдел продаж", "Отдел закупок", "Сервисный отдел", "Дизайн-группа",
                                            "Юридический отдел")
VERDICTS = {SALES: "process", PURCHASES: "process", SERVICE: "semi", DESIGN: "project", LEGAL: "insufficient"}
APPROVAL, RECEIPT = "Согласована заявка", "Поступление товаров"
PURCHASE_STEPS = ("Создана заявка на закупку", APPROVAL, "Заказ поставщику", RECEIPT, "Оплата поставщику")
DESIGN_POOL = ("Бриф от бренд-менеджера", "Исследование полки", "Эскиз", "Обсуждение с брендом", "Правка эскиза",
               "Фотосъёмка образцов", "Макет упаковки", "Проверка юристом", "Цветопроба", "Согласование с типографией",
               "Презентация руководству", "Переделка макета", "Подготовка файлов", "Передача в производство",
               "Замер образцов", "Тест на фокус-группе")
SERVICE_TASKS = ("Диагностика", "Запрос запчастей", "Выезд мастера", "Звонок клиенту", "Замена товара",
                 "Возврат денег", "Консультация инженера")
SESSION_EVENTS = ("Сеанс. Начало", "Сеанс. Завершение")

PURCHASES_YAML = """process: Закупка у поставщика
department: Отдел закупок
described_by: Руководитель отдела закупок
start: [Создана заявка на закупку]
end: [Оплата поставщику]
steps:
  Создана заявка на закупку: {next: [Запрос цен у поставщиков], system: 1C}
  Запрос цен у поставщиков: {next: [Согласована заявка], system: почта}
  Согласована заявка: {next: [Заказ поставщику], system: 1C}
  Заказ поставщику: {next: [Поступление товаров], system: 1C}
  Поступление товаров: {next: [Оплата поставщику], system: 1C}
  Оплата поставщику: {system: 1C}
"""


@dataclass
class Truth:
    """What the generator did: cases per department, the Excel share, the late-entry delays."""

    cases: dict[str, int] = field(default_factory=dict)
    excel_approvals: int = 0
    receipt_delays_hours: list[float] = field(default_factory=list)

    @property
    def purchase_multi_source_share(self) -> float:
        return self.excel_approvals / self.cases[PURCHASES]

    @property
    def receipt_median_hours(self) -> float:
        return float(np.median(self.receipt_delays_hours))

    @property
    def receipt_late_share(self) -> float:
        return float((np.asarray(self.receipt_delays_hours) > 24).mean())


def _stamp(t: pd.Timestamp) -> str:
    return f"{t:%d.%m.%Y %H:%M:%S}"


def _row(case: str, activity: str, t: pd.Timestamp, who: str, department: str,
         entered: pd.Timestamp | None = None) -> dict[str, str]:
    row = {"Номер": case, "Событие": activity, "Дата": _stamp(t), "Сотрудник": who, "Подразделение": department}
    row["time:entered"] = f"{entered:%Y-%m-%d %H:%M:%S}" if entered is not None else ""
    return row


def _start(rng: np.random.Generator) -> pd.Timestamp:
    return pd.Timestamp("2025-01-09 09:00") + pd.Timedelta(minutes=int(rng.integers(0, 60 * 24 * 330)))


def _sales(rng: np.random.Generator, n: int) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        t, case = _start(rng), f"ЗК-{i + 1:05d}"
        steps = ["Создан заказ клиента", "Согласован заказ", "Выставлен счет", "Поступила оплата", "Отгрузка"]
        roll = rng.random()
        if roll < 0.12:
            steps.remove("Согласован заказ")
        elif roll < 0.20:
            steps[3], steps[4] = steps[4], steps[3]
        if rng.random() < 0.05:
            steps.insert(2, "Изменен заказ")
        for k, activity in enumerate(steps):
            t += pd.Timedelta(minutes=int(rng.integers(20, 60 * 30)))
            if rng.random() < 0.3:  # the 1C journal's session records around the work
                rows.append(_row(case, SESSION_EVENTS[k % 2], t - pd.Timedelta(minutes=1), "Петрова", SALES))
            rows.append(_row(case, activity, t, "Петрова", SALES, t + pd.Timedelta(minutes=2)))
    return rows


def _purchases(rng: np.random.Generator, n: int, truth: Truth) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    onec, excel = [], []
    for i in range(n):
        t, case = _start(rng), f"ЗП-{i + 1:05d}"
        in_excel = rng.random() < 0.3
        steps = list(PURCHASE_STEPS) if rng.random() > 0.08 else [s for s in PURCHASE_STEPS if s != APPROVAL]
        for activity in steps:
            t += pd.Timedelta(minutes=int(rng.integers(30, 60 * 40)))
            if activity == APPROVAL and in_excel:
                excel.append(_row(case, activity, t, "Смирнов", PURCHASES))
                continue
            delay = 0.05
            if activity == RECEIPT:
                delay = float(np.exp(rng.normal(np.log(60.0), 0.9)))
                truth.receipt_delays_hours.append(round(delay * 3600) / 3600)
            onec.append(_row(case, activity, t, "Смирнов", PURCHASES, t + pd.Timedelta(seconds=round(delay * 3600))))
        truth.excel_approvals += int(in_excel and APPROVAL in steps)
    return onec, excel


def _service(rng: np.random.Generator, n: int) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        t, case = _start(rng), f"СО-{i + 1:05d}"
        k = int(rng.integers(1, 4))
        middle = list(rng.choice(SERVICE_TASKS[:4], size=k, replace=False, p=[0.4, 0.3, 0.2, 0.1]))
        if rng.random() < 0.25:
            middle.append(str(rng.choice(SERVICE_TASKS[4:])))
        for activity in ["Обращение принято", *middle, "Обращение закрыто"]:
            t += pd.Timedelta(minutes=int(rng.integers(30, 60 * 48)))
            rows.append(_row(case, activity, t, "Козлов", SERVICE))
    return rows


def _design(rng: np.random.Generator, n: int) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        t, case = _start(rng), f"ДЗ-{i + 1:04d}"
        size = int(rng.integers(4, 11))
        for activity in rng.choice(DESIGN_POOL, size=size, replace=True):
            t += pd.Timedelta(hours=int(rng.integers(2, 24 * 6)))
            rows.append(_row(case, str(activity), t, "Орлова", DESIGN))
    return rows


def _legal(rng: np.random.Generator, n: int) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        t, case = _start(rng), f"ЮР-{i + 1:03d}"
        for activity in ("Получен договор", "Проверка договора", "Договор подписан"):
            t += pd.Timedelta(hours=int(rng.integers(2, 72)))
            rows.append(_row(case, activity, t, "Зайцев", LEGAL))
    return rows


def write_company(folder: Path, *, seed: int = 11, sales: int = 1500, purchases: int = 1200, service: int = 700,
                  design: int = 450, legal: int = 40) -> tuple[list[Path], Path, Truth]:
    """Write the company's exports into ``folder``; return the files, the declared purchase process and the truth."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    truth = Truth(cases={SALES: sales, PURCHASES: purchases, SERVICE: service, DESIGN: design, LEGAL: legal})
    onec, excel = _purchases(rng, purchases, truth)
    tables = {"sales_1c.csv": _sales(rng, sales), "purchases_1c.csv": onec, "approvals.xlsx": excel,
              "service.csv": _service(rng, service), "design_tracker.xlsx": _design(rng, design),
              "legal.csv": _legal(rng, legal)}
    files = []
    for name, rows in tables.items():
        frame = pd.DataFrame(rows)
        path = folder / name
        if name.endswith(".xlsx"):
            frame.drop(columns=["time:entered"]).to_excel(path, index=False, sheet_name="Журнал")
        else:
            frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
        files.append(path)
    declared = folder / "purchases.yaml"
    declared.write_text(PURCHASES_YAML, encoding="utf-8")
    return files, declared, truth


def department_log(department: str, cases: int, seed: int = 5) -> pd.DataFrame:
    """Return a canonical log of one department's cases (sales, service or design), for size checks."""
    from miner.eventlog import finalize

    make = {SALES: _sales, SERVICE: _service, DESIGN: _design}[department]
    rows = pd.DataFrame(make(np.random.default_rng(seed), cases))
    return finalize(pd.DataFrame({"case:concept:name": rows["Номер"], "concept:name": rows["Событие"],
                                  "time:timestamp": pd.to_datetime(rows["Дата"], format="%d.%m.%Y %H:%M:%S"),
                                  "org:group": rows["Подразделение"]}))
