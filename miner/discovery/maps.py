"""Process maps: Disco-like simplification, frequency / performance / comparison maps as DOT.

Maps follow ``design/MAPS.md``: Graphviz ``dot`` top to bottom, DejaVu Sans, rounded boxes with
name and count, a 6-step blue scale, edge width by the square root of the count, a green start
dot and a red double-circle end, and a note of what simplification hid. ``ProcessMap`` renders
itself (``miner.discovery.rendering``: pygraphviz in-process, system ``dot`` as fallback).
"""
from __future__ import annotations

import html
import re
import math
import textwrap
from collections.abc import Mapping, Set
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from miner.discovery.dfg import DirectlyFollows
from miner.discovery.rendering import DEFAULT_DPI, render
from miner.discovery.simplification import Simplified, simplify
from miner.units import format_count, format_duration, format_share
from miner.language import Lang, pick

__all__ = ["ProcessMap", "Simplified", "simplify", "frequency_map", "performance_map",
           "comparison_map", "START", "END"]

Kind = Literal["frequency", "performance", "comparison"]

START = "START"
END = "END"

BLUES = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
REDS = ("#fcae91", "#fb6a4a", "#ef3b2c", "#cb181d", "#a50f15", "#67000d")
GREY, RED, BLUE, GREEN, END_RED = "#4d4d4d", "#d7301f", "#2b8cbe", "#2ca25f", "#e0302a"
NEUTRAL = "#969696"  # accepted deviations: lighter than the declared lines, dashed
FONT = "DejaVu Sans"


@dataclass(frozen=True)
class ProcessMap:
    """A drawn map: its DOT text, what was hidden, and the files written by ``save``.

    In a notebook the map shows itself (``_repr_svg_``).
    """

    dot: str
    kind: Kind
    hidden_activities: int = 0
    hidden_paths: int = 0
    paths: tuple[Path, ...] = ()

    def svg(self) -> str:
        """Render the map as SVG text (UTF-8, Cyrillic as text; hover titles are the activity names)."""
        return readable_titles(render(self.dot, "svg").decode("utf-8"))

    def png(self, *, dpi: int = DEFAULT_DPI) -> bytes:
        """Render the map as PNG bytes at ``dpi`` (150 by default, for DOCX)."""
        return render(self.dot, "png", dpi=dpi)

    def _repr_svg_(self) -> str:
        return self.svg()

    def save(self, directory: str | Path, stem: str | None = None, *, dpi: int = DEFAULT_DPI) -> ProcessMap:
        """Write ``stem.gv``, ``stem.svg`` and ``stem.png`` into ``directory``; return the map with ``paths``.

        The ``.gv`` text is written first, so it is there even when rendering fails.

        Example:
            >>> frequency_map(dfg).save("out", "map").paths  # doctest: +SKIP
            (PosixPath('out/map.gv'), PosixPath('out/map.svg'), PosixPath('out/map.png'))
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        stem = stem or ("map" if self.kind == "frequency" else self.kind)
        gv, svg, png = (directory / f"{stem}{ext}" for ext in (".gv", ".svg", ".png"))
        gv.write_text(self.dot, encoding="utf-8")
        svg.write_text(self.svg(), encoding="utf-8")
        png.write_bytes(render(self.dot, "png", dpi=dpi))
        return replace(self, paths=(gv, svg, png))




_NODE_TIP = re.compile(r'<title>([^<]*)</title>\s*<g id="[^"]*"><a xlink:title="([^"]*)">')
_TITLE = re.compile(r"<title>([^<]*)</title>\n?")


def readable_titles(svg: str) -> str:
    r"""Replace Graphviz's internal names in SVG hover titles with what a person reads.

    Graphviz titles each node and line with its DOT name (``a0``, ``START``, ``a0->a1``) and the
    drawing with the graph's name; a browser shows these on hover. Nodes carry a ``tooltip``
    (the activity name, «начало», «конец»), so node titles become it and line titles «A → B»;
    the drawing's title and the DOT-name comments are dropped.

    Example:
        >>> svg = '<title>a0</title>\n<g id="a_node1"><a xlink:title="Создан">\n<title>a0&#45;&gt;a0</title>'
        >>> readable_titles(svg).splitlines()[-1]
        '<title>Создан → Создан</title>'
    """
    tips = dict(_NODE_TIP.findall(svg))

    def title(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in tips:
            return f"<title>{tips[name]}</title>\n"
        tail, arrow, head = name.partition("&#45;&gt;")
        if arrow and tail in tips and head in tips:
            return f"<title>{tips[tail]} → {tips[head]}</title>\n"
        return ""

    return re.sub(r"<!-- .*? -->\n?", "", _TITLE.sub(title, svg))


# ---------------------------------------------------------------- DOT primitives

class HtmlLabel(str):
    """A Graphviz HTML-like label (``<<table>…</table>>``), written to DOT as it is.

    Every other value is quoted: a name that merely looks like markup («<Не указан>»,
    «<Объект не найден> (12:b3f0…)», ``<img src=x>``) is text, never an HTML-like label.
    """


def _q(text: str) -> str:
    """Quote ``text`` as a DOT string (newlines become centred line breaks)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(**values: object) -> str:
    body = ", ".join(f"{k}={v if isinstance(v, HtmlLabel) else _q(str(v))}"
                     for k, v in values.items() if v is not None)
    return f"[{body}]"


