"""Numbers behind the interview questions: who does what, in which order, how long, how often not.

Everything is computed on the canonical log once it is split into *units* — the departments
(``org:group``); events without a department fall back to the role, then to the source file; a
log with neither is one unit, ``all``. The functions return plain dicts and lists of numbers
(counts, shares, seconds, example case ids) that :mod:`miner.interviews.guide` turns into sentences.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.discovery.dfg import activity_case_counts, encode
from miner.prepared import PreparedLog

APPROVAL = re.compile(r"согласов|утвержд|одобр|approv", re.IGNORECASE)
CHANGE = re.compile(r"измен|коррект|исправ|правк|change|update|edit|modif", re.IGNORECASE)
MIN_CASES, MIN_SHARE = 3, 0.01  # below both a pattern is noise, not a question
MAX_EXAMPLES = 5
START, END = "START", "END"


@dataclass(frozen=True)
class Unit:
    """A part of the organisation the guide has a section for.

    Attributes:
        name: the value in the data (department, role, file name) or ``"all"``.
        basis: ``department``, ``role``, ``file`` or ``all`` — which column it comes from.
    """

    name: str
    basis: str


def _text(column: pd.Series) -> pd.Series:
    """Stripped text with missing for blank values (the column's own index)."""
    text = column.astype("str").str.strip()
    return text.where(column.notna() & (text != ""))


def assign_units(log: pd.DataFrame) -> tuple[np.ndarray, list[Unit]]:
    """Return (unit code of each event, the units): department, else role, else source file, else all."""
    missing = pd.Series(pd.NA, index=log.index, dtype="str")
    group = _text(log[E.GROUP]) if E.GROUP in log.columns else missing
    role = _text(log[E.ROLE]) if E.ROLE in log.columns else missing
    file = _text(log[E.FILE]) if E.FILE in log.columns else missing
    has_group, has_role = bool(group.notna().any()), bool(role.notna().any())
    name = pd.Series("all", index=log.index, dtype="str")
    basis = pd.Series("all", index=log.index, dtype="str")
    if has_group or has_role:
        for values, kind, used in ((file, "file", True), (role, "role", has_role), (group, "department", has_group)):
            take = values.notna() if used else pd.Series(False, index=log.index)
            name = name.where(~take, values)
            basis = basis.where(~take, kind)
    codes, uniques = pd.factorize(basis + "\x00" + name, sort=False)
    units = [Unit(*reversed(key.split("\x00", 1))) for key in uniques]
    return codes.astype(np.int64), units


class Facts:
    """The log prepared once (codes, positions, waits) with the per-unit and per-log numbers.

    Given a :class:`~miner.prepared.PreparedLog` whose frame is in event order (as ``finalize``
    leaves it), its integer coding and cases per activity are used instead of coding again.
    """

    def __init__(self, log: pd.DataFrame | PreparedLog) -> None:
        prepared = log if isinstance(log, PreparedLog) else None
        frame = log.frame if isinstance(log, PreparedLog) else log
        self.log = frame.reset_index(drop=True)
        self._coverage: pd.Series | None = None
        coded = prepared.coded if prepared is not None else None
        if coded is not None and np.array_equal(coded.rows, np.arange(coded.n_events)):
            self.case_codes, self.case_ids = coded.case_index, pd.Index(coded.case_ids)
            self.activity = np.array(coded.activities, dtype=object)[coded.codes]
            self.time = coded.timestamps
            self._coverage = prepared.activity_cases if prepared is not None else None
        else:
            self.case_codes, self.case_ids = pd.factorize(self.log[E.CASE], sort=False)
            self.activity = self.log[E.ACTIVITY].astype(str).to_numpy(dtype=object)
            self.time = self.log[E.TIMESTAMP].to_numpy(dtype="datetime64[ns]")
        self.n_cases = len(self.case_ids)
        self.unit_codes, self.units = assign_units(self.log)
        case = self.case_codes
        self.first = np.ones(len(case), dtype=bool)
        self.first[1:] = case[1:] != case[:-1]
        self.last = np.ones(len(case), dtype=bool)
        self.last[:-1] = case[:-1] != case[1:]
        wait = np.full(len(case), np.nan)
        if len(case) > 1:
            wait[1:] = (self.time[1:] - self.time[:-1]).astype("timedelta64[s]").astype(float)
        wait[self.first] = np.nan
        self.wait = wait

    # -- the whole log ---------------------------------------------------------------------
    @cached_property
    def unit_list(self) -> list[Unit]:
        """Units by number of events, most first; the file and ``all`` fallbacks last."""
        counts = np.bincount(self.unit_codes, minlength=len(self.units))
        order = sorted(range(len(self.units)),
                       key=lambda k: (self.units[k].basis in ("file", "all"), -counts[k], self.units[k].name))
        return [self.units[k] for k in order]

    def owners(self, activity: str, min_share: float = 0.2) -> list[Unit]:
        """Units that do at least ``min_share`` of the activity's events (the top one always)."""
        counts = np.bincount(self.unit_codes[self.activity == activity], minlength=len(self.units))
        if not counts.sum():
            return []
        order = np.argsort(-counts, kind="stable")
        keep = [self.units[k] for k in order if counts[k] and counts[k] / counts.sum() >= min_share]
        return keep or [self.units[order[0]]]

    @cached_property
    def case_coverage(self) -> pd.Series:
        """Activity -> number of cases in which it occurs, most first (ties in order of appearance)."""
        if self._coverage is not None:
            return self._coverage
        coded = encode(pd.DataFrame({E.CASE: self.case_codes, E.ACTIVITY: self.activity, E.TIMESTAMP: self.time}))
        counts = pd.Series(activity_case_counts(coded), index=list(coded.activities), name="cases", dtype="int64")
        return counts.sort_values(ascending=False, kind="stable")

    def examples(self, case_mask: np.ndarray) -> list[str]:
        """Up to MAX_EXAMPLES case ids where ``case_mask`` (per case) is true."""
        return [str(self.case_ids[i]) for i in np.flatnonzero(case_mask)[:MAX_EXAMPLES]]

    def enough(self, cases: int) -> bool:
        return cases >= MIN_CASES and cases >= MIN_SHARE * self.n_cases

    @cached_property
    def first_positions(self) -> pd.DataFrame:
        """Cases x activities: position of the activity's first event in the case (NaN if absent)."""
        position = np.arange(len(self.case_codes)) - np.flatnonzero(self.first)[self.case_codes]
        frame = pd.DataFrame({"c": self.case_codes, "a": self.activity, "p": position})
        first = frame.drop_duplicates(["c", "a"])
        table = first.pivot(index="c", columns="a", values="p").reindex(range(self.n_cases))
        return table.astype(float)

    def inversions(self, max_activities: int = 20, dominant: float = 0.7) -> list[dict[str, Any]]:
        """Pairs where the usual order ``later`` after ``earlier`` is reversed in a few cases.

        Returns dicts ``{"usual_first", "jumped", "cases", "both", "case_mask"}``: ``jumped``
        happened before ``usual_first`` in ``cases`` cases, of ``both`` that have the two.
        """
        top = [a for a in self.case_coverage.index[:max_activities]]
        table = self.first_positions[top].to_numpy()
        out = []
        for i, a in enumerate(top):
            for j in range(i + 1, len(top)):
                both = ~np.isnan(table[:, i]) & ~np.isnan(table[:, j])
                n_both = int(both.sum())
                if not n_both:
                    continue
                a_first = both & (table[:, i] < table[:, j])
                b_first = both & (table[:, j] < table[:, i])
                usual, jumped, mask = (a, top[j], b_first) if a_first.sum() >= b_first.sum() \
                    else (top[j], a, a_first)
                cases = int(mask.sum())
                if self.enough(cases) and cases <= (1 - dominant) * n_both:
                    out.append({"usual_first": usual, "jumped": jumped, "cases": cases, "both": n_both,
                                "case_mask": mask})
        return out

    def changes_after_approval(self) -> list[dict[str, Any]]:
        """Change-like activities (изменен, корректировка…) that come after an approval in a case."""
        names = list(self.case_coverage.index)
        approvals = [a for a in names if APPROVAL.search(a)]
        changes = [a for a in names if CHANGE.search(a) and not APPROVAL.search(a)]
        if not approvals or not changes:
            return []
        positions = np.arange(len(self.case_codes))
        is_approval = np.isin(self.activity, approvals)
        first_approval = pd.Series(positions[is_approval]).groupby(self.case_codes[is_approval]).min()
        after = np.full(self.n_cases, np.iinfo(np.int64).max)
        after[first_approval.index.to_numpy()] = first_approval.to_numpy()
        with_approval = int(first_approval.size)
        out = []
        for change in changes:
            hit = (self.activity == change) & (positions > after[self.case_codes])
            mask = np.zeros(self.n_cases, dtype=bool)
            mask[self.case_codes[hit]] = True
            if self.enough(int(mask.sum())):
                out.append({"activity": change, "approval": approvals[0] if len(approvals) == 1 else
                            _most(self.activity[is_approval]), "cases": int(mask.sum()),
                            "with_approval": with_approval, "case_mask": mask})
        return out

    def missing(self, low: float = 0.5, high: float = 0.97) -> list[dict[str, Any]]:
        """Activities in most cases but not all (share of cases between ``low`` and ``high``)."""
        out = []
        for activity, cases in self.case_coverage.items():
            share = cases / max(self.n_cases, 1)
            if low <= share <= high and self.enough(self.n_cases - cases):
                mask = np.ones(self.n_cases, dtype=bool)
                mask[np.unique(self.case_codes[self.activity == activity])] = False
                out.append({"activity": activity, "cases": self.n_cases - int(cases), "case_mask": mask})
        return out

    def rework(self, activity: str) -> dict[str, Any] | None:
        """Cases where ``activity`` occurs twice or more, if enough to ask about."""
        codes = self.case_codes[self.activity == activity]
        counts = np.bincount(codes, minlength=self.n_cases)
        mask = counts >= 2
        cases = int(mask.sum())
        if not self.enough(cases):
            return None
        return {"activity": activity, "cases": cases, "with_activity": int((counts > 0).sum()), "case_mask": mask}

    # -- one unit ----------------------------------------------------------------------------
    def unit(self, unit: Unit) -> dict[str, Any]:
        """All the numbers about one unit (see the keys below)."""
        mask = self.unit_codes == self.units.index(unit)
        idx = np.flatnonzero(mask)
        cases = np.unique(self.case_codes[idx])
        table = self._activities(idx)
        return {"index": idx, "events": int(idx.size), "cases": int(cases.size), "activities": table,
                "people": value_counts(self.log, E.RESOURCE, idx), "roles": value_counts(self.log, E.ROLE, idx),
                "systems": value_counts(self.log, E.SYSTEM, idx), "files": value_counts(self.log, E.FILE, idx),
                "inputs": self._neighbours(idx, before=True), "outputs": self._neighbours(idx, before=False),
                "sequence": self._sequence(idx), "waits": self._waits(idx),
                "elapsed": self._elapsed(idx), "approvals": self._approvals(idx, cases),
                "start": self.time[idx].min() if idx.size else None,
                "end": self.time[idx].max() if idx.size else None}

    def _activities(self, idx: np.ndarray) -> pd.DataFrame:
        frame = pd.DataFrame({"a": self.activity[idx], "c": self.case_codes[idx]})
        events = frame["a"].value_counts()
        cases = frame.drop_duplicates()["a"].value_counts()
        table = pd.DataFrame({"events": events, "cases": cases.reindex(events.index).fillna(0).astype(int)})
        return table.sort_values(["events", "cases"], ascending=False, kind="stable")

    def _neighbours(self, idx: np.ndarray, *, before: bool) -> list[dict[str, Any]]:
        """What comes just before the unit's first event (or after its last) in each case."""
        if not idx.size:
            return []
        codes = self.case_codes[idx]
        edge = idx[np.r_[True, codes[1:] != codes[:-1]]] if before else idx[np.r_[codes[:-1] != codes[1:], True]]
        at_edge = self.first[edge] if before else self.last[edge]
        other = np.where(at_edge, edge, edge - 1 if before else edge + 1)
        names = np.where(at_edge, START if before else END, self.activity[other]).astype(object)
        unit_names = np.array([u.name for u in self.units] + [""], dtype=object)
        unit_basis = np.array([u.basis for u in self.units] + [""], dtype=object)
        code = np.where(at_edge, len(self.units), self.unit_codes[other])
        frame = pd.DataFrame({"activity": names, "unit": unit_names[code], "basis": unit_basis[code],
                              "own": self.activity[edge]})
        keys = ["activity", "unit", "basis"]
        counts = frame.groupby(keys, sort=False).size().sort_values(ascending=False, kind="stable")
        by_own = frame.groupby(keys + ["own"], sort=False).size().sort_values(ascending=False, kind="stable")
        own = {k[:3]: k[3] for k in reversed(by_own.index.tolist())}  # the most frequent is written last
        total = len(edge)
        return [{"activity": k[0], "unit": k[1] or None, "basis": k[2] or None, "own": own[k], "cases": int(c),
                 "share": c / total} for k, c in counts.items()]

    def _sequence(self, idx: np.ndarray) -> dict[str, Any] | None:
        """The most frequent order of the unit's own activities within a case."""
        from miner.discovery.dfg import variants

        if not idx.size:
            return None
        own = pd.DataFrame({E.CASE: self.case_codes[idx], E.ACTIVITY: self.activity[idx], E.TIMESTAMP: self.time[idx]})
        found = variants(encode(own))
        return {"activities": list(found.sequences[0]), "cases": int(found.counts[0]), "of": int(found.counts.sum()),
                "variants": len(found)}

    def _waits(self, idx: np.ndarray) -> list[dict[str, Any]]:
        """Per activity of the unit: median and 90th percentile of the wait since the previous event."""
        frame = pd.DataFrame({"a": self.activity[idx], "w": self.wait[idx]}).dropna()
        if frame.empty:
            return []
        groups = frame.groupby("a")["w"]
        stats = pd.DataFrame({"median": groups.median(), "p90": groups.quantile(0.9), "n": groups.size()})
        stats = stats[stats["n"] >= MIN_CASES].sort_values("median", ascending=False, kind="stable")
        return [{"activity": a, "median": float(r["median"]), "p90": float(r["p90"]), "events": int(r["n"])}
                for a, r in stats.iterrows()]

    def _elapsed(self, idx: np.ndarray) -> float | None:
        """Median time from the unit's first to its last event in a case (cases with 2+ events)."""
        if not idx.size:
            return None
        codes = self.case_codes[idx]  # events are in case order, so each case's run is contiguous
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        ends = np.r_[starts[1:], codes.size] - 1
        several = ends > starts
        if not several.any():
            return None
        times = self.time[idx]
        spans = (times[ends[several]] - times[starts[several]]).astype("timedelta64[s]").astype(float)
        return float(np.median(spans))

    def _approvals(self, idx: np.ndarray, cases: np.ndarray) -> list[dict[str, Any]]:
        """Approval-like activities of the unit: who does them, how long they wait, how often absent."""
        out = []
        names = pd.unique(self.activity[idx])
        for name in [a for a in names if APPROVAL.search(a)]:
            events = idx[self.activity[idx] == name]
            with_it = np.unique(self.case_codes[events])
            waits = self.wait[events]
            waits = waits[~np.isnan(waits)]
            absent = np.setdiff1d(cases, with_it)
            mask = np.zeros(self.n_cases, dtype=bool)
            mask[absent] = True
            out.append({"activity": name, "events": int(events.size), "cases": int(with_it.size),
                        "people": value_counts(self.log, E.RESOURCE, events), "roles": value_counts(self.log, E.ROLE, events),
                        "median": float(np.median(waits)) if waits.size else None,
                        "p90": float(np.quantile(waits, 0.9)) if waits.size else None,
                        "absent": int(absent.size), "absent_examples": self.examples(mask)})
        return out


def value_counts(log: pd.DataFrame, column: str, idx: np.ndarray) -> list[tuple[str, int]]:
    """(value, events) of a column over the events ``idx``, most first; missing values left out."""
    if column not in log.columns or not idx.size:
        return []
    counts = _text(log[column].iloc[idx]).dropna().value_counts()
    return [(str(k), int(v)) for k, v in counts.items()]


def _most(values: np.ndarray) -> str:
    return str(pd.Series(values).value_counts().index[0])
