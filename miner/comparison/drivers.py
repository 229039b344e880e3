"""Drivers of a deviation: attribute values under which it is markedly more frequent.

Each case is described by the values it starts with: the employee of its first event
(``org:resource``), the department (``org:group``) and role, the client (``case:client``), the
source file and system, every other column the log carries with few distinct values (at most
:data:`MAX_VALUES`), numeric columns in four amount bands (quartiles), and the month and weekday
the case started. For one deviation, every value seen in at least :data:`MIN_CASES` cases is
tested: is the deviation more frequent among the cases with this value than among the others?

The test is Fisher's exact test, one-sided (the hypergeometric tail, :func:`fisher_greater`:
exact at any size, no normal approximation for rare values). Many values are tried per deviation, so the p-values
are corrected by Holm's step-down method at :data:`ALPHA` = 0.01 for the whole family of values
tried for that deviation. Holm controls the chance of naming *any* driver for a deviation
that happens at random (the family-wise error), which is what a consultant needs: a name in the
report is an accusation; Benjamini–Hochberg would control only the share of wrong names among
many. A value must also be *markedly* more frequent: lift at least :data:`MIN_LIFT` and at least
5 percentage points above the rest. Drivers are ranked by the cases they explain beyond the rest
(``cases − value cases × share elsewhere``), then by lift.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.discovery.dfg import CodedLog
from miner.units import format_count, format_number, format_share
from miner.language import Lang, pick

ALPHA = 0.01
MIN_CASES = 5
MIN_LIFT = 1.5
MIN_GAP = 0.05
MAX_VALUES = 50
MAX_DRIVERS = 5
MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
          "октябрь", "ноябрь", "декабрь")
IN_MONTH = ("январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре",
            "октябре", "ноябре", "декабре")
WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
ON_DAY = ("в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу",
          "в воскресенье")
SKIPPED = {E.CASE, E.ACTIVITY, E.TIMESTAMP, E.ROW, E.ENTERED}
MONTH, WEEKDAY = "month", "weekday"


@dataclass(frozen=True)
class Driver:
    """An attribute value under which a deviation is markedly more frequent (CONTRACTS.md §5).

    Attributes:
        attribute: the column (``org:resource``...), or ``month``/``weekday`` of the case start.
        value: the value, or the band (``10 000–50 000``) of a numeric column.
        cases: cases with the value that show the deviation.
        share_in_value, share_elsewhere: the deviation's share among cases with / without it.
        lift: their ratio; p_value: Fisher's one-sided p-value, Holm-adjusted.
        summary: one sentence in Russian.
        value_cases: all cases with the value.
    """

    attribute: str
    value: str
    cases: int
    share_in_value: float
    share_elsewhere: float
    lift: float
    p_value: float
    summary: str
    value_cases: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the driver as in findings.json."""
        return {"attribute": self.attribute, "value": self.value, "cases": self.cases,
                "share_in_value": round(self.share_in_value, 4),
                "share_elsewhere": round(self.share_elsewhere, 4), "lift": round(self.lift, 2),
                "p_value": float(f"{self.p_value:.3g}"), "value_cases": self.value_cases, "summary": self.summary}

    def sentence(self, lang: Lang = "ru") -> str:
        """Return :attr:`summary` (Russian) or the same in English."""
        return pick(lang, self.summary, f"Cases with {attribute_label(self.attribute, 'en')} «{self.value}»: "
                f"{format_share(self.share_in_value, lang='en')} ({format_count(self.cases)} of "
                f"{format_count(self.value_cases)}), elsewhere {format_share(self.share_elsewhere, lang='en')}.")


