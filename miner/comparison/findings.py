"""Findings of a declared-vs-real comparison (CONTRACTS.md §4), computed per variant or per event.

Decisions (documented for the consultant, pinned by ``tests/test_comparison.py``):

- ``undeclared_path`` pairs are taken on the whole trace, as the data shows them, so a step not in
  the description also brings the paths into and out of it.
- ``skipped_step`` only for steps on every declared path (dominators of END, steps outside the
  system excluded); ``cases`` = cases without the step.
- ``unobserved_step``: a declared step never seen, or a step on every declared path seen in fewer
  than 1 % of the cases (``UNOBSERVED_SHARE``; a rare optional step is allowed by the
  description); ``cases`` = the cases without it, ``seen_cases`` = those with it. It replaces
  ``skipped_step``.
- ``unobserved_path``: a declared path never seen (its steps observed); ``cases`` = 0.
- ``rework``: an activity occurring at least twice in a case, unless the description itself lets
  it repeat: every step from one occurrence to the next is a declared path (a declared loop).
- ``role_mismatch``: events of the step whose ``org:role`` (``role``) or ``org:group``
  (``department``) differs after normalisation; ``cases`` = cases with such an event,
  ``observed`` = share of events per value (missing values left out).
- ``slow_step``: working time from the previous event of the case to the step over ``within``;
  ``cases`` = cases with an occurrence over the limit, ``median_hours`` = median of those
  occurrences, ``median_all_hours`` = median of all, ``time_lost_hours`` = total time over.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from miner.declared.model import END, START, DeclaredProcess, Limit
from miner.comparison.wording import summary
from miner.units import format_number

UNOBSERVED_SHARE = 0.01
MAX_EXAMPLES = 10
KIND_ORDER = ("skipped_step", "undeclared_step", "undeclared_path", "rework", "role_mismatch",
              "slow_step", "unobserved_step", "unobserved_path")


@dataclass(frozen=True)
class Finding:
    """One deviation of the data from a declared process.

    Attributes:
        kind: one of the kinds of CONTRACTS.md §4.
        cases, share: cases that show it and their share of all cases.
        examples: up to 10 case ids.
        summary: one sentence in Russian.
        fields: the kind's own fields (``activity``; ``from``/``to``; ``declared``, ``observed``,
            ``median_hours``, ``attribute``...), written into findings.json as they are.
        time_lost_hours: hours over the limit (``slow_step``), for ordering by importance.
        process: the declared process it belongs to (when several are compared).
        id, deviation: ``F1``… (its number in findings.json) and the id of the deviation it is a
            symptom of (:mod:`miner.comparison.deviations`); None until the comparison numbers them.
        case_index: the cases that show it, as positions in the log's case order (``CodedLog.case_ids``
            of the whole log); what deviations and drivers are computed from. Not in findings.json.
    """

    kind: str
    cases: int
    share: float
    examples: tuple[str, ...]
    summary: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    time_lost_hours: float = 0.0
    process: str | None = None
    case_index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), compare=False, repr=False)
    id: str | None = None
    deviation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as in findings.json."""
        out: dict[str, Any] = {"id": self.id} if self.id is not None else {}
        out |= {"kind": self.kind, **self.fields, "cases": self.cases,
                               "share": round(self.share, 4), "examples": list(self.examples),
                               "summary": self.summary}
        if self.time_lost_hours:
            out["time_lost_hours"] = round(self.time_lost_hours, 1)
        if self.process is not None:
            out["process"] = self.process
        if self.id is not None:
            out["deviation"] = self.deviation
        return out

    @property
    def subject(self) -> str:
        """The activity, or ``from → to`` for a path."""
        if "activity" in self.fields:
            return str(self.fields["activity"])
        return f'{self.fields.get("from")} → {self.fields.get("to")}'


