"""Section 6 of the report: how information enters — systems per case, steps kept outside 1C, late entry.

Late entry and back-dating come from the 1C registration journal joined to document lists
(``connectors.onec.join``): an ``entry_lag`` column (seconds or a timedelta from the document's
date to when it was entered) and/or flag columns such as ``late_entry`` and ``backdated``.
Columns are found by name, so the section works with whichever the join provides; without them
it says the journal was not joined.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.discovery.dfg import CodedLog
from miner.reporting.sections import event_activities, event_values

LATE_SECONDS = 86400  # entered more than a day after the document's date counts as late
ONEC = ("1c", "1с")


@dataclass(frozen=True)
class Entry:
    """Where each case's events were recorded, and how late.

    Attributes:
        combos: ``systems, cases, share``: the set of systems each case's events come from.
        by_activity: ``activity, systems, events, in_1c`` events per activity and where they
            were recorded; ``outside`` lists those never recorded in 1C (empty without 1C).
        has_1c: the log has events from 1C.
        late: per activity ``activity, events, measured, late, backdated, median_lag_seconds``,
            or None when no entry-time columns were found; late_columns: the columns used.
    """

    combos: pd.DataFrame
    by_activity: pd.DataFrame
    outside: pd.DataFrame
    has_1c: bool
    late: pd.DataFrame | None
    late_columns: tuple[str, ...]


def is_1c(system: object) -> bool:
    """Tell whether a ``source:system`` value means 1C (Latin or Cyrillic «С»)."""
    return isinstance(system, str) and system.strip().casefold() in ONEC


def entry(log: pd.DataFrame, coded: CodedLog, *, unknown: str = "—") -> Entry:
    """Return section 6.

    Example:
        >>> e = entry(log, encode(log))  # doctest: +SKIP
        >>> e.combos.iloc[0]["systems"]  # doctest: +SKIP
        '1C + Excel'
    """
    if E.SYSTEM in log.columns:
        systems = event_values(log, coded, E.SYSTEM)
    else:
        systems = pd.Categorical.from_codes(np.full(coded.n_events, -1), categories=[])
    if unknown not in systems.categories:
        systems = systems.add_categories([unknown])
    systems = systems.fillna(unknown).remove_unused_categories()
    codes = systems.codes.astype(np.int64)
    names = [str(n) for n in systems.categories]
    combos = _combos(coded, codes, names)
    by_activity = _by_activity(coded, systems)
    has_1c = any(is_1c(n) for n in names)
    outside = by_activity[~by_activity["in_1c"]].reset_index(drop=True) if has_1c else by_activity.iloc[0:0]
    late, columns = _late(log, coded)
    return Entry(combos, by_activity, outside, has_1c, late, columns)


def _combos(coded: CodedLog, codes: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Count cases by the set of systems their events come from («1C + Excel»)."""
    if not coded.n_cases:
        return pd.DataFrame(columns=["systems", "cases", "share"])
    if len(names) <= 62:
        bits = np.left_shift(np.int64(1), codes.astype(np.int64))
        masks = np.bitwise_or.reduceat(bits, coded.case_bounds[:-1])
        values, counts = np.unique(masks, return_counts=True)
        labels = [" + ".join(sorted((names[i] for i in range(len(names)) if v >> i & 1), key=_system_order))
                  for v in values.tolist()]
    else:  # more systems than bits: group the sorted sets by text
        per_case = pd.Series(np.asarray(names, dtype=object)[codes]).groupby(coded.case_index)
        joined = per_case.agg(lambda s: " + ".join(sorted(set(s), key=_system_order)))
        counted = joined.value_counts()
        labels, counts = counted.index.tolist(), counted.to_numpy()
    out = pd.DataFrame({"systems": labels, "cases": counts})
    out = out.groupby("systems", sort=False, as_index=False)["cases"].sum()
    out["share"] = out["cases"] / coded.n_cases
    return out.sort_values(["cases", "systems"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _system_order(name: str) -> tuple[int, str]:
    return (0 if is_1c(name) else 1, name)


def _by_activity(coded: CodedLog, systems: np.ndarray) -> pd.DataFrame:
    """Events per activity and the systems they were recorded in, most events first.

    One sort for the whole table, not one per activity: a log whose activity column holds ids
    has thousands of activities.
    """
    frame = pd.DataFrame({"activity": event_activities(coded), "system": systems})
    counts = frame.groupby(["activity", "system"], sort=False, observed=True).size().rename("events").reset_index()
    counts = counts.astype({"activity": object, "system": object})
    counts = counts.sort_values(["events", "system"], ascending=[False, True], kind="stable")
    counts["in_1c"] = counts["system"].map(is_1c).astype(bool)
    grouped = counts.groupby("activity", sort=False)
    out = pd.DataFrame({"systems": grouped["system"].agg(lambda s: ", ".join(s.astype(str))),
                        "events": grouped["events"].sum().astype("int64"), "in_1c": grouped["in_1c"].any()})
    out = out.rename_axis("activity").reset_index()[["activity", "systems", "events", "in_1c"]]
    return out.sort_values(["events", "activity"], ascending=[False, True], kind="stable").reset_index(drop=True)


def late_columns(log: pd.DataFrame) -> tuple[str | None, str | None, str | None]:
    """Return the (lag, late flag, back-dating flag) columns of the log, each None when absent.

    ``connectors.onec.join`` writes ``doc:lag_hours``, ``doc:late_entry`` and ``doc:back_dated``;
    ``entry_lag`` (seconds or a timedelta), ``late_entry`` and ``backdated`` are accepted too.
    """
    lag = late = back = None
    for col in log.columns:
        name = str(col).casefold()
        if lag is None and ("lag_hours" in name or "entry_lag" in name or "lag_seconds" in name):
            lag = str(col)
        elif late is None and ("late_entry" in name or "late entry" in name):
            late = str(col)
        elif back is None and any(w in name for w in ("backdat", "back_dat", "back-dat")):
            back = str(col)
    return lag, late, back


def _late(log: pd.DataFrame, coded: CodedLog) -> tuple[pd.DataFrame | None, tuple[str, ...]]:
    """Per activity: events with entry information, late ones, back-dated ones, median lag."""
    lag_col, late_col, back_col = late_columns(log)
    if lag_col is None and late_col is None and back_col is None:
        return None, ()
    n = coded.n_events
    frame = pd.DataFrame({"activity": event_activities(coded)})
    lag = _seconds(log[lag_col]).to_numpy(dtype=float, na_value=np.nan)[coded.rows] if lag_col else np.full(n, np.nan)
    frame["lag"] = lag
    late = _flag(log[late_col]).to_numpy()[coded.rows] if late_col else lag > LATE_SECONDS
    frame["late"] = late
    frame["backdated"] = _flag(log[back_col]).to_numpy()[coded.rows] if back_col else False
    frame["measured"] = ~np.isnan(lag) if lag_col else True
    grouped = frame.groupby("activity", sort=False)
    out = pd.DataFrame({"events": grouped.size(), "measured": grouped["measured"].sum(),
                        "late": grouped["late"].sum(), "backdated": grouped["backdated"].sum(),
                        "median_lag_seconds": grouped["lag"].median()}).reset_index()
    out = out.sort_values(["late", "events", "activity"], ascending=[False, False, True], kind="stable")
    return out.reset_index(drop=True), tuple(c for c in (lag_col, late_col, back_col) if c)


def _seconds(column: pd.Series) -> pd.Series:
    """Return a lag column in seconds: timedeltas, or numbers in hours when the name says so."""
    if pd.api.types.is_timedelta64_dtype(column):
        return column.dt.total_seconds()
    numbers = pd.to_numeric(column, errors="coerce").astype(float)
    return numbers * 3600 if "hour" in str(column.name).casefold() else numbers


def _flag(column: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(column):
        return column.astype("boolean").fillna(False).astype(bool)
    text = column.astype("str").str.strip().str.casefold()
    return text.isin(["1", "true", "да", "yes", "истина", "1.0"])
