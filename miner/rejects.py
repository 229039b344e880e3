"""The ingest report: every input row is an event, a rejected row or an excluded row.

Connectors fill a :class:`RowProblems` while they read; :class:`IngestReport` adds the sources up
and is written beside the log as ``LOG.ingest.json`` (CONTRACTS.md §2).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

MAX_EXAMPLES = 5


@dataclass
class Reason:
    """One reason rows were rejected or excluded, with a count and a few located examples."""

    reason: str
    count: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)
    excluded: bool = False


class RowProblems:
    """Collect row-level problems of one read, grouped by reason."""

    def __init__(self) -> None:
        self._reasons: dict[tuple[str, bool], Reason] = {}

    def _add(self, reason: str, count: int, examples: Iterable[dict[str, Any]], excluded: bool) -> None:
        if count <= 0:
            return
        entry = self._reasons.setdefault((reason, excluded), Reason(reason, excluded=excluded))
        entry.count += count
        for ex in examples:
            if len(entry.examples) >= MAX_EXAMPLES:
                break
            entry.examples.append({k: _plain(v) for k, v in ex.items()})

    def reject(self, reason: str, file: str, rows: Iterable[int], column: str | None = None,
               values: Iterable[Any] | None = None) -> None:
        """Count rows that could not be read; ``rows`` are 1-based as a spreadsheet shows them."""
        rows = list(rows)
        vals = list(values) if values is not None else [None] * len(rows)
        examples = []
        for r, v in zip(rows[:MAX_EXAMPLES], vals[:MAX_EXAMPLES]):
            ex: dict[str, Any] = {"file": file, "row": int(r)}
            if column is not None:
                ex["column"] = column
            if v is not None:
                ex["value"] = v
            examples.append(ex)
        self._add(reason, len(rows), examples, excluded=False)

    def exclude(self, reason: str, count: int, examples: Iterable[dict[str, Any]] = ()) -> None:
        """Count rows left out on purpose (rolled-back transactions, service records, ...)."""
        self._add(reason, count, examples, excluded=True)

    def merge(self, other: "RowProblems") -> None:
        """Add the reasons of ``other`` to these."""
        for r in other.reasons:
            self._add(r.reason, r.count, r.examples, r.excluded)

    @classmethod
    def of(cls, reasons: Iterable[Reason]) -> "RowProblems":
        """Problems made of reasons read back from a report (a carried ``LOG.ingest.json``)."""
        out = cls()
        for r in reasons:
            out._add(r.reason, r.count, r.examples, r.excluded)
        return out

    @property
    def reasons(self) -> list[Reason]:
        return sorted(self._reasons.values(), key=lambda r: -r.count)

    @property
    def rejected(self) -> int:
        return sum(r.count for r in self._reasons.values() if not r.excluded)

    @property
    def excluded(self) -> int:
        return sum(r.count for r in self._reasons.values() if r.excluded)


@dataclass
class SourceInfo:
    """What was read from one input file, and how."""

    file: str
    kind: str
    rows_read: int
    encoding: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class IngestReport:
    """Accounts for every input row: ``rows_read == rows_used + rejected + excluded``."""

    sources: list[SourceInfo]
    rows_read: int
    rows_used: int
    events: int
    rejected: int
    excluded: int
    reasons: list[Reason]
    # Things a person should know that lose no row: identical rows within one source, 1C
    # placeholders («<Объект не найден>»), documents linked to no order... (docs/inputs.md).
    data_quality: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, sources: list[SourceInfo], problems: RowProblems, events: int, *,
              data_quality: list[dict[str, Any]] | None = None, warnings: list[str] | None = None) -> "IngestReport":
        """Add up the sources and the problems; ``rows_used`` is what is left of ``rows_read``."""
        rows_read = sum(s.rows_read for s in sources)
        rows_used = rows_read - problems.rejected - problems.excluded
        return cls(sources, rows_read, rows_used, events, problems.rejected, problems.excluded,
                   problems.reasons, list(data_quality or []), list(warnings or []))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "IngestReport":
        """Read back what :meth:`to_dict` wrote (``LOG.ingest.json``).

        Raises:
            KeyError, TypeError, ValueError: ``data`` is not an ingest report.
        """
        own = ("file", "kind", "rows_read", "encoding", "columns")
        sources = [SourceInfo(s["file"], s["kind"], int(s["rows_read"]), s.get("encoding"), dict(s.get("columns") or {}),
                              {k: v for k, v in s.items() if k not in own}) for s in data["sources"]]
        reasons = [Reason(r["reason"], int(r["count"]), list(r.get("examples") or []), r.get("kind") == "excluded")
                   for r in data["reasons"]]
        return cls(sources, int(data["rows_read"]), int(data["rows_used"]), int(data["events"]), int(data["rejected"]),
                   int(data["excluded"]), reasons, list(data.get("data_quality") or []), list(data.get("warnings") or []))

    @classmethod
    def read(cls, path: str | Path) -> "IngestReport":
        """Read ``LOG.ingest.json``; see :meth:`from_dict`."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for s, src in zip(out["sources"], self.sources):
            s.update(s.pop("details"))
        for r in out["reasons"]:
            r["kind"] = "excluded" if r.pop("excluded") else "rejected"
        return out

    def write(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    def summary(self) -> str:
        """One line for the terminal."""
        text = f"{self.rows_read} rows read, {self.events} events"
        if self.rejected:
            text += f", {self.rejected} rejected"
        if self.excluded:
            text += f", {self.excluded} excluded"
        return text


def _plain(value: Any) -> Any:
    """Make a value JSON-safe (numpy scalars, timestamps)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "item"):
        try:
            return value.item()
        except (ValueError, AttributeError):
            pass
    return str(value)


@dataclass
class SourceRead:
    """What a connector returns for one input: events in canonical columns, and the accounting.

    ``frame`` has the canonical columns of ``miner.eventlog`` (not necessarily sorted) plus any
    source attributes under their own names; ``problems`` holds every row that did not become
    an event, so that ``info.rows_read == rows_used + problems.rejected + problems.excluded``.
    """

    frame: Any
    info: SourceInfo
    problems: RowProblems
    # The report of an ingested log read back (``LOG.parquet`` + ``LOG.parquet.ingest.json``): it
    # replaces ``info`` and ``problems`` so that the original sources stay accounted for.
    carried: "IngestReport | None" = None
