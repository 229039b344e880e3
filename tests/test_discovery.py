"""Tests of miner.discovery (``miner.discover``) and the ``miner discover`` command."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from o2c_fixture import CHANGE, CREATE, RETURN, o2c_log

import miner
from miner.cli import cli
from miner.dfg import encode
from miner.discovery import _inductive_tree, _inductive_tree_public
from miner.eventlog import write_log

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
