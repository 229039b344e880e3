"""Compare the real process in a log with the processes heads of departments declared.

:func:`compare` matches declared steps to log activities (:mod:`miner.declared.matching`), computes every
finding kind of CONTRACTS.md §4 once per variant (:mod:`miner.comparison.findings`), the declared model's
fitness (:mod:`miner.comparison.conformance`), and, for several descriptions, where they contradict each
other and which the data supports (:mod:`miner.comparison.conflicts`); one description's analysis is a
:class:`~miner.comparison.parts.Part`. It writes ``findings.json`` and the
overlay map ``comparison.svg/.png/.gv`` (:mod:`miner.comparison.overlay`: simplified when the full
one would be crowded, the full one then beside it as ``comparison_full.*``).

Several descriptions: each is judged on its own part of the data — events of activities that only
another description declares are left out, and cases with none of its steps are out of its scope
(``share`` is over the cases in scope). Activities no description declares are reported once.
The top-level ``declared``/``fitness``/``conforming_cases`` of findings.json describe the first
description; ``descriptions`` lists every one.
"""
from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from miner.comparison.parts import Context, Part, traces_of
from miner.declared.model import DeclaredProcess
from miner.declared.reading import read_declared
from miner.comparison.findings import Finding, importance, undeclared_findings
from miner.declared.matching import match_steps
from miner.comparison.worktime import WorkCalendar
from miner.comparison.deviations import Deviation, build_deviations
from miner.comparison.drivers import case_attributes
from miner.comparison.quality import REPEAT_WINDOW, QualityItem, split_records
from miner.declared.matching import check_steps
from miner.language import Lang, method_name
from miner.units import format_number, format_share

DeclaredLike = str | Path | DeclaredProcess


