"""``miner verify``: recompute the acceptance criteria of requirements.json on an export after the rollout.

The new export (from the CRM or from 1C) is read like any source; its step names are matched to
the declared steps kept in requirements.json (names, ``aliases``, and a mapping file for steps the
CRM renamed). Each criterion is counted as it was for the baseline
(:mod:`miner.specification.criteria`): passed when the value is at most the requirement's limit,
failed above it, and *not computable* (``passed`` null) when a step it names is missing entirely.
``verification.json`` and the test protocol ``verification.docx`` are written to the folder.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from miner.errors import InputError
from miner.specification.criteria import Measurer, describe, named
from miner.specification.requirements import data_summary
from miner.specification.texts import STATUS_RU
from miner.units import format_share

STATUS = {True: "passed", False: "failed", None: "not computable"}


class RequirementsFileError(InputError):
    """requirements.json or the mapping file cannot be read or is not what ``miner report`` writes."""


@dataclass(frozen=True)
class Check:
    """One criterion checked on the new data."""

    id: str
    deviation: str
    text: str
    criterion: dict[str, Any]
    baseline: float | None
    value: float | None
    limit: float
    passed: bool | None
    cases: int = 0
    total: int = 0
    examples: tuple[str, ...] = ()
    note: str = ""

    @property
    def status(self) -> str:
        return STATUS[self.passed]

    def to_dict(self) -> dict[str, Any]:
        """Return the entry of verification.json (CONTRACTS.md §8 keys first)."""
        return {"id": self.id, "deviation": self.deviation, "baseline": self.baseline,
                "value": None if self.value is None else round(self.value, 4), "limit": self.limit,
                "passed": self.passed, "status": self.status, "checked": describe(self.criterion),
                "criterion": dict(self.criterion), "cases": self.cases, "total": self.total,
                "examples": list(self.examples), "note": self.note, "text": self.text}


@dataclass(frozen=True)
class Verification:
    """The result of :func:`verify`: one :class:`Check` per requirement and the data they were counted on."""

    checks: tuple[Check, ...]
    data: dict[str, Any]
    process: str
    requirements_file: str = ""
    unmatched: tuple[str, ...] = ()
    mapping: dict[str, Any] = field(default_factory=dict)
    output: Path | None = None

    def count(self, status: str) -> int:
        """Return how many checks have ``status`` (``passed``, ``failed``, ``not computable``)."""
        return sum(c.status == status for c in self.checks)

    def __repr__(self) -> str:
        return (f"Verification({self.process!r}: {self.count('passed')} passed, {self.count('failed')} failed, "
                f"{self.count('not computable')} not computable, on {self.data.get('cases')} cases)")

    def to_dict(self) -> dict[str, Any]:
        """Return verification.json."""
        return {"requirements": [c.to_dict() for c in self.checks], "data": dict(self.data),
                "period": {"start": self.data.get("start"), "end": self.data.get("end")},
                "process": self.process, "requirements_file": self.requirements_file,
                "passed": self.count("passed"), "failed": self.count("failed"),
                "not_computable": self.count("not computable"), "unmatched_activities": list(self.unmatched),
                "mapping": dict(self.mapping)}

    def to_text(self) -> str:
        """Return a short Russian table: one line per requirement."""
        lines = [f"{'треб.':<6} {'было':>7} {'стало':>7} {'цель':>7}  результат"]
        for c in self.checks:
            value = "—" if c.value is None else format_share(c.value)
            base = "—" if c.baseline is None else format_share(c.baseline)
            lines.append(f"{c.id:<6} {base:>7} {value:>7} {format_share(c.limit):>7}  {STATUS_RU[c.status]}"
                         + (f" ({c.note})" if c.note else ""))
        lines.append(f"выполнено {self.count('passed')} из {len(self.checks)}, не выполнено {self.count('failed')}, "
                     f"не вычисляется {self.count('not computable')}")
        if self.unmatched:
            lines.append("не сопоставлены с описанием: " + ", ".join(f"«{a}»" for a in self.unmatched[:10])
                         + " (переименованный этап укажите в --mapping)")
        return "\n".join(lines)

    def write(self, directory: str | Path) -> tuple[Path, Path]:
        """Write ``verification.json`` and ``verification.docx`` into ``directory``."""
        from miner.specification.protocol import write_protocol

        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        path = out / "verification.json"
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        return path, write_protocol(self, out / "verification.docx")


def verify(source: Any, requirements: str | Path | Mapping[str, Any], output: str | Path | None = None, *,
           mapping: str | Path | Mapping[str, Any] | None = None, **read_options: Any) -> Verification:
    """Recompute every criterion of ``requirements`` on a new export and say which are met.

    Args:
        source: the export after the rollout: file(s) of any kind ``miner.ingest`` reads, or a log.
        requirements: requirements.json written by ``miner report --declared`` (or its dict).
        output: folder for ``verification.json`` and ``verification.docx``; nothing written when None.
        mapping: {name in the requirements: name in the new data} for renamed steps, as a dict or a
            YAML/JSON file; the declared ``aliases`` are honoured anyway.
        **read_options: column mapping and reading options for ``source``.

    Returns:
        A :class:`Verification`; a check's ``passed`` is None when it cannot be computed.

    Raises:
        RequirementsFileError: requirements.json or the mapping file is unreadable.
        InputError: the export cannot be read.

    Example:
        >>> v = verify("crm_export.csv", "report/requirements.json", "check/")  # doctest: +SKIP
        >>> [c.passed for c in v.checks]  # doctest: +SKIP
        [True, True, False]
    """
    from miner.ingestion.reading import read_log

    spec, name = _load_json(requirements)
    names = _load_mapping(mapping)
    processes = _processes(spec, name)
    calendar = spec.get("calendar") or {}
    log = read_log(source, **read_options)
    measurer = Measurer(log, processes, mapping=names, calendar=calendar.get("kind", "ru"),
                        work_hours=tuple(calendar.get("work_hours", (9, 18))))
    known = {n for item in spec.get("requirements", []) for n in named(item["criterion"])}
    unmatched = tuple(a for a in measurer.unmatched if a not in known)
    checks = [_check(item, measurer.measure(item["criterion"]), unmatched) for item in spec.get("requirements", [])]
    result = Verification(tuple(checks), data_summary(log), processes[0].process, name, unmatched, dict(names))
    if output is not None:
        result.write(output)
        result = Verification(result.checks, result.data, result.process, result.requirements_file,
                              result.unmatched, result.mapping, Path(output))
    return result


def _check(item: Mapping[str, Any], m: Any, unmatched: tuple[str, ...]) -> Check:
    """Judge one requirement's measurement; a pass on a vanished activity warns when others are unmatched."""
    criterion = item["criterion"]
    passed = None if m.value is None else bool(m.value <= float(criterion["max"]))
    note = m.note
    if note and m.value is not None and unmatched:
        # «vanished» may mean renamed: the consultant must see the names nothing explains
        note += ("; проверьте, не переименовано ли оно: не сопоставлены "
                 + ", ".join(f"«{a}»" for a in unmatched[:5]))
    return Check(str(item["id"]), str(item.get("deviation", "")), str(item.get("text", "")), criterion,
                 item.get("baseline"), m.value, float(criterion["max"]), passed, m.cases, m.total, m.examples, note)