def importance(finding: Finding) -> tuple:
    """Sort key: most cases first, then most time lost, then kind and name."""
    return (-finding.cases, -finding.time_lost_hours, KIND_ORDER.index(finding.kind), finding.subject)


@dataclass(frozen=True)
class Traces:
    """The variants of a (possibly projected) log in the declared steps' names.

    Attributes:
        sequences: activity names of each variant; counts: cases per variant.
        case_variant: variant of each case; case_ids: case ids in case order.
    """

    sequences: tuple[tuple[str, ...], ...]
    counts: np.ndarray
    case_variant: np.ndarray
    case_ids: np.ndarray

    @property
    def n_cases(self) -> int:
        return int(self.counts.sum())

    def hit(self, variants: np.ndarray) -> tuple[int, tuple[str, ...]]:
        """Return (cases, first example ids) of the variants where ``variants`` is true."""
        cases = int(self.counts[variants].sum())
        if not cases:
            return 0, ()
        first = np.flatnonzero(variants[self.case_variant])[:MAX_EXAMPLES]
        return cases, tuple(str(c) for c in self.case_ids[first])

    def cases_of(self, variants: np.ndarray) -> np.ndarray:
        """Return the positions of the cases whose variant is marked in ``variants``."""
        return np.flatnonzero(variants[self.case_variant])


def _make(kind: str, traces: Traces, variants: np.ndarray, fields: dict[str, Any],
          n_cases: int | None = None) -> Finding | None:
    """Build a finding from the variants that show it (None when no case does)."""
    cases, examples = traces.hit(variants)
    if not cases:
        return None
    total = n_cases or traces.n_cases
    return Finding(kind, cases, cases / total, examples, summary(kind, fields, cases, total), fields,
                   case_index=traces.cases_of(variants))


def undeclared_findings(traces: Traces, known: set[str]) -> list[Finding]:
    """Return activities not in any description (``undeclared_step``) and their repeats."""
    n = len(traces.sequences)
    present: dict[str, np.ndarray] = {}
    repeated: dict[str, np.ndarray] = {}
    for v, seq in enumerate(traces.sequences):
        seen: set[str] = set()
        for a in seq:
            if a in known:
                continue
            if a in seen:
                repeated.setdefault(a, np.zeros(n, bool))[v] = True
            seen.add(a)
            present.setdefault(a, np.zeros(n, bool))[v] = True
    out = [_make("undeclared_step", traces, mask, {"activity": a}) for a, mask in present.items()]
    out += [_make("rework", traces, mask, {"activity": a}) for a, mask in repeated.items()]
    return [f for f in out if f is not None]


