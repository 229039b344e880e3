"""Scope maps: a department's process map with each step coloured by the system that records it.

The map is the frequency map's layout (``design/MAPS.md``: Graphviz ``dot`` top to bottom, DejaVu
Sans, counts with thin spaces, edge width by √count). Each step's fill is the system that records
most of its events, with the shares on a third line when more than one system does; a red border
marks a step recorded elsewhere than the declared process says. Paths on which cases cross from
one system to another are red and say which systems and in how many cases. Steps the declared
process keeps on paper, phone or e-mail are grey dashed boxes linked as declared. A Russian legend
names the colours.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from miner import eventlog as E
from miner.declared.model import DeclaredProcess
from miner.discovery.dfg import encode
from miner.discovery.maps import END, GREY, RED, START, HtmlLabel, ProcessMap, _attrs, _header, _width, _wrap
from miner.discovery.simplification import simplify
from miner.declared.matching import normalize_system
from miner.scoping.boundary import DEPARTMENT, declared_systems, is_offline
from miner.scoping.measures import without_repeats
from miner.language import Lang, pick
from miner.units import format_count, format_duration, format_share

SYSTEM_COLOURS = ("#fdd49e", "#c7e9c0", "#c6dbef", "#dadaeb", "#fcc5c0", "#d9d9d9")
KNOWN = {"1c": 0, "1с": 0, "excel": 1, "csv": 2}
OFFLINE_FILL = "#f7f7f7"
MIXED_MIN = 0.02  # a second system is shown on the box from this share of the step's events
LATE_MIN = 0.10   # a step entered over a day late this often says so on its box
STAGGER_ABOVE = 10  # maps with more steps than this get their long rows staggered
_TEXT = {"ru": ("переход между системами", "записан не там, где заявлено", "вне системы (почта, бумага, телефон)",
                "Цвет шага — система, где он записан"),
         "en": ("crossing between systems", "recorded elsewhere than declared", "outside the system (e-mail, paper, phone)",
                "Step colour: the system that records it")}


def system_colours(systems: Sequence[str]) -> dict[str, str]:
    """Give each system a fill colour: 1C, Excel and CSV always the same, others in turn.

    >>> system_colours(["Excel", "1C"])
    {'Excel': '#c7e9c0', '1C': '#fdd49e'}
    """
    out: dict[str, str] = {}
    spare = iter(range(3, len(SYSTEM_COLOURS)))
    for name in systems:
        index = KNOWN.get(str(name).strip().casefold())
        out[name] = SYSTEM_COLOURS[index if index is not None else next(spare, len(SYSTEM_COLOURS) - 1)]
    return out


def scope_map(part: pd.DataFrame, department: str, crossings: Sequence[dict[str, Any]],
              declared: Sequence[DeclaredProcess] = (), *, lang: Lang = "ru",
              late: dict[str, tuple[float, float]] | None = None) -> ProcessMap:
    """Draw one department's scope map from its business steps (a frame with ``source:system``).

    ``late`` maps a step entered late to (median entry delay in hours, share entered over a day later);
    such a step's box says so on its last line.

    Example:
        >>> scope_map(part, "Отдел закупок", result.boundary.crossings).save("out", "scope_1")  # doctest: +SKIP
    """
    part = without_repeats(part)
    simple = simplify(encode(part), durations=False)  # a frequency map: counts only
    dfg = simple.dfg
    shares = part.groupby(E.ACTIVITY)[E.SYSTEM].value_counts(normalize=True)
    colours = system_colours(list(part[E.SYSTEM].value_counts().index))
    wanted = declared_systems(declared, department, list(dfg.activities))
    lines: list[str] = []
    ids = {name: f"a{i}" for i, name in enumerate(dfg.activities)}
    for i, name in enumerate(dfg.activities):
        lines.append(_node(ids[name], name, int(dfg.activity_events[i]), shares.loc[name], colours, wanted.get(name),
                           (late or {}).get(name), lang))
    crossed = _crossed(crossings, department)
    top = max([int(c) for c in dfg.count.tolist()] + [int(c) for c in dfg.start.tolist()] + [1])
    for s, t, count in zip(dfg.source.tolist(), dfg.target.tolist(), dfg.count.tolist()):
        a, b = dfg.activities[s], dfg.activities[t]
        lines.append(_edge(ids[a], ids[b], int(count), top, crossed.get((a, b), [])))
    for i, count in enumerate(dfg.start.tolist()):
        if count:
            lines.append(f"  {START} -> {ids[dfg.activities[i]]} {_attrs(label=' ' + format_count(count), penwidth=_width(count, top))};")
    for i, count in enumerate(dfg.end.tolist()):
        if count:
            lines.append(f"  {ids[dfg.activities[i]]} -> {END} {_attrs(label=' ' + format_count(count), penwidth=_width(count, top))};")
    offline = _offline_steps(declared, department, ids)
    shown = {"crossing": any((dfg.activities[a], dfg.activities[b]) in crossed
                             for a, b in zip(dfg.source.tolist(), dfg.target.tolist())),
             "elsewhere": any(_elsewhere(shares.loc[n], wanted.get(n)) for n in dfg.activities),
             "offline": bool(offline)}
    head = _header("scope", _legend(colours, lang, simple.note(lang), shown))
    head[-1] = head[-1].replace("labelloc=b; labeljust=l;", "labelloc=t; labeljust=r;")
    lines = head + lines + offline + ["}"]
    dot = _staggered("\n".join(lines) + "\n") if len(dfg.activities) > STAGGER_ABOVE else "\n".join(lines) + "\n"
    return ProcessMap(dot, "frequency", simple.hidden_activities, simple.hidden_paths)


def _staggered(dot: str) -> str:
    """Return ``dot`` with long rows of boxes spread over several ranks (Graphviz ``unflatten``).

    Project-like work starts and ends with almost any step, so every box hangs off the start dot in
    one row: a map four times wider than high that shrinks to unreadable on an A4 page.
    """
    try:
        import pygraphviz
    except ImportError:
        return dot
    return str(pygraphviz.AGraph(string=dot).unflatten("-f -l 4").to_string())


def _node(node_id: str, name: str, count: int, shares: pd.Series, colours: dict[str, str], target: str | None,
          late: tuple[float, float] | None, lang: Lang) -> str:
    main = str(shares.index[0])
    label = f"{_wrap(name)}\n{format_count(count)}"
    mixed = [(str(k), float(v)) for k, v in shares.items() if v >= MIXED_MIN]
    if len(mixed) > 1:
        label += "\n" + " · ".join(f"{k} {format_share(v)}" for k, v in mixed[:3])
    if late is not None:
        words = pick(lang, ("ввод через", "позже суток"), ("entered after", "over a day"))
        label += f"\n{words[0]} {format_duration(late[0] * 3600, lang=lang)} · {words[1]} {format_share(late[1], lang=lang)}"
    extra: dict[str, Any] = {"color": RED, "penwidth": 2.5} if _elsewhere(shares, target) else {}
    return f"  {node_id} {_attrs(label=label, fillcolor=colours.get(main, SYSTEM_COLOURS[-1]), fontcolor='black', **extra)};"


def _elsewhere(shares: pd.Series, target: str | None) -> bool:
    """Tell whether a step is recorded elsewhere than its declared (online) system in a visible share."""
    if target is None or is_offline(target):
        return False
    inside = float(sum(v for k, v in shares.items() if normalize_system(k) == normalize_system(target)))
    return inside < 1 - MIXED_MIN


def _crossed(crossings: Sequence[dict[str, Any]], department: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c in crossings:
        if c["department"] == department:
            out.setdefault((c["from"], c["to"]), []).append(c)
    return out


def _edge(a: str, b: str, count: int, top: int, crossings: list[dict[str, Any]]) -> str:
    label = " " + format_count(count)
    if not crossings:
        return f"  {a} -> {b} {_attrs(label=label, penwidth=_width(count, top), color=GREY)};"
    label += "".join(f"\n {c['from_system']} → {c['to_system']}: {format_count(c['cases'])}" for c in crossings[:2])
    return f"  {a} -> {b} {_attrs(label=label, penwidth=max(_width(count, top), 1.5), color=RED, fontcolor=RED)};"


def _offline_steps(declared: Sequence[DeclaredProcess], department: str, ids: dict[str, str]) -> list[str]:
    """Grey dashed boxes for declared offline steps absent from the map, linked to their declared neighbours."""
    own = [p for p in declared if p.department and p.department.casefold() == department.casefold()]
    lines = []
    for k, step in enumerate(s for p in own for s in p.steps.values()):
        if not is_offline(step.system) or step.name in ids:
            continue
        node = f"o{k}"
        label = _wrap(step.name) + f"\n({step.system})"
        lines.append(f"  {node} {_attrs(label=label, fillcolor=OFFLINE_FILL, color='#969696', fontcolor='#555555', style='rounded,dashed,filled')};")
        before = [s.name for p in own for s in p.steps.values() if step.name in s.next and s.name in ids]
        lines += [f"  {ids[b]} -> {node} {_attrs(style='dashed', color='#969696', arrowsize=0.6)};" for b in before]
        lines += [f"  {node} -> {ids[n]} {_attrs(style='dashed', color='#969696', arrowsize=0.6)};"
                  for n in step.next if n in ids]
    return lines


def _legend(colours: dict[str, str], lang: Lang, note: str | None, shown: dict[str, bool]) -> HtmlLabel:
    """Return the HTML-like legend: the systems' colours, then the marks this map uses."""
    text = _TEXT[lang]
    rows = [f'<tr><td></td><td align="left"><b>{html.escape(text[3])}</b></td></tr>']
    rows += [f'<tr><td bgcolor="{c}" width="18" height="14" fixedsize="true"></td><td align="left">{html.escape(s)}</td></tr>'
             for s, c in colours.items()]
    marks = (("crossing", RED, "━━", RED, text[0]), ("elsewhere", RED, "▢", RED, text[1]),
             ("offline", "#969696", "┅", "#555555", text[2]))
    rows += [f'<tr><td><font color="{c}">{sign}</font></td><td align="left"><font color="{tc}">'
             f'{html.escape(label)}</font></td></tr>' for key, c, sign, tc, label in marks if shown[key]]
    if note:
        rows.append(f'<tr><td></td><td align="left"><font color="#777777">{html.escape(note)}</font></td></tr>')
    return HtmlLabel(f'<<table border="0" cellborder="0" cellspacing="2">{"".join(rows)}</table>>')


def save_scope_maps(frame: pd.DataFrame, result: Any, declared: Sequence[DeclaredProcess], out: Path, *,
                    lang: Lang = "ru") -> tuple[dict[str, str], list[Path]]:
    """Draw and save a scope map per department as ``scope_N.gv/.svg/.png``; return department -> stem and the files."""
    stems: dict[str, str] = {}
    files: list[Path] = []
    for n, d in enumerate(result.departments, start=1):
        part = frame[frame[DEPARTMENT] == d.department]
        if part.empty:
            continue
        late = {a["activity"]: (a["entry_delay_hours"]["median"], a["late_entry_share"])
                for a in result.activities(d.department) if (a["late_entry_share"] or 0) >= LATE_MIN}
        drawn = scope_map(part, d.department, result.boundary.crossings, declared, lang=lang,
                          late=late).save(out, f"scope_{n}")
        stems[d.department] = f"scope_{n}"
        files += list(drawn.paths)
    return stems, files
