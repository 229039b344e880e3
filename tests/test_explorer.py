"""The explorer's data and maps, checked without a browser (tests/test_explorer_browser.py drives one).

Truth comes from the generated log itself (``explorer_fixture.follows_cases``: pandas per case).
"""
from __future__ import annotations

import base64
import gzip
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from explorer_fixture import HOSTILE, declared_yaml, explorer_log, follows_cases
from miner.discovery.dfg import encode
from miner.reporting.explorer import add_explorer, comparison_html, discovery_html, explorer_html
from miner.reporting.explorer_data import deviations_of, matches, to_script, variant_table
from miner.reporting.explorer_maps import frequency_levels, mark_svg

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def log():
    return explorer_log(600, hostile=True, seed=5)


@pytest.fixture(scope="module")
def levels(log):
    return frequency_levels(encode(log), "t")


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _pairs(svg: str) -> set[tuple[str, str]]:
    root = _parse(svg)
    return {(g.get("data-from"), g.get("data-to")) for g in root.iter(f"{SVG}g") if g.get("class") == "edge"}


def _activities(svg: str) -> set[str]:
    return {g.get("data-activity") for g in _parse(svg).iter(f"{SVG}g") if g.get("class") == "node"}


def test_most_detailed_level_has_every_path_and_the_lowest_fewer(log, levels):
    found, start = levels
    truth = set(follows_cases(log))
    assert _pairs(found[-1].svg) == truth
    assert _activities(found[-1].svg) == set(log["concept:name"])
    assert len(_pairs(found[0].svg)) < len(truth)
    assert [lv.paths for lv in found] == sorted(lv.paths for lv in found)
    assert 0 < start < len(found) - 1


def test_each_level_draws_the_paths_of_its_own_activities(log, levels):
    """A simplified level hides activities' events: its paths are those of the log without them."""
    for level in levels[0]:
        visible = set(level.activities)
        assert _activities(level.svg) == visible
        assert _pairs(level.svg) <= set(follows_cases(log, visible))


def test_markup_in_names_stays_text(levels):
    svg = levels[0][-1].svg
    assert "<img" not in svg and HOSTILE in _activities(svg)
    hostile = next(g for g in _parse(svg).iter(f"{SVG}g") if g.get("data-activity") == HOSTILE)
    assert hostile.find(f"{SVG}title").text == HOSTILE


def test_mark_svg_maps_dot_ids_to_names():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><g id="node1" class="node"><title>START</title></g>'
           '<g id="node2" class="node"><title>a0</title></g>'
           '<g id="edge1" class="edge"><title>a0&#45;&gt;END</title><path fill="none" d="M1,2C3,4 5,6 7,8"/></g></svg>')
    root = _parse(mark_svg(svg, {"a0": 'Счёт "1" & <b>'}))
    groups = list(root.iter(f"{SVG}g"))
    assert groups[0].get("class") == "marker" and groups[0].get("data-marker") == "START"
    assert groups[1].get("data-activity") == 'Счёт "1" & <b>'
    assert (groups[2].get("data-from"), groups[2].get("data-to")) == ('Счёт "1" & <b>', "END")
    assert [p.get("class") for p in groups[2].iter(f"{SVG}path")] == [None, "hit"]


def test_variant_table_rebuilds_every_case(log):
    table = variant_table(encode(log))
    names = table["a"]
    rebuilt, days = {}, {}
    for seq, ids, starts, spans in table["v"]:
        assert len(ids) == len(starts) == len(spans)
        for case, start, span in zip(ids, starts, spans):
            rebuilt[case] = [names[c] for c in seq]
            days[case] = (start + table["d0"], start + span + table["d0"])
    truth = log.groupby("case:concept:name")["concept:name"].agg(list).to_dict()
    assert rebuilt == truth
    counts = [len(v[1]) for v in table["v"]]
    assert counts == sorted(counts, reverse=True)
    epoch_days = log.groupby("case:concept:name")["time:timestamp"].agg(["min", "max"])
    for case in list(truth)[:50]:
        first, last = epoch_days.loc[case]
        assert days[case] == ((first.normalize() - np.datetime64("1970-01-01")).days,
                              (last.normalize() - np.datetime64("1970-01-01")).days)


def test_json_cannot_close_the_script():
    text = to_script({"a": ["</script><script>alert(1)</script>", "\u2028"]})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text)["a"][0].startswith("</script>")


def test_rules_as_the_browser_applies_them():
    assert matches(["path", "START", "A"], ("A", "B")) and matches(["path", "B", "END"], ("A", "B"))
    assert not matches(["path", "A", "END"], ("A", "B"))
    assert matches(["lacks", "C"], ("A", "B")) and matches(["repeat", "A"], ("A", "B", "A"))


