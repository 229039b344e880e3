"""One declared process against the log: the :class:`Part` of a comparison and how it is made.

:class:`Context` holds what every description's comparison shares (the log, its integer coding,
the calendar, role/department columns, working-time waits) and builds a :class:`Part` per
description: steps matched and renamed, steps outside the system taken out or made optional,
findings per variant and per event, accepted deviations set apart, fitness and conforming cases.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.declared.model import DeclaredProcess
from miner.discovery.dfg import CodedLog, Variants, activity_case_counts, variants
from miner.comparison.findings import (Finding, Traces, importance, path_findings, role_findings, slow_findings,
                            split_accepted, step_findings)
from miner.declared.matching import Matching, normalize, normalize_system
from miner.comparison.worktime import WorkCalendar, working_gaps


@dataclass(frozen=True, repr=False)
class Part:
    """The comparison of the log with one declared process.

    Attributes:
        declared: the description as written; effective: the model judged (steps outside the
            system removed or made optional).
        matching: its steps against the log's activities (unmatched ones, suggestions).
        findings, accepted: deviations, most important first; those the description accepts.
        outside_system: ``{"activity", "system", "seen_cases", "summary"}`` per such step.
        fitness, fitness_method, conforming_cases: how well the data fits the model.
        cases: cases in scope; skipped: step -> share of cases that skip it (for the map).
        coded: the log in scope with activities named as the steps (for the map).
        found: the variants of ``coded`` where they were known (the explorer lists cases by them).
    """

    declared: DeclaredProcess
    effective: DeclaredProcess
    matching: Matching
    findings: tuple[Finding, ...]
    accepted: tuple[Finding, ...]
    outside_system: tuple[dict[str, Any], ...]
    fitness: float
    fitness_method: str
    conforming_cases: float
    cases: int
    skipped: dict[str, float]
    coded: CodedLog = field(repr=False)
    found: Variants | None = field(default=None, repr=False)

    @property
    def unmatched(self) -> tuple[str, ...]:
        """Declared steps not found in the data, apart from those done outside the system."""
        outside = {o["activity"] for o in self.outside_system}
        return tuple(s for s in self.matching.unmatched if s not in outside)

    def __repr__(self) -> str:
        return (f"Part({self.declared.process!r}: {self.cases} cases, fitness {self.fitness:.3f} "
                f"({self.fitness_method}), {len(self.findings)} findings, {len(self.accepted)} accepted)")

    def summary(self) -> dict[str, Any]:
        """Return this description's line of ``descriptions`` in findings.json."""
        return {"process": self.declared.process, "file": self.declared.file,
                "steps": len(self.declared.steps), "cases": self.cases,
                "fitness": round(self.fitness, 4), "fitness_method": self.fitness_method,
                "conforming_cases": round(self.conforming_cases, 4),
                "findings": len(self.findings)}


