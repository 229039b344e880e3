"""Validate a YAML-shaped declared process and build the :class:`~miner.declared.model.DeclaredProcess`.

Every reader (:mod:`miner.declared.formats`) produces the same YAML-shaped data and a ``locate``
function; the checks here report every problem at once, each at its line, cell or BPMN element:
unknown keys, bad durations, names used twice, unknown steps in ``next``/``start``/``end``, no
start, steps that cannot be reached, steps with no way to the end.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from miner.declared.model import Accepted, DeclaredProcess, Step, parse_limit
from miner.errors import DeclaredProcessError, located
from miner.declared.matching import normalize, suggest

STEP_KEYS = ("next", "role", "department", "system", "within", "aliases")
TOP_KEYS = ("process", "department", "described_by", "start", "end", "steps", "accepted")
END_WORDS = frozenset({"end", "конец"})

Locate = Callable[[tuple], str]


def build_declared(raw: Any, locate: Locate, file: str) -> DeclaredProcess:
    """Validate a YAML-shaped description and build the :class:`DeclaredProcess`.

    ``locate(path)`` turns a key path such as ``("steps", "Отгрузка", "within")`` into a place
    for messages (``"sales.yaml, строка 12"``). All problems are raised together.
    """
    problems: list[str] = []

    def problem(where: tuple, message: str) -> None:
        problems.append(f"{locate(where)}: {message}")

    if raw is None or raw == {} or raw == "":
        raise DeclaredProcessError(located(file, "the file is empty; write the process as "
                                           "process, start, end and steps (CONTRACTS.md §3)"))
    if not isinstance(raw, Mapping):
        raise DeclaredProcessError(f"{locate(())}: expected the keys process, start, end, steps; "
                                   f"found a {type(raw).__name__}")
    for key in raw:
        if key not in TOP_KEYS:
            problem((key,), f'unknown key "{key}"; expected one of {", ".join(TOP_KEYS)}')
    steps = _steps(raw.get("steps"), problem)
    start = _names(raw.get("start"), ("start",), problem)
    end = _names(raw.get("end"), ("end",), problem)
    steps, marked_end = _strip_end_words(steps)
    if raw.get("end") is None:
        end = [n for n, s in steps.items() if not s.next] + marked_end
    end = list(dict.fromkeys([*end, *marked_end]))
    if steps:
        _check_graph(steps, start, end, raw, problem)
    accepted = _accepted(raw.get("accepted"), problem)
    if problems:
        raise DeclaredProcessError("\n".join(problems))
    return DeclaredProcess(
        process=str(raw.get("process") or Path(file).stem), steps=steps, start=tuple(start),
        end=tuple(end), department=_text(raw.get("department")),
        described_by=_text(raw.get("described_by")), accepted=tuple(accepted), file=file)


def _steps(value: Any, problem: Callable[[tuple, str], None]) -> dict[str, Step]:
    """Build the steps, reporting malformed ones."""
    if not isinstance(value, Mapping) or not value:
        problem(("steps",) if value is not None else (), "no steps: add steps: with one entry per "
                "step (its name as in the log, then next, role, department, system, within)")
        return {}
    steps: dict[str, Step] = {}
    seen: dict[str, str] = {}
    for key, body in value.items():
        name = " ".join(str(key).split())
        where = ("steps", key)
        body = {} if body is None else body
        if not isinstance(body, Mapping):
            problem(where, f'step "{name}": expected next, role, department, system, within, '
                    f"aliases; found {body!r}")
            continue
        for bad in (k for k in body if k not in STEP_KEYS):
            hint = suggest(str(bad), STEP_KEYS, limit=1)
            problem(where + (bad,), f'step "{name}": unknown key "{bad}"'
                    + (f'; did you mean "{hint[0]}"?' if hint else f"; expected one of {', '.join(STEP_KEYS)}"))
        within = None
        if body.get("within") is not None:
            try:
                within = parse_limit(body["within"])
            except ValueError:
                problem(where + ("within",), f'step "{name}": bad duration "{body["within"]}" in '
                        "within; write a number and a unit: 30m, 4h, 2d (or 30мин, 4ч, 2д)")
        step = Step(name, tuple(_names(body.get("next"), where + ("next",), problem)),
                    _text(body.get("role")), _text(body.get("department")),
                    _text(body.get("system")), within,
                    tuple(_names(body.get("aliases"), where + ("aliases",), problem)))
        for alias in (name, *step.aliases):
            other = seen.setdefault(normalize(alias), name)
            if other != name or (alias == name and name in steps):
                problem(where, f'"{alias}" names both step "{other}" and step "{name}"; '
                        "each name or alias must be used once")
        steps[name] = step
    return steps


def _strip_end_words(steps: dict[str, Step]) -> tuple[dict[str, Step], list[str]]:
    """Turn ``END``/``КОНЕЦ`` in ``next`` into membership of ``end``."""
    marked = [n for n, s in steps.items() if any(normalize(x) in END_WORDS for x in s.next)]
    cleaned = {n: replace(s, next=tuple(x for x in s.next if normalize(x) not in END_WORDS))
               for n, s in steps.items()}
    return cleaned, marked


def _check_graph(steps: dict[str, Step], start: list[str], end: list[str], raw: Mapping,
                 problem: Callable[[tuple, str], None]) -> None:
    """Report unknown names, a missing start, unreachable steps and steps that cannot end."""
    names = list(steps)

    def unknown(name: str, where: tuple, what: str) -> bool:
        if name in steps:
            return False
        hint = suggest(name, names, limit=1)
        problem(where, f'{what} names unknown step "{name}"'
                + (f'; did you mean "{hint[0]}"?' if hint else "; add it under steps"))
        return True

    for step in steps.values():
        for i, target in enumerate(step.next):
            unknown(target, ("steps", step.name, "next", i), f'next of step "{step.name}"')
    bad = [unknown(s, ("start", i), "start") for i, s in enumerate(start)]
    bad += [unknown(s, ("end", i), "end") for i, s in enumerate(end)]
    bad += [x not in steps for s in steps.values() for x in s.next]
    if not start:
        problem(("start",) if "start" in raw else (), "no start: say where cases begin, e.g. "
                f"start: [{names[0]}]")
    if not end:
        problem(("end",) if "end" in raw else (), "no end: say where cases finish, e.g. "
                f"end: [{names[-1]}]")
    if not start or not end or any(bad):
        return
    forward = _reach({n: [x for x in s.next if x in steps] for n, s in steps.items()}, start)
    backward_graph: dict[str, list[str]] = {n: [] for n in steps}
    for s in steps.values():
        for x in s.next:
            if x in steps:
                backward_graph[x].append(s.name)
    backward = _reach(backward_graph, end)
    for name in names:
        if name not in forward:
            problem(("steps", name), f'step "{name}" cannot be reached from start; '
                    "add it to the next of a step before it, or to start")
        elif name not in backward:
            why = ("it has no next and is not in end" if not steps[name].next
                   else "every path from it ends in a cycle with no exit")
            problem(("steps", name), f'step "{name}" has no way to the end: {why}; '
                    "add a next step or list it in end")


def _reach(graph: Mapping[str, list[str]], roots: Iterable[str]) -> set[str]:
    """Return the nodes reachable from ``roots`` (inclusive)."""
    seen, stack = set(), list(roots)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, ()))
    return seen


def _names(value: Any, where: tuple, problem: Callable[[tuple, str], None]) -> list[str]:
    """Read a list of names (a single name is a one-element list)."""
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, (list, tuple)):
        problem(where, f"expected a list of step names in [...]; found {value!r}")
        return []
    out = []
    for item in value:
        if isinstance(item, (Mapping, list)):
            problem(where, f"expected a step name; found {item!r}")
        elif item is not None and str(item).strip():
            out.append(" ".join(str(item).split()))
    return out


def _accepted(value: Any, problem: Callable[[tuple, str], None]) -> list[Accepted]:
    """Read ``accepted:`` entries: ``{step: NAME}`` or ``{from: A, to: B}``."""
    if value is None:
        return []
    if not isinstance(value, list):
        problem(("accepted",), "accepted must be a list of {step: NAME} or {from: A, to: B}")
        return []
    out = []
    for i, item in enumerate(value):
        if isinstance(item, Mapping) and set(item) == {"step"}:
            out.append(Accepted(step=str(item["step"]).strip()))
        elif isinstance(item, Mapping) and set(item) == {"from", "to"}:
            out.append(Accepted(source=str(item["from"]).strip(), target=str(item["to"]).strip()))
        else:
            problem(("accepted", i), f"accepted entry {item!r} is neither {{step: NAME}} "
                    "nor {from: A, to: B}")
    return out


def _text(value: Any) -> str | None:
    """Return ``value`` as stripped text, or None when empty."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
