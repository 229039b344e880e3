"""Tests of miner.discovery.real_process (``miner.discover``) and the ``miner discover`` command."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from o2c_fixture import CHANGE, CREATE, RETURN, o2c_log

import miner
from miner.cli import cli
from miner.discovery.dfg import encode
from miner.discovery.real_process import _inductive_tree, _inductive_tree_public, _walk_from_start, layout_bpmn
from miner.eventlog import ACTIVITY, CASE, TIMESTAMP, write_log

DC = "{http://www.omg.org/spec/DD/20100524/DC}"
DI = "{http://www.omg.org/spec/DD/20100524/DI}"


@pytest.fixture(scope="module")
def found(tmp_path_factory):
    out = tmp_path_factory.mktemp("discover")
    return miner.discover(o2c_log(), out), out


def test_writes_every_file(found) -> None:
    result, out = found
    names = sorted(p.name for p in result.paths)
    assert names == sorted(["map.gv", "map.svg", "map.png", "performance.gv", "performance.svg",
                            "performance.png", "model.bpmn", "model.pnml"])
    assert all((out / n).stat().st_size > 0 for n in names)
    svg = (out / "map.svg").read_text(encoding="utf-8")
    assert f">{CREATE}</text>" in svg
    assert (out / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bpmn_has_diagram_coordinates(found) -> None:
    _, out = found
    root = ET.parse(out / "model.bpmn").getroot()
    bounds = [(float(b.get("x")), float(b.get("y"))) for b in root.iter(f"{DC}Bounds")]
    assert len(bounds) > 8
    assert len(set(bounds)) == len(bounds)  # no two shapes stacked on one spot
    assert min(x for x, _ in bounds) >= 0 and min(y for _, y in bounds) >= 0
    flows = [e for e in root.iter() if e.tag.endswith("BPMNEdge")]
    for flow in flows:
        points = [(float(p.get("x")), float(p.get("y"))) for p in flow.iter(f"{DI}waypoint")]
        assert len(points) >= 2 and points != [(0.0, 0.0), (0.0, 0.0)]
    names = {e.get("name") for e in root.iter() if e.tag.endswith("task")}
    assert CREATE in names


def _bpmn_picture(path):
    """Return {flow node id: (type, name, x, y, w, h)} and [(source id, target id, waypoints)] of a .bpmn."""
    root = ET.parse(path).getroot()
    bounds = {s.get("bpmnElement"): s.find(f"{DC}Bounds") for s in root.iter() if s.tag.endswith("BPMNShape")}
    nodes = {}
    for process in (e for e in root if e.tag.endswith("process")):
        for el in process:
            if not el.tag.endswith("sequenceFlow"):
                b = bounds[el.get("id")]  # KeyError = a node without a shape: bpmn.io does not draw it
                nodes[el.get("id")] = (el.tag.split("}")[1], el.get("name"),
                                       *(float(b.get(k)) for k in ("x", "y", "width", "height")))
    edges = {e.get("bpmnElement"): [(float(p.get("x")), float(p.get("y"))) for p in e.iter(f"{DI}waypoint")]
             for e in root.iter() if e.tag.endswith("BPMNEdge")}
    flows = [(f.get("sourceRef"), f.get("targetRef"), edges[f.get("id")])
             for f in root.iter() if f.tag.endswith("sequenceFlow")]
    return nodes, flows


def _touches(point, node, slack=3.0) -> bool:
    _, _, x, y, w, h = node
    return x - slack <= point[0] <= x + w + slack and y - slack <= point[1] <= y + h + slack


def _loop_tree():
    """Return the tree of a two-case log whose check-decide loop is redone by a real step."""
    import pandas as pd

    traces = [["Регистрация заявки", "Проверка", "Решение", "Отказ"],
              ["Регистрация заявки", "Проверка", "Решение", "Повторная заявка", "Проверка", "Решение", "Выплата"]]
    rows = [(f"З-{c}", a, pd.Timestamp("2024-03-01 09:00") + pd.Timedelta(hours=24 * c + i))
            for c, trace in enumerate(traces) for i, a in enumerate(trace)]
    tree = _inductive_tree(encode(pd.DataFrame(rows, columns=[CASE, ACTIVITY, TIMESTAMP])), 0.0)
    assert "*( ->( 'Проверка', 'Решение' ), 'Повторная заявка' )" in str(tree)
    return tree


def test_bpmn_reads_left_to_right_whatever_the_node_order(tmp_path) -> None:
    # pm4py keeps BPMN nodes in a set and dot breaks a cycle from whichever node it is given
    # first, so in bpmn.io the loop (and the start event's successors) could land left of the
    # start event: 8 of these 12 node orders did so before layout_bpmn walked from the start
    import pm4py

    tree = _loop_tree()
    count = len(_walk_from_start(pm4py.convert_to_bpmn(tree))[0])
    for turn in range(count):
        bpmn = pm4py.convert_to_bpmn(tree)
        nodes, _ = _walk_from_start(bpmn)
        bpmn.get_nodes = lambda order=nodes[turn:] + nodes[:turn]: order
        layout_bpmn(bpmn)
        pm4py.write_bpmn(bpmn, str(tmp_path / "model.bpmn"), auto_layout=False)
        shapes, flows = _bpmn_picture(tmp_path / "model.bpmn")
        lefts = sorted(shapes.values(), key=lambda s: s[2])
        assert lefts[0][0] == "startEvent" and lefts[-1][0] == "endEvent", turn
        backwards = [shapes[f[0]][1] for f in flows if shapes[f[1]][2] < shapes[f[0]][2]]
        assert backwards == ["Повторная заявка"], turn  # only the redo step's flow goes right to left
        for source, target, points in flows:  # edges start on their source and end on their target
            assert _touches(points[0], shapes[source]) and _touches(points[-1], shapes[target]), turn


def test_bpmn_events_named_in_lang(found) -> None:
    _, out = found
    shapes, flows = _bpmn_picture(out / "model.bpmn")
    assert {s[1] for s in shapes.values() if s[0] in ("startEvent", "endEvent")} == {"Начало", "Конец"}
    assert len(flows) > 8


def test_pnml_loads_back(found) -> None:
    import pm4py

    _, out = found
    net, im, fm = pm4py.read_pnml(str(out / "model.pnml"))
    labels = {t.label for t in net.transitions if t.label}
    assert CREATE in labels and len(im) == 1 and len(fm) == 1


def test_result_object(found) -> None:
    result, _ = found
    assert result._repr_svg_().lstrip().startswith("<?xml")
    assert repr(result).startswith("Discovery(activities=8")
    assert result.frequency.kind == "frequency" and result.performance.kind == "performance"


def test_activity_filter_applies_to_models(tmp_path) -> None:
    result = miner.discover(o2c_log(300), activities=0.75)
    labels = {t.label for t in result.net.transitions if t.label}
    assert CHANGE not in labels and RETURN not in labels
    assert result.paths == ()


def test_inductive_miner_on_variants_equals_pm4py_public_call() -> None:
    coded = encode(o2c_log(300))
    for noise in (0.0, 0.2):
        assert str(_inductive_tree(coded, noise)) == str(_inductive_tree_public(coded, noise))


def test_cli_discover(tmp_path) -> None:
    path = write_log(o2c_log(200), tmp_path / "orders.parquet")
    result = CliRunner().invoke(cli, ["discover", str(path), "-o", str(tmp_path / "maps"), "--paths", "0.5"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert str(tmp_path / "maps" / "map.svg") in lines and str(tmp_path / "maps" / "model.bpmn") in lines


def test_cli_discover_help_has_example() -> None:
    result = CliRunner().invoke(cli, ["discover", "--help"])
    assert "miner discover orders.parquet -o maps/" in result.output
