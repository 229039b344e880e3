"""Turn the deviations of a comparison into numbered functional requirements (requirements.json).

One requirement per deviation worth one: its criterion (:mod:`miner.specification.criteria`)
measured on today's log exceeds the target the requirement sets. The text follows the pattern
«[условие] [субъект] [действие] [объект] [ограничение]»; the priority and the rollout stage are
proposals the consultant confirms with the customer:

- priority «обязательное» when the deviation touches at least 5 % of the cases (an undeclared
  step excepted: whether it is a deviation at all is the customer's decision), else «желательное»;
- stage 1 (configured at launch: stages, their order, rights) for what the CRM can prevent —
  skipped steps, undeclared paths, wrong roles, steps not recorded; stage 2 (control and reports)
  for what it can only make visible — repeats, delays, undeclared steps.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from miner import eventlog as E
from miner.prepared import PreparedLog
from miner.declared.model import END, START, DeclaredProcess
from miner.specification.criteria import Measurer, criterion_for, primary_finding
from miner.specification.deviations import deviations_of
from miner.specification.texts import norm_words, of_total
from miner.units import format_share

MANDATORY_SHARE = 0.05
PREVENTABLE = ("skipped_step", "unobserved_step", "undeclared_path", "role_mismatch")
STAGES = {1: "1 — настройка при запуске", 2: "2 — контроль и отчётность"}


@dataclass(frozen=True)
class Requirement:
    """One functional requirement, traced to its deviation, with its acceptance criterion."""

    id: str
    text: str
    deviation: str
    title: str
    priority: str
    stage: str
    criterion: dict[str, Any]
    baseline: float
    cases: int
    total: int
    examples: tuple[str, ...]
    source: str
    findings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the entry of requirements.json (CONTRACTS.md §8 keys first)."""
        return {"id": self.id, "text": self.text, "deviation": self.deviation, "priority": self.priority,
                "criterion": dict(self.criterion), "baseline": round(self.baseline, 4), "source": self.source,
                "stage": self.stage, "title": self.title, "findings": list(self.findings),
                "baseline_cases": self.cases, "baseline_total": self.total, "examples": list(self.examples)}


@dataclass(frozen=True)
class Spec:
    """Requirements made from a comparison, and what the chapter needs besides them.

    Attributes:
        requirements: numbered ФТ-01...; left_out: deviations without a requirement and why.
        processes: the declared processes (kept in requirements.json for ``verify``).
        data: cases, events, period and source files of the log measured.
        findings: findings.json as a dict (deviations added by :func:`deviations_of`).
        paths: files written.
    """

    requirements: tuple[Requirement, ...]
    left_out: tuple[dict[str, Any], ...]
    processes: tuple[DeclaredProcess, ...]
    data: dict[str, Any]
    findings: dict[str, Any]
    calendar: dict[str, Any] = field(default_factory=lambda: {"kind": "ru", "work_hours": [9, 18]})
    paths: tuple[Path, ...] = ()

    def __repr__(self) -> str:
        return f"Spec({len(self.requirements)} requirements, {len(self.left_out)} deviations left out)"

    def to_dict(self) -> dict[str, Any]:
        """Return requirements.json."""
        return {"requirements": [r.to_dict() for r in self.requirements],
                "declared": [p.to_dict() for p in self.processes], "calendar": dict(self.calendar),
                "data": dict(self.data), "left_out": list(self.left_out),
                "made": f"{dt.date.today():%Y-%m-%d}"}


def data_summary(log: pd.DataFrame) -> dict[str, Any]:
    """Return cases, events, period and source files of a canonical log (for the documents)."""
    files = [str(f) for f in log[E.FILE].dropna().unique()] if E.FILE in log.columns else []
    times = log[E.TIMESTAMP]
    return {"cases": int(log[E.CASE].nunique()), "events": int(len(log)),
            "start": f"{times.min():%Y-%m-%d %H:%M}" if len(log) else None,
            "end": f"{times.max():%Y-%m-%d %H:%M}" if len(log) else None, "sources": files}


def build_spec(comparison: Any, log: pd.DataFrame | PreparedLog, *, sources: Sequence[str] = ()) -> Spec:
    """Build the requirements from a comparison of ``log`` with its declared process(es).

    Args:
        comparison: a ``miner.compare`` result (or findings.json as a dict together with ``processes``
            given through a Comparison-like object with ``parts``).
        log: the canonical log the comparison was made on (the baseline is measured on it).
        sources: original source files to name (the log's ``source:file`` values by default).

    Returns:
        A :class:`Spec`.

    Example:
        >>> spec = build_spec(miner.compare(log, "sales.yaml"), log)  # doctest: +SKIP
        >>> spec.requirements[0].id  # doctest: +SKIP
        'ФТ-01'
    """
    found = comparison.to_dict()
    processes = tuple(p.declared for p in comparison.parts)
    calendar = {"kind": comparison.calendar, "work_hours": list(comparison.work_hours)}
    prepared = log if isinstance(log, PreparedLog) else None
    log = prepared.frame if prepared is not None else log
    measurer = Measurer(log, processes, calendar=calendar["kind"], work_hours=tuple(calendar["work_hours"]),
                        prepared=prepared)
    deviations, by_id = deviations_of(found)
    requirements: list[Requirement] = []
    left_out = []
    for deviation in deviations:
        symptoms = [by_id[f] for f in deviation["findings"] if f in by_id]
        primary = primary_finding(symptoms)
        criterion = criterion_for(primary) if primary is not None else None
        if criterion is None:
            left_out.append({"deviation": deviation["id"], "title": deviation["title"],
                             "reason": "не измеряется по выгрузке"})
            continue
        measured = measurer.measure(criterion)
        if measured.value is None or measured.value <= criterion["max"]:
            left_out.append({"deviation": deviation["id"], "title": deviation["title"],
                             "reason": f"уже не более цели ({format_share(criterion['max'])})"})
            continue
        process = next((p for p in processes if p.process == criterion.get("process")), processes[0])
        number = f"ФТ-{len(requirements) + 1:02d}"
        requirements.append(Requirement(
            number, requirement_text(criterion, process), deviation["id"], deviation["title"],
            _priority(criterion, measured.value), _stage(criterion), criterion, measured.value, measured.cases,
            measured.total, measured.examples, _source(deviation, measured.cases, measured.total),
            tuple(deviation["findings"])))
    data = data_summary(log)
    if sources:
        data["sources"] = [str(s) for s in sources]
    found["deviations"] = deviations
    return Spec(tuple(requirements), tuple(left_out), processes, data, found, calendar)


