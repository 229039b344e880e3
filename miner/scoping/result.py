"""What ``miner.scope`` returns: verdicts per department and the information boundary (CONTRACTS.md §7)."""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from miner.scoping.boundary import Boundary
from miner.scoping.measures import Structure
from miner.scoping.verdicts import VERDICT_NAMES, Verdict
from miner.units import format_count, format_number, format_share


@dataclass(frozen=True)
class DepartmentScope:
    """One department's verdict, the measures behind it and its reasons.

    Attributes:
        department: its name; cases: cases that start in it.
        verdict: ``process``, ``semi``, ``project`` or ``insufficient``.
        structure: the measures (None when the department has no business steps).
        fitness: the declared process's fitness on its cases, where one was given for it.
        multi_source_share: share of its cases fed by more than one source file or system.
        systems: share of its events recorded in each system.
        reasons: plain Russian sentences.
        technical_events: 1C platform events left out of the measures.
        map: the stem of its scope map in the output folder ("" when none was drawn).
    """

    department: str
    cases: int
    verdict: Verdict
    structure: Structure | None
    fitness: float | None
    multi_source_share: float
    systems: dict[str, float]
    reasons: tuple[str, ...]
    technical_events: int = 0
    map: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the department as in scope.json."""
        s = self.structure
        measures: dict[str, Any] = {"sequence_entropy": None, "interval": None, "variants": None, "k80": None,
                                    "top_start_share": None, "distinct_share": None}
        if s is not None:
            measures = {"sequence_entropy": round(s.sequence_entropy, 4),
                        "interval": [round(s.interval[0], 4), round(s.interval[1], 4)],
                        "entropy_all_cases": round(s.entropy_all, 4),
                        "variants": s.variants, "k80": s.k80, "top_start": s.top_start,
                        "top_start_share": round(s.top_start_share, 4),
                        "distinct_share": round(s.distinct_share, 4)}
        measures["fitness"] = None if self.fitness is None else round(self.fitness, 4)
        return {"department": self.department, "cases": self.cases, "verdict": self.verdict,
                "verdict_text": VERDICT_NAMES[self.verdict], "measures": measures,
                "multi_source_share": self.multi_source_share, "systems": self.systems,
                "reasons": list(self.reasons), "technical_events": self.technical_events,
                "map": f"{self.map}.svg" if self.map else None}


@dataclass(frozen=True)
class Scope:
    """Verdicts per department and the information boundary; ``.paths`` lists the files written.

    Shows as a table in Jupyter; ``to_dict()`` is scope.json.

    Example:
        >>> result = scope("orders.parquet", declared="purchases.yaml")  # doctest: +SKIP
        >>> result.department("Отдел закупок").verdict  # doctest: +SKIP
        'process'
    """

    departments: tuple[DepartmentScope, ...]
    boundary: Boundary
    by: str = "department"
    paths: tuple[Path, ...] = field(default=(), compare=False)

    def department(self, name: str) -> DepartmentScope:
        """Return the department called ``name``.

        Raises:
            KeyError: no such department (the message lists those there are).
        """
        for d in self.departments:
            if d.department == name:
                return d
        raise KeyError(f"no department {name!r}; there are {[d.department for d in self.departments]}")

    def activities(self, department: str | None = None) -> list[dict[str, Any]]:
        """Return the boundary rows (all, or one department's)."""
        return [a for a in self.boundary.activities if department is None or a["department"] == department]

    def to_dict(self) -> dict[str, Any]:
        """Return scope.json as a dict."""
        return {"by": self.by, "departments": [d.to_dict() for d in self.departments],
                "boundary": {"activities": [dict(a) for a in self.boundary.activities],
                             "crossings": [dict(c) for c in self.boundary.crossings]}}

    def write(self, path: str | Path) -> Path:
        """Write scope.json (UTF-8, Cyrillic as is) and return its path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    def rows(self) -> list[tuple[str, ...]]:
        """Return the summary table's rows as display text: department, cases, verdict, entropy, k80, sources."""
        out: list[tuple[str, ...]] = []
        for d in self.departments:
            s = d.structure
            entropy = "" if s is None or d.verdict == "insufficient" else f"{format_number(s.sequence_entropy, digits=2)} " \
                f"({format_number(s.interval[0], digits=2)}–{format_number(s.interval[1], digits=2)})"
            out.append((d.department, format_count(d.cases), VERDICT_NAMES[d.verdict], entropy,
                        "" if s is None or d.verdict == "insufficient" else format_count(s.k80), format_share(d.multi_source_share)))
        return out

    HEADERS = ("Подразделение", "Случаев", "Вывод", "Энтропия (90 % интервал)", "Вариантов на 80 %",
               "Случаев из нескольких источников")

    def to_text(self) -> str:
        """Return the verdicts as a plain-text table, then each department's reasons."""
        rows = [self.HEADERS, *self.rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.HEADERS))]
        lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        for d in self.departments:
            lines += ["", f"{d.department}: {VERDICT_NAMES[d.verdict]}"] + [f"  - {r}" for r in d.reasons]
        return "\n".join(lines)

    def __repr__(self) -> str:
        verdicts = ", ".join(f"{d.department}: {d.verdict}" for d in self.departments)
        return f"Scope({verdicts})"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.HEADERS)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in self.rows())
        reasons = "".join(f"<p><b>{html.escape(d.department)}</b>: " + " ".join(html.escape(r) for r in d.reasons)
                          + "</p>" for d in self.departments)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{reasons}"