@dataclass(frozen=True)
class Attributes:
    """Per case, the value code of each attribute tried (-1 = missing) and the value names."""

    codes: dict[str, np.ndarray]
    names: dict[str, tuple[str, ...]]
    _sizes: dict[str, tuple[int, np.ndarray]] = field(default_factory=dict, compare=False, repr=False)

    def sizes(self, attribute: str) -> tuple[int, np.ndarray]:
        """Return the cases with a value of ``attribute`` and the cases per value (computed once)."""
        if attribute not in self._sizes:
            codes = self.codes[attribute]
            known = codes[codes >= 0]
            self._sizes[attribute] = (int(known.size), np.bincount(known, minlength=len(self.names[attribute])))
        return self._sizes[attribute]


def case_attributes(log: pd.DataFrame, coded: CodedLog) -> Attributes:
    """Return the attributes of each case of ``coded``: its first event's values, bands, month, weekday."""
    first = coded.rows[coded.case_bounds[:-1]]
    codes: dict[str, np.ndarray] = {}
    names: dict[str, tuple[str, ...]] = {}
    for col in log.columns:
        if col in SKIPPED or pd.api.types.is_datetime64_any_dtype(log[col]):
            continue
        if _numeric(log[col]):
            made = _bands(log[col].iloc[first].to_numpy())  # the first events only
        else:
            value_codes, uniques = _first_codes(log[col], first)
            numbers = _as_numbers(value_codes, uniques)
            made = _bands(numbers) if numbers is not None else _coded(value_codes, uniques)
        if made is not None and len(made[1]) > 1:
            codes[col], names[col] = made
    if coded.n_cases:
        start = pd.DatetimeIndex(coded.timestamps[coded.case_bounds[:-1]])
        months = start.year * 12 + start.month - 1
        if len(np.unique(months)) > 1:
            codes[MONTH], labels = pd.factorize(months, sort=True)
            names[MONTH] = tuple(f"{MONTHS[m % 12]} {m // 12}" for m in labels)
        codes[WEEKDAY], names[WEEKDAY] = np.asarray(start.day_of_week, dtype=np.int64), WEEKDAYS
    return Attributes(codes, names)


