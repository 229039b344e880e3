"""Calibrate the thresholds of ``miner scope``: the prefix-automaton sequence entropy on real and generated logs.

Prints three Markdown tables (copied into docs/scope.md):

1. the public logs in ``../shared/data/logs/`` (skipped when absent): cases, the entropy the verdict
   uses (median over subsamples of 300 cases) with its interval, the entropy on all cases, k80,
   start share, distinct share;
2. generated extremes, from one path to random order, at 1 000 and 300 cases;
3. the width of the interval by number of cases, for the semi-structured and project generators
   (why a verdict needs about 100 cases).

Example:
    python benchmarks/scope_calibration.py
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LOGS = ROOT.parent / "shared" / "data" / "logs"
PUBLIC = ("pm4py__helpdesk.xes.gz", "bpic2020__RequestForPayment.xes.gz", "pm4py__receipt.csv",
          "pm4py__bpic2012.xes.gz", "simod__PurchasingExample.csv.gz", "sberpm__example.csv",
          "pm4py__running-example.xes")

Trace = Callable[[np.random.Generator], list[str]]


def _one_path(rng: np.random.Generator) -> list[str]:
    return ["Заказ", "Согласование", "Счёт", "Оплата", "Отгрузка", "Закрытие"]


def _funnel(rng: np.random.Generator) -> list[str]:
    steps = _one_path(rng)
    if rng.random() < 0.15:
        steps.remove("Согласование")
    if rng.random() < 0.1:
        steps[3], steps[4] = steps[4], steps[3]
    if rng.random() < 0.05:
        steps.insert(2, "Изменение")
    return steps


def _frame_free_middle(rng: np.random.Generator) -> list[str]:
    middle = list(rng.choice(["Диагностика", "Запчасти", "Выезд", "Звонок"], size=int(rng.integers(1, 4)),
                             replace=False, p=[0.4, 0.3, 0.2, 0.1]))
    return ["Принято", *middle, "Закрыто"]


def _project(rng: np.random.Generator) -> list[str]:
    return [f"Работа {k}" for k in rng.integers(0, 16, size=int(rng.integers(4, 11)))]


def _chaos(rng: np.random.Generator) -> list[str]:
    return [f"Шаг {k}" for k in rng.integers(0, 40, size=int(rng.integers(3, 16)))]


EXTREMES: dict[str, Trace] = {"один путь": _one_path, "воронка с отклонениями (15 %, 10 %, 5 %)": _funnel,
                              "каркас + свободная середина": _frame_free_middle,
                              "проект: 4–10 работ из 16 в любом порядке": _project,
                              "хаос: 3–15 шагов из 40": _chaos}


def generated(trace: Trace, cases: int, seed: int = 1) -> pd.DataFrame:
    """Return a canonical log of ``cases`` cases drawn from ``trace``."""
    from miner.eventlog import finalize

    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2025-01-01")
    for i in range(cases):
        t = start + pd.Timedelta(hours=int(rng.integers(0, 24 * 300)))
        for k, activity in enumerate(trace(rng)):
            rows.append({"case:concept:name": f"c{i:05d}", "concept:name": activity,
                         "time:timestamp": t + pd.Timedelta(hours=k)})
    return finalize(pd.DataFrame(rows))


def _row(name: str, frame: pd.DataFrame) -> str:
    from miner.scoping.measures import business_mask, structure
    from miner.scoping.verdicts import MIN_CASES, classify

    frame = frame[business_mask(frame)]
    s = structure(frame)
    verdict = classify(s.sequence_entropy) if s.cases >= MIN_CASES else "insufficient"
    return (f"| {name} | {s.cases:,} | {s.sequence_entropy:.3f} | {s.interval[0]:.3f}–{s.interval[1]:.3f} | "
            f"{s.entropy_all:.3f} | {s.k80} | {s.top_start_share:.2f} | "
            f"{s.distinct_share:.2f} | {verdict} |")


def main() -> None:
    from miner.ingestion.reading import prepare_log
    from miner.scoping.measures import structure

    head = ("| log | cases | entropy (at 300 cases) | 90 % interval | on all cases | k80 | top start | distinct | verdict |\n"
            "|---|---|---|---|---|---|---|---|---|")
    print("Public logs\n\n" + head)
    for name in PUBLIC:
        if (LOGS / name).exists():
            print(_row(name, prepare_log(LOGS / name).frame), flush=True)
    print("\nGenerated extremes\n\n" + head)
    for label, trace in EXTREMES.items():
        for n in (300, 3000):
            print(_row(f"{label}, {n:,}".replace(",", " "), generated(trace, n)), flush=True)
    print("\nInterval width by cases\n\n| generator | 30 | 50 | 100 | 300 | 1 000 |\n|---|---|---|---|---|---|")
    for label in ("каркас + свободная середина", "проект: 4–10 работ из 16 в любом порядке"):
        widths = []
        for n in (30, 50, 100, 300, 1000):
            s = structure(generated(EXTREMES[label], n, seed=5))
            widths.append(f"{s.interval[1] - s.interval[0]:.3f} (H={s.sequence_entropy:.2f})")
        print(f"| {label} | " + " | ".join(widths) + " |", flush=True)


if __name__ == "__main__":
    main()