class Context:
    """What every description's comparison shares: the log, its coding, the calendar."""

    def __init__(self, log: pd.DataFrame, coded: CodedLog, calendar: WorkCalendar, budget: float,
                 found: Variants | None = None):
        self.log, self.coded, self.calendar, self.budget = log, coded, calendar, budget
        self.found = found  # the variants of ``coded``, when already computed
        self._columns: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}
        self._waits: np.ndarray | None = None
        self.systems = {normalize_system(s) for s in log[E.SYSTEM].dropna().unique()} \
            if E.SYSTEM in log.columns else set()

    def waits(self) -> np.ndarray:
        """Working seconds from the previous event of the same case to each event (NaN first)."""
        if self._waits is None:
            ts = self.coded.timestamps
            waits = np.full(ts.size, np.nan)
            if ts.size > 1:
                waits[1:] = working_gaps(ts, self.calendar)
                waits[self.coded.case_bounds[:-1]] = np.nan
            self._waits = waits
        return self._waits

    def column(self, attribute: str, wanted: set[str]) -> tuple[np.ndarray, np.ndarray] | None:
        """Return (per-event value codes, distinct values) for role/department, or None.

        ``org:role``/``org:group`` first; when that column is empty in the whole log,
        ``org:resource`` if any declared value occurs in it (else it holds people, not roles).
        """
        primary = E.ROLE if attribute == "role" else E.GROUP
        for col in (primary, E.RESOURCE):
            if col not in self.log.columns or not self.log[col].notna().any():
                continue
            # factorise the column as stored (no Python string per event), then put it in event order
            codes, names = pd.factorize(self.log[col])
            codes = codes[self.coded.rows]
            if col == E.RESOURCE and not {normalize(n) for n in names} & {normalize(w) for w in wanted}:
                return None
            return codes.astype(np.int64), np.asarray(names, dtype=object)
        return None

    def part(self, declared: DeclaredProcess, matching: Matching, *,
             foreign: set[str] | None = None) -> Part:
        """Compare the log with one description.

        With several descriptions, ``foreign`` holds the log activities only the others declare:
        their events are left out, cases without any of this description's steps are out of
        scope, and activities no description declares are stepped over (not this one's to judge).
        """
        from miner.comparison.conformance import accepts, fitness

        coded = _recode(self.coded, matching)
        cases_with = _cases_with(coded)
        outside, bridged, notes = self._outside(declared, cases_with)
        effective = declared.without(bridged, keep=True).without(outside)
        scoped = coded if foreign is None else _scope(coded, foreign, set(declared.steps))
        found = _renamed(self.found, matching) if foreign is None and self.found is not None else None
        traces = traces_of(scoped, found)
        n = traces.n_cases
        ignore = set() if foreign is None else set(scoped.activities) - set(declared.steps)
        findings = step_findings(traces, effective, outside=list(bridged),
                                 report_undeclared=foreign is None, ignore=ignore)
        unobserved = {f.fields["activity"] for f in findings if f.kind == "unobserved_step"}
        findings += path_findings(traces, effective, skip=sorted(unobserved), ignore=ignore)
        if scoped is not coded:  # case positions in the scoped log -> in the whole log
            where = pd.Index(coded.case_ids).get_indexer(scoped.case_ids)
            findings = [replace(f, case_index=where[f.case_index]) for f in findings]
        findings += self._event_findings(declared, coded, n)
        kept, accepted = split_accepted(findings, declared)
        own = _own_variants(traces, ignore)
        fit = fitness(effective, list(own), list(own.values()), time_budget=self.budget)
        conforming = sum(c for s, c in own.items() if accepts(effective.edges, s)) / max(n, 1)
        skipped = {f.fields["activity"]: f.share for f in kept if f.kind == "skipped_step"}
        return Part(declared, effective, matching, tuple(sorted(kept, key=importance)),
                    tuple(sorted(accepted, key=importance)), tuple(notes), fit.value, fit.method,
                    conforming, n, skipped, scoped, found)

    def _outside(self, declared: DeclaredProcess,
                 cases_with: dict[str, int]) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """Return (steps to remove, steps to bridge, outside_system entries).

        A step is outside the system when its ``system`` is one the data cannot show (paper,
        phone, e-mail) or, if it is never seen, a system no event of the log comes from.
        Never seen, it is taken out of the model; seen, it stays but may be skipped.
        """
        remove: list[str] = []
        bridge: list[str] = []
        notes: list[dict[str, Any]] = []
        offline = set(declared.outside_system_steps)
        for step in declared.steps.values():
            seen = cases_with.get(step.name, 0)
            rare = seen == 0
            foreign = (step.system is not None and self.systems
                       and normalize_system(step.system) not in self.systems and rare)
            if step.name not in offline and not foreign:
                continue
            (remove if rare else bridge).append(step.name)
            where = "не записывается в данных" if rare else f"всё же встречается в {seen} случаях"
            notes.append({"activity": step.name, "system": step.system, "seen_cases": seen,
                          "summary": f"Шаг «{step.name}» выполняется вне системы ({step.system}) "
                                     f"и {where}; это не отклонение."})
        return remove, bridge, notes

    def _event_findings(self, declared: DeclaredProcess, coded: CodedLog, n_cases: int) -> list[Finding]:
        """Return role/department mismatches and slow steps (per event, on the whole trace)."""
        index = {name: k for k, name in enumerate(declared.steps)}
        step_of = np.array([index.get(a, -1) for a in coded.activities], dtype=np.int64)
        step_codes = step_of[coded.codes] if coded.n_events else np.zeros(0, np.int64)
        out: list[Finding] = []
        for attribute in ("role", "department"):
            wanted = {getattr(s, attribute) for s in declared.steps.values() if getattr(s, attribute)}
            column = self.column(attribute, wanted) if wanted else None
            if column is not None:
                out += role_findings(step_codes, coded.case_index, coded.case_ids, column[0],
                                     column[1], declared, attribute, n_cases)
        if any(s.within for s in declared.steps.values()):
            out += slow_findings(step_codes, coded.case_index, coded.case_ids, self.waits(),
                                 declared, self.calendar.day_seconds, n_cases,
                                 working=self.calendar.kind != "24x7")
        return out


