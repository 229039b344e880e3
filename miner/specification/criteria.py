"""Acceptance criteria: what a requirement's deviation looks like in an export, and how to count it.

A criterion is a small JSON object kept in requirements.json, e.g.
``{"kind": "skipped_step", "activity": "Согласован заказ", "measure": "share", "max": 0.01}``:
the finding kind (CONTRACTS.md §4) and its activity or path, the measure (``share``: the cases
that still show the deviation, over the cases of the process) and the limit the requirement sets.
:class:`Measurer` counts it on any canonical log, before the rollout (the baseline) and after it.

Definitions (the same before and after, so that baseline and value compare):

- the cases of a process are those with at least one of its steps (after renaming);
- ``skipped_step``/``unobserved_step``: cases without the step; ``undeclared_step``: cases with the
  activity; ``undeclared_path``: cases where ``to`` directly follows ``from`` (``START``/``END``
  for the case's first and last event); ``rework``: cases where the activity repeats other than
  round a declared loop; ``role_mismatch``: cases with an event of the step whose role
  (department) differs from the declared one; ``slow_step``: cases with an occurrence of the step
  that took longer than the norm, in working time since the event before it.
- A declared step that is missing from the data entirely makes its criterion *not computable*
  (a renamed step must not pass as "never skipped"); an undeclared activity that is gone counts 0.

Names in the data match the declared steps after trimming and case-folding, through the steps'
``aliases``, and through a ``mapping`` {name in the requirements: name in the new data}.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.prepared import PreparedLog
from miner.declared.matching import match_steps, normalize
from miner.declared.model import END, START, DeclaredProcess

# Target per kind: what the CRM can prevent outright (a stage order, a right) at most 1 % of the
# cases (corrections, migrated cases); what it can only make visible (repeats, delays) at most 5 %.
LIMITS = {"skipped_step": 0.01, "unobserved_step": 0.01, "undeclared_path": 0.01, "undeclared_step": 0.01,
          "role_mismatch": 0.01, "rework": 0.05, "slow_step": 0.05}
# Which finding of a deviation its criterion measures: the most direct symptom of the cause.
PREFERENCE = ("skipped_step", "role_mismatch", "slow_step", "unobserved_step", "undeclared_step", "rework",
              "undeclared_path")
MAX_EXAMPLES = 10


@dataclass(frozen=True)
class Measurement:
    """A criterion counted on a log.

    Attributes:
        value: share of the process's cases that show the deviation; None when not computable.
        cases: those cases; total: the process's cases.
        examples: up to 10 of those case ids.
        note: why it cannot be computed, or a remark (Russian).
    """

    value: float | None
    cases: int = 0
    total: int = 0
    examples: tuple[str, ...] = ()
    note: str = ""


def criterion_for(finding: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return the criterion that measures ``finding`` (a findings.json entry), or None.

    Example:
        >>> criterion_for({"kind": "skipped_step", "activity": "Согласован заказ"})
        {'kind': 'skipped_step', 'activity': 'Согласован заказ', 'measure': 'share', 'max': 0.01}
    """
    kind = finding.get("kind")
    if kind not in LIMITS:
        return None
    out: dict[str, Any] = {"kind": kind}
    if kind == "undeclared_path":
        out.update({"from": finding["from"], "to": finding["to"]})
    else:
        out["activity"] = finding["activity"]
    if kind == "role_mismatch":
        out.update({"attribute": finding.get("attribute", "role"), "declared": finding["declared"]})
    if kind == "slow_step":
        out.update({"within": finding["declared"], "limit_hours": finding["limit_hours"]})
    out.update({"measure": "share", "max": LIMITS[str(kind)]})
    if finding.get("process"):
        out["process"] = finding["process"]
    return out


