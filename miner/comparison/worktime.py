"""Working time between timestamps: the Russian production calendar and office hours.

Durations in a declared process (``within: 4h``) are meant in working time: a request made on
Friday at 17:00 and approved on Monday at 10:00 took two working hours, not 65 hours. A
:class:`WorkCalendar` counts the seconds inside working hours (9-18 by default) on working days:
Monday-Friday minus the public holidays and transferred days off of ``holidays.Russia``, plus the
Saturdays the government moved work to (``weekend_workdays``). ``"24x7"`` counts plain elapsed time.

Simplifications: the shortened pre-holiday day (one hour less) and a lunch break are not modelled.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from miner.errors import InputError

CALENDARS = ("ru", "24x7")


@dataclass(frozen=True)
class WorkCalendar:
    """Working days and hours; ``kind="24x7"`` makes every second a working one.

    Args:
        kind: ``"ru"`` (Russian production calendar) or ``"24x7"``.
        work_hours: the working day as ``(start_hour, end_hour)``, e.g. ``(9, 18)``.

    Example:
        >>> cal = WorkCalendar("ru", (9, 18))
        >>> cal.day_seconds
        32400
    """

    kind: str = "ru"
    work_hours: tuple[float, float] = (9, 18)
    _years: dict[tuple[int, ...], tuple[frozenset, frozenset]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in CALENDARS:
            raise InputError(f'unknown calendar "{self.kind}"; use one of {", ".join(CALENDARS)}')
        start, end = self.work_hours
        if not 0 <= start < end <= 24:
            raise InputError(f"working hours {start:g}-{end:g} are not a range within a day; use e.g. 9-18")

    @cached_property
    def day_seconds(self) -> int:
        """Seconds in one working day (86 400 for ``24x7``)."""
        if self.kind == "24x7":
            return 86400
        return int(round((self.work_hours[1] - self.work_hours[0]) * 3600))

    def working_days(self, first: np.datetime64, last: np.datetime64) -> np.ndarray:
        """Return a boolean array, one per calendar day from ``first`` to ``last`` inclusive."""
        days = np.arange(first, last + np.timedelta64(1, "D"), dtype="datetime64[D]")
        if self.kind == "24x7":
            return np.ones(len(days), dtype=bool)
        weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        working = weekday < 5
        years = range(int(str(first)[:4]), int(str(last)[:4]) + 1)
        off, on = self._calendar(tuple(years))
        if off:
            working &= ~np.isin(days, np.array(sorted(off), dtype="datetime64[D]"))
        if on:
            working |= np.isin(days, np.array(sorted(on), dtype="datetime64[D]"))
        return working

    def _calendar(self, years: tuple[int, ...]) -> tuple[frozenset, frozenset]:
        """Return (days off on weekdays, working weekend days) of the Russian calendar for ``years``."""
        import holidays

        if years not in self._years:
            ru = holidays.Russia(years=list(years))
            on = frozenset(getattr(ru, "weekend_workdays", ()) or ())
            self._years[years] = (frozenset(ru.keys()), on)
        return self._years[years]


def working_seconds(start: np.ndarray, end: np.ndarray, calendar: WorkCalendar | str = "ru",
                    work_hours: tuple[float, float] = (9, 18)) -> np.ndarray:
    """Return the working seconds between each ``start[i]`` and ``end[i]`` (vectorised).

    Args:
        start: ``datetime64`` array (or anything ``np.asarray`` turns into one); NaT allowed.
        end: same length as ``start``; a pair with ``end < start`` gives a negative duration.
        calendar: a :class:`WorkCalendar`, ``"ru"`` or ``"24x7"``.
        work_hours: working day for a calendar given by name.

    Returns:
        float64 seconds; NaN where either end is NaT.

    Example:
        >>> fri, mon = np.datetime64("2026-11-13T17:00"), np.datetime64("2026-11-16T10:00")
        >>> working_seconds(np.array([fri]), np.array([mon])) / 3600
        array([2.])
    """
    cal = calendar if isinstance(calendar, WorkCalendar) else WorkCalendar(calendar, work_hours)
    s = _seconds(start)
    e = _seconds(end)
    out = np.full(s.shape, np.nan)
    ok = (s != _NAT) & (e != _NAT)
    if not ok.any():
        return out
    s, e = s[ok], e[ok]
    if cal.kind == "24x7":
        out[ok] = (e - s).astype(float)
        return out
    end_clock, start_clock = _clocks(cal, e, s)
    out[ok] = end_clock - start_clock
    return out


def working_gaps(times: np.ndarray, calendar: WorkCalendar) -> np.ndarray:
    """Return the working seconds between each pair of neighbours in ``times`` (one fewer; NaN at NaT).

    The same as ``working_seconds(times[:-1], times[1:], calendar)``, with each time's clock read once.

    Example:
        >>> t = np.array(["2026-11-13T17:00", "2026-11-16T10:00"], dtype="datetime64[s]")
        >>> working_gaps(t, WorkCalendar("ru", (9, 18))) / 3600
        array([2.])
    """
    s = _seconds(times)
    ok = s != _NAT
    if ok.all() and calendar.kind != "24x7" and s.size:
        return np.diff(_clocks(calendar, s)[0])
    return working_seconds(times[:-1], times[1:], calendar)


_DAY = 86400
_NAT = np.iinfo(np.int64).min


def _seconds(times: np.ndarray) -> np.ndarray:
    """Whole seconds since 1970 as int64 (NaT stays ``_NAT``): integer arithmetic, not datetime casts."""
    values = np.asarray(times)
    if values.dtype.kind != "M":
        values = np.asarray(times, dtype="datetime64[s]")
    unit = np.datetime_data(values.dtype)[0]
    raw = values.view(np.int64)
    per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}.get(unit)
    if per_second is None:
        return _seconds(values.astype("datetime64[s]"))
    if per_second == 1:
        return raw
    return np.where(raw == _NAT, _NAT, raw // per_second)


def _clocks(cal: WorkCalendar, *times: np.ndarray) -> list[np.ndarray]:
    """Return each array's working clock (seconds, non-empty arrays), all counted from one first day."""
    first = min(int(t.min()) for t in times) // _DAY
    last = max(int(t.max()) for t in times) // _DAY
    working = cal.working_days(np.datetime64(first, "D"), np.datetime64(last, "D"))
    before = np.concatenate(([0], np.cumsum(working)))  # working days strictly before day i
    return [_clock(t, first, working, before, cal) for t in times]


