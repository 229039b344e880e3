"""The explorer's maps: one Graphviz layout per simplification level, its SVG marked for the browser.

Levels come from miner's own simplification (:func:`miner.discovery.simplification.simplify` for
the frequency map, :func:`~miner.discovery.simplification.simplify_overlay` for the comparison
map), from the main flow to every activity and path; equal levels are drawn once. Each level is
laid out by Graphviz here, at report time, and its SVG is marked so the browser needs no layout
engine: every path group gets class ``edge`` with ``data-from``/``data-to`` (``START``/``END``
for the markers) and a wide transparent twin to click on, every activity group class ``node``
with ``data-activity``; names are HTML-escaped into attributes and titles, so a name such as
``<img src=x onerror=…>`` stays text.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from miner.discovery.dfg import CodedLog, DirectlyFollows, directly_follows
from miner.discovery.maps import END, START, ProcessMap, comparison_map, frequency_map
from miner.discovery.rendering import render
from miner.discovery.simplification import Simplified, crowded, simplify, simplify_overlay
from miner.reporting.render_html import inline_svg
from miner.units import format_count, plural
from miner.language import Lang, pick


# (activities, paths) shares from the main flow to everything; (None, None) is the static map's level.
LADDER: tuple[tuple[float | None, float | None], ...] = (
    (0.3, 0.0), (0.5, 0.0), (0.7, 0.1), (0.85, 0.2), (None, None), (1.0, 0.3), (1.0, 0.5), (1.0, 0.75), (1.0, 1.0))

# Above this many lines, path labels float (xlabel): dot then lays out only the boxes and lines,
# 20x faster on a 340-line map (8 s -> 0.35 s of CPU), labels placed afterwards.
FLOATING_LABELS = 60
MAX_BOXES = 150  # levels with more activities are left out: Graphviz takes minutes and nobody can read them
# ...and such a level is laid out taller and narrower (a 340-line map: 5 900 x 1 450 pt -> 2 200 x 3 000 pt)
SPAGHETTI = "  graph [nodesep=0.12, ranksep=1.5];\n"
_GRAPH_TITLE = re.compile(r'(<g id="[^"]*" class="graph"[^>]*>\s*)<title>[^<]*</title>')
_EDGE_LABEL = re.compile(r"(-> \S+ \[)label=")
_NODE = re.compile(r'<g id="([^"]+)" class="node">(\s*)<title>([^<]*)</title>')
_EDGE = re.compile(r'<g id="([^"]+)" class="edge">(\s*)<title>([^<]*)</title>(\s*)(<path [^>]*?\bd="([^"]*)"[^>]*/>)?')
# nouns after «из N» are genitive: «из 21 действия», «из 5 действий»
_WORDS = {"ru": (("действия", "действий", "действий"), ("перехода", "переходов", "переходов"), "из"),
          "en": (("activity", "activities", "activities"), ("path", "paths", "paths"), "of")}
_GEOMETRY = re.compile(r'(\s(?:d|points|x|y|cx|cy|rx|ry|transform)=")([^"]*)"')
_DECIMALS = re.compile(r"(\d\.\d)\d+")


@dataclass(frozen=True)
class Level:
    """One level of the explorer's map.

    Attributes:
        svg: the marked SVG, ready to inline.
        activities: activity names on the map.
        paths: lines drawn (start and end lines included).
        text: what the level shows, for the slider («8 из 20 действий, 15 из 64 переходов»).
        note: what the level hides («скрыто: …»), or None.
    """

    svg: str
    activities: tuple[str, ...]
    paths: int
    text: str
    note: str | None


def frequency_levels(coded: CodedLog, prefix: str, lang: Lang = "ru") -> tuple[list[Level], int]:
    """Return the frequency map's levels, fewest paths first, and the index of the static map's level.

    Example:
        >>> levels, default = frequency_levels(encode(log), "explore")  # doctest: +SKIP
        >>> levels[-1].paths == len(directly_follows(encode(log)).edges()) + ...  # doctest: +SKIP
    """
    full = directly_follows(coded, durations=False)
    return _levels(full, lambda a, p: simplify(coded, activities=a, paths=p, graph=full, durations=False),
                   lambda s: frequency_map(s, lang=lang), prefix, lang)


def comparison_levels(part: Any, prefix: str, lang: Lang = "ru") -> tuple[list[Level], int]:
    """Return the levels of one description's declared-vs-real map (``Comparison.parts[i]``).

    Declared lines that occur are on every level (``simplify_overlay``); the static map's level
    is the full overlay unless it is crowded, as in ``miner compare``.
    """
    from miner.comparison.overlay import _accepted_activities, _accepted_edges, _outside_note

    dfg = directly_follows(part.coded, durations=False)
    declared = set(part.effective.edges)
    outside = _outside_note(part, lang)
    options: dict[str, Any] = dict(declared_edges=declared, declared_activities=set(part.effective.steps),
                                   skipped=part.skipped, lang=lang, accepted_edges=_accepted_edges(part),
                                   accepted_activities=_accepted_activities(part))

    def thin(a: float | None, p: float | None) -> Simplified:
        if a is None and p is None and not crowded(dfg):
            a, p = 1.0, 1.0
        return simplify_overlay(dfg, declared, activities=a, paths=p)

    def draw(s: Simplified) -> ProcessMap:
        note = "\n".join(n for n in (outside, s.note(lang)) if n) or None
        return comparison_map(s.dfg, hidden_note=note, **options)

    extra = set(options["declared_activities"]) | {n for e in declared for n in e} - {START, END}
    return _levels(dfg, thin, draw, prefix, lang, extra)


def _levels(full: DirectlyFollows, thin: Callable[[float | None, float | None], Simplified],
            draw: Callable[[Simplified], ProcessMap], prefix: str, lang: Lang,
            declared: set[str] | None = None) -> tuple[list[Level], int]:
    """Simplify at every rung of the ladder, drop repeats, draw and mark each distinct level."""
    seen: dict[tuple, Simplified] = {}
    default_key: tuple = ()
    for activities, paths in LADDER:
        s = thin(activities, paths)
        key = _signature(s.dfg)
        seen.setdefault(key, s)
        if activities is None and paths is None:
            default_key = key
    keys = sorted(seen, key=lambda k: (len(k[0]), _drawn(seen[k].dfg), k))
    readable = [k for k in keys if len(k[0]) <= MAX_BOXES] or keys[:1]
    if default_key not in readable:  # thousands of activities (ids in the column): no layout finishes
        default_key = readable[-1]
    keys = readable
    total_acts, total_paths = len(full.activities), _drawn(full)
    levels = []
    for i, key in enumerate(keys):
        s = seen[key]
        names = {f"a{j}": name for j, name in enumerate(s.dfg.activities)}
        if declared is not None:
            names.update({f"d{k}": name for k, name in enumerate(sorted(declared - set(s.dfg.activities)))})
        dot = draw(s).dot
        if _drawn(s.dfg) > FLOATING_LABELS:
            dot = _EDGE_LABEL.sub(r"\1xlabel=", dot).rstrip().removesuffix("}") + SPAGHETTI + "}\n"
        svg = minify_svg(mark_svg(render(dot, "svg").decode("utf-8"), names, lang))
        levels.append(Level(inline_svg(svg, f"{prefix}-l{i}"), s.dfg.activities, _drawn(s.dfg),
                            _level_text(len(s.dfg.activities), total_acts, _drawn(s.dfg), total_paths, lang),
                            s.note(lang)))
    return levels, keys.index(default_key)


def _signature(dfg: DirectlyFollows) -> tuple:
    """Return what a level draws: its activities, paths, start and end lines."""
    edges = tuple(sorted(zip(dfg.source.tolist(), dfg.target.tolist())))
    return (dfg.activities, edges, tuple(dfg.start.nonzero()[0].tolist()), tuple(dfg.end.nonzero()[0].tolist()))


def _drawn(dfg: DirectlyFollows) -> int:
    """Return the number of lines a map of ``dfg`` draws: paths, start and end lines."""
    return int(dfg.count.size + (dfg.start > 0).sum() + (dfg.end > 0).sum())


def _level_text(acts: int, total_acts: int, paths: int, total_paths: int, lang: Lang) -> str:
    """Return «8 из 20 действий, 15 из 64 переходов» (the noun agrees with the total)."""
    (act_words, path_words, of) = _WORDS[lang]
    return (f"{format_count(acts)} {of} {format_count(total_acts)} {plural(total_acts, act_words, lang=lang)}, "
            f"{format_count(paths)} {of} {format_count(total_paths)} {plural(total_paths, path_words, lang=lang)}")


def mark_svg(svg: str, names: Mapping[str, str], lang: Lang = "ru") -> str:
    """Mark a Graphviz SVG of a miner map for the explorer.

    Node groups of activities (DOT ids in ``names``) become ``class="node"`` with
    ``data-activity``; the start and end dots ``class="marker"`` with ``data-marker``; path groups
    keep ``class="edge"`` and get ``data-from``/``data-to`` and a transparent 14-point-wide twin
    of their line (``class="hit"``) so thin lines are easy to click. Titles (the tooltips) are
    replaced by the names, escaped (the start and end dots are titled «начало», «конец»); the
    drawing's own title (the graph's DOT name) is dropped.

    Args:
        svg: SVG text from Graphviz.
        names: DOT node id -> activity name (``START``/``END`` map to themselves).

    Example:
        >>> mark_svg('<g id="node1" class="node"><title>a0</title></g>', {"a0": "<b>"})
        '<g id="node1" class="node" data-activity="&lt;b&gt;"><title>&lt;b&gt;</title></g>'
    """
    def name(dot_id: str) -> str:
        return dot_id if dot_id in (START, END) else names[dot_id]

    ends = {START: pick(lang, "начало", "start"), END: pick(lang, "конец", "end")}

    def title(value: str) -> str:
        return _attr(ends.get(value, value))

    def node(m: re.Match[str]) -> str:
        dot_id = html.unescape(m.group(3))
        if dot_id in (START, END):
            return f'<g id="{m.group(1)}" class="marker" data-marker="{dot_id}">{m.group(2)}<title>{title(dot_id)}</title>'
        value = _attr(name(dot_id))
        return f'<g id="{m.group(1)}" class="node" data-activity="{value}">{m.group(2)}<title>{value}</title>'

    def edge(m: re.Match[str]) -> str:
        a, _, b = html.unescape(m.group(3)).partition("->")
        src, dst = name(a), name(b)
        out = (f'<g id="{m.group(1)}" class="edge" data-from="{_attr(src)}" data-to="{_attr(dst)}">{m.group(2)}'
               f"<title>{title(src)} → {title(dst)}</title>{m.group(4)}")
        if m.group(5):
            out += (m.group(5) + f'<path class="hit" fill="none" stroke="transparent" stroke-width="14" '
                    f'd="{m.group(6)}"/>')
        return out

    return _EDGE.sub(edge, _NODE.sub(node, _GRAPH_TITLE.sub(r"\1", svg, count=1)))


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def minify_svg(svg: str) -> str:
    """Drop Graphviz's comments and keep one decimal in coordinates (a tenth of a point).

    Example:
        >>> minify_svg('<!-- a0 -->\\n<path d="M1.234,5.678"/><text x="2.25">1.255</text>')
        '<path d="M1.2,5.6"/><text x="2.2">1.255</text>'
    """
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)
    return _GEOMETRY.sub(lambda m: m.group(1) + _DECIMALS.sub(r"\1", m.group(2)) + '"', svg)