def primary_finding(findings: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """Return the finding of a deviation its criterion measures (None if none is measurable)."""
    usable = [f for f in findings if f.get("kind") in LIMITS and f.get("cases", 0) > 0]
    if not usable:
        return None
    return min(usable, key=lambda f: (PREFERENCE.index(f["kind"]), -f.get("cases", 0)))


def describe(criterion: Mapping[str, Any]) -> str:
    """Say in Russian what a criterion counts.

    Example:
        >>> describe({"kind": "undeclared_path", "from": "START", "to": "Выставлен счет"})
        'доля случаев, начинающихся с «Выставлен счет»'
    """
    from miner.specification.texts import norm_words

    kind, a = criterion["kind"], criterion.get("activity")
    source, target = criterion.get("from"), criterion.get("to")
    if kind == "undeclared_path":
        if source == START:
            return f"доля случаев, начинающихся с «{target}»"
        if target == END:
            return f"доля случаев, завершающихся на «{source}»"
        return f"доля случаев, где за «{source}» сразу следует «{target}»"
    texts = {
        "skipped_step": f"доля случаев без шага «{a}»",
        "unobserved_step": f"доля случаев без отметки о шаге «{a}»",
        "undeclared_step": f"доля случаев с действием «{a}»",
        "rework": f"доля случаев, где «{a}» повторяется",
        "role_mismatch": f"доля случаев, где «{a}» выполняет не «{criterion.get('declared')}»",
        "slow_step": f"доля случаев, где «{a}» дольше норматива ({norm_words(criterion.get('within'))})",
    }
    return texts[kind]


def named(criterion: Mapping[str, Any]) -> list[str]:
    """Return the activities a criterion names (START and END left out)."""
    names = [criterion.get("activity"), criterion.get("from"), criterion.get("to")]
    return [str(n) for n in names if n and n not in (START, END)]


class Measurer:
    """Count criteria on one log, with its activities renamed to the declared steps.

    Args:
        log: a canonical event log.
        processes: the declared processes the requirements come from.
        mapping: {name in the requirements: name (or list of names) in this log}.
        calendar, work_hours: how waiting times are measured (as in the comparison).

    Example:
        >>> m = Measurer(log, [sales])  # doctest: +SKIP
        >>> m.measure({"kind": "skipped_step", "activity": "Согласован заказ", "measure": "share", "max": 0.01})  # doctest: +SKIP
        Measurement(value=0.109, cases=109, total=1000, ...)
    """

    def __init__(self, log: pd.DataFrame, processes: Sequence[DeclaredProcess], *,
                 mapping: Mapping[str, Any] | None = None, calendar: str = "ru",
                 work_hours: tuple[float, float] = (9, 18), prepared: PreparedLog | None = None):
        from miner.comparison.parts import Context, traces_of
        from miner.comparison.worktime import WorkCalendar
        from miner.discovery.dfg import encode

        self.processes = list(processes)
        self.rename, self.unmatched = _renaming(log[E.ACTIVITY].unique(), self.processes, mapping or {})
        same = prepared is not None and all(self.rename.get(a, a) == a for a in prepared.coded.activities)
        if same and prepared is not None:  # the names are the declared ones already: reuse the coding
            frame, self.coded, found = prepared.frame, prepared.coded, prepared.variants
        else:
            frame = log.assign(**{E.ACTIVITY: log[E.ACTIVITY].map(lambda a: self.rename.get(a, a))})
            self.coded, found = encode(frame), None
        self.traces = traces_of(self.coded, found)
        self.context = Context(frame, self.coded, WorkCalendar(calendar, (float(work_hours[0]), float(work_hours[1]))), 0.0)
        self.present = {a for a, n in zip(self.coded.activities, np.bincount(self.coded.codes,
                        minlength=self.coded.n_activities)) if n}

    def _process(self, criterion: Mapping[str, Any]) -> DeclaredProcess:
        wanted = criterion.get("process")
        return next((p for p in self.processes if p.process == wanted), self.processes[0])

    def measure(self, criterion: Mapping[str, Any]) -> Measurement:
        """Return the criterion's value on this log (None when it cannot be computed)."""
        process = self._process(criterion)
        missing = [n for n in named(criterion) if n in process.steps and n not in self.present]
        if missing:
            return Measurement(None, note="; ".join(f"шага «{n}» нет в данных: он переименован (укажите "
                                                    "соответствие в файле сопоставления) или не записывается"
                                                    for n in missing))
        scope = self._scope(process)
        total = int(self.traces.counts[scope].sum())
        if not total:
            return Measurement(None, note="в данных нет ни одного случая этого процесса")
        kind = criterion["kind"]
        if kind in ("role_mismatch", "slow_step"):
            bad_cases = self._event_cases(criterion, process)
            if bad_cases is None:
                return Measurement(None, total=total, note="в данных нет столбца роли или подразделения")
            bad_cases &= scope[self.traces.case_variant]
            cases = int(bad_cases.sum())
            examples = tuple(str(c) for c in self.coded.case_ids[np.flatnonzero(bad_cases)[:MAX_EXAMPLES]])
        else:
            cases, examples = self.traces.hit(self._variants(criterion, process) & scope)
        gone = [n for n in named(criterion) if n not in process.steps and n not in self.present]
        note = "; ".join(f"«{n}» в данных не встречается" for n in gone)
        return Measurement(cases / total, cases, total, examples[:MAX_EXAMPLES], note)

    def _scope(self, process: DeclaredProcess) -> np.ndarray:
        steps = set(process.steps)
        return np.array([any(a in steps for a in seq) for seq in self.traces.sequences], dtype=bool)

    def _variants(self, criterion: Mapping[str, Any], process: DeclaredProcess) -> np.ndarray:
        """Return, per variant, whether it shows the deviation."""
        from miner.comparison.findings import _undeclared_repeats

        kind, a = criterion["kind"], criterion.get("activity")
        if kind == "undeclared_path":
            pair = (criterion["from"], criterion["to"])
            test = lambda seq: pair in set(zip((START, *seq), (*seq, END)))  # noqa: E731
        elif kind in ("skipped_step", "unobserved_step"):
            test = lambda seq: a not in seq  # noqa: E731
        elif kind == "undeclared_step":
            test = lambda seq: a in seq  # noqa: E731
        else:  # rework
            edges = process.without(process.outside_system_steps, keep=True).edges
            test = lambda seq: a in _undeclared_repeats(seq, edges)  # noqa: E731
        return np.array([test(seq) for seq in self.traces.sequences], dtype=bool)

    def _event_cases(self, criterion: Mapping[str, Any], process: DeclaredProcess) -> np.ndarray | None:
        """Return, per case, whether an event of the step breaks a role or a time norm (None: no column)."""
        codes = self.coded.codes
        mine = codes == self.coded.activities.index(criterion["activity"])
        if criterion["kind"] == "role_mismatch":
            column = self.context.column(criterion.get("attribute", "role"), {criterion["declared"]})
            if column is None:
                return None
            values, names = column
            other = np.array([normalize(v) != normalize(criterion["declared"]) for v in names], dtype=bool)
            bad = mine & (values >= 0) & other[np.maximum(values, 0)] if len(names) else np.zeros_like(mine)
        else:
            waits = self.context.waits()
            bad = mine & (np.nan_to_num(waits, nan=-1.0) > float(criterion["limit_hours"]) * 3600)
        out = np.zeros(self.coded.n_cases, dtype=bool)
        out[self.coded.case_index[bad]] = True
        return out


def _renaming(activities: Any, processes: Sequence[DeclaredProcess],
              mapping: Mapping[str, Any]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Return (log activity -> declared step or requirement name, log activities left unmatched)."""
    extra: dict[str, list[str]] = {}
    for old, new in mapping.items():
        extra.setdefault(str(old), []).extend([str(n) for n in (new if isinstance(new, list) else [new])])
    rename: dict[str, str] = {}
    names = [str(a) for a in activities]
    for process in processes:
        steps = {n: (*s.aliases, *extra.get(n, ())) for n, s in process.steps.items()}
        free = [a for a in names if a not in rename]
        rename.update(match_steps(steps, free).activities)
    steps_all = {n for p in processes for n in p.steps}
    others = {normalize(new): old for old, news in extra.items() if old not in steps_all for new in news}
    for a in names:
        if a not in rename and normalize(a) in others:
            rename[a] = others[normalize(a)]
    return rename, tuple(a for a in names if a not in rename)
