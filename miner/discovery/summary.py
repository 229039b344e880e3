"""Summary numbers of an event log: cases, events, activities, variants, period, top variants.

The module is ``summary`` rather than ``stats`` so that importing it does not shadow the
function ``miner.stats`` on the package.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from miner import eventlog as E
from miner.ingestion.reading import prepare_log
from miner.prepared import PreparedLog
from miner.units import format_count, format_share, plural
from miner.language import Lang


_LABELS: dict[str, dict[str, Any]] = {
    "ru": {"cases": "Случаев", "events": "Событий", "activities": "Действий", "variants": "Вариантов",
           "period": "Период", "top": "Частые варианты", "share": "доля", "steps": ("шаг", "шага", "шагов")},
    "en": {"cases": "Cases", "events": "Events", "activities": "Activities", "variants": "Variants",
           "period": "Period", "top": "Top variants", "share": "share", "steps": ("step", "steps", "steps")},
}


@dataclass(frozen=True)
class TopVariant:
    """One frequent variant: its activities, the cases that follow it and their share."""

    activities: tuple[str, ...]
    cases: int
    share: float


@dataclass(frozen=True)
class LogStats:
    """What ``miner stats`` reports. ``to_dict()`` is the ``--json`` document (CONTRACTS §2)."""

    cases: int
    events: int
    activities: int
    variants: int
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    top_variants: tuple[TopVariant, ...]

    def __repr__(self) -> str:
        return (f"LogStats({self.cases} cases, {self.events} events, {self.activities} activities, "
                f"{self.variants} variants, {_period(self.start, self.end)})")

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready dict with exactly the keys of CONTRACTS §2."""
        return {
            "cases": self.cases, "events": self.events, "activities": self.activities,
            "variants": self.variants,
            "start": self.start.isoformat() if self.start is not None else None,
            "end": self.end.isoformat() if self.end is not None else None,
            "top_variants": [{"activities": list(v.activities), "cases": v.cases,
                              "share": round(v.share, 6)} for v in self.top_variants],
        }

    def to_text(self, lang: Lang = "ru") -> str:
        """Return a table for the terminal: the numbers, then the top variants with shares."""
        label = _LABELS[lang]
        rows = [(label[k], format_count(getattr(self, k))) for k in
                ("cases", "events", "activities", "variants")]
        rows.append((label["period"], _period(self.start, self.end)))
        width = max(len(name) for name, _ in rows)
        lines = [f"{name:<{width}}  {value}" for name, value in rows]
        if self.top_variants:
            lines += ["", f"{label['top']}:"]
            for i, v in enumerate(self.top_variants, 1):
                lines.append(f"{i:>3}. {format_count(v.cases):>8}  {format_share(v.share, lang=lang):>6}  "
                             f"({len(v.activities)} {plural(len(v.activities), label['steps'], lang=lang)}) " + " → ".join(v.activities))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        label = _LABELS["ru"]
        head = "".join(f"<tr><th style='text-align:left'>{html.escape(label[k])}</th>"
                       f"<td>{format_count(getattr(self, k))}</td></tr>"
                       for k in ("cases", "events", "activities", "variants"))
        head += (f"<tr><th style='text-align:left'>{label['period']}</th>"
                 f"<td>{html.escape(_period(self.start, self.end))}</td></tr>")
        body = "".join(f"<tr><td>{format_count(v.cases)}</td><td>{format_share(v.share)}</td>"
                       f"<td>{html.escape(' → '.join(v.activities))}</td></tr>"
                       for v in self.top_variants)
        return (f"<table>{head}</table><p><b>{label['top']}</b></p>"
                f"<table><tr><th>случаев</th><th>{label['share']}</th><th>вариант</th></tr>{body}</table>")


def _period(start: pd.Timestamp | None, end: pd.Timestamp | None) -> str:
    if start is None or end is None:
        return "–"
    return f"{start:%d.%m.%Y %H:%M} – {end:%d.%m.%Y %H:%M}"


def _three_columns(source: Any) -> pd.DataFrame | None:
    """Read only case, activity and time of a canonical parquet log, text as dictionary codes.

    Counting needs nothing else, so a 10^7-event log is read in a fraction of the time and
    memory of the whole frame. None (read the usual way) for anything else: another kind of
    file, a parquet without those columns, several files, options, a frame.
    """
    if not isinstance(source, (str, Path)) or Path(source).suffix.lower() != ".parquet":
        return None
    try:
        import pyarrow.parquet as pq

        names = set(pq.read_schema(source).names)
        wanted = [E.CASE, E.ACTIVITY, E.TIMESTAMP]
        if not set(wanted) <= names:
            return None
        table = pq.read_table(source, columns=wanted, read_dictionary=[E.CASE, E.ACTIVITY])
        frame = table.to_pandas()
    except (OSError, ValueError, ImportError):  # not readable as parquet: the connector says why
        return None
    if frame[E.CASE].isna().any() or frame[E.ACTIVITY].isna().any() or \
            not pd.api.types.is_datetime64_any_dtype(frame[E.TIMESTAMP]):
        return None  # the usual reading rejects or types these rows
    return frame


def stats(source: str | Path | pd.DataFrame | PreparedLog, *, top: int = 10, **read_options: Any) -> LogStats:
    """Count cases, events, activities and variants of a log and list its top variants.

    Args:
        source: a :class:`~miner.prepared.PreparedLog` (its coding and variants are reused), a
            canonical DataFrame, or file(s) that ``miner.read_log`` reads.
        top: how many of the most frequent variants to list.
        **read_options: passed to ``miner.read_log`` (``case=``, ``encoding=``, ...).

    Returns:
        A ``LogStats``; ``.to_dict()`` is the ``miner stats --json`` document.

    Example:
        >>> s = stats("orders.parquet")  # doctest: +SKIP
        >>> s.cases, s.variants, s.top_variants[0].share  # doctest: +SKIP
        (1000, 37, 0.41)
    """
    given = {k: v for k, v in read_options.items() if v is not None and v is not False}  # the CLI passes unset ones
    few = None if given else _three_columns(source)
    prepared = PreparedLog(few) if few is not None else prepare_log(source, **read_options)
    coded = prepared.coded
    found = prepared.variants
    cases = coded.n_cases
    times = coded.timestamps
    top_variants = tuple(
        TopVariant(seq, int(n), int(n) / cases)
        for seq, n in zip(found.sequences[:max(top, 0)], found.counts[:max(top, 0)].tolist()))
    return LogStats(
        cases=cases, events=coded.n_events, activities=coded.n_activities,
        variants=len(found),
        start=pd.Timestamp(times.min()) if times.size else None,
        end=pd.Timestamp(times.max()) if times.size else None,
        top_variants=top_variants,
    )