def _wrap(name: str, width: int = 28) -> str:
    """Break a long activity name over lines so boxes stay narrow."""
    return "\n".join(textwrap.wrap(name, width, break_long_words=False)) or name


def _level(value: float, top: float) -> int:
    """Return the step 0..5 of ``value`` on a linear scale up to ``top``."""
    return min(5, int(6 * value / top)) if top > 0 else 0


def _width(count: float, top: float) -> float:
    """Return an edge width in points, 0.6-5 by the square root of the count (MAPS.md)."""
    return round(0.6 + 4.4 * math.sqrt(count / top), 2) if top > 0 else 0.6


def _header(name: str, label: str | HtmlLabel | None, lang: Lang = "ru") -> list[str]:
    lines = [
        f"digraph {_q(name)} {{",
        f"  graph {_attrs(rankdir='TB', nodesep=0.35, ranksep=0.45, fontname=FONT, fontsize=9, fontcolor='#555555', bgcolor='white', pad=0.2)};",
        f"  node {_attrs(shape='box', style='rounded,filled', fontname=FONT, fontsize=11, color='#3b3b3b', penwidth=1, margin='0.16,0.06', height=0.42)};",
        f"  edge {_attrs(fontname=FONT, fontsize=9, color=GREY, fontcolor='#333333', arrowsize=0.7)};",
        f"  {START} {_attrs(shape='circle', label='', width=0.22, height=0.22, fixedsize='true', style='filled', fillcolor=GREEN, color=GREEN, tooltip=pick(lang, 'начало', 'start'))};",
        f"  {END} {_attrs(shape='doublecircle', label='', width=0.18, height=0.18, fixedsize='true', style='filled', fillcolor=END_RED, color=END_RED, tooltip=pick(lang, 'конец', 'end'))};",
        f"  {{ rank=source; {START}; }}",
        f"  {{ rank=sink; {END}; }}",
    ]
    if label is not None:
        lines.append(f"  label={label if isinstance(label, HtmlLabel) else _q(label)}; labelloc=b; labeljust=l;")
    return lines


def _activity_node(node_id: str, name: str, count: int, top: int, **extra: object) -> str:
    level = _level(count, top)
    attrs: dict[str, object] = dict(label=_wrap(name) + "\n" + format_count(count), fillcolor=BLUES[level],
                 fontcolor="white" if level >= 4 else "black", tooltip=name)
    attrs.update(extra)
    return f"  {node_id} {_attrs(**attrs)};"


def _all_edges(dfg: DirectlyFollows) -> list[tuple[str, str, int, float]]:
    """Return every drawn line as (from id, to id, count, median seconds), start/end included."""
    out = [(f"a{s}", f"a{t}", c, m) for s, t, c, m in
           zip(dfg.source.tolist(), dfg.target.tolist(), dfg.count.tolist(), dfg.median_seconds.tolist())]
    out += [(START, f"a{i}", int(dfg.start[i]), math.nan) for i in np.flatnonzero(dfg.start)]
    out += [(f"a{i}", END, int(dfg.end[i]), math.nan) for i in np.flatnonzero(dfg.end)]
    return out