@dataclass(frozen=True, repr=False)
class Comparison:
    """The result of :func:`compare`; ``to_dict()`` is findings.json (CONTRACTS.md §4).

    Attributes:
        log: ``{"cases", "events"}`` of the whole log.
        parts: one :class:`Part` per description, in the order given.
        findings: all findings, most important first (``process`` set when several).
        conflicts: where descriptions contradict each other, with the data's verdict.
        calendar, work_hours: how durations were measured.
        output: the directory written, if any; maps: the overlay maps shown (one per
            description, in order); full_maps: the full overlays where ``maps`` are simplified
            (None elsewhere); lang: the maps' language; activities, paths: the map thresholds.
    """

    log: dict[str, int]
    parts: tuple[Part, ...]
    findings: tuple[Finding, ...]
    conflicts: tuple[Any, ...] = ()
    calendar: str = "ru"
    work_hours: tuple[float, float] = (9, 18)
    output: Path | None = None
    maps: tuple[Any, ...] = field(default=(), repr=False)
    lang: Lang = "ru"
    full_maps: tuple[Any, ...] = field(default=(), repr=False)
    activities: float | None = None
    paths: float | None = None
    deviations: tuple[Deviation, ...] = ()
    data_quality: tuple[QualityItem, ...] = ()

    def __repr__(self) -> str:
        names = ", ".join(repr(p.declared.process) for p in self.parts)
        return (f"Comparison({names}: {self.log['cases']} cases, fitness {self.fitness:.3f} "
                f"({self.fitness_method}), {len(self.deviations)} deviations, {len(self.findings)} findings, "
                f"{len(self.conflicts)} conflicts)")

    @property
    def fitness(self) -> float:
        return self.parts[0].fitness

    @property
    def fitness_method(self) -> str:
        return self.parts[0].fitness_method

    @property
    def conforming_cases(self) -> float:
        return self.parts[0].conforming_cases

    @property
    def accepted(self) -> tuple[Finding, ...]:
        return tuple(f for p in self.parts for f in p.accepted)

    @property
    def outside_system(self) -> tuple[dict[str, Any], ...]:
        return tuple(o for p in self.parts for o in p.outside_system)

    @property
    def unmatched(self) -> tuple[str, ...]:
        return tuple(s for p in self.parts for s in p.unmatched)

    @property
    def suggestions(self) -> dict[str, tuple[str, ...]]:
        return {k: v for p in self.parts for k, v in p.matching.suggestions.items()}

    def hint(self) -> str:
        """Return the Russian hint about unmatched declared steps (empty if all matched)."""
        return "\n".join(h for p in self.parts if (h := p.matching.hint(p.unmatched)))

    def to_dict(self) -> dict[str, Any]:
        """Return findings.json: the keys of CONTRACTS.md §4 first, then extra keys."""
        first = self.parts[0]
        out: dict[str, Any] = {
            "log": dict(self.log),
            "declared": {"process": first.declared.process, "steps": len(first.declared.steps)},
            "fitness": round(self.fitness, 4),
            "conforming_cases": round(self.conforming_cases, 4),
            "findings": [f.to_dict() for f in self.findings],
            "fitness_method": self.fitness_method,
            "accepted": [f.to_dict() for f in self.accepted],
            "outside_system": list(self.outside_system),
            "unmatched": [{"step": s, "suggestions": list(self.suggestions.get(s, ()))}
                          for s in self.unmatched],
            "calendar": {"kind": self.calendar, "work_hours": list(self.work_hours)},
            "deviations": [d.to_dict() for d in self.deviations],
            "data_quality": [q.to_dict() for q in self.data_quality],
        }
        if len(self.parts) > 1:
            out["descriptions"] = [p.summary() for p in self.parts]
            out["conflicts"] = [c.to_dict() for c in self.conflicts]
        return out

    def write(self, directory: str | Path) -> Path:
        """Write ``findings.json`` and the overlay maps into ``directory``; return the json path.

        Each description's map is ``comparison.*`` (``comparison_2.*``...), plus
        ``comparison_full.*`` when the map shown is simplified.
        """
        from miner.comparison.overlay import Overlay

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "findings.json"
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        overlays = ([Overlay(m, f) for m, f in zip(self.maps, self.full_maps or (None,) * len(self.maps))]
                    or [self._draw(p) for p in self.parts])
        for i, overlay in enumerate(overlays):
            overlay.save(directory, "comparison" if i == 0 else f"comparison_{i + 1}")
        return path

    def _draw(self, part: Part) -> Any:
        from miner.comparison.overlay import draw_overlay

        return draw_overlay(part, lang=self.lang, activities=self.activities, paths=self.paths)

    def to_text(self, top: int = 10) -> str:
        """Return a short Russian table of the most important findings."""
        lines = []
        for p in self.parts:
            lines.append(f"«{p.declared.process}»: соответствие {format_number(p.fitness, digits=2)} (метод: "
                         f"{method_name(p.fitness_method)}), точно по описанию {format_share(p.conforming_cases)} случаев")
        lines.append(f"{'':>3}  {'доля':>4}  {'случаев':>7}  отклонение (находки)")
        for d in self.deviations[:top]:
            lines.append(f"{d.id:>3}  {d.share:>4.0%}  {d.cases:>7}  {d.title} ({', '.join(d.findings)})")
            lines += [f"{'':>20}  чаще: {x.summary[:1].lower()}{x.summary[1:]}" for x in d.drivers[:2]]
        if len(self.deviations) > top:
            lines.append(f"… и ещё {len(self.deviations) - top}; все — в findings.json")
        for q in self.data_quality:
            lines.append(f"качество данных: {q.summary}")
        for c in self.conflicts:
            lines.append(f"расхождение описаний: {c.summary}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{d.id}</td><td>{d.cases}</td><td>{d.share:.0%}</td>"
                       f"<td>{html.escape(d.title)} ({', '.join(d.findings)})</td></tr>" for d in self.deviations)
        head = "".join(f"<p><b>{html.escape(p.declared.process)}</b>: fitness {p.fitness:.2f} "
                       f"({p.fitness_method}), conforming {p.conforming_cases:.0%}</p>" for p in self.parts)
        from miner.reporting.explorer import comparison_html  # interactive maps, static without scripts

        picture = comparison_html(self)
        return (f"{head}<table><tr><th>deviation</th><th>cases</th><th>share</th><th>title (findings)</th></tr>"
                f"{rows}</table>{picture}")