def _load_json(requirements: str | Path | Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    if isinstance(requirements, Mapping):
        return dict(requirements), ""
    path = Path(requirements)
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RequirementsFileError(f"{path}: cannot read requirements ({exc}); pass the requirements.json "
                                    "that 'miner report --declared' wrote") from exc
    if not isinstance(spec, dict) or not isinstance(spec.get("requirements"), list) or not spec.get("declared"):
        raise RequirementsFileError(f"{path}: not a requirements.json of miner (no 'requirements' and 'declared'); "
                                    "pass the file 'miner report --declared' wrote")
    return spec, path.name


def _load_mapping(mapping: str | Path | Mapping[str, Any] | None) -> dict[str, Any]:
    """Read {name in the requirements: name or names in the new data} from a dict or a YAML/JSON file."""
    if mapping is None:
        return {}
    if isinstance(mapping, Mapping):
        raw: Any = dict(mapping)
        where = "mapping"
    else:
        import yaml

        where = str(mapping)
        try:
            raw = yaml.safe_load(Path(mapping).read_text(encoding="utf-8"))
        except (OSError, ValueError, yaml.YAMLError) as exc:
            raise RequirementsFileError(f"{where}: cannot read the mapping ({exc}); write one line per renamed "
                                        "step: 'Name in the requirements: Name in the new data'") from exc
    if not isinstance(raw, dict) or not all(isinstance(v, (str, list)) for v in raw.values()):
        raise RequirementsFileError(f"{where}: expected lines 'Name in the requirements: Name in the new data' "
                                    "(a name or a list of names)")
    return {str(k): v for k, v in raw.items()}


def _processes(spec: Mapping[str, Any], name: str) -> list[Any]:
    """Rebuild the declared processes kept in requirements.json."""
    from miner.declared.checks import build_declared

    where = name or "requirements"

    def locator(i: int) -> Any:
        return lambda key: f"{where}, declared[{i}] {'/'.join(map(str, key))}"

    return [build_declared(raw, locator(i), where) for i, raw in enumerate(spec["declared"])]