def _recode(coded: CodedLog, matching: Matching) -> CodedLog:
    """Return ``coded`` with log activities renamed to the declared steps they match."""
    names = [matching.activities.get(a, a) for a in coded.activities]
    index = {n: i for i, n in enumerate(dict.fromkeys(names))}
    mapping = np.array([index[n] for n in names], dtype=np.int32)
    return replace(coded, activities=tuple(index), codes=mapping[coded.codes] if coded.n_events
                   else coded.codes)


def _cases_with(coded: CodedLog) -> dict[str, int]:
    """Return activity -> number of cases containing it."""
    return dict(zip(coded.activities, activity_case_counts(coded).tolist()))


def _renamed(found: Variants, matching: Matching) -> Variants:
    """Return the variants with log activities renamed to the declared steps they match.

    Two variants that become the same sequence are merged; the order is the one ``variants``
    gives (most cases first, ties by first case), so the result equals recomputing them.
    """
    rename = matching.activities
    sequences = [tuple(rename.get(a, a) for a in seq) for seq in found.sequences]
    index: dict[tuple[str, ...], int] = {}
    merged = np.array([index.setdefault(seq, len(index)) for seq in sequences], dtype=np.int64)
    if len(index) == len(sequences):
        return replace(found, sequences=tuple(sequences))
    counts = np.bincount(merged, weights=found.counts, minlength=len(index)).astype(np.int64)
    first = np.full(len(found), found.n_cases, dtype=np.int64)
    np.minimum.at(first, found.case_variant, np.arange(found.n_cases, dtype=np.int64))
    first_merged = np.full(len(index), found.n_cases, dtype=np.int64)
    np.minimum.at(first_merged, merged, first)
    order = np.lexsort((first_merged, -counts))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    names = list(index)
    return Variants(tuple(names[i] for i in order.tolist()), counts[order], rank[merged[found.case_variant]],
                    found.n_cases)


def _scope(coded: CodedLog, foreign: set[str], steps: set[str]) -> CodedLog:
    """Drop events of ``foreign`` activities, then the cases without any of ``steps``."""
    kept = coded.project(np.array([a not in foreign for a in coded.activities], dtype=bool))
    own = np.array([a in steps for a in kept.activities], dtype=bool)
    has_own = np.zeros(kept.n_cases, dtype=bool)
    has_own[kept.case_index[own[kept.codes]]] = True
    if has_own.all():
        return kept
    events = has_own[kept.case_index]
    bounds = np.concatenate(([0], np.cumsum(kept.case_lengths[has_own])))
    return replace(kept, case_ids=kept.case_ids[has_own], codes=kept.codes[events],
                   timestamps=kept.timestamps[events], rows=kept.rows[events],
                   case_bounds=bounds.astype(np.int64))


def _own_variants(traces: Traces, ignore: set[str]) -> dict[tuple[str, ...], int]:
    """Return the variants with ``ignore`` activities stepped over, and their case counts."""
    out: dict[tuple[str, ...], int] = {}
    for seq, count in zip(traces.sequences, traces.counts.tolist()):
        key = tuple(a for a in seq if a not in ignore) if ignore else seq
        out[key] = out.get(key, 0) + int(count)
    return out


def traces_of(coded: CodedLog, found: Variants | None = None) -> Traces:
    """Return the variants of ``coded`` (``found`` when already computed) as :class:`Traces`."""
    found = found if found is not None else variants(coded)
    return Traces(found.sequences, found.counts, found.case_variant, coded.case_ids)