def _clock(t: np.ndarray, first: int, working: np.ndarray, before: np.ndarray, cal: WorkCalendar) -> np.ndarray:
    """Return working seconds from day ``first`` 00:00 to each ``t`` (seconds): a monotone 'working clock'."""
    day = t // _DAY
    index = day - first
    into_day = (t - day * _DAY).astype(float)
    start = cal.work_hours[0] * 3600
    inside = np.clip(into_day - start, 0, cal.day_seconds) * working[index]
    return before[index] * float(cal.day_seconds) + inside


def duration_seconds(amount: float, unit: str, calendar: WorkCalendar) -> float:
    """Turn a declared limit into working seconds: a day is one working day of ``calendar``.

    Example:
        >>> duration_seconds(2, "d", WorkCalendar("ru", (9, 18))) / 3600
        18.0
        >>> duration_seconds(2, "d", WorkCalendar("24x7")) / 3600
        48.0
    """
    size = {"m": 60, "h": 3600, "d": calendar.day_seconds}[unit]
    return float(amount) * size


def parse_work_hours(text: str) -> tuple[float, float]:
    """Parse ``"9-18"`` or ``"8:30-17:30"`` into hours ``(9.0, 18.0)``.

    Raises:
        InputError: the text is not ``START-END`` within a day.

    Example:
        >>> parse_work_hours("8:30-17:30")
        (8.5, 17.5)
    """
    try:
        left, right = text.replace("–", "-").split("-")
        hours = tuple(_hour(part) for part in (left, right))
    except ValueError:
        raise InputError(f'working hours "{text}" are not START-END; use e.g. 9-18 or 8:30-17:30') from None
    WorkCalendar("ru", (hours[0], hours[1]))  # validates the range
    return hours  # type: ignore[return-value]


def _hour(text: str) -> float:
    """Parse ``"9"`` or ``"8:30"`` into hours."""
    hours, _, minutes = text.strip().partition(":")
    return int(hours) + (int(minutes) / 60 if minutes else 0.0)