def _priority(criterion: Mapping[str, Any], share: float) -> str:
    if criterion["kind"] != "undeclared_step" and share >= MANDATORY_SHARE:
        return "обязательное"
    return "желательное"


def _stage(criterion: Mapping[str, Any]) -> str:
    return STAGES[1 if criterion["kind"] in PREVENTABLE else 2]


def _source(deviation: Mapping[str, Any], cases: int, total: int) -> str:
    examples = ", ".join(str(e) for e in list(deviation.get("examples", []))[:3])
    findings = ", ".join(deviation["findings"])
    return f"findings.json {deviation['id']} ({findings}): {of_total(cases, total)}" + (
        f", примеры {examples}" if examples else "")


def _next(process: DeclaredProcess, activity: str) -> list[str]:
    """Return the steps declared to follow ``activity`` (steps outside the system left out)."""
    offline = set(process.outside_system_steps)
    effective = process.without(offline)
    return [b for a, b in sorted(effective.edges) if a == activity and b not in (START, END)]


def _names(names: Sequence[str]) -> str:
    return ", ".join(f"«{n}»" for n in names)


def requirement_text(criterion: Mapping[str, Any], process: DeclaredProcess) -> str:
    """Word the requirement as «[условие] [субъект] [действие] [объект] [ограничение]».

    Example:
        >>> from miner.declared.model import DeclaredProcess, Step
        >>> p = DeclaredProcess("П", {"A": Step("A", ("B",)), "B": Step("B")}, ("A",), ("B",))
        >>> requirement_text({"kind": "skipped_step", "activity": "A", "max": 0.01}, p)
        'При переводе случая на этап «B» CRM должна проверять, что выполнен этап «A», и не допускать перехода без него; доля случаев без «A» — не более 1 %.'
    """
    kind, a = criterion["kind"], criterion.get("activity")
    limit = f"не более {format_share(criterion['max'])}"
    if kind == "skipped_step":
        after = _next(process, str(a))
        when = f"При переводе случая на этап {_names(after[:1])}" if after else "При завершении случая"
        return (f"{when} CRM должна проверять, что выполнен этап «{a}», и не допускать перехода без него; "
                f"доля случаев без «{a}» — {limit}.")
    if kind == "unobserved_step":
        return (f"При выполнении этапа «{a}» CRM должна фиксировать отметку о нём с датой и ответственным; "
                f"доля случаев без такой отметки — {limit}.")
    if kind == "undeclared_step":
        return (f"Если заказчик не утвердит «{a}» как этап процесса, то при попытке выполнить «{a}» CRM должна "
                f"запрашивать обоснование и уведомлять руководителя; доля случаев с «{a}» — {limit}.")
    if kind == "rework":
        return (f"При повторном выполнении «{a}» в одном случае CRM должна требовать указать причину повтора "
                f"и показывать повторы в отчёте; доля случаев с повтором — {limit}.")
    if kind == "role_mismatch":
        who = "подразделения" if criterion.get("attribute") == "department" else "с ролью"
        return (f"При выполнении «{a}» CRM должна разрешать эту операцию только пользователям {who} "
                f"«{criterion.get('declared')}»; доля случаев, где её выполняет кто-то другой, — {limit}.")
    if kind == "slow_step":
        return (f"При превышении норматива {norm_words(criterion.get('within'))} на этап «{a}» CRM должна уведомлять "
                f"исполнителя и его руководителя; доля случаев сверх норматива — {limit}.")
    return _path_text(criterion, process, limit)


def _path_text(criterion: Mapping[str, Any], process: DeclaredProcess, limit: str) -> str:
    source, target = criterion["from"], criterion["to"]
    if source == START:
        return (f"При создании случая CRM должна начинать его с этапа {_names(process.start)} и не допускать "
                f"начала с «{target}»; доля случаев, начатых с «{target}», — {limit}.")
    allowed = _next(process, source)
    if target == END:
        return (f"При закрытии случая после «{source}» CRM должна требовать выполнения "
                f"{_names(allowed) or 'следующих этапов'}; доля случаев, завершённых на «{source}», — {limit}.")
    rule = f"разрешать только переходы к {_names(allowed)}" if allowed else "разрешать только описанные переходы"
    return (f"После этапа «{source}» CRM должна {rule} и не допускать перехода к «{target}» без согласованного "
            f"исключения; доля случаев с переходом «{source}» → «{target}» — {limit}.")
