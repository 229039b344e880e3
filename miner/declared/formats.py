"""Read a declared process from YAML, an Excel interview sheet or BPMN 2.0 into YAML-shaped data.

Each reader returns ``(raw, locate)``: ``raw`` has the shape of the YAML form (CONTRACTS.md §3),
``locate(path)`` tells where a key path such as ``("steps", "Отгрузка", "within")`` sits in the
file (a line, a cell, a BPMN element), so :func:`miner.declared.model.build_declared` can say where each
problem is.

BPMN: tasks of every kind are steps; start and end events give ``start`` and ``end``; gateways and
intermediate events are collapsed into direct step-to-step ``next``. A parallel (or inclusive)
split is turned into its directly-follows form: each branch may come first, the branches'
steps may follow each other in any order, and each branch leads to what follows the join. The
declared model therefore allows every interleaving but does not require all branches. Lane names
become the steps' ``department``; ``documentation`` lines ``Норматив: 4ч``, ``Система: телефон``,
``Роль: ...``, ``Синонимы: a; b`` fill the other fields.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from miner.errors import DeclaredProcessError, located
from miner.declared.matching import normalize

Locate = Callable[[tuple], str]

# Excel interview sheet: header (normalised) -> YAML key
SHEET_COLUMNS = {"шаг": "step", "далее": "next", "роль": "role", "подразделение": "department",
                 "система": "system", "норматив": "within", "синонимы": "aliases",
                 "step": "step", "next": "next", "role": "role", "department": "department",
                 "system": "system", "within": "within", "aliases": "aliases"}
SHEET_META = {"процесс": "process", "process": "process", "подразделение": "department",
              "владелец": "department", "описал": "described_by", "кто описал": "described_by",
              "источник": "described_by", "described_by": "described_by"}
PSEUDO_START, PSEUDO_END = "начало", "конец"
TASKS = {"task", "userTask", "serviceTask", "manualTask", "scriptTask", "businessRuleTask",
         "sendTask", "receiveTask", "callActivity", "subProcess", "transaction"}
PARALLEL = {"parallelGateway", "inclusiveGateway", "complexGateway"}
BPMN_DOC_KEYS = {"норматив": "within", "within": "within", "система": "system", "system": "system",
                 "роль": "role", "role": "role", "синонимы": "aliases", "aliases": "aliases",
                 "подразделение": "department", "department": "department"}


def read_raw(path: Path) -> tuple[Any, Locate]:
    """Read ``path`` in the format its content shows (zip = Excel, XML = BPMN, else YAML)."""
    head = path.read_bytes()[:512]
    if head.startswith(b"PK"):
        return read_sheet(path)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return read_bpmn(path)
    return read_yaml(path)


def read_yaml(path: Path) -> tuple[Any, Locate]:
    """Read the YAML form; syntax errors name the line and column."""
    import yaml

    file = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DeclaredProcessError(located(file, f"is not UTF-8 text (byte {exc.start}); save it "
                                           "as UTF-8")) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}, строка {mark.line + 1}, позиция {mark.column + 1}" if mark else file
        what = getattr(exc, "problem", None) or str(exc)
        raise DeclaredProcessError(f"{where}: YAML syntax error: {what}; check brackets, colons "
                                   "and indentation") from exc
    lines: dict[tuple, int] = {}
    if node is not None:
        _walk(node, (), lines)

    def locate(key: tuple) -> str:
        while key and key not in lines:
            key = key[:-1]
        return located(file, "", row=lines[key])[:-2] if key else file

    return raw, locate


def _walk(node: Any, path: tuple, lines: dict[tuple, int]) -> None:
    """Record the 1-based line of every key path in a composed YAML node tree."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            lines.setdefault(sub, key.start_mark.line + 1)
            _walk(value, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _walk(item, path + (i,), lines)


def read_sheet(path: Path) -> tuple[Any, Locate]:
    """Read the Excel interview sheet: one row per step, ``НАЧАЛО``/``КОНЕЦ`` pseudo-steps."""
    from openpyxl import load_workbook

    file = path.name
    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/ValueError on damaged files
        raise DeclaredProcessError(located(file, f"cannot be opened as an Excel workbook ({exc}); "
                                           "save it again as .xlsx")) from exc
    for sheet in book.worksheets:
        header = _find_header(sheet)
        if header is not None:
            break
    else:
        raise DeclaredProcessError(located(file, 'no sheet has a header row with "Шаг" (and '
                                           'Далее, Роль, Подразделение, Система, Норматив, '
                                           'Синонимы); add it above the steps'))
    row0, columns = header
    raw: dict[str, Any] = {"steps": {}}
    cells: dict[tuple, tuple[str, str]] = {}
    _sheet_meta(sheet, row0, raw, cells)
    for row in sheet.iter_rows(min_row=row0 + 1):
        values = {columns[c.column]: c for c in row if c.column in columns}
        step_cell = values.get("step")
        if step_cell is None or step_cell.value is None or not str(step_cell.value).strip():
            continue
        name = " ".join(str(step_cell.value).split())
        nxt = [x.strip() for x in str(_value(values.get("next")) or "").split(";") if x.strip()]
        if normalize(name) == PSEUDO_START:
            raw["start"] = nxt
            cells[("start",)] = (values["next"].coordinate if "next" in values else step_cell.coordinate, "Далее")
            continue
        if normalize(name) == PSEUDO_END:
            continue
        body: dict[str, Any] = {"next": nxt}
        for key in ("role", "department", "system", "within"):
            if _value(values.get(key)) is not None:
                body[key] = _value(values[key])
        if _value(values.get("aliases")) is not None:
            body["aliases"] = [x.strip() for x in str(values["aliases"].value).split(";") if x.strip()]
        raw["steps"][name] = body
        cells[("steps", name)] = (step_cell.coordinate, "Шаг")
        for key, cell in values.items():
            cells[("steps", name, key)] = (cell.coordinate, str(sheet.cell(row0, cell.column).value).strip())
    raw["end"] = [n for n, b in raw["steps"].items() if any(normalize(x) == PSEUDO_END for x in b["next"])]
    accepted = _sheet_accepted(book)
    if accepted:
        raw["accepted"] = accepted

    def locate(key: tuple) -> str:
        while key and key not in cells:
            key = key[:-1]
        if not key:
            return located(file, "", sheet=sheet.title)[:-2]
        cell, column = cells[key]
        return located(file, "", sheet=sheet.title, cell=cell, column=column)[:-2]

    return raw, locate


def _value(cell: Any) -> Any:
    """Return a cell's value, None for empty or blank text."""
    if cell is None or cell.value is None:
        return None
    return cell.value if not isinstance(cell.value, str) or cell.value.strip() else None


def _find_header(sheet: Any) -> tuple[int, dict[int, str]] | None:
    """Return (row number, column number -> key) of the header row holding "Шаг"."""
    for row in sheet.iter_rows(max_row=min(sheet.max_row, 30)):
        keys = {c.column: SHEET_COLUMNS[normalize(c.value)] for c in row
                if isinstance(c.value, str) and normalize(c.value) in SHEET_COLUMNS}
        if "step" in keys.values():
            return row[0].row, keys
    return None


def _sheet_meta(sheet: Any, header_row: int, raw: dict[str, Any], cells: dict) -> None:
    """Read ``Процесс: ...`` style rows above the header (label cell, then value cell)."""
    for row in sheet.iter_rows(max_row=header_row - 1):
        filled = [c for c in row if c.value is not None and str(c.value).strip()]
        if not filled:
            continue
        label, _, inline = str(filled[0].value).partition(":")
        key = SHEET_META.get(normalize(label))
        value = inline.strip() or (str(filled[1].value).strip() if len(filled) > 1 else "")
        if key and value:
            raw[key] = value
            cells[(key,)] = (filled[0].coordinate, label.strip())


def _sheet_accepted(book: Any) -> list[dict[str, str]]:
    """Read accepted deviations from a sheet named ``Допустимо…``/``Принято…`` (Шаг | Откуда | Куда)."""
    for sheet in book.worksheets:
        if not normalize(sheet.title).startswith(("допуст", "принят", "accepted")):
            continue
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            return []
        head = [normalize(h) if isinstance(h, str) else "" for h in rows[0]]
        out = []
        for values in rows[1:]:
            cell = dict(zip(head, values))
            step, src, dst = (cell.get(k) for k in ("шаг", "откуда", "куда"))
            if step:
                out.append({"step": str(step).strip()})
            elif src and dst:
                out.append({"from": str(src).strip(), "to": str(dst).strip()})
        return out
    return []


def read_bpmn(path: Path) -> tuple[Any, Locate]:
    """Read a BPMN 2.0 diagram (bpmn.io, Camunda Modeler) into YAML-shaped data."""
    from defusedxml import ElementTree

    file = path.name
    try:
        root = ElementTree.parse(str(path)).getroot()
    except Exception as exc:  # ParseError, or defusedxml's refusal of entities/DTDs
        raise DeclaredProcessError(located(file, f"is not a readable BPMN/XML file ({exc}); "
                                           "export it again from the modeller")) from exc
    if _local(root.tag) != "definitions":
        raise DeclaredProcessError(located(file, f"is XML but not BPMN 2.0 (root <{_local(root.tag)}>); "
                                           "export the diagram as BPMN 2.0 XML"))
    nodes, flows, lanes, names, docs = _bpmn_elements(root)
    where = {("steps", name): f'{file}, элемент "{eid}"' for eid, name in names.items()}
    problems = [f'{file}, элемент "{eid}": a {kind} has no name; name it as the activity in the log'
                for eid, kind in nodes.items() if kind in TASKS and eid not in names]
    if problems:
        raise DeclaredProcessError("\n".join(problems))
    raw = _collapse(nodes, flows, names)
    for eid, name in names.items():
        body = raw["steps"][name]
        if eid in lanes:
            body.setdefault("department", lanes[eid])
        for line in docs.get(eid, "").splitlines():
            key, _, value = line.partition(":")
            field = BPMN_DOC_KEYS.get(normalize(key))
            if field and value.strip():
                body[field] = ([x.strip() for x in value.split(";") if x.strip()]
                               if field == "aliases" else value.strip())
    titled = [e.get("name") for kind in ("participant", "process") for e in root.iter()
              if _local(e.tag) == kind and (e.get("name") or "").strip()]
    raw["process"] = " ".join(titled[0].split()) if titled else path.stem

    def locate(key: tuple) -> str:
        while key and key not in where:
            key = key[:-1]
        return where.get(key, file)

    return raw, locate


def _local(tag: str) -> str:
    """Return an XML tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _bpmn_elements(root: Any) -> tuple[dict, list, dict, dict, dict]:
    """Collect node kinds, sequence flows, lane of each node, task names and documentation."""
    nodes: dict[str, str] = {}
    flows: list[tuple[str, str]] = []
    lanes: dict[str, str] = {}
    names: dict[str, str] = {}
    docs: dict[str, str] = {}
    attached: dict[str, str] = {}
    for el in root.iter():
        kind, eid = _local(el.tag), el.get("id")
        if kind == "sequenceFlow":
            flows.append((el.get("sourceRef"), el.get("targetRef")))
        elif kind == "lane" and el.get("name"):
            for ref in el:
                if _local(ref.tag) == "flowNodeRef" and ref.text:
                    lanes[ref.text.strip()] = " ".join(el.get("name").split())
        elif kind == "boundaryEvent":
            attached[eid] = el.get("attachedToRef")
        elif eid and (kind in TASKS or kind.endswith(("Gateway", "Event"))):
            nodes[eid] = kind
            if kind in TASKS and el.get("name") and el.get("name").strip():
                names[eid] = " ".join(el.get("name").split())
                doc = [d.text or "" for d in el if _local(d.tag) == "documentation"]
                docs[eid] = "\n".join(doc)
    # A boundary event's flows leave from the task it is attached to (an exception path).
    flows = [(attached.get(a, a), b) for a, b in flows]
    return nodes, flows, lanes, names, docs


def _collapse(nodes: dict[str, str], flows: list[tuple[str, str]], names: dict[str, str]) -> dict:
    """Turn the BPMN graph into steps with direct ``next``, start and end."""
    succ: dict[str, list[str]] = {}
    for a, b in flows:
        succ.setdefault(a, []).append(b)

    def follow(node: str, seen: set[str]) -> set[str]:
        """Return the tasks (and "END") reached from ``node`` through non-task nodes."""
        if node in names:
            return {node}
        if node in seen:
            return set()
        seen.add(node)
        if nodes.get(node) == "endEvent" and not succ.get(node):
            return {"END"}
        return set().union(*(follow(n, seen) for n in succ.get(node, ())))

    steps: dict[str, dict[str, Any]] = {}
    end: list[str] = []
    for eid, name in names.items():
        targets = set().union(*(follow(n, set()) for n in succ.get(eid, ())))
        body = steps.setdefault(name, {"next": []})
        body["next"] += [names[t] for t in sorted(targets - {"END"}, key=str) if names[t] not in body["next"]]
        if "END" in targets or not succ.get(eid):
            end.append(name)
    start = [names[t] for s, kind in nodes.items() if kind == "startEvent"
             for t in sorted(follow(s, set()) - {"END"}) ]
    for split, kind in nodes.items():
        if kind in PARALLEL and len(succ.get(split, ())) > 1:
            _interleave(split, succ, nodes, names, steps)
    return {"start": list(dict.fromkeys(start)), "end": list(dict.fromkeys(end)), "steps": steps}


def _interleave(split: str, succ: dict[str, list[str]], nodes: dict[str, str],
                names: dict[str, str], steps: dict[str, dict[str, Any]]) -> None:
    """Let the steps of different branches of a parallel split follow each other directly."""
    joins = {n for n, kind in nodes.items() if kind in PARALLEL
             and sum(b == n for targets in succ.values() for b in targets) > 1}
    branches = []
    for first in succ[split]:
        seen, stack, tasks = set(), [first], set()
        while stack:
            node = stack.pop()
            if node in seen or node in joins:
                continue
            seen.add(node)
            if node in names:
                tasks.add(names[node])
            stack.extend(succ.get(node, ()))
        branches.append(tasks)
    for i, left in enumerate(branches):
        for j, right in enumerate(branches):
            if i == j:
                continue
            for a in sorted(left - right):
                steps[a]["next"] += [b for b in sorted(right - left) if b not in steps[a]["next"]]