# ---------------------------------------------------------------- maps

def frequency_map(dfg: DirectlyFollows | Simplified, *, lang: Lang = "ru", note: str | None = None) -> ProcessMap:
    """Draw the frequency map: activity boxes with counts, lines with how often each step follows.

    Args:
        dfg: the graph to draw, or a ``Simplified`` (its note is used unless ``note`` is given).
        lang: language of the note.
        note: text under the map (what was hidden).

    Example:
        >>> frequency_map(simplify(encode(log))).save("out", "map")  # doctest: +SKIP
    """
    dfg, hidden, lines, edges, top_edge = _boxes("frequency", dfg, note, lang)
    for a, b, count, _ in edges:
        lines.append(f"  {a} -> {b} {_attrs(label=' ' + format_count(count), penwidth=_width(count, top_edge))};")
    lines.append("}")
    return ProcessMap("\n".join(lines) + "\n", "frequency", *hidden)


def performance_map(dfg: DirectlyFollows | Simplified, *, lang: Lang = "ru", note: str | None = None) -> ProcessMap:
    """Draw the performance map: the frequency map's boxes, lines labelled with the median time.

    Line colour goes from light (fast) to dark red (slow) by the rank of the median time among
    the lines shown (six equal-sized steps, so one very slow line does not wash out the rest);
    width still follows the count, so the main path stays the thickest line. Lines from the
    start and to the end carry no time and are light grey.

    Example:
        >>> performance_map(simplify(encode(log))).save("out", "performance")  # doctest: +SKIP
    """
    dfg, hidden, lines, edges, top_edge = _boxes("performance", dfg, note, lang)
    levels = _time_levels([t for *_, t in edges])
    for (a, b, count, seconds), level in zip(edges, levels):
        if level is None:
            lines.append(f"  {a} -> {b} {_attrs(color='#bdbdbd', penwidth=_width(count, top_edge))};")
            continue
        lines.append(f"  {a} -> {b} {_attrs(label=' ' + format_duration(seconds, lang=lang), color=REDS[level], fontcolor=REDS[max(level, 3)], penwidth=_width(count, top_edge))};")
    lines.append("}")
    return ProcessMap("\n".join(lines) + "\n", "performance", *hidden)


