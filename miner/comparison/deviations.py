"""Deviations: one per cause, each holding the findings that are its symptoms (CONTRACTS.md §5).

One cause shows as several findings: a skipped approval also makes the path that bypasses it;
an undeclared «change the order» step makes its paths in and out and the repeat of the approval
it sends the order back to; paying after delivery makes three undeclared paths. Findings are
joined into one deviation when

- *a step and its bypass*: a skipped (or never recorded) step S and an undeclared path ``A → B``
  with ``A → S`` and ``S → B`` declared, whose cases are (at least 80 %) cases without S;
- *an undeclared step and what it brings*: an undeclared step X and every undeclared path into or
  out of X, the repeat of X, and the repeat of a step Y that X leads back to (a path ``X → Y`` or
  ``Y → X`` is a finding and at least 80 % of the repeats of Y are in cases with X);
- *a repeat and its self-loop*: the repeat of Y and the path ``Y → Y``;
- *the same cases*: two findings whose case sets nearly coincide — the phi coefficient (Pearson
  correlation of the two case-membership indicators) at least :data:`SAME_CASES` = 0.8. Phi, unlike
  the plain Jaccard index, is 0 for independent causes whatever their size: two unrelated
  deviations in 90 % and 85 % of the cases overlap in 77 % of them (Jaccard 0.78) but have phi 0.
  A swap of two steps makes three paths in exactly the same cases; this is how they are joined.

Never recorded steps and never seen paths (``unobserved_*``) join only by the first rule.
A deviation's ``cases`` are the cases that show any of its findings; its title comes from its
main finding (:mod:`miner.comparison.wording`); its drivers from :mod:`miner.comparison.drivers`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from miner.comparison.drivers import Attributes, Driver, find_drivers
from miner.comparison.findings import KIND_ORDER, MAX_EXAMPLES, Finding
from miner.comparison.wording import in_cases, title
from miner.declared.model import END, START, DeclaredProcess

SAME_CASES = 0.8     # phi of two findings' case sets above which they are one cause
CONTAINED = 0.8      # share of a path's (a repeat's) cases inside the step's cases to join them
# The finding that names a deviation: an undeclared step that comes with skipped steps in the same
# cases (a cancellation, a step done under another name) names them, not the other way round.
MAIN_KINDS = ("undeclared_step", "skipped_step", "unobserved_step", "role_mismatch", "slow_step",
              "rework", "undeclared_path", "unobserved_path")
NO_DRIVERS_ABOVE = 0.95  # a deviation in nearly every case has no «elsewhere» to compare with


@dataclass(frozen=True)
class Deviation:
    """One cause seen in the data, with the findings that are its symptoms (CONTRACTS.md §5).

    Attributes:
        id: ``D1``, ``D2``… in order of importance.
        title: what happens, in plain Russian.
        findings: ids (``F1``…) of its findings.
        cases, share: cases that show it, and their share of all cases.
        examples: up to 10 case ids.
        time_lost_hours: working hours over the declared limits in these findings.
        drivers: attribute values under which it is markedly more frequent.
        summary: one sentence in Russian.
        kind: the kind of its main finding (the one that names it).
        process: the description it belongs to (several descriptions only).
        case_index: positions of its cases in the log's case order (not in findings.json).
        title_en: the title in English (for ``--lang en`` outputs; not in findings.json).
    """

    id: str
    title: str
    findings: tuple[str, ...]
    cases: int
    share: float
    examples: tuple[str, ...]
    time_lost_hours: float
    drivers: tuple[Driver, ...]
    summary: str
    kind: str = ""
    process: str | None = None
    case_index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), compare=False, repr=False)
    title_en: str = field(default="", compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the deviation as in findings.json."""
        out: dict[str, Any] = {
            "id": self.id, "title": self.title, "findings": list(self.findings), "cases": self.cases,
            "share": round(self.share, 4), "examples": list(self.examples),
            "time_lost_hours": round(self.time_lost_hours, 1),
            "drivers": [d.to_dict() for d in self.drivers], "summary": self.summary, "kind": self.kind}
        if self.process is not None:
            out["process"] = self.process
        return out


def build_deviations(findings: Sequence[Finding], models: Mapping[str | None, DeclaredProcess],
                     case_ids: np.ndarray, attributes: Attributes | None) -> tuple[list[Finding], list[Deviation]]:
    """Group ``findings`` (most important first) into deviations; number both.

    Args:
        findings: the comparison's findings, sorted by importance, with ``case_index`` set.
        models: the model each finding was judged against, by ``Finding.process`` (None: the
            only description).
        case_ids: the log's case ids in case order (``case_index`` points into it).
        attributes: the cases' attributes for drivers (None: no drivers).

    Returns:
        (the findings with ``id`` and ``deviation`` set, the deviations most important first).

    Example:
        >>> numbered, deviations = build_deviations(result.findings, {None: declared}, coded.case_ids, None)  # doctest: +SKIP
    """
    n_cases = int(case_ids.size)
    groups = _groups(list(findings), models, n_cases)
    made = [_deviation([findings[i] for i in g], models, case_ids, attributes) for g in groups]
    order = sorted(range(len(made)), key=lambda k: _rank(made[k]))
    deviations, owner = [], {}
    for number, k in enumerate(order, start=1):
        dev_id = f"D{number}"
        deviations.append(replace(made[k], id=dev_id))
        owner.update({i: dev_id for i in groups[k]})
    numbered = [replace(f, id=f"F{i + 1}", deviation=owner[i]) for i, f in enumerate(findings)]
    deviations = [replace(d, findings=tuple(f"F{i + 1}" for i in sorted(groups[order[n]])))
                  for n, d in enumerate(deviations)]
    return numbered, deviations