def compare(source: Any, declared: DeclaredLike | Sequence[DeclaredLike], output: str | Path | None = None,
            *, calendar: str = "ru", work_hours: tuple[float, float] = (9, 18),
            time_budget: float = 30.0, lang: Lang = "ru", activities: float | None = None,
            paths: float | None = None, repeat_window: float = REPEAT_WINDOW,
            accept_suggestions: bool = False, **read_options: Any) -> Comparison:
    """Compare the process in ``source`` with one or several declared processes.

    Args:
        source: a :class:`~miner.prepared.PreparedLog` (its coding and variants are reused), a
            log file, several files, or a canonical DataFrame (``miner.read_log``).
        declared: a declared-process file (YAML, Excel sheet, BPMN) or DeclaredProcess, or a list.
        output: directory for ``findings.json`` and ``comparison.svg/.png/.gv``; nothing is
            written when None.
        calendar: ``"ru"`` (working time by the Russian production calendar) or ``"24x7"``.
        work_hours: the working day, ``(9, 18)`` by default.
        time_budget: seconds for alignments before falling back to token replay.
        lang: language of the map ("ru" or "en"); summaries are Russian.
        activities, paths: shares 0..1 of the most frequent activities and paths the map shows
            (as ``discover``); declared lines that occur are always shown. ``None`` for both:
            the full map, simplified only when it would be crowded (over 20 activities or 40
            lines), the full one then written too as ``comparison_full.*``.
        **read_options: column mapping and reading options for ``source``.

    Returns:
        A :class:`Comparison`.

    Raises:
        DeclaredProcessError: a description is malformed; DeclaredStepError: a declared step is
            misspelt (see ``accept_suggestions``); InputError: the log cannot be read.
        ValueError: ``activities`` or ``paths`` is not between 0 and 1.

    Example:
        >>> result = compare("sample_data/sales_1c.csv", "sample_data/sales_declared.yaml", "out")  # doctest: +SKIP
        >>> result.findings[0].summary  # doctest: +SKIP
    """
    from miner.ingestion.reading import prepare_log

    for share in (activities, paths):
        if share is not None and not 0 <= share <= 1:
            raise ValueError(f"a share must be between 0 and 1, got {share}")
    items = list(declared) if isinstance(declared, (list, tuple)) else [declared]
    processes = [d if isinstance(d, DeclaredProcess) else read_declared(cast(str | Path, d)) for d in items]
    if output is not None:  # before the log is read: an unwritable folder fails at once
        from miner.outputs import output_folder

        output_folder(output)
    prepared = prepare_log(source, **read_options)
    hours = (float(work_hours[0]), float(work_hours[1]))
    cal = WorkCalendar(calendar, hours)
    log = prepared.frame
    size = {"cases": prepared.coded.n_cases, "events": prepared.coded.n_events}
    coded, quality = split_records(log, prepared.coded, repeat_window)
    found = prepared.variants if coded is prepared.coded else None  # records saved twice change the variants
    context = Context(log, coded, cal, time_budget, found)
    processes = [check_steps(d, coded.activities, accept_suggestions=accept_suggestions) for d in processes]
    matchings = [match_steps({n: s.aliases for n, s in d.steps.items()}, coded.activities)
                 for d in processes]
    many = len(processes) > 1
    claimed = [set(m.activities) for m in matchings]
    parts = [context.part(d, m, foreign=set().union(*claimed[:i], *claimed[i + 1:]) - claimed[i]
                          if many else None)
             for i, (d, m) in enumerate(zip(processes, matchings))]
    conflicts: tuple = ()
    findings = [f for f in parts[0].findings]
    if many:
        from miner.comparison.conflicts import find_conflicts

        conflicts = tuple(find_conflicts(parts, context))
        known = set().union(*(m.activities for m in matchings))
        findings = _merge([_tag(f, p.declared.process) for p in parts for f in p.findings])
        findings += undeclared_findings(traces_of(coded, found), known)
    parts, numbered, deviations = _deviations(parts, findings, many, log, coded)
    result = Comparison(size, tuple(parts), tuple(numbered), conflicts, calendar,
                        hours, Path(output) if output is not None else None, lang=lang,
                        activities=activities, paths=paths, deviations=tuple(deviations),
                        data_quality=quality)
    if output is not None:
        overlays = [result._draw(p) for p in parts]
        result = replace(result, maps=tuple(o.shown for o in overlays), full_maps=tuple(o.full for o in overlays))
        result.write(output)
    return result


def _deviations(parts: list[Part], findings: list[Finding], many: bool, log: Any,
                coded: Any) -> tuple[list[Part], list[Finding], list[Deviation]]:
    """Number the findings, group them into deviations with drivers; return the parts renumbered too."""
    models = {(p.declared.process if many else None): p.effective for p in parts}
    numbered, deviations = build_deviations(sorted(findings, key=importance), models, coded.case_ids,
                                            case_attributes(log, coded))
    return _numbered_parts(parts, numbered), numbered, deviations


def _numbered_parts(parts: list[Part], numbered: list[Finding]) -> list[Part]:
    """Return the parts with their findings carrying the ids and deviations of ``numbered``."""
    def key(f: Finding) -> tuple:
        fields = {k: v for k, v in f.fields.items() if k != "processes"}
        return f.kind, json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str), f.cases

    by_key = {key(f): f for f in numbered}
    return [replace(p, findings=tuple(replace(f, id=by_key[key(f)].id, deviation=by_key[key(f)].deviation)
                                      if key(f) in by_key else f for f in p.findings)) for p in parts]


def _tag(finding: Finding, process: str) -> Finding:
    return replace(finding, process=process)


def _merge(findings: list[Finding]) -> list[Finding]:
    """Merge findings that several descriptions report identically (a repeat, a path).

    The merged finding keeps the first description as ``process`` and lists all of them in the
    extra field ``processes``.
    """
    merged: dict[tuple, Finding] = {}
    for f in findings:
        key = (f.kind, json.dumps(dict(f.fields), ensure_ascii=False, sort_keys=True), f.cases)
        if key in merged:
            first = merged[key]
            names = list(first.fields.get("processes", [first.process])) + [f.process]
            merged[key] = replace(first, fields={**first.fields, "processes": names})
        else:
            merged[key] = f
    return list(merged.values())
