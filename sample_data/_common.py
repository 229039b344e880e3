"""Shared pieces of the sample-data generators: working time, the scenario type, stable files.

Working time is the rule the ground truth uses for ``slow_step`` (``WORKING_TIME_RULE``): only
09:00-18:00 of Monday-Friday days that are not public holidays or transferred days off of the
Russian production calendar (``holidays.Russia``) count.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import pandas as pd

DAY_START = time(9, 0)
DAY_END = time(18, 0)
HOURS_PER_DAY = 9.0
WORKING_TIME_RULE = (
    "Durations are working hours between the event and the event directly before it in the same case "
    "(events ordered by timestamp). Working time is 09:00-18:00 on Monday-Friday days that are not in "
    "holidays.Russia (public holidays and transferred days off); nothing else counts. A norm 'Nm' is N/60 "
    "working hours, 'Nh' N working hours, 'Nd' N working days of 9 working hours. A case is over the norm "
    "if any occurrence of the step in it takes longer than the norm. The injected slow steps take 130-225 "
    "working hours and the normal ones at most 16, so for them reading 'Nd' as 24·N working hours, using "
    "calendar time, or measuring from the last declared predecessor instead of the event before gives the "
    "same cases (at most one case differs)."
)
# Fixed stamps so that regenerated workbooks are byte-identical.
WORKBOOK_STAMP = datetime(2026, 6, 1, 9, 0, 0)
ZIP_STAMP = (2026, 6, 1, 9, 0, 0)


@dataclass(frozen=True)
class Scenario:
    """One generated data set: the final traces, the tables as written, the declared process, the truth.

    ``log`` is the canonical event log (CONTRACTS §1) an honest reader should get from the files;
    ``tables`` maps each data file name to its data rows as written (dirty rows included);
    ``declared`` is the declared process as CONTRACTS §3 data; ``truth`` goes to ``*_truth.json``.
    """

    name: str
    log: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    declared: dict[str, Any]
    truth: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"Scenario({self.name!r}, cases={self.log['case:concept:name'].nunique()}, "
                f"events={len(self.log)}, findings={len(self.truth.get('findings', []))})")


@lru_cache(maxsize=None)
def _holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.Russia(years=year).keys())


def is_working_day(day: date) -> bool:
    """Tell whether ``day`` is a working day of the Russian production calendar (Mon-Fri, no holiday)."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_hours(start: datetime, end: datetime) -> float:
    """Return the working hours (09:00-18:00 of working days) between two naive Moscow times.

    Example:
        >>> working_hours(datetime(2026, 3, 6, 17, 0), datetime(2026, 3, 10, 10, 0))  # Mar 9 is a holiday
        2.0
    """
    if end <= start:
        return 0.0
    total = 0.0
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            lo = max(start, datetime.combine(day, DAY_START))
            hi = min(end, datetime.combine(day, DAY_END))
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total / 3600.0


def add_working_hours(start: datetime, hours: float) -> datetime:
    """Return the moment ``hours`` working hours after ``start`` (rounded to whole seconds).

    Example:
        >>> add_working_hours(datetime(2026, 3, 6, 17, 0), 2.0)
        datetime.datetime(2026, 3, 10, 10, 0)
    """
    left = timedelta(seconds=round(hours * 3600))
    now = start
    while True:
        day = now.date()
        day_end = datetime.combine(day, DAY_END)
        if is_working_day(day) and now < day_end:
            now = max(now, datetime.combine(day, DAY_START))
            room = day_end - now
            if left <= room:
                return now + left
            left -= room
        now = datetime.combine(day + timedelta(days=1), DAY_START)


def norm_hours(norm: str) -> float:
    """Turn a declared norm ``'30m'``, ``'4h'`` or ``'5d'`` into working hours (a day is 9 hours)."""
    value, unit = float(norm[:-1]), norm[-1]
    return value * {"m": 1 / 60, "h": 1.0, "d": HOURS_PER_DAY}[unit]


def stable_xlsx(workbook: Any) -> bytes:
    """Serialise an openpyxl workbook so that the same content always gives the same bytes.

    openpyxl stamps ``docProps/core.xml`` with the save time and the zip entries with the clock;
    both are replaced by fixed values here.
    """
    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.creator = "sample_data/generate.py"
    workbook.properties.created = WORKBOOK_STAMP
    workbook.properties.modified = WORKBOOK_STAMP
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()  # not save(): that would stamp "now"
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_STAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def yaml_list(items: list[str]) -> str:
    """Write a YAML flow list of plain Cyrillic names."""
    return "[" + ", ".join(items) + "]"


def rub(amount: float) -> str:
    """Format an amount as 1C does: NBSP thousands, decimal comma (``1 234 567,80``)."""
    return f"{amount:,.2f}".replace(",", "\xa0").replace(".", ",")


def fmt_1c(ts: datetime) -> str:
    """Format a time as 1C prints it: ``dd.mm.yyyy H:mm:ss`` with the hour not zero-padded."""
    return f"{ts:%d.%m.%Y} {ts.hour}:{ts:%M:%S}"


def fmt_excel_text(ts: datetime) -> str:
    """Format a time as a person types it into Excel: ``dd.mm.yyyy H:mm``."""
    return f"{ts:%d.%m.%Y} {ts.hour}:{ts:%M}"