def _numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _first_codes(column: pd.Series, first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the value codes at rows ``first`` (-1 = missing), numbered in order of appearance, and the values.

    Only those rows are read: a 10^7-row text column stays unread, and a categorical one gives its codes.
    """
    if not isinstance(column.dtype, pd.CategoricalDtype):
        codes, uniques = pd.factorize(pd.Series(column.iloc[first].to_numpy(), dtype="object"))
        return codes.astype(np.int64), np.asarray(uniques, dtype=object)
    raw = column.array.codes[first]
    present = raw >= 0
    dense, used = pd.factorize(raw[present])
    codes = np.full(raw.size, -1, dtype=np.int64)
    codes[present] = dense
    return codes, np.asarray(column.array.categories[used], dtype=object)


def _coded(codes: np.ndarray, uniques: Any) -> tuple[np.ndarray, tuple[str, ...]] | None:
    """Name the codes of a column of few distinct values (None when it has too many: ids, free text)."""
    if len(uniques) > MAX_VALUES:
        return None
    return codes, tuple(str(v) for v in uniques)


def _as_numbers(codes: np.ndarray, uniques: Any) -> np.ndarray | None:
    """Return text values (given as codes and distinct values) as numbers when nearly all are, else None.

    XES and CSV often carry an amount as text («20000», «1 500,50»); it is still an amount, to be
    banded. Each distinct text is parsed once.
    """
    present = codes >= 0
    if not present.any():
        return None
    text = pd.Series(uniques, dtype="object").astype(str)
    cleaned = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
    parsed = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float)
    per_row = parsed[codes[present]]
    if np.mean(~np.isnan(per_row)) < 0.95 or pd.unique(per_row[~np.isnan(per_row)]).size <= MAX_VALUES:
        return None  # text, or a code with few values: kept as categories
    out = np.full(len(codes), np.nan)
    out[present] = per_row
    return out


def _categories(values: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]] | None:
    """Code a column of few distinct values (None when it has too many: ids, free text)."""
    codes, labels = pd.factorize(values)
    return _coded(codes.astype(np.int64), labels)


def _bands(values: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]] | None:
    """Code a numeric column in quartile bands (few distinct numbers: as categories)."""
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    distinct = np.unique(numbers[~np.isnan(numbers)])
    if distinct.size <= 8:
        return _categories(np.asarray(np.where(np.isnan(numbers), None, numbers), dtype=object))
    edges = np.unique(np.nanquantile(numbers, [0.25, 0.5, 0.75]))
    codes = np.searchsorted(edges, numbers, side="right").astype(np.int64)
    codes[np.isnan(numbers)] = -1
    bounds = [float(np.nanmin(numbers)), *edges.tolist(), float(np.nanmax(numbers))]
    labels = tuple(f"{_num(lo)}–{_num(hi)}" for lo, hi in zip(bounds, bounds[1:]))
    return codes, labels


def _num(value: float) -> str:
    return format_number(value, digits=0 if abs(value) >= 100 or value == int(value) else 1)


def find_drivers(shows: np.ndarray, attributes: Attributes, *, alpha: float = ALPHA) -> tuple[Driver, ...]:
    """Return the attribute values under which the cases marked in ``shows`` are markedly more frequent.

    Args:
        shows: per case, whether it shows the deviation.
        attributes: from :func:`case_attributes`.
        alpha: family-wise error rate (Holm) over all values tried.

    Returns:
        Drivers, the most cases explained first (at most :data:`MAX_DRIVERS`).

    Example:
        >>> drivers = find_drivers(mask, case_attributes(log, encode(log)))  # doctest: +SKIP
    """
    rows = []
    showing = np.flatnonzero(shows)  # few cases, usually: count them, not every case, per attribute
    for attribute, codes in attributes.codes.items():
        total, size = attributes.sizes(attribute)
        values = codes[showing]
        values = values[values >= 0]
        hits = int(values.size)
        inside = np.bincount(values, minlength=size.size)
        for v in np.flatnonzero((size >= MIN_CASES) & (size <= total - MIN_CASES)):
            rows.append((attribute, int(v), total, hits, int(size[v]), int(inside[v])))
    if not rows:
        return ()
    table = np.array([r[2:] for r in rows], dtype=np.int64)
    total, hits, size, inside = table.T
    adjusted = _holm(fisher_greater(inside, total, hits, size))
    out = []
    for (attribute, v, *_), n_all, k_all, n, k, q in zip(rows, total, hits, size, inside, adjusted):
        share_in, share_else = k / n, (k_all - k) / (n_all - n)
        lift = share_in / max(share_else, 0.5 / (n_all - n))
        if q <= alpha and k >= MIN_CASES and lift >= MIN_LIFT and share_in - share_else >= MIN_GAP:
            value = attributes.names[attribute][v]
            sentence = driver_sentence(attribute, value, int(k), int(n), share_in, share_else)
            out.append((k - n * share_else, Driver(attribute, value, int(k), float(share_in), float(share_else),
                                                   float(lift), float(q), sentence, int(n))))
    out.sort(key=lambda x: (-x[0], -x[1].lift))
    return tuple(d for _, d in out[:MAX_DRIVERS])


_LOG_FACTORIALS = np.zeros(1)


def _log_factorials(n: int) -> np.ndarray:
    """Return ``log(i!)`` for i = 0..n at least (one table, grown when a bigger log asks)."""
    global _LOG_FACTORIALS
    if _LOG_FACTORIALS.size <= n:
        _LOG_FACTORIALS = np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, n + 1, dtype=float)))))
    return _LOG_FACTORIALS


def fisher_greater(k: np.ndarray, total: np.ndarray, hits: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Return one-sided Fisher p-values: P(X ≥ k) for X hypergeometric(total, hits, size).

    The chance that ``size`` cases drawn from ``total``, of which ``hits`` show the deviation,
    hold ``k`` or more that show it. Computed from a table of log-factorials (exact to ~1e-9 in
    the log, at 10^6 cases), which spares importing scipy.stats (2 s) in every comparison;
    ``tests/test_deviations.py`` checks it against scipy.

    Example:
        >>> round(float(fisher_greater(np.array([3]), np.array([10]), np.array([3]), np.array([3]))[0]) * 120, 9)
        1.0
    """
    k, total, hits, size = (np.asarray(a, dtype=np.int64) for a in (k, total, hits, size))
    if not k.size:
        return np.zeros(0)
    lf = _log_factorials(int(total.max()))
    out = np.ones(k.size)
    for i in range(k.size):
        n_all, k_all, n = int(total[i]), int(hits[i]), int(size[i])
        lo, hi = int(k[i]), min(n, k_all)
        if lo > hi:
            out[i] = 0.0
            continue
        if lo <= max(0, n - (n_all - k_all)):
            continue  # every possible draw has at least k: P = 1
        x = np.arange(lo, hi + 1)
        log_p = (lf[k_all] - lf[x] - lf[k_all - x] + lf[n_all - k_all] - lf[n - x] - lf[n_all - k_all - n + x]
                 - lf[n_all] + lf[n] + lf[n_all - n])
        top = log_p.max()
        out[i] = min(1.0, float(np.exp(top) * np.exp(log_p - top).sum()))
    return out


def _holm(p: np.ndarray) -> np.ndarray:
    """Return Holm step-down adjusted p-values (monotone, at most 1)."""
    order = np.argsort(p, kind="stable")
    m = p.size
    scaled = np.minimum(1.0, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    out = np.empty(m)
    out[order] = scaled
    return out


def _which(attribute: str, value: str) -> str:
    """Say which cases have a value, as it follows «Среди случаев»: «, начатых сотрудником «Иванов П.С.»,»."""
    month, _, year = value.partition(" ")
    if attribute == MONTH and month in MONTHS:
        return f", начатых в {IN_MONTH[MONTHS.index(month)]} {year},"
    if attribute == WEEKDAY and value in WEEKDAYS:
        return f", начатых {ON_DAY[WEEKDAYS.index(value)]},"
    phrases = {E.RESOURCE: ", начатых сотрудником «{v}»,", E.GROUP: ", начатых в подразделении «{v}»,",
               E.ROLE: ", начатых в роли «{v}»,", E.CLIENT: " клиента «{v}»", E.FILE: " из файла «{v}»",
               E.SYSTEM: " из системы «{v}»"}
    if attribute in phrases:
        return phrases[attribute].format(v=value)
    name = attribute.split(":", 1)[1] if attribute.startswith("case:") else attribute
    return f", где «{name}» — {value}," if "–" in value else f", где «{name}» — «{value}»,"


def driver_sentence(attribute: str, value: str, cases: int, size: int, share_in: float,
                    share_else: float) -> str:
    """Say a driver in Russian: «Среди случаев, начатых сотрудником «Иванов П.С.», — 41 % (83 из 203), в остальных — 12 %.»"""
    return (f"Среди случаев{_which(attribute, value)} — {format_share(share_in)} "
            f"({format_count(cases)} из {format_count(size)}), в остальных — {format_share(share_else)}.")


def attribute_label(attribute: str, lang: Lang = "ru") -> str:
    """Name an attribute for a table: «сотрудник, начавший случай», «месяц начала»…"""
    labels = {E.RESOURCE: ("сотрудник, начавший случай", "the employee who started the case"),
              E.GROUP: ("подразделение", "department"), E.ROLE: ("роль", "role"), E.CLIENT: ("клиент", "client"),
              E.FILE: ("файл", "file"), E.SYSTEM: ("система", "system"), MONTH: ("месяц начала", "start month"),
              WEEKDAY: ("день недели начала", "start weekday")}
    if attribute in labels:
        return pick(lang, *labels[attribute])
    return attribute.split(":", 1)[-1]


__all__: Sequence[str] = ("Driver", "Attributes", "case_attributes", "find_drivers")