def _rank(d: Deviation) -> tuple:
    return (-d.cases, -d.time_lost_hours, KIND_ORDER.index(d.kind) if d.kind in KIND_ORDER else 99, d.title)


def _groups(findings: list[Finding], models: Mapping[str | None, DeclaredProcess], n_cases: int) -> list[list[int]]:
    """Return the findings' indices grouped by cause (union of the rules in the module docstring)."""
    parent = list(range(len(findings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _links(findings, models, n_cases):
        parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(findings)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _links(findings: list[Finding], models: Mapping[str | None, DeclaredProcess], n_cases: int) -> list[tuple[int, int]]:
    """Return pairs of findings that are symptoms of one cause."""
    paths = {(f.process, f.fields.get("from"), f.fields.get("to")) for f in findings if f.kind == "undeclared_path"}
    out = []
    for i, f in enumerate(findings):
        for j in range(i + 1, len(findings)):
            g = findings[j]
            if _structural(f, g, models, paths) or _structural(g, f, models, paths) or _same_cases(f, g, n_cases):
                out.append((i, j))
    return out


def _structural(f: Finding, g: Finding, models: Mapping[str | None, DeclaredProcess], paths: set) -> bool:
    """Tell whether ``g`` is a symptom of the step finding ``f`` (bypass, paths of an undeclared step...)."""
    if f.process != g.process or "activity" not in f.fields:
        return False
    s = f.fields["activity"]
    if f.kind in ("skipped_step", "unobserved_step") and g.kind == "undeclared_path":
        edges = models[f.process].edges if f.process in models else frozenset()
        bypass = (g.fields["from"], s) in edges and (s, g.fields["to"]) in edges
        return bypass and _contained(g, f)
    if f.kind == "undeclared_step":
        if g.kind == "undeclared_path":
            return s in (g.fields["from"], g.fields["to"])
        if g.kind == "rework":
            y = g.fields["activity"]
            return y == s or (((g.process, s, y) in paths or (g.process, y, s) in paths) and _contained(g, f))
    if f.kind == "rework" and g.kind == "undeclared_path":
        return g.fields["from"] == g.fields["to"] == s
    return False


def _contained(inner: Finding, outer: Finding) -> bool:
    """Tell whether at least :data:`CONTAINED` of ``inner``'s cases are ``outer``'s."""
    if inner.case_index.size == 0:
        return False
    return _common(inner.case_index, outer.case_index) >= CONTAINED * inner.case_index.size


def _same_cases(f: Finding, g: Finding, n: int) -> bool:
    """Tell whether the two findings occur in nearly the same cases (phi ≥ :data:`SAME_CASES`)."""
    if "unobserved_step" in (f.kind, g.kind) or "unobserved_path" in (f.kind, g.kind):
        return False
    a, b = f.case_index.size, g.case_index.size
    if not a or not b or max(a, b) >= n or min(a, b) < SAME_CASES ** 2 * max(a, b):
        return False  # phi ≥ 0.8 needs sizes within a factor 0.64 of each other
    both = _common(f.case_index, g.case_index)
    phi = (both * n - a * b) / np.sqrt(float(a) * b * (n - a) * (n - b))
    return bool(phi >= SAME_CASES)


def _common(a: np.ndarray, b: np.ndarray) -> int:
    """Return how many cases two findings share (their case indices are distinct; sorted ones are not re-sorted)."""
    if a.size and b.size and (np.diff(a) > 0).all() and (np.diff(b) > 0).all():
        small, big = (a, b) if a.size <= b.size else (b, a)
        at = np.searchsorted(big, small).clip(max=big.size - 1)
        return int((big[at] == small).sum())
    return int(np.intersect1d(a, b, assume_unique=True).size)


def _deviation(group: list[Finding], models: Mapping[str | None, DeclaredProcess], case_ids: np.ndarray,
               attributes: Attributes | None) -> Deviation:
    """Build the (unnumbered) deviation of one group of findings."""
    n = max(int(case_ids.size), 1)
    main = min(group, key=lambda f: (MAIN_KINDS.index(f.kind), -f.cases))
    cases = np.unique(np.concatenate([f.case_index for f in group])) if group else np.zeros(0, np.int64)
    swap = None
    if main.kind in ("undeclared_path", "rework"):
        swap = _swap(group, models.get(main.process))
    others = [f for f in group if f is not main]
    name = title(main, others, swap)
    lost = float(sum(f.time_lost_hours for f in group))
    drivers: tuple[Driver, ...] = ()
    if attributes is not None and cases.size and cases.size < NO_DRIVERS_ABOVE * n:
        shows = np.zeros(n, dtype=bool)
        shows[cases] = True
        drivers = find_drivers(shows, attributes)
    share = cases.size / n
    summary = f"{name} — {in_cases(int(cases.size), n)}." if cases.size else f"{name}."
    return Deviation("", name, (), int(cases.size), share, tuple(str(c) for c in case_ids[cases[:MAX_EXAMPLES]]),
                     lost, drivers, summary, main.kind, main.process, cases, title(main, others, swap, lang="en"))


def _swap(group: list[Finding], model: DeclaredProcess | None) -> tuple[str, str] | None:
    """Return ``(earlier, later)`` when a path of the group goes back against the declared order."""
    if model is None:
        return None
    import networkx as nx

    graph = model.graph()
    for f in group:
        if f.kind != "undeclared_path":
            continue
        a, b = f.fields["from"], f.fields["to"]
        if START in (a, b) or END in (a, b) or a == b or a not in graph or b not in graph:
            continue
        if nx.has_path(graph, b, a) and not nx.has_path(graph, a, b):
            return b, a
    return None
