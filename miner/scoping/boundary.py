"""Where the information crosses the system's boundary: systems per step, entry delay, sources, crossings.

For each department (of the case) and activity: in which ``source:system`` its events are
recorded against the system the declared process names, and — where the log has ``time:entered``
— how long after the work they were entered. Per department: the share of cases fed by more than
one source file or system. Crossings: a case's next business step recorded in another system.
Steps the declared process puts on paper, phone or e-mail (``OFFLINE_SYSTEMS``) are listed as part
of the boundary (``offline``), never as deviations.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.declared.matching import match_steps, normalize, normalize_system
from miner.declared.model import OFFLINE_SYSTEMS, DeclaredProcess

LATE_HOURS = 24.0
UNKNOWN_SYSTEM = "—"
DEPARTMENT = "scope:department"  # the case's department, added to the frame the analyses share


@dataclass(frozen=True)
class Boundary:
    """The information boundary of every department.

    Attributes:
        activities: one dict per (department, activity) as in scope.json ``boundary.activities``.
        crossings: one dict per (department, from, to, from_system, to_system) with ``cases``.
        systems: department -> {system: share of its events}.
        multi_source: department -> share of its cases whose events come from more than one
            source file or system.
        has_entered: the log has a ``time:entered`` column.
    """

    activities: tuple[dict[str, Any], ...]
    crossings: tuple[dict[str, Any], ...]
    systems: dict[str, dict[str, float]]
    multi_source: dict[str, float]
    has_entered: bool


def declared_systems(declared: Sequence[DeclaredProcess], department: str,
                     activities: Sequence[str]) -> dict[str, str]:
    """Return activity -> the system the declared process names for it (also offline steps' names).

    A process whose ``department`` is this department is preferred; else every process is used.
    Declared steps absent from the log are returned under their own name.

    Example:
        >>> declared_systems([], "Склад", ["Отгрузка"])
        {}
    """
    own = own_processes(declared, department)
    out: dict[str, str] = {}
    for process in own or list(declared):
        matching = match_steps({s.name: s.aliases for s in process.steps.values()}, activities)
        for step in process.steps.values():
            if step.system is None:
                continue
            for name in matching.steps.get(step.name, (step.name,)):
                out.setdefault(name, step.system)
    return out


def own_processes(declared: Sequence[DeclaredProcess], department: str) -> list[DeclaredProcess]:
    """Return the declared processes whose ``department`` is ``department``."""
    return [p for p in declared if p.department and normalize(p.department) == normalize(department)]


def is_offline(system: str | None) -> bool:
    """Tell whether a declared system is one the data cannot show (paper, phone, e-mail)."""
    return system is not None and normalize(system) in OFFLINE_SYSTEMS


def boundary(frame: pd.DataFrame, declared: Sequence[DeclaredProcess] = ()) -> Boundary:
    """Return the information boundary of a frame of business steps with a ``scope:department`` column.

    Example:
        >>> b = boundary(frame)  # doctest: +SKIP
        >>> b.multi_source["Отдел закупок"]  # doctest: +SKIP
        0.3
    """
    frame = frame.assign(**{E.SYSTEM: frame[E.SYSTEM].fillna(UNKNOWN_SYSTEM)})
    has_entered = E.ENTERED in frame.columns
    rows: list[dict[str, Any]] = []
    systems: dict[str, dict[str, float]] = {}
    multi: dict[str, float] = {}
    for department, part in frame.groupby(DEPARTMENT, sort=False):
        name = str(department)
        shares = part[E.SYSTEM].value_counts(normalize=True)
        systems[name] = {str(k): round(float(v), 4) for k, v in shares.items()}
        multi[name] = multi_source_share(part)
        rows += _activity_rows(part, name, declared, has_entered)
    return Boundary(tuple(rows), tuple(_crossings(frame)), systems, multi, has_entered)


def multi_source_share(part: pd.DataFrame) -> float:
    """Share of the cases whose events come from more than one source file or system."""
    case = E.value_codes(part[E.CASE])
    if not (case >= 0).any():
        return 0.0
    size = int(case.max()) + 1
    present = np.bincount(case[case >= 0], minlength=size) > 0
    mixed = np.zeros(size, dtype=bool)
    for column in (E.FILE, E.SYSTEM):  # more than one distinct value in a case (missing ones not counted)
        if column not in part.columns:
            continue
        value = E.value_codes(part[column]).astype(np.int64)
        known = (value >= 0) & (case >= 0)
        low = np.full(size, np.iinfo(np.int64).max)
        high = np.full(size, -1)
        np.minimum.at(low, case[known], value[known])
        np.maximum.at(high, case[known], value[known])
        mixed |= (high >= 0) & (low != high)
    return round(float(mixed[present].mean()), 4)


def _activity_rows(part: pd.DataFrame, department: str, declared: Sequence[DeclaredProcess],
                   has_entered: bool) -> list[dict[str, Any]]:
    """One row per activity of a department, then the declared offline steps it never recorded."""
    # most events first, ties in order of appearance (whether the names are text or categories)
    names = as_text(part[E.ACTIVITY])
    counts = names.value_counts(sort=False).sort_values(ascending=False, kind="stable")
    wanted = declared_systems(declared, department, [str(a) for a in counts.index])
    by_system = part.groupby([names, E.SYSTEM], sort=False, observed=True).size()
    delays = _delays(part) if has_entered else None
    rows = []
    for activity, events in counts.items():
        observed = by_system.loc[activity]
        shares = {str(k): round(float(v) / int(events), 4) for k, v in observed.sort_values(ascending=False).items()}
        target = wanted.get(str(activity))
        rows.append({"activity": str(activity), "department": department, "events": int(events),
                     "declared_system": target, "offline": is_offline(target),
                     "systems": shares, "outside_declared_share": _outside_share(shares, target),
                     **_delay_fields(delays, str(activity))})
    seen = set(counts.index.astype(str))
    for activity, target in declared_systems(own_processes(declared, department), department, []).items():
        if activity not in seen and is_offline(target):
            rows.append({"activity": activity, "department": department, "events": 0, "declared_system": target,
                         "offline": True, "systems": {}, "outside_declared_share": None,
                         "entry_delay_hours": None, "late_entry_share": None})
    return rows


def as_text(column: pd.Series, blank: str | None = None) -> pd.Series:
    """The column's values as text categories in order of appearance, one text per value, not per row.

    Values that print alike share a category, as with ``astype(str)`` (which makes a text per row:
    10^7 of them at 10^7 events). With ``blank``, empty values ("", "None", NaN) become ``blank``.
    """
    codes, uniques = pd.factorize(column)
    if len(set(map(str, uniques))) < len(uniques):  # 1 and 1.0 are one value but two texts: code the texts
        codes, uniques = pd.factorize(column.astype(str))

    def name(text: str) -> str:
        return blank if blank is not None and text in ("", "None", "nan") else text

    names = [name(str(u)) for u in uniques]
    if (codes < 0).any():
        names.append(name("nan"))  # stands for the missing values
        codes = np.where(codes < 0, len(names) - 1, codes)
    labels = pd.Index(names, dtype=object).unique()
    codes = labels.get_indexer(names)[codes]
    return pd.Series(pd.Categorical.from_codes(codes, categories=labels), index=column.index)


def _outside_share(shares: dict[str, float], target: str | None) -> float | None:
    """Share of the events recorded elsewhere than the declared system (None when none or offline is declared)."""
    if target is None or is_offline(target):
        return None
    inside = sum(v for k, v in shares.items() if normalize_system(k) == normalize_system(target))
    return round(1.0 - inside, 4)


def _delays(part: pd.DataFrame) -> pd.DataFrame:
    """Entry delay in hours of every event that has both times, with its activity."""
    entered = pd.to_datetime(part[E.ENTERED], errors="coerce")
    hours = (entered - part[E.TIMESTAMP]).dt.total_seconds() / 3600.0
    out = pd.DataFrame({"activity": part[E.ACTIVITY].astype(str), "hours": hours})
    return out[out["hours"].notna()]


def _delay_fields(delays: pd.DataFrame | None, activity: str) -> dict[str, Any]:
    if delays is None:
        return {"entry_delay_hours": None, "late_entry_share": None}
    hours = delays.loc[delays["activity"] == activity, "hours"].to_numpy()
    if not hours.size:
        return {"entry_delay_hours": None, "late_entry_share": None}
    return {"entry_delay_hours": {"median": round(float(np.median(hours)), 2),
                                  "p90": round(float(np.percentile(hours, 90)), 2)},
            "late_entry_share": round(float((hours > LATE_HOURS).mean()), 4)}


def _crossings(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the places where a case's next step is recorded in another system, most cases first."""
    if len(frame) < 2:
        return []
    case, system = pd.factorize(frame[E.CASE])[0], pd.factorize(frame[E.SYSTEM])[0]  # codes: no text per row
    step = (case[1:] == case[:-1]) & (system[1:] != system[:-1])
    if not step.any():
        return []
    at = np.flatnonzero(step)

    def text(column: str, rows: np.ndarray) -> np.ndarray:
        return frame[column].iloc[rows].astype(str).to_numpy()

    pairs = pd.DataFrame({"department": text(DEPARTMENT, at), "from": text(E.ACTIVITY, at),
                          "to": text(E.ACTIVITY, at + 1), "from_system": text(E.SYSTEM, at),
                          "to_system": text(E.SYSTEM, at + 1), "case": case[at]})
    keys = ["department", "from", "to", "from_system", "to_system"]
    table = pairs.groupby(keys, sort=False)["case"].nunique().rename("cases").reset_index()
    table = table.sort_values(["cases", "department", "from", "to"], ascending=[False, True, True, True], kind="stable")
    return [{k: (int(v) if k == "cases" else str(v)) for k, v in row.items()} for row in table.to_dict("records")]