def step_findings(traces: Traces, declared: DeclaredProcess, *, outside: Sequence[str] = (),
                  report_undeclared: bool = True,
                  ignore: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
    """Return undeclared, unobserved, skipped and repeated steps (per variant).

    ``report_undeclared=False`` leaves out activities not in ``declared`` (several descriptions:
    they are reported once, by :func:`undeclared_findings`).
    """
    steps = set(declared.steps) | set(outside)
    n = len(traces.sequences)
    present: dict[str, np.ndarray] = {}
    repeated: dict[str, np.ndarray] = {}
    for v, seq in enumerate(traces.sequences):
        for a in seq:
            present.setdefault(a, np.zeros(n, bool))[v] = True
        own = [a for a in seq if a not in ignore] if ignore else seq
        for a in _undeclared_repeats(own, declared.edges):
            repeated.setdefault(a, np.zeros(n, bool))[v] = True
    none = np.zeros(n, bool)
    out: list[Finding | None] = []
    if report_undeclared:
        out += undeclared_findings(traces, steps)
    unobserved = set()
    mandatory = declared.mandatory_steps()
    for name in (s for s in declared.steps if s not in outside):
        seen_cases, _ = traces.hit(present.get(name, none))
        if seen_cases == 0 or (name in mandatory and seen_cases < UNOBSERVED_SHARE * traces.n_cases):
            unobserved.add(name)
            out.append(_make("unobserved_step", traces, ~present.get(name, none),
                             {"activity": name, "seen_cases": seen_cases}))
    for name in mandatory:
        if name not in unobserved and name not in outside:
            out.append(_make("skipped_step", traces, ~present.get(name, none), {"activity": name}))
    for a, mask in repeated.items():
        if a in steps:
            out.append(_make("rework", traces, mask, {"activity": a}))
    return [f for f in out if f is not None]


def _undeclared_repeats(seq: Sequence[str], edges: frozenset[tuple[str, str]]) -> set[str]:
    """Return activities that repeat in ``seq`` other than by going round a declared cycle.

    A repeat is declared when every step from one occurrence to the next is a declared edge
    (a loop the description allows, or any repeat under a model mined from the log itself).
    """
    last: dict[str, int] = {}
    out: set[str] = set()
    for i, a in enumerate(seq):
        j = last.get(a)
        if j is not None and a not in out:
            if not all((seq[k], seq[k + 1]) in edges for k in range(j, i)):
                out.add(a)
        last[a] = i
    return out


def path_findings(traces: Traces, declared: DeclaredProcess, *, skip: Sequence[str] = (),
                  ignore: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
    """Return undeclared paths (whole traces) and declared paths never seen.

    Args:
        skip: steps whose declared paths are not reported as unseen (the step itself is).
        ignore: activities whose paths are not judged (another description's business).
    """
    n = len(traces.sequences)
    pairs: dict[tuple[str, str], np.ndarray] = {}
    for v, seq in enumerate(traces.sequences):
        path = (START, *seq, END)
        for pair in zip(path, path[1:]):
            pairs.setdefault(pair, np.zeros(n, bool))[v] = True
    out: list[Finding | None] = []
    for (a, b), mask in pairs.items():
        if (a, b) not in declared.edges and a not in ignore and b not in ignore:
            out.append(_make("undeclared_path", traces, mask, {"from": a, "to": b}))
    seen = set(pairs)
    if ignore:  # a declared path may be seen with ignored activities in between
        for seq in traces.sequences:
            path = (START, *(a for a in seq if a not in ignore), END)
            seen.update(zip(path, path[1:]))
    for a, b in sorted(declared.edges - seen):
        if a not in skip and b not in skip:
            fields = {"from": a, "to": b}
            out.append(Finding("unobserved_path", 0, 0.0, (), summary("unobserved_path", fields, 0, n), fields))
    return [f for f in out if f is not None]


def role_findings(step_codes: np.ndarray, case_index: np.ndarray, case_ids: np.ndarray,
                  values: np.ndarray, names: Sequence[str] | np.ndarray, declared: DeclaredProcess,
                  attribute: str, n_cases: int) -> list[Finding]:
    """Return role/department mismatches of the steps that declare ``attribute``.

    Args:
        step_codes: per event, the index of its step in ``list(declared.steps)`` (-1 otherwise).
        case_index, case_ids: per event its case number; case ids by number.
        values: per event the code of its role/department value in ``names`` (-1 = missing).
        names: the distinct values.
        attribute: ``"role"`` or ``"department"``.
        n_cases: cases in scope (denominator of ``share``).
    """
    from miner.declared.matching import normalize

    normal = np.array([normalize(v) for v in names], dtype=object)
    out = []
    for k, step in enumerate(declared.steps.values()):
        want = getattr(step, attribute)
        if not want:
            continue
        mine = (step_codes == k) & (values >= 0)
        if not mine.any():
            continue
        bad_value = normal != normalize(want)
        bad = np.flatnonzero(mine & bad_value[np.maximum(values, 0)])
        if not bad.size:
            continue
        hit_cases = np.unique(case_index[bad])
        counts = np.bincount(values[mine], minlength=len(names))
        observed = {str(names[i]): round(float(counts[i] / counts.sum()), 4)
                    for i in np.argsort(-counts, kind="stable") if counts[i]}
        top = max(((v, s) for v, s in observed.items() if normalize(v) != normalize(want)),
                  key=lambda x: x[1])
        fields = {"activity": step.name, "attribute": attribute, "declared": want, "observed": observed}
        said = summary("role_mismatch", fields, int(hit_cases.size), n_cases, top=top[0], top_share=top[1])
        out.append(Finding("role_mismatch", int(hit_cases.size), hit_cases.size / n_cases,
                           tuple(str(c) for c in case_ids[hit_cases[:MAX_EXAMPLES]]), said, fields,
                           case_index=hit_cases))
    return out


def slow_findings(step_codes: np.ndarray, case_index: np.ndarray, case_ids: np.ndarray,
                  waits: np.ndarray, declared: DeclaredProcess, day_seconds: float,
                  n_cases: int, working: bool = True) -> list[Finding]:
    """Return the steps whose time from the previous event exceeds ``within``.

    Args:
        waits: per event, seconds (working time) since the previous event of its case (NaN
            for the first event of a case).
        day_seconds: the length of a day in the limits (a working day: 9 h for 9-18).
        working: the times are working time (changes only the wording).
    """
    unit = "раб. ч" if working else "ч"
    out = []
    for k, step in enumerate(declared.steps.values()):
        if step.within is None:
            continue
        limit = step.within.seconds(day_seconds)
        mine = (step_codes == k) & ~np.isnan(waits)
        over = np.flatnonzero(mine & (np.nan_to_num(waits, nan=-1.0) > limit))
        if not over.size:
            continue
        hit_cases = np.unique(case_index[over])
        median = float(np.median(waits[over])) / 3600
        lost = float((waits[over] - limit).sum()) / 3600
        fields = {"activity": step.name, "declared": step.within.text, "median_hours": round(median, 1),
                  "median_all_hours": round(float(np.median(waits[mine])) / 3600, 1),
                  "limit_hours": round(limit / 3600, 2)}
        said = summary("slow_step", fields, int(hit_cases.size), n_cases, limit=_limit_words(step.within, working),
                       median=format_number(median), unit=unit)
        out.append(Finding("slow_step", int(hit_cases.size), hit_cases.size / n_cases,
                           tuple(str(c) for c in case_ids[hit_cases[:MAX_EXAMPLES]]), said, fields,
                           time_lost_hours=lost, case_index=hit_cases))
    return out


def split_accepted(findings: Sequence[Finding], declared: DeclaredProcess) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (findings, accepted) by the description's ``accepted`` entries.

    A ``{step: X}`` entry accepts every finding about X except ``rework`` (a repeat is still
    worth seeing); a ``{from: A, to: B}`` entry accepts that path.
    """
    from miner.declared.matching import normalize

    steps = {normalize(a.step) for a in declared.accepted if a.step is not None}
    paths = {(normalize(a.source), normalize(a.target)) for a in declared.accepted if a.step is None}
    keep: list[Finding] = []
    accepted: list[Finding] = []
    for f in findings:
        if "activity" in f.fields:
            hit = f.kind != "rework" and normalize(f.fields["activity"]) in steps
        else:
            hit = (normalize(f.fields["from"]), normalize(f.fields["to"])) in paths
        (accepted if hit else keep).append(f)
    return keep, accepted


def _limit_words(limit: Limit, working: bool) -> str:
    """A declared limit in words: ``5d`` → «5 раб. дн.», ``1д 4ч`` → «1 раб. дн. 4 ч», ``30m`` → «30 мин»."""
    parts = []
    if limit.days:
        parts.append(f"{format_number(limit.days)} {'раб. дн.' if working else 'дн.'}")
    hours, minutes = divmod(round(limit.minutes), 60)
    if hours:
        parts.append(f"{hours} ч")
    if minutes:
        parts.append(f"{minutes} мин")
    return " ".join(parts) or limit.text