def _time_levels(seconds: list[float]) -> list[int | None]:
    """Return the colour step 0..5 of each median time by its rank (None where there is no time)."""
    timed = sorted(t for t in seconds if not math.isnan(t))
    if not timed:
        return [None] * len(seconds)
    return [None if math.isnan(t) else min(5, 6 * _rank(timed, t) // len(timed)) for t in seconds]


def _rank(ordered: list[float], value: float) -> int:
    """Return the index of the first element >= value (equal times share a step)."""
    import bisect

    return bisect.bisect_left(ordered, value)


def _boxes(kind: str, dfg: DirectlyFollows | Simplified, note: str | None, lang: Lang
           ) -> tuple[DirectlyFollows, tuple[int, int], list[str], list[tuple], int]:
    """The part frequency and performance maps share: header, activity boxes, the lines to draw."""
    dfg, note, hidden = _unpack(dfg, note, lang)
    lines = _header(kind, note, lang)
    top = int(dfg.activity_events.max()) if dfg.activity_events.size else 0
    lines += [_activity_node(f"a{i}", name, int(dfg.activity_events[i]), top)
              for i, name in enumerate(dfg.activities)]
    edges = _all_edges(dfg)
    top_edge = max((c for *_, c, _ in edges), default=0)
    return dfg, hidden, lines, edges, top_edge


def _unpack(dfg: DirectlyFollows | Simplified, note: str | None,
            lang: Lang) -> tuple[DirectlyFollows, str | None, tuple[int, int]]:
    if isinstance(dfg, Simplified):
        return dfg.dfg, note if note is not None else dfg.note(lang), (dfg.hidden_activities, dfg.hidden_paths)
    return dfg, note, (0, 0)


def comparison_map(dfg: DirectlyFollows | Simplified, *, declared_edges: Set[tuple[str, str]],
                   declared_activities: Set[str], skipped: Mapping[str, float] | None = None,
                   lang: Lang = "ru", hidden_note: str | None = None,
                   accepted_edges: Set[tuple[str, str]] = frozenset(),
                   accepted_activities: Set[str] = frozenset()) -> ProcessMap:
    """Draw the real map with the declared process laid over it (MAPS.md, ``comparison.png``).

    Lines seen in the log and declared are dark grey; seen but not declared are red with a red
    label; declared but never seen are blue dashed, labelled ``0`` (declared activities missing
    from ``dfg`` are added as white dashed boxes with count 0). Activities in ``skipped`` get a
    red border and their share (``пропущен в 23 %``); activities absent from the description a
    red dashed border. Deviations the description accepts (``accepted:``) are drawn in a neutral
    grey dashed style, labelled ``принято``. A short legend in Russian (``lang="en"``: English)
    sits on the map.

    Pass the unsimplified graph, or at least one that still holds every declared line that
    occurs: a declared line missing from ``dfg`` is drawn as never seen.

    Args:
        dfg: the real directly-follows graph (``miner.discovery.dfg.directly_follows``) or a ``Simplified``.
        declared_edges: declared ``(from, to)`` pairs, activity names as in the log; the
            artificial start and end are the strings ``"START"`` and ``"END"``
            (``("START", "Создан заказ")``, ``("Отгрузка", "END")``).
        declared_activities: declared activity names (as in the log, aliases resolved).
        skipped: activity -> share of cases (0..1) where it was skipped.
        lang: language of labels and legend.
        hidden_note: what simplification hid, printed under the legend, a row per line (a
            ``Simplified`` brings its own).
        accepted_edges: undeclared ``(from, to)`` lines the description accepts.
        accepted_activities: undeclared activities the description accepts.

    Returns:
        A ``ProcessMap``; ``.save(dir, "comparison")`` writes ``.gv``, ``.svg``, ``.png``.

    Example:
        >>> m = comparison_map(dfg, declared_edges={("START", "A"), ("A", "B"), ("B", "END")},
        ...                    declared_activities={"A", "B"}, skipped={"B": 0.23})  # doctest: +SKIP
        >>> m.save("out", "comparison").paths  # doctest: +SKIP
    """
    dfg, hidden_note, hidden = _unpack(dfg, hidden_note, lang)
    skipped = dict(skipped or {})
    names = list(dfg.activities)
    declared = set(declared_activities) | ({n for edge in declared_edges for n in edge} - {START, END})
    extra = sorted(declared - set(names))
    ids = {name: f"a{i}" for i, name in enumerate(names)}
    ids.update({name: f"d{k}" for k, name in enumerate(extra)})
    ids.update({START: START, END: END})
    declared_ids = {(ids[a], ids[b]) for a, b in declared_edges}
    accepted_ids = {(ids[a], ids[b]) for a, b in accepted_edges if a in ids and b in ids} - declared_ids
    edges = _all_edges(dfg)
    undeclared = set(names) - declared
    with_accepted = bool(accepted_ids & {(a, b) for a, b, *_ in edges}) or bool(undeclared & set(accepted_activities))
    legend = _legend(lang, hidden_note, bool(skipped), bool(undeclared - set(accepted_activities)), with_accepted)
    lines = _header("comparison", legend, lang)
    lines[-1] = lines[-1].replace("labelloc=b; labeljust=l;", "labelloc=t; labeljust=r;")
    top = int(dfg.activity_events.max()) if dfg.activity_events.size else 0
    for i, name in enumerate(names):
        lines.append(_comparison_node(f"a{i}", name, int(dfg.activity_events[i]), top, skipped.get(name),
                                      "declared" if name in declared else
                                      "accepted" if name in accepted_activities else "undeclared", lang))
    for name in extra:
        label = _wrap(name) + "\n0" + (f"\n{_skipped_text(skipped[name], lang)}" if name in skipped else "")
        lines.append(f"  {ids[name]} {_attrs(label=label, fillcolor='white', color=BLUE, fontcolor=BLUE, style='rounded,dashed,filled')};")
    lines += _overlay_lines(edges, declared_ids, accepted_ids, lang)
    drawn = {(a, b) for a, b, *_ in edges}
    for a, b in sorted(declared_ids - drawn):
        lines.append(f"  {a} -> {b} {_attrs(label=' 0', style='dashed', color=BLUE, fontcolor=BLUE, penwidth=1)};")
    lines.append("}")
    return ProcessMap("\n".join(lines) + "\n", "comparison", *hidden)


def _overlay_lines(edges: list[tuple[str, str, int, float]], declared: Set[tuple[str, str]],
                   accepted: Set[tuple[str, str]], lang: Lang) -> list[str]:
    """Draw the lines seen in the log: grey as declared, grey dashed «принято» if accepted, else red."""
    top = max((c for *_, c, _ in edges), default=0)
    out = []
    for a, b, count, _ in edges:
        label, width = " " + format_count(count), _width(count, top)
        if (a, b) in declared:
            attrs = _attrs(label=label, penwidth=width, color=GREY)
        elif (a, b) in accepted:
            attrs = _attrs(label=f"{label} · {_ACCEPTED_WORD[lang]}", penwidth=width, color=NEUTRAL,
                           fontcolor=NEUTRAL, style="dashed")
        else:
            attrs = _attrs(label=label, penwidth=width, color=RED, fontcolor=RED)
        out.append(f"  {a} -> {b} {attrs};")
    return out


def _skipped_text(share: float, lang: Lang) -> str:
    """Return «пропущен в 23 %»; a share that would round to 0 % reads «< 0,1 %»."""
    word = pick(lang, "пропущен в", "skipped in")
    if 0 < share < 0.001:
        return f"{word} < {format_share(0.001, lang=lang)}"
    return f"{word} {format_share(share, lang=lang)}"


def _comparison_node(node_id: str, name: str, count: int, top: int, skipped: float | None,
                     status: Literal["declared", "accepted", "undeclared"], lang: Lang) -> str:
    """Draw an activity of the overlay: red border and share when skipped, dashed red when undeclared.

    An undeclared activity the description accepts gets a neutral grey dashed border instead.
    """
    if skipped is not None:
        label = f"{_wrap(name)}\n{format_count(count)}\n{_skipped_text(skipped, lang)}"
        return _activity_node(node_id, name, count, top, label=label, color=RED, penwidth=2.5)
    if status != "declared":
        return _activity_node(node_id, name, count, top, color=RED if status == "undeclared" else NEUTRAL,
                              penwidth=1.5, style="rounded,dashed,filled")
    return _activity_node(node_id, name, count, top)


_ACCEPTED_WORD = {"ru": "принято", "en": "accepted"}


_LEGEND = {
    "ru": ("серые — как описано", "красные — не описано, но есть", "синие пунктиром — описано, но нет",
           "красная рамка — шаг пропускают", "красный пунктир — действия нет в описании",
           "серые пунктиром — принятые отклонения"),
    "en": ("grey — as declared", "red — seen, not declared", "blue dashed — declared, never seen",
           "red border — step skipped", "red dashed border — activity not declared",
           "grey dashed — accepted deviations"),
}


def _legend(lang: Lang, note: str | None, with_skipped: bool, with_undeclared: bool,
            with_accepted: bool = False) -> HtmlLabel:
    """Return the HTML-like legend label of the comparison map (colours as on the lines)."""
    text = _LEGEND[lang]
    rows = [(GREY, text[0]), (RED, text[1]), (BLUE, text[2])]
    if with_skipped:
        rows.append((RED, text[3]))
    if with_undeclared:
        rows.append((RED, text[4]))
    if with_accepted:
        rows.append((NEUTRAL, text[5]))
    if note:
        rows += [("#777777", line) for line in note.split("\n")]
    cells = "".join(f'<tr><td align="left"><font color="{c}">{html.escape(t)}</font></td></tr>' for c, t in rows)
    return HtmlLabel(f'<<table border="0" cellborder="0" cellspacing="1">{cells}</table>>')
