"""``miner scope``: which work goes into the CRM as a process, which is project-like, and where it crosses systems.

A case belongs to the department of its first business step (``by="department"``: ``org:group``;
other groupings by role, source file, system or any case column). Each department gets a verdict
(:mod:`miner.scoping.verdicts`) from the structure of its cases (:mod:`miner.scoping.measures`)
and the information boundary of its steps (:mod:`miner.scoping.boundary`); with ``output`` the
result is written as ``scope.json`` with one scope map per department (:mod:`miner.scoping.maps`).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.declared.model import DeclaredProcess
from miner.discovery.dfg import Variants, encode, variants
from miner.errors import ColumnError, InputError
from miner.scoping.boundary import DEPARTMENT, UNKNOWN_SYSTEM, as_text, boundary, multi_source_share
from miner.scoping.measures import BOOTSTRAP_SAMPLES, business_mask, structure, without_repeats
from miner.scoping.result import DepartmentScope, Scope
from miner.scoping.verdicts import MIN_CASES, reasons, verdict

GROUPINGS = {"department": E.GROUP, "role": E.ROLE, "resource": E.RESOURCE, "file": E.FILE, "system": E.SYSTEM}
NO_DEPARTMENT = "Без подразделения"
# the columns the scope reads from the business steps (plus scope:department)
SCOPE_COLUMNS = (E.CASE, E.ACTIVITY, E.TIMESTAMP, E.SYSTEM, E.FILE, E.ENTERED)


def scope(source: Any, output: str | Path | None = None, *, declared: Any = None, by: str = "department",
          min_cases: int = MIN_CASES, samples: int = BOOTSTRAP_SAMPLES, maps: bool = True,
          lang: Literal["ru", "en"] = "ru", fitness: Mapping[str, float] | None = None,
          **read_options: Any) -> Scope:
    """Judge each department's work as process, semi, project or insufficient, and map its information boundary.

    Args:
        source: a PreparedLog, a canonical DataFrame, an IngestResult or file(s) to read.
        output: folder for ``scope.json`` and the scope maps (``scope_N.svg/.png/.gv``); None writes nothing.
        declared: declared process file(s) (YAML, Excel, BPMN) or DeclaredProcess objects: their
            steps' ``system`` is where each step should be recorded, and their fitness supports the verdict.
        by: how cases are grouped: ``department`` (org:group of the first step), ``role``,
            ``resource``, ``file``, ``system``, or the name of any column.
        min_cases: fewest cases for a verdict (fewer give ``insufficient``).
        samples: bootstrap resamples for the entropy's interval.
        maps: draw the scope maps when ``output`` is given.
        lang: language of the maps' legend (the reasons are in Russian).
        fitness: fitness already measured per declared process name (``miner.report`` hands over
            its comparison's, so the alignments are not run twice); others are computed.
        **read_options: column mapping and reading options for ``source``.

    Returns:
        A :class:`~miner.scoping.result.Scope`.

    Raises:
        InputError: the log cannot be read or has no business steps; ColumnError: ``by`` names no column.

    Example:
        >>> result = scope("orders.parquet", "scope/", declared="purchases.yaml")  # doctest: +SKIP
        >>> [d.verdict for d in result.departments]  # doctest: +SKIP
        ['process', 'project', 'insufficient']
    """
    from miner.ingestion.reading import prepare_log

    log = prepare_log(source, **read_options)
    processes = _declared(declared)
    frame, technical = _business(log.frame, by)
    plain = without_repeats(frame)  # once for all: a department holds whole cases, so its repeats are these
    departments = _departments(frame, plain, processes, min_cases, samples, technical, fitness or {})
    result = Scope(departments, boundary(frame, processes), by)
    if output is None:
        return result
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if maps:
        from miner.scoping.maps import save_scope_maps

        stems, files = save_scope_maps(plain, result, processes, out, lang=lang)
        written += files
        result = replace(result, departments=tuple(replace(d, map=stems.get(d.department, ""))
                                                   for d in result.departments))
    written.insert(0, result.write(out / "scope.json"))
    return replace(result, paths=tuple(written))


def _declared(declared: Any) -> list[DeclaredProcess]:
    if declared is None:
        return []
    from miner.declared.reading import read_declared

    items = declared if isinstance(declared, (list, tuple)) else [declared]
    return [d if isinstance(d, DeclaredProcess) else read_declared(d) for d in items]


def _business(frame: pd.DataFrame, by: str) -> tuple[pd.DataFrame, pd.Series]:
    """Return the business steps with each case's group in ``scope:department``, and technical events per group."""
    column = GROUPINGS.get(by, by)
    if column not in frame.columns:
        raise ColumnError(f"cannot group cases by '{by}': the log has no such column; use one of "
                          f"{', '.join(GROUPINGS)} or a column of the log ({', '.join(map(str, frame.columns[:12]))}, …)")
    groups = as_text(frame[column], NO_DEPARTMENT)
    keep = business_mask(frame)
    if not keep.any():
        raise InputError("the log holds no business steps (only 1C sessions, transactions and other platform "
                         "events); read the journal with case notion 'object' or add the document lists")
    # each case's group: that of its first business step (codes, not a text per row)
    case = pd.factorize(frame[E.CASE])[0]
    rows = np.flatnonzero(keep)
    cases, first = np.unique(case[rows], return_index=True)
    of_case = np.full(int(case.max()) + 1 if len(case) else 0, -1, dtype=np.int64)
    of_case[cases] = groups.cat.codes.to_numpy()[rows[first]]
    group_of_row = pd.Series(pd.Categorical.from_codes(of_case[case], categories=groups.cat.categories),
                             index=frame.index)
    technical = group_of_row[~keep].value_counts()
    technical = technical[technical > 0]
    system = as_text(frame.loc[keep, E.SYSTEM], UNKNOWN_SYSTEM)
    used = [c for c in SCOPE_COLUMNS if c in frame.columns]  # only what the scope reads: a narrow copy
    business = frame.loc[keep, used] if not keep.all() else frame[used]
    business[DEPARTMENT] = group_of_row.array[keep]  # categories stay categories: no text per row
    business[E.SYSTEM] = system.array
    return business, technical


def _departments(frame: pd.DataFrame, plain: pd.DataFrame, declared: Sequence[DeclaredProcess], min_cases: int,
                 samples: int, technical: pd.Series, known: Mapping[str, float]) -> tuple[DepartmentScope, ...]:
    """Measure and judge every department, the biggest first (``plain``: ``frame`` without repeats)."""

    out = []
    for name, cases in _cases_per_department(frame).items():
        part = _of(frame, name)
        coded = encode(_of(plain, name))  # once per department: its structure and its fitness
        found = variants(coded)
        measured = structure(part, samples=samples, coded=coded, found=found)
        fit = _fitness(found, declared, str(name), known) if cases >= min_cases else None
        kind = verdict(int(cases), measured, min_cases=min_cases)
        shares = part[E.SYSTEM].value_counts(normalize=True)
        extra = int(technical.get(name, 0))
        out.append(DepartmentScope(str(name), int(cases), kind, measured, fit, multi_source_share(part),
                                   {str(k): round(float(v), 4) for k, v in shares.items()},
                                   reasons(kind, measured, int(cases), fitness=fit, technical=extra,
                                           min_cases=min_cases), extra))
    return tuple(out)


def _cases_per_department(frame: pd.DataFrame) -> pd.Series:
    """Return the number of cases per department, the most first (ties: order of appearance)."""
    department = frame[DEPARTMENT].array
    case = E.value_codes(frame[E.CASE])
    of_case = np.full(int(case.max()) + 1 if case.size else 0, -1, dtype=np.int64)
    of_case[case] = department.codes  # a case belongs to one department (that of its first step)
    counts = np.bincount(of_case[of_case >= 0], minlength=len(department.categories))
    sizes = pd.Series(counts, index=pd.Index(department.categories, dtype=object))
    seen = pd.unique(department.codes)  # order of appearance, for the ties
    return sizes.iloc[seen[seen >= 0]].sort_values(ascending=False, kind="stable")


def _of(frame: pd.DataFrame, department: Any) -> pd.DataFrame:
    """The rows of one department (the frame itself when it holds no other: no copy)."""
    mask = (frame[DEPARTMENT] == department).to_numpy()
    return frame if mask.all() else frame[mask]


def _fitness(found: Variants, declared: Sequence[DeclaredProcess], department: str,
             known: Mapping[str, float]) -> float | None:
    """The fitness of the department's declared process on its cases, or None when none is its own."""
    from miner.comparison.conformance import fitness
    from miner.declared.matching import match_steps, normalize
    own = [p for p in declared if p.department and normalize(p.department) == normalize(department)]
    if not own and len(declared) == 1 and not declared[0].department:
        own = list(declared)
    if not own:
        return None
    process = own[0]
    if process.process in known:
        return float(known[process.process])
    names = {a for seq in found.sequences for a in seq}
    matching = match_steps({s.name: s.aliases for s in process.steps.values()}, names)
    if not matching.steps:
        return None
    renamed = [tuple(matching.activities.get(a, a) for a in seq) for seq in found.sequences]
    return float(np.clip(fitness(process, renamed, found.counts, time_budget=10.0).value, 0.0, 1.0))
