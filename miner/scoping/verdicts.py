"""The verdict per department — process, semi, project or insufficient — and its reasons in Russian.

Thresholds on the normalised prefix-automaton sequence entropy (calibrated in docs/scope.md on the
public logs and on generated extremes): at most :data:`PROCESS_MAX` a repeatable process, from
:data:`PROJECT_MIN` project-like work, in between a common frame with free parts. Fewer than
:data:`MIN_CASES` cases give no verdict: below that the value's shift from its level at 300 cases
(+0.08 for a frame with free parts at 30 cases) plus the width of its interval (0.08) take up most
of the semi band (0.25), so the verdict would hinge on the sample (docs/scope.md, table 3).
"""
from __future__ import annotations

from typing import Literal

from miner.scoping.measures import REFERENCE_CASES, Structure
from miner.units import format_count, format_number, format_share, plural

Verdict = Literal["process", "semi", "project", "insufficient"]

PROCESS_MAX = 0.30
PROJECT_MIN = 0.55
MIN_CASES = 100
FITNESS_STRUCTURED = 0.8  # van der Aalst's rule of thumb for a structured process

VERDICT_NAMES = {"process": "процесс", "semi": "полуструктурированная работа", "project": "проектная работа",
                 "insufficient": "мало данных"}
ADVICE = {"process": "в CRM — как процесс со стадиями (воронка, маршрут согласования)",
          "semi": "в CRM — стадии для общего каркаса и задачи для свободных частей",
          "project": "для неё подходит трекер задач или проектов, а не воронка со стадиями",
          "insufficient": ""}
_CASES = ("случай", "случая", "случаев")
_OF_CASES = ("случая", "случаев", "случаев")  # after «из»: из 21 случая, из 3 случаев
_VARIANTS = ("вариант", "варианта", "вариантов")


def classify(entropy: float) -> Verdict:
    """Return the class of an entropy value.

    >>> classify(0.12), classify(0.4), classify(0.8)
    ('process', 'semi', 'project')
    """
    if entropy <= PROCESS_MAX:
        return "process"
    if entropy < PROJECT_MIN:
        return "semi"
    return "project"


def verdict(cases: int, structure: Structure | None, *, min_cases: int = MIN_CASES) -> Verdict:
    """Return the department's verdict: ``insufficient`` below ``min_cases``, else the entropy's class."""
    if structure is None or cases < min_cases:
        return "insufficient"
    return classify(structure.sequence_entropy)


def cover_verb(n: int) -> str:
    """Return «покрывает» after a number whose noun is singular (1, 21, 101), else «покрывают»."""
    return plural(n, ("покрывает", "покрывают", "покрывают"))


def _num(value: float) -> str:
    return format_number(value, digits=2)


def reasons(kind: Verdict, structure: Structure | None, cases: int, *, fitness: float | None = None,
            technical: int = 0, min_cases: int = MIN_CASES) -> tuple[str, ...]:
    """Return the reasons for the verdict, each a plain Russian sentence a consultant can repeat.

    Example:
        >>> reasons("insufficient", None, 42)[0]
        'В данных 42 случая — меньше 100, нужных для вывода: на малой выборке мера колеблется шире, чем разница между классами. Нужно ещё 58 случаев: возьмите выгрузку за более долгий период.'
    """
    if kind == "insufficient" or structure is None:
        need = min_cases - cases
        return (f"В данных {format_count(cases)} {plural(cases, _CASES)} — меньше {format_count(min_cases)}, "
                "нужных для вывода: на малой выборке мера колеблется шире, чем разница между классами. "
                f"Нужно ещё {format_count(need)} {plural(need, _CASES)}: возьмите выгрузку за более долгий период.",)
    s = structure
    low, high = s.interval
    basis = f"на выборках по {format_count(REFERENCE_CASES)} случаев, " if s.cases > REFERENCE_CASES else ""
    head = {"process": f"Работа повторяется: энтропия последовательностей {_num(s.sequence_entropy)} "
                       f"({basis}90 % интервал {_num(low)}–{_num(high)}) — не выше порога {_num(PROCESS_MAX)}",
            "semi": f"Есть общий каркас со свободными частями: энтропия последовательностей "
                    f"{_num(s.sequence_entropy)} ({basis}90 % интервал {_num(low)}–{_num(high)}) — между "
                    f"{_num(PROCESS_MAX)} и {_num(PROJECT_MIN)}",
            "project": f"Почти каждый случай идёт своим путём: энтропия последовательностей "
                       f"{_num(s.sequence_entropy)} ({basis}90 % интервал {_num(low)}–{_num(high)}) — не ниже "
                       f"{_num(PROJECT_MIN)}"}[kind]
    out = [f"{head}; {ADVICE[kind]}."]
    out.append(f"{format_count(s.k80)} {plural(s.k80, _VARIANTS)} из {format_count(s.variants)} "
               f"{cover_verb(s.k80)} 80 % из {format_count(cases)} {plural(cases, _OF_CASES)}; "
               f"неповторимых путей — {format_share(s.distinct_share)}.")
    if s.top_start:
        out.append(f"{format_share(s.top_start_share)} случаев начинаются с шага «{s.top_start}».")
    if fitness is not None:
        side = "не ниже" if fitness >= FITNESS_STRUCTURED else "ниже"
        meaning = "признак устойчивого процесса" if fitness >= FITNESS_STRUCTURED else \
            "работа расходится с описанием"
        out.append(f"Заявленный процесс соответствует данным на {_num(fitness)} — {side} "
                   f"{_num(FITNESS_STRUCTURED)}, {meaning}.")
    border = [t for t in (PROCESS_MAX, PROJECT_MIN) if low < t < high]
    if border:
        out.append(f"Интервал заходит за порог {_num(border[0])}: вывод на границе классов, "
                   "уточните его на интервью.")
    if technical:
        out.append(f"Не учтены служебные события журнала 1С (сеансы, транзакции, фоновые задания): "
                   f"{format_count(technical)}.")
    return tuple(out)