def test_deviations_fall_back_to_one_per_finding_and_follow_the_contract_when_given():
    findings = [{"kind": "rework", "activity": "A", "cases": 3, "share": 0.3, "examples": ["1"], "summary": "Повтор"},
                {"kind": "undeclared_path", "from": "A", "to": "B", "cases": 2, "share": 0.2, "examples": [],
                 "summary": "Путь"}]
    plain = deviations_of({"findings": findings})
    assert [(d["id"], d["title"], len(d["findings"])) for d in plain] == [("F1", "Повтор", 1), ("F2", "Путь", 1)]
    grouped = deviations_of({"findings": [{**f, "id": f"F{i + 1}", "deviation": "D1"} for i, f in enumerate(findings)],
                             "deviations": [{"id": "D1", "title": "Причина", "findings": ["F1", "F2"], "cases": 4,
                                             "share": 0.4, "examples": ["1"]}]})
    assert [(d["id"], d["title"], [f["kind"] for f in d["findings"]]) for d in grouped] == \
        [("D1", "Причина", ["rework", "undeclared_path"])]


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    import miner

    folder = tmp_path_factory.mktemp("declared")
    (folder / "declared.yaml").write_text(declared_yaml(), encoding="utf-8")
    return miner.compare(explorer_log(800, seed=3), folder / "declared.yaml")


def _data(block: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', block, re.S).group(1))


def test_deviation_rules_reproduce_each_finding(comparison):
    data = _data(comparison_html(comparison))
    part = comparison.parts[0]
    seqs = [tuple(data["a"][c] for c in v[0]) for v in data["v"]]
    sizes = [len(v[1]) for v in data["v"]]
    by_id = {d["id"]: d for d in data["devs"]}
    exact = 0
    assert [d.id for d in comparison.deviations] == list(by_id)
    for deviation in comparison.deviations:  # a deviation lights up the cases of all its findings
        entry = by_id[deviation.id]
        if entry["exact"]:
            exact += 1
            hit = sum(n for s, n in zip(seqs, sizes) if any(matches(r, s) for r in entry["rules"]))
            assert hit == deviation.cases
        else:
            found = {f.id: f for f in comparison.findings}
            assert set(entry["ex"]) == {e for fid in deviation.findings for e in found[fid].examples}
    assert exact >= len(comparison.deviations) // 2
    assert data["a"] == list(part.coded.activities)


def test_notebook_outputs_never_share_ids(log):
    import miner

    found = miner.discover(log)
    one, two = found._repr_html_(), found._repr_html_()
    ids = lambda text: set(re.findall(r'\bid="(explore-[0-9a-f]+)-', text))  # noqa: E731
    assert ids(one) and ids(two) and not ids(one) & ids(two)
    assert discovery_html(found).count("<svg") == 1  # the static map; the other levels are packed


def test_levels_are_packed_svg(log):
    data = _data(explorer_html(encode(log), "p"))
    packed = [lv for lv in data["levels"] if lv["z"]]
    assert len(packed) == len(data["levels"]) - 1
    svg = gzip.decompress(base64.b64decode(packed[-1]["z"])).decode("utf-8")
    assert _pairs(svg) == set(follows_cases(log))


def test_report_gets_the_section(tmp_path, log):
    page = tmp_path / "report.html"
    page.write_text('<html><head></head><body><main><nav class="toc"><ul><li class="l2"><a href="#sec-2-2">x</a></li>'
                    '</ul></nav><figure id="fig-map"></figure><h2 id="sec-2-2">2.2</h2></main></body></html>',
                    encoding="utf-8")
    text = add_explorer(page, encode(log)).read_text(encoding="utf-8")
    assert text.index('<section id="explore">') < text.index('<h2 id="sec-2-2"')
    assert 'href="#explore"' in text and 'id="explore-level"' in text and 'type="range"' in text
    assert text.count("<script>") == 1 and "http://" not in text.replace("http://www.w3.org/", "")


def test_size_for_ten_thousand_cases_and_twenty_activities():
    block = explorer_html(encode(explorer_log(10_000, activities=20, seed=2)), "explore")
    assert len(block.encode("utf-8")) < 1_000_000


def test_levels_too_crowded_to_draw_are_left_out_and_one_level_always_stays(monkeypatch):
    """Thousands of activities (ids in the activity column): Graphviz would take minutes per level."""
    import miner.reporting.explorer_maps as maps

    coded = encode(explorer_log())
    every, _ = maps.frequency_levels(coded, "all")
    monkeypatch.setattr(maps, "MAX_BOXES", 4)
    few, default = maps.frequency_levels(coded, "few")
    assert 0 < len(few) < len(every)
    assert all(len(level.activities) <= 4 for level in few) or len(few) == 1
    assert 0 <= default < len(few)
