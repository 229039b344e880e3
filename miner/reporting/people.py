"""Section 4 of the report: workload per employee and department, handovers, who does what."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.discovery.dfg import CodedLog, DirectlyFollows, directly_follows
from miner.reporting.sections import event_activities, event_values, period_freq, period_starts

TOP_PEOPLE = 20
TOP_WHO_WHAT = 12


@dataclass(frozen=True)
class People:
    """Who works on the process.

    Attributes:
        employees: ``employee, department, role, events, cases, activities`` (top activities with
            their share of the person's events), most events first.
        workload: employee x period event counts (the busiest ``TOP_PEOPLE``).
        departments: period x department event counts.
        freq: ``"W"``, ``"M"`` or ``"Q"``: the period of ``workload`` and ``departments``.
        handovers: department graph (self-loops removed), or None without departments.
        handover_table: ``source, target, count, cases, median_seconds``.
        who_what: employee x activity event counts (the busiest people and activities).
    """

    employees: pd.DataFrame
    workload: pd.DataFrame
    departments: pd.DataFrame
    freq: str
    handovers: DirectlyFollows | None
    handover_table: pd.DataFrame
    who_what: pd.DataFrame


def people(log: pd.DataFrame, coded: CodedLog, *, unknown: str = "—") -> People | None:
    """Return section 4, or None when the log names no one (``org:resource`` and ``org:group`` empty).

    Args:
        log: the canonical log; coded: ``encode(log)``.
        unknown: label of events without a department (on the handover map).

    Example:
        >>> p = people(log, encode(log))  # doctest: +SKIP
        >>> p.employees.iloc[0]["employee"]  # doctest: +SKIP
        'Кузнецов Олег Викторович'
    """
    has_people = E.RESOURCE in log.columns and log[E.RESOURCE].notna().any()
    has_groups = E.GROUP in log.columns and log[E.GROUP].notna().any()
    if not has_people and not has_groups:
        return None
    times = coded.timestamps
    freq = period_freq(pd.Timestamp(times.min()), pd.Timestamp(times.max())) if times.size else "W"
    frame = pd.DataFrame({
        "case": coded.case_index,
        "activity": event_activities(coded),
        "employee": event_values(log, coded, E.RESOURCE) if has_people else None,
        "department": event_values(log, coded, E.GROUP) if has_groups else None,
        "role": event_values(log, coded, E.ROLE) if E.ROLE in log.columns else None,
        "period": period_starts(times, freq),
    })
    employees = _employees(frame) if has_people else _empty_employees()
    top = employees["employee"].head(TOP_PEOPLE).tolist()
    workload = _pivot(frame[frame["employee"].isin(top)], "employee", "period", order=top)
    departments = _pivot(frame.dropna(subset=["department"]), "period", "department") if has_groups \
        else pd.DataFrame()
    graph, table = _handovers(log, coded, unknown) if has_groups else (None, _empty_handovers())
    acts = frame["activity"].value_counts().head(TOP_WHO_WHAT).index.tolist()
    who_what = _pivot(frame[frame["employee"].isin(top) & frame["activity"].isin(acts)],
                      "employee", "activity", order=top, columns_order=acts)
    return People(employees, workload, departments, freq, graph, table, who_what)


def _employees(frame: pd.DataFrame) -> pd.DataFrame:
    """Return one row per employee: main department and role, events, cases, top activities."""
    named = frame.dropna(subset=["employee"])
    events = named.groupby("employee", sort=False).size()
    cases = _cases_per_value(named["employee"], named["case"].to_numpy())
    main = {}
    for col in ("department", "role"):
        counts = named.dropna(subset=[col]).groupby(["employee", col], sort=False).size()
        main[col] = counts.sort_values(ascending=False, kind="stable").reset_index() \
            .drop_duplicates("employee").set_index("employee")[col] if len(counts) else pd.Series(dtype=object)
    per_act = named.groupby(["employee", "activity"], sort=False).size().rename("n").reset_index()
    per_act = per_act.sort_values(["employee", "n", "activity"], ascending=[True, False, True], kind="stable")
    per_act["share"] = per_act["n"] / per_act["employee"].astype(object).map(events).astype(float)
    top3 = per_act.groupby("employee", sort=False).head(3)
    activities = top3.groupby("employee", sort=False).apply(
        lambda g: list(zip(g["activity"], g["share"])), include_groups=False)
    out = pd.DataFrame({"employee": np.asarray(events.index, dtype=object), "events": events.to_numpy()})
    out["department"] = out["employee"].map(main["department"])
    out["role"] = out["employee"].map(main["role"])
    out["cases"] = out["employee"].map(cases).astype("int64")
    out["activities"] = out["employee"].map(activities)
    out = out.sort_values(["events", "employee"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return out[["employee", "department", "role", "events", "cases", "activities"]]


def _cases_per_value(values: pd.Series, cases: np.ndarray) -> pd.Series:
    """Return, per category of ``values``, the number of distinct cases it occurs in (no groupby)."""
    from miner.discovery.coding import _distinct

    codes = values.cat.codes.to_numpy().astype(np.int64)
    k = max(len(values.cat.categories), 1)
    keys = _distinct(cases.astype(np.int64)[codes >= 0] * k + codes[codes >= 0])
    return pd.Series(np.bincount(keys % k, minlength=len(values.cat.categories)),
                     index=pd.Index(np.asarray(values.cat.categories, dtype=object)))


def _empty_employees() -> pd.DataFrame:
    return pd.DataFrame(columns=["employee", "department", "role", "events", "cases", "activities"])


def _pivot(frame: pd.DataFrame, index: str, columns: str, *, order: list | None = None,
           columns_order: list | None = None) -> pd.DataFrame:
    """Count rows by ``index`` x ``columns`` into a table (missing = 0), rows and columns in order."""
    if frame.empty:
        return pd.DataFrame()
    table = frame.groupby([index, columns], sort=True).size().unstack(fill_value=0)
    if order is not None:
        table = table.reindex([o for o in order if o in table.index])
    if columns_order is not None:
        table = table.reindex(columns=[c for c in columns_order if c in table.columns])
    return table.astype("int64")


def _handovers(log: pd.DataFrame, coded: CodedLog, unknown: str) -> tuple[DirectlyFollows, pd.DataFrame]:
    """Return the directly-follows graph of departments without self-loops, and its edge table."""
    groups = event_values(log, coded, E.GROUP)
    if unknown not in groups.categories:
        groups = groups.add_categories([unknown])
    groups = groups.fillna(unknown)
    # the events are in the coded order already: the departments recode them, no sort is needed
    used = groups.remove_unused_categories()
    names, codes = _by_first_use(used)
    dfg = directly_follows(replace(coded, activities=names, codes=codes))
    keep = dfg.source != dfg.target
    graph = replace(dfg, source=dfg.source[keep], target=dfg.target[keep], count=dfg.count[keep],
                    cases=dfg.cases[keep], median_seconds=dfg.median_seconds[keep],
                    mean_seconds=dfg.mean_seconds[keep])
    table = graph.to_frame()[["source", "target", "count", "cases", "median_seconds"]]
    return graph, table


def _by_first_use(values: pd.Categorical) -> tuple[tuple[str, ...], np.ndarray]:
    """Return the categories in order of first appearance and the codes renumbered to match."""
    codes = np.asarray(values.codes, dtype=np.int64)
    k = len(values.categories)
    first = np.full(k, codes.size, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(codes.size, dtype=np.int64))
    order = np.argsort(first, kind="stable")
    rank = np.empty(k, dtype=np.int32)
    rank[order] = np.arange(k, dtype=np.int32)
    return tuple(str(values.categories[i]) for i in order), rank[codes]


def _empty_handovers() -> pd.DataFrame:
    return pd.DataFrame(columns=["source", "target", "count", "cases", "median_seconds"])
