"""Discover the real process: frequency and performance maps, a BPMN model and a Petri net.

The maps are drawn from a Disco-like simplified directly-follows graph (``miner.discovery.simplification``).
The models come from pm4py's inductive miner run on the same *activity* selection as the maps
(events of hidden activities removed) with pm4py's own noise threshold (IMf, ``noise=0.2``)
instead of our path filter: IMf filters infrequent behaviour while keeping a sound model, which
dropping directly-follows paths cannot guarantee. The BPMN file gets diagram coordinates
(BPMNDI) from a Graphviz layout, so bpmn.io and Camunda Modeler show it laid out (``scripts/bpmn_check``
renders it with bpmn.io to look at).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from miner.discovery.dfg import CodedLog, Variants, variants
from miner.eventlog import ACTIVITY, CASE, TIMESTAMP
from miner.discovery.maps import ProcessMap, Simplified, frequency_map, performance_map, simplify
from miner.discovery.rendering import layout_positions
from miner.ingestion.reading import prepare_log
from miner.prepared import PreparedLog
from miner.language import Lang


# BPMN shape sizes in diagram units (bpmn.io's defaults are 100x80 tasks, 36 events, 50 gateways)
TASK_SIZE, EVENT_SIZE, GATEWAY_SIZE = (120, 80), (36, 36), (50, 50)
EVENT_NAMES = {"ru": ("Начало", "Конец"), "en": ("Start", "End")}


@dataclass(frozen=True, eq=False)
class Discovery:
    """What ``discover`` found: maps, models and the files written. Shows the map in a notebook.

    Attributes:
        frequency, performance: the two maps (``ProcessMap``).
        simplified: the graph the maps show, with what was hidden.
        bpmn: the pm4py ``BPMN`` model (with layout).
        net, initial_marking, final_marking: the pm4py Petri net.
        paths: files written (empty when no output folder was given).
    """

    frequency: ProcessMap
    performance: ProcessMap
    simplified: Simplified
    bpmn: Any
    net: Any
    initial_marking: Any
    final_marking: Any
    paths: tuple[Path, ...] = ()
    coded: CodedLog | None = field(default=None, repr=False)  # for the explorer's case lists

    def _repr_svg_(self) -> str:
        return self.frequency._repr_svg_()

    def _repr_html_(self) -> str:  # the interactive map (miner.reporting.explorer), a static one without scripts
        from miner.reporting.explorer import discovery_html

        return discovery_html(self)

    def __repr__(self) -> str:
        dfg = self.simplified.dfg
        return (f"Discovery(activities={len(dfg.activities)}, paths={dfg.count.size}, "
                f"hidden={self.simplified.note('en')!r}, files={len(self.paths)})")


def discover(source: str | Path | pd.DataFrame | PreparedLog, output: str | Path | None = None, *,
             activities: float | None = None, paths: float | None = None, noise: float = 0.2,
             lang: Lang = "ru", **read_options: Any) -> Discovery:
    """Discover the process of a log: maps, BPMN and Petri net; write them when ``output`` is given.

    Writes ``map.svg/png/gv``, ``performance.svg/png/gv``, ``model.bpmn`` and ``model.pnml``.

    Args:
        source: a :class:`~miner.prepared.PreparedLog` (its coding, graph and variants are
            reused), a canonical DataFrame, or file(s) ``miner.read_log`` reads.
        output: folder to write into (created); None writes nothing.
        activities: share 0..1 of the most frequent activities to keep (None: all up to 20,
            else the 20 most frequent). Applies to the maps and the models.
        paths: share 0..1 of the most frequent paths to keep on the maps (None: about two per
            activity). The models use ``noise`` instead.
        noise: the inductive miner's noise threshold (0 = plain IM, keeps every behaviour).
        lang: language of the maps' texts.
        **read_options: passed to ``miner.read_log``.

    Returns:
        A ``Discovery``.

    Example:
        >>> d = discover("orders.parquet", "out/", activities=0.8)  # doctest: +SKIP
        >>> [p.name for p in d.paths][:2]  # doctest: +SKIP
        ['map.gv', 'map.svg']
    """
    if output is not None:  # before the log is read: an unwritable folder fails at once
        from miner.outputs import output_folder

        output_folder(output)
    prepared = prepare_log(source, **read_options)
    coded = prepared.coded
    simplified = simplify(coded, activities=activities, paths=paths, graph=prepared.dfg)
    freq = frequency_map(simplified, lang=lang)
    perf = performance_map(simplified, lang=lang)
    if simplified.hidden_activities:
        kept = coded.project(np.isin(np.array(coded.activities, dtype=object),
                                     np.array(simplified.dfg.activities, dtype=object)))
        tree = _inductive_tree(kept, noise)
    else:  # every activity is kept: the log's own variants
        tree = _inductive_tree(coded, noise, prepared.variants)
    import pm4py

    bpmn = pm4py.convert_to_bpmn(tree)
    _name_events(bpmn, lang)
    layout_bpmn(bpmn)
    net, im, fm = pm4py.convert_to_petri_net(tree)
    written: tuple[Path, ...] = ()
    if output is not None:
        out = Path(output)
        freq = freq.save(out, "map")
        perf = perf.save(out, "performance")
        bpmn_path, pnml_path = out / "model.bpmn", out / "model.pnml"
        pm4py.write_bpmn(bpmn, str(bpmn_path), auto_layout=False)
        pm4py.write_pnml(net, im, fm, str(pnml_path))
        written = freq.paths + perf.paths + (bpmn_path, pnml_path)
    return Discovery(freq, perf, simplified, bpmn, net, im, fm, written, coded)


def _name_events(bpmn: Any, lang: Lang) -> None:
    """Name the start and end events in ``lang`` (pm4py calls them "start" and "end"; bpmn.io shows it)."""
    from pm4py.objects.bpmn.obj import BPMN

    start, end = EVENT_NAMES[lang]
    for node in bpmn.get_nodes():
        if isinstance(node, BPMN.StartEvent):
            node.set_name(start)
        elif isinstance(node, BPMN.EndEvent):
            node.set_name(end)


def _inductive_tree(coded: CodedLog, noise: float, found: Variants | None = None) -> Any:
    """Run pm4py's inductive miner on the variants of ``coded`` (IMf when ``noise`` > 0).

    pm4py mines from variant counts anyway; handing it our variants skips its own pass over the
    events, so the cost follows the number of variants. Its ``algorithm.apply`` does not accept
    a plain Counter (it checks ``type(obj) in [typing.Counter[...]]``), so the miner classes are
    called as ``apply`` does; if pm4py moves them, the public ``discover_process_tree_inductive``
    on a small frame is used instead (tests/test_discovery.py checks both give the same tree).
    """
    found = found if found is not None else variants(coded)
    try:
        from pm4py.algo.discovery.inductive.dtypes.im_ds import IMDataStructureUVCL
        from pm4py.algo.discovery.inductive.variants.im import IMUVCL
        from pm4py.algo.discovery.inductive.variants.imf import IMFUVCL
        from pm4py.objects.process_tree.utils.generic import fold, tree_sort
    except ImportError:
        return _inductive_tree_public(coded, noise)
    uvcl = Counter(dict(zip(found.sequences, found.counts.tolist())))
    parameters = {"noise_threshold": noise, "multiprocessing": False, "disable_fallthroughs": False}
    miner = IMFUVCL(parameters) if noise > 0 else IMUVCL(parameters)
    tree = fold(miner.apply(IMDataStructureUVCL(uvcl), parameters))
    tree_sort(tree)
    return tree


def _inductive_tree_public(coded: CodedLog, noise: float) -> Any:
    """Run ``pm4py.discover_process_tree_inductive`` on the events of ``coded``."""
    import pm4py

    frame = pd.DataFrame({
        CASE: coded.case_ids[coded.case_index],
        ACTIVITY: np.array(coded.activities, dtype=object)[coded.codes],
        TIMESTAMP: coded.timestamps,
    })
    return pm4py.discover_process_tree_inductive(frame, noise_threshold=noise)


def layout_bpmn(bpmn: Any) -> Any:
    """Give every BPMN node bounds and every flow waypoints from a Graphviz ``dot`` layout (left to right).

    pm4py's own auto layout needs a ``dot`` executable; this uses pygraphviz's bundled Graphviz.
    Loops are broken where they close, seen from the start event: dot breaks cycles from the
    first node it is given, and pm4py's node order is a set's, so left alone dot put a loop's exit
    gateway (and the end event after it) at the far left. The model is changed in place and returned.

    Example:
        >>> layout_bpmn(pm4py.convert_to_bpmn(tree))  # doctest: +SKIP
    """
    from pm4py.objects.bpmn.obj import BPMN

    nodes, back = _walk_from_start(bpmn)
    ids = {node: f"n{i}" for i, node in enumerate(nodes)}
    sizes = {}
    lines = ['digraph bpmn {', '  graph [rankdir=LR, nodesep=0.5, ranksep=0.6, splines=polyline];',
             '  node [fixedsize=true, label=""];']
    for node in nodes:
        if isinstance(node, BPMN.Task):
            sizes[node], shape = TASK_SIZE, "box"
        elif isinstance(node, BPMN.Gateway):
            sizes[node], shape = GATEWAY_SIZE, "diamond"
        else:
            sizes[node], shape = EVENT_SIZE, "circle"
        w, h = sizes[node]
        lines.append(f'  {ids[node]} [shape={shape}, width={w / 72:.3f}, height={h / 72:.3f}];')
    flows = _flows_in_order(bpmn, nodes)
    # a loop-back flow is laid out forwards (target -> source) and its polyline turned round
    ends = {f: (f.get_target(), f.get_source()) if f in back else (f.get_source(), f.get_target())
            for f in flows}
    lines += [f"  {ids[a]} -> {ids[b]};" for a, b in ends.values()]
    lines.append("}")
    boxes, polylines, height = layout_positions("\n".join(lines))
    margin = 20
    for node in nodes:
        cx, cy, _, _ = boxes[ids[node]]
        w, h = sizes[node]
        node.set_x(round(cx - w / 2 + margin))
        node.set_y(round(height - cy - h / 2 + margin))
        node.set_width(w)
        node.set_height(h)
    for flow in flows:
        a, b = ends[flow]
        points = polylines.get((ids[a], ids[b]), [])
        flow.del_waypoints()
        for x, y in reversed(points) if flow in back else points:
            flow.add_waypoint((round(x + margin), round(height - y + margin)))
    return bpmn


def _walk_from_start(bpmn: Any) -> tuple[list[Any], set[Any]]:
    """Return the nodes in depth-first order from the start events, and the flows that close a loop.

    Successors are visited by name (a gateway by the names of the steps after it) so the order,
    and so the layout, does not follow pm4py's set order.
    """
    from pm4py.objects.bpmn.obj import BPMN

    out: dict[Any, list[Any]] = {}
    for flow in bpmn.get_flows():
        out.setdefault(flow.get_source(), []).append(flow)
    for flows in out.values():
        flows.sort(key=lambda f: _sort_key(f.get_target(), out))
    every = sorted(bpmn.get_nodes(), key=lambda n: (not isinstance(n, BPMN.StartEvent), n.get_name() or ""))
    order: list[Any] = []
    back: set[Any] = set()
    state: dict[Any, int] = {}  # 1 = on the current path, 2 = done
    for root in every:
        if root in state:
            continue
        state[root], stack = 1, [(root, iter(out.get(root, [])))]
        order.append(root)
        while stack:
            node, todo = stack[-1]
            flow = next(todo, None)
            if flow is None:
                state[node] = 2
                stack.pop()
                continue
            target = flow.get_target()
            if state.get(target) == 1:
                back.add(flow)
            elif target not in state:
                state[target] = 1
                order.append(target)
                stack.append((target, iter(out.get(target, []))))
    return order, back


def _sort_key(node: Any, out: dict[Any, list[Any]]) -> tuple[str, ...]:
    """Return the node's name, or for an unnamed node the sorted names of the first named nodes after it."""
    if node.get_name():
        return (node.get_name(),)
    names, seen, todo = set(), {node}, [node]
    while todo:
        for flow in out.get(todo.pop(), []):
            target = flow.get_target()
            if target.get_name():
                names.add(target.get_name())
            elif target not in seen:
                seen.add(target)
                todo.append(target)
    return ("", *sorted(names), type(node).__name__)


def _flows_in_order(bpmn: Any, nodes: list[Any]) -> list[Any]:
    """Return the flows sorted by the position of their source, then target, in ``nodes``."""
    rank = {node: i for i, node in enumerate(nodes)}
    return sorted(bpmn.get_flows(), key=lambda f: (rank[f.get_source()], rank[f.get_target()]))
