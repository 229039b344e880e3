"""Filters applied while a 1C journal is read: a period (``--from``/``--to``) and event kinds (``--events``).

A record the filters leave out is *excluded* with its reason, so the ingest report still accounts
for every record. Filters look only at records that could become events: transaction service
records and records outside the case notion keep their own reasons, and every record still counts
for its transaction's outcome (a Commit outside the period still commits the changes inside it).

Event kinds (``events``), any of:

* ``data`` — every data change (``_$Data$_.*``); ``documents`` — data changes of documents only;
* an internal event id (``_$Data$_.Post``) or a group (``_$Session$_``);
* a Russian presentation as the journal form shows it («Данные. Проведение», «Сеанс. Начало»);
* a metadata object (``Документ.ЗаказКлиента``) or a kind of them (``Документ.``, ``Справочник.``):
  data changes of it;
* any other text: a configuration-defined event with that exact name.

Example:
    >>> f = JournalFilter.build(date_from="2024-01-01", date_to="2024-12-31", events=["documents"])
    >>> f.event_ok("_$Data$_.Post", "Документ.ЗаказКлиента"), f.event_ok("_$Session$_.Start", "")
    (True, False)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable

import numpy as np

from miner.errors import InputError

PERIOD_REASON = "outside the period chosen with --from/--to"
EVENTS_REASON = "event kind not chosen with --events"
_DATA = "_$Data$_."
_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d.%m.%Y %H:%M:%S",
            "%d.%m.%Y %H:%M", "%d.%m.%Y")


def parse_bound(text: str | None, *, end: bool, option: str) -> np.int64 | None:
    """Seconds since the epoch of a ``--from``/``--to`` date (wall clock, as the journal has it).

    A date without a time is the whole day: ``--to 2024-12-31`` includes that day (the bound is the
    start of the next day, exclusive).

    Raises:
        InputError: the text is not a date.
    """
    if text is None or str(text).strip() == "":
        return None
    raw = str(text).strip()
    for fmt in _FORMATS:
        try:
            when = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        if end and "%H" not in fmt:
            when += timedelta(days=1)
        elif end:
            when += timedelta(seconds=1)
        return np.int64((when - datetime(1970, 1, 1)).total_seconds())
    raise InputError(f"{option} '{raw}': not a date; write it as 2024-01-31 or 31.01.2024 (a time may follow: "
                     "2024-01-31 18:00).")


@dataclass
class JournalFilter:
    """The period ``[start, stop)`` in epoch seconds and the chosen event kinds (empty = all)."""

    start: np.int64 | None = None
    stop: np.int64 | None = None
    tokens: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, date_from: str | None = None, date_to: str | None = None,
              events: Iterable[str] | str | None = None, titles: dict[str, str] | None = None) -> "JournalFilter":
        """Check and compile the options of :func:`connectors.onec.journal.read_onec_journal`.

        ``titles`` maps squeezed, case-folded Russian presentations to internal event ids
        (:data:`connectors.onec.events.TITLE_TO_EVENT`), so «Данные. Проведение» means ``_$Data$_.Post``.
        """
        start = parse_bound(date_from, end=False, option="--from")
        stop = parse_bound(date_to, end=True, option="--to")
        if start is not None and stop is not None and stop <= start:
            raise InputError(f"--from {date_from} is after --to {date_to}: the period is empty.")
        if isinstance(events, str):
            events = [events]
        tokens = [t.strip() for e in (events or ()) for t in re.split(r"[,;]", str(e)) if t.strip()]
        tokens = [(titles or {}).get(t.replace(" ", "").casefold(), t) for t in tokens]
        return cls(start, stop, tokens)

    @property
    def active(self) -> bool:
        return self.start is not None or self.stop is not None or bool(self.tokens)

    def event_ok(self, event: str, metadata: str) -> bool:
        """Tell whether a record of ``event`` on ``metadata`` is of a chosen kind."""
        if not self.tokens:
            return True
        return any(_matches(t, event or "", metadata or "") for t in self.tokens)

    def period_mask(self, seconds: np.ndarray) -> np.ndarray:
        """Per record: inside the period. Unreadable dates (int64 min) pass: they are rejected later."""
        ok = np.ones(len(seconds), dtype=bool)
        valid = seconds != np.iinfo(np.int64).min
        if self.start is not None:
            ok &= ~valid | (seconds >= self.start)
        if self.stop is not None:
            ok &= ~valid | (seconds < self.stop)
        return ok

    def describe(self) -> dict[str, object]:
        """The filters as the ingest report shows them."""
        out: dict[str, object] = {}
        if self.start is not None:
            out["from"] = str(np.datetime64(int(self.start), "s")).replace("T", " ")
        if self.stop is not None:
            out["to_before"] = str(np.datetime64(int(self.stop), "s")).replace("T", " ")
        if self.tokens:
            out["events"] = list(self.tokens)
        return out


def _matches(token: str, event: str, metadata: str) -> bool:
    low = token.casefold()
    if low in ("data", "данные", "изменения"):
        return event.startswith(_DATA)
    if low in ("documents", "документы"):
        return event.startswith(_DATA) and metadata.startswith("Документ.")
    if token.startswith("_$"):
        return event == token or (token.endswith("$_") and event.startswith(token + "."))
    if "." in token and not token.startswith("_$") and event.startswith(_DATA):
        return metadata == token or (token.endswith(".") and metadata.startswith(token))
    return event == token
