"""A generated log for the explorer's tests: a main path with skips, loops, swaps and rare steps.

The truth the tests check against is computed from the frame itself with pandas (directly-follows
pairs per case), never from miner's code, so the generator only has to be realistic: a declared
main path of ``main`` steps, cases that skip a step, repeat one, swap two neighbours or take rare
extra steps, spread over half a year. ``hostile=True`` adds a rare activity whose name is markup.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from miner.eventlog import finalize

HOSTILE = '<img src=x onerror="window.__xss=1">'
STEPS = ("Создан заказ", "Проверен лимит", "Согласован заказ", "Резерв на складе", "Выставлен счет",
         "Поступила оплата", "Собран заказ", "Упакован заказ", "Отгрузка", "Доставлен клиенту",
         "Подписан акт", "Закрыт заказ")
EXTRAS = ("Изменен заказ", "Звонок клиенту", "Письмо клиенту", "Корректировка цены", "Возврат на доработку",
          "Частичная отгрузка", "Повторный счет", "Претензия клиента")


def explorer_log(cases: int = 2000, *, activities: int = 20, seed: int = 11, hostile: bool = False) -> pd.DataFrame:
    """Return a canonical log of ``cases`` orders over ``activities`` activity names (12 main steps).

    Example:
        >>> explorer_log(100).groupby("case:concept:name").size().min() >= 3
        True
    """
    rng = np.random.default_rng(seed)
    main = list(STEPS[:min(12, activities)])
    extras = list(EXTRAS[:max(0, activities - len(main))])
    if hostile:
        extras.append(HOSTILE)
    weights = np.linspace(1.0, 0.15, len(extras)) if extras else np.zeros(0)
    weights = weights / weights.sum() if extras else weights
    rows = []
    first = pd.Timestamp("2026-01-05 09:00")
    for i in range(cases):
        trace = _trace(rng, main, extras, weights)
        t = first + pd.Timedelta(hours=float(rng.uniform(0, 24 * 180)))
        for activity in trace:
            t += pd.Timedelta(minutes=float(rng.exponential(600)) + 1)
            rows.append({"case:concept:name": f"З-{i + 1:05d}", "concept:name": activity,
                         "time:timestamp": t.floor("min"), "org:resource": f"Сотрудник {int(rng.integers(1, 9))}"})
    return finalize(pd.DataFrame(rows))


def _trace(rng: np.random.Generator, main: list[str], extras: list[str], weights: np.ndarray) -> list[str]:
    trace = [main[0]] + [s for s in main[1:] if rng.random() > 0.08]  # a step skipped now and then
    if rng.random() < 0.15 and len(trace) > 3:  # two neighbours swapped
        k = int(rng.integers(1, len(trace) - 1))
        trace[k], trace[k + 1] = trace[k + 1], trace[k]
    if rng.random() < 0.12:  # a step repeated (rework)
        k = int(rng.integers(1, len(trace)))
        trace.insert(k, trace[k - 1])
    for _ in range(int(rng.poisson(0.6))):  # rare extra steps anywhere after the first
        if extras:
            trace.insert(int(rng.integers(1, len(trace) + 1)), str(rng.choice(extras, p=weights)))
    if rng.random() < 0.05:  # cut short
        trace = trace[:int(rng.integers(2, len(trace)))]
    return trace


def declared_yaml(activities: int = 20) -> str:
    """Return a declared process (YAML) of the main path: each step followed by the next."""
    main = list(STEPS[:min(12, activities)])
    lines = ["process: Продажа клиенту", f"start: [{main[0]}]", f"end: [{main[-1]}]", "steps:"]
    for a, b in zip(main, main[1:]):
        lines += [f"  {a}:", f"    next: [{b}]"]
    lines.append(f"  {main[-1]}: {{}}")
    return "\n".join(lines) + "\n"


def follows_cases(log: pd.DataFrame, keep: set[str] | None = None) -> dict[tuple[str, str], set[str]]:
    """Return, per directly-follows pair (``START``/``END`` included), the ids of the cases that have it.

    With ``keep`` only the events of those activities are looked at (a simplified map's view).
    """
    frame = log if keep is None else log[log["concept:name"].isin(keep)]
    frame = frame.sort_values(["case:concept:name", "time:timestamp"], kind="stable")
    out: dict[tuple[str, str], set[str]] = {}
    for case, acts in frame.groupby("case:concept:name", sort=False)["concept:name"]:
        walk = ["START", *acts.tolist(), "END"]
        for pair in zip(walk, walk[1:]):
            out.setdefault(pair, set()).add(str(case))
    return out
