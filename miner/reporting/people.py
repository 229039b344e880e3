"""Section 4 of the report: workload per employee and department, handovers, who does what."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.discovery.dfg import CodedLog, DirectlyFollows, _cases_per_slot, directly_follows
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
    """Return one row per employee: main department and role, events, cases, top activities.

    Counted on the columns' codes (a table of counts per employee and value), not by grouping
    10^7 rows several times over.
    """
    employee = frame["employee"].array
    codes = np.asarray(employee.codes, dtype=np.int64)
    named = codes >= 0
    k = len(employee.categories)
    events = np.bincount(codes[named], minlength=k)
    if not events.any():
        return _empty_employees()
    case = frame["case"].to_numpy()[named]
    cases = _cases_per_slot(case, codes[named], int(case.max()) + 1, k)
    main = {col: _main_value(codes, frame[col].array, events) if frame[col].notna().any() else [None] * k
            for col in ("department", "role")}
    activity = frame["activity"].array
    names = list(activity.categories)
    per_act = _counts(codes[named], np.asarray(activity.codes, dtype=np.int64)[named], k, len(names))
    order = np.arange(len(names))  # ties: the activities' order in the log
    top3 = [[(names[a], float(per_act[e, a] / events[e])) for a in np.lexsort((order, -per_act[e]))[:3]
             if per_act[e, a]] for e in range(k)]
    out = pd.DataFrame({"employee": np.asarray(employee.categories, dtype=object), "events": events,
                        "department": main["department"], "role": main["role"], "cases": cases,
                        "activities": top3})
    out = out[events > 0]
    out = out.sort_values(["events", "employee"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return out[["employee", "department", "role", "events", "cases", "activities"]]


def _counts(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
    """Return the table of how often each (row code, column code) pair occurs (-1 codes left out)."""
    ok = (rows >= 0) & (cols >= 0)
    return np.bincount(rows[ok] * n_cols + cols[ok], minlength=n_rows * n_cols).reshape(n_rows, n_cols)


def _main_value(codes: np.ndarray, values: pd.Categorical, events: np.ndarray) -> list:
    """Return per employee code the value they have most often; a tie goes to the one they had first."""
    value_codes = np.asarray(values.codes, dtype=np.int64)
    table = _counts(codes, value_codes, len(events), len(values.categories))
    out: list = []
    for e, row in enumerate(table):
        best = np.flatnonzero((row == row.max()) & (row > 0))
        if best.size > 1:  # rare: where did this employee meet each tied value first
            at = [np.flatnonzero((codes == e) & (value_codes == v))[0] for v in best]
            best = best[[int(np.argmin(at))]]
        out.append(values.categories[best[0]] if best.size else None)
    return out


def _empty_employees() -> pd.DataFrame:
    return pd.DataFrame(columns=["employee", "department", "role", "events", "cases", "activities"])


def _pivot(frame: pd.DataFrame, index: str, columns: str, *, order: list | None = None,
           columns_order: list | None = None) -> pd.DataFrame:
    """Count rows by ``index`` x ``columns`` into a table (missing = 0), rows and columns in order."""
    if frame.empty:
        return pd.DataFrame()
    rows, row_names = _coded(frame[index])
    cols, col_names = _coded(frame[columns])
    counts = _counts(rows, cols, len(row_names), len(col_names))
    used_rows, used_cols = counts.any(axis=1), counts.any(axis=0)
    table = pd.DataFrame(counts[used_rows][:, used_cols], index=row_names[used_rows], columns=col_names[used_cols])
    for axis, column in ((0, index), (1, columns)):  # as a sorted groupby orders them: categories as they are
        if not isinstance(frame[column].dtype, pd.CategoricalDtype):
            table = table.sort_index(axis=axis)
    table.index.name, table.columns.name = index, columns
    if order is not None:
        table = table.reindex([o for o in order if o in table.index])
    if columns_order is not None:
        table = table.reindex(columns=[c for c in columns_order if c in table.columns])
    return table.astype("int64")


def _coded(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Return the codes (-1 missing) and distinct values of a column (categories as they are)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return np.asarray(column.cat.codes, dtype=np.int64), pd.Index(column.cat.categories)
    codes, uniques = pd.factorize(column)
    return codes.astype(np.int64), pd.Index(uniques)


def _handovers(log: pd.DataFrame, coded: CodedLog, unknown: str) -> tuple[DirectlyFollows, pd.DataFrame]:
    """Return the directly-follows graph of departments without self-loops, and its edge table."""
    groups = event_values(log, coded, E.GROUP)
    if unknown not in groups.categories:
        groups = groups.add_categories([unknown])
    groups = groups.fillna(unknown)
    # the events are in the coded order already: the departments recode them, no sort is needed
    used = groups.remove_unused_categories()
    names, codes = _by_first_use(used)
    graph = directly_follows(replace(coded, activities=names, codes=codes), loops=False)
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
