"""Tests of miner.discovery.maps, miner.discovery.simplification and miner.discovery.rendering."""
from __future__ import annotations

import re
import struct

import numpy as np
import pytest
from o2c_fixture import APPROVE, CHANGE, CHECK, CREATE, INVOICE, PAID, RETURN, SHIP, o2c_log

from miner.discovery import rendering
from miner.discovery.dfg import directly_follows, encode
from miner.discovery.maps import ProcessMap, comparison_map, frequency_map, performance_map, simplify
from miner.discovery.simplification import crowded, simplify_overlay
from miner.discovery.rendering import RenderError


@pytest.fixture(scope="module")
def coded():
    return encode(o2c_log())


def test_simplify_keeps_everything_on_a_small_log_but_says_what_it_hid(coded) -> None:
    result = simplify(coded)
    assert result.hidden_activities == 0
    assert len(result.dfg.activities) == 8
    assert result.note() in (None, f"скрыто: {result.hidden_paths} переход < 0,5 %")


def test_simplify_shares_and_note(coded) -> None:
    result = simplify(coded, activities=0.75, paths=0.5)
    assert len(result.dfg.activities) == 6  # ceil(0.75 * 8)
    assert set(result.dfg.activities) == {CREATE, APPROVE, INVOICE, PAID, SHIP, CHECK}
    assert result.hidden_activities == 2
    assert result.note() == f"скрыто: 2 действия < 10 %, {result.hidden_paths} " \
                            f"{'перехода' if 2 <= result.hidden_paths % 10 <= 4 else 'переходов'} < " \
                            f"{result.note().rsplit('< ', 1)[1]}"
    assert result.note("en").startswith("hidden: 2 activities < 10 %")
    # hidden activities are bridged: Изменен заказ removed, Согласован -> Выставлен grows
    full = directly_follows(coded).edges()
    assert directly_follows(coded.project(np.isin(coded.activities, result.dfg.activities))).edges()[
        (APPROVE, INVOICE)] > full[(APPROVE, INVOICE)]


def test_simplify_keeps_every_activity_connected(coded) -> None:
    result = simplify(coded, paths=0.0)
    dfg = result.dfg
    for code in range(len(dfg.activities)):
        assert dfg.start[code] > 0 or code in dfg.target.tolist()
        assert dfg.end[code] > 0 or code in dfg.source.tolist()
    assert result.hidden_paths > 0


def test_simplify_refuses_bad_share(coded) -> None:
    with pytest.raises(ValueError, match="a share must be between 0 and 1, got 1.5"):
        simplify(coded, activities=1.5)


def test_frequency_map_dot_follows_the_style(coded) -> None:
    dot = frequency_map(simplify(coded)).dot
    assert 'fontname="DejaVu Sans"' in dot and 'nodesep="0.35"' in dot and 'ranksep="0.45"' in dot
    assert f'label="{CREATE}\\n1\u202f000", fillcolor="#08519c", fontcolor="white"' in dot
    assert f'label="{RETURN}\\n' in dot and 'fillcolor="#eff3ff", fontcolor="black"' in dot
    assert 'START [shape="circle"' in dot and 'END [shape="doublecircle"' in dot
    widths = [float(w) for w in re.findall(r'penwidth="([\d.]+)"\]', dot)]
    assert max(widths) == 5.0 and min(widths) >= 0.6
    assert 'START -> a0 [label=" 1\u202f000", penwidth="5.0"]' in dot


def test_performance_map_labels_median_times(coded) -> None:
    dot = performance_map(simplify(coded)).dot
    assert re.search(r'label=" [\d,]+ (мин|ч|дн)", color="#[0-9a-f]{6}"', dot)
    assert "#67000d" in dot  # the slowest step in the darkest red
    assert re.search(r'START -> a\d+ \[color="#bdbdbd"', dot)


def test_comparison_map_colours(coded) -> None:
    declared = {("START", CREATE), (CREATE, APPROVE), (APPROVE, INVOICE), (INVOICE, PAID), (PAID, SHIP),
                (SHIP, "END"), (APPROVE, SHIP), (SHIP, "Закрыт заказ"), ("Закрыт заказ", "END")}
    acts = {CREATE, APPROVE, INVOICE, PAID, SHIP, "Закрыт заказ"}
    m = comparison_map(directly_follows(coded), declared_edges=declared, declared_activities=acts,
                       skipped={APPROVE: 0.23})
    dot = m.dot
    ids = {name: f"a{i}" for i, name in enumerate(directly_follows(coded).activities)}
    assert f'{ids[APPROVE]} -> {ids[INVOICE]} [label=" ' in dot
    assert re.search(rf'{ids[CREATE]} -> {ids[SHIP]} \[label=" \d+", penwidth="[\d.]+", color="#d7301f", fontcolor="#d7301f"\]', dot)
    assert f'{ids[APPROVE]} -> {ids[SHIP]} [label=" 0", style="dashed", color="#2b8cbe"' in dot
    assert 'd0 [label="Закрыт заказ\\n0", fillcolor="white", color="#2b8cbe"' in dot
    assert "пропущен в 23 %" in dot
    assert re.search(rf'{ids[CHANGE]} \[label="{CHANGE}\\n\d+", .*style="rounded,dashed,filled"', dot)
    assert "серые — как описано" in dot and "синие пунктиром — описано, но нет" in dot
    assert m.save  # renders below


def test_save_writes_gv_svg_png_at_150_dpi(coded, tmp_path) -> None:
    saved = frequency_map(simplify(coded)).save(tmp_path, "map")
    assert [p.name for p in saved.paths] == ["map.gv", "map.svg", "map.png"]
    svg = (tmp_path / "map.svg").read_text(encoding="utf-8")
    assert f">{CREATE}</text>" in svg  # Cyrillic as UTF-8 text, not glyph paths
    png = (tmp_path / "map.png").read_bytes()
    width_px = struct.unpack(">I", png[16:20])[0]
    width_pt = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))
    assert width_px == pytest.approx(width_pt * 150 / 72, rel=0.02)
    assert (tmp_path / "map.gv").read_text(encoding="utf-8").startswith('digraph "frequency"')


def test_repr_svg_for_notebooks(coded) -> None:
    m = frequency_map(simplify(coded))
    assert isinstance(m, ProcessMap)
    assert m._repr_svg_().lstrip().startswith("<?xml")


def test_render_without_pygraphviz_and_dot(monkeypatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pygraphviz(name, *args, **kwargs):
        if name == "pygraphviz":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pygraphviz)
    monkeypatch.setattr(rendering.shutil, "which", lambda _: None)
    with pytest.raises(RenderError, match=r"cannot draw maps: pygraphviz is not installed and Graphviz 'dot' "
                                          r"is not on PATH; run 'pip install \"pygraphviz>=2.0.4\"'"):
        rendering.render("digraph { a -> b }")


def test_simplify_overlay_never_hides_a_declared_line_that_occurs(coded) -> None:
    dfg = directly_follows(coded)
    declared = {("START", CREATE), (CREATE, APPROVE), (APPROVE, INVOICE), (INVOICE, PAID), (PAID, SHIP),
                (SHIP, "END"), (PAID, RETURN), (RETURN, "END"), (APPROVE, "Закрыт заказ")}
    result = simplify_overlay(dfg, declared, activities=0.0, paths=0.0)
    kept = result.dfg
    # declared boxes that occur stay (the never-seen «Закрыт заказ» is not invented), others go
    assert set(kept.activities) == {CREATE, APPROVE, INVOICE, PAID, SHIP, RETURN}
    assert result.hidden_activities == 2 and result.hidden_paths == 4
    lines = set(kept.edges()) | {("START", a) for a in kept.start_activities()} | \
        {(a, "END") for a in kept.end_activities()}
    occurring = set(dfg.edges()) | {("START", CREATE)} | {(a, "END") for a in dfg.end_activities()}
    assert declared & occurring <= lines
    assert kept.edges()[(PAID, RETURN)] == 2  # a rare declared line, with its real count
    # hidden: the two undeclared boxes, and Создан→Отгрузка, Выставлен→Отгрузка, Отгрузка→Оплата, Оплата→конец
    assert result.note() == "скрыто: 2 действия < 50 %, 4 перехода < 50 %"


def test_simplify_overlay_defaults_keep_a_small_map_whole(coded) -> None:
    dfg = directly_follows(coded)
    assert not crowded(dfg)
    result = simplify_overlay(dfg, {("START", CREATE)})
    assert result.hidden_activities == 0 and len(result.dfg.activities) == 8


def test_comparison_map_draws_accepted_deviations_grey_dashed(coded) -> None:
    declared = {("START", CREATE), (CREATE, APPROVE), (APPROVE, INVOICE), (INVOICE, PAID), (PAID, SHIP),
                (SHIP, "END")}
    acts = {CREATE, APPROVE, INVOICE, PAID, SHIP}
    dfg = directly_follows(coded)
    ids = {name: f"a{i}" for i, name in enumerate(dfg.activities)}
    m = comparison_map(dfg, declared_edges=declared, declared_activities=acts,
                       accepted_edges={(APPROVE, CHANGE), (CHANGE, APPROVE)}, accepted_activities={CHANGE})
    assert re.search(rf'{ids[APPROVE]} -> {ids[CHANGE]} \[label=" 97 · принято", penwidth="[\d.]+", '
                     rf'color="#969696", fontcolor="#969696", style="dashed"\];', m.dot)
    assert re.search(rf'{ids[CHANGE]} \[label="{CHANGE}\\n\d+", .*color="#969696", penwidth="1.5", '
                     rf'style="rounded,dashed,filled"', m.dot)
    assert re.search(rf'{ids[CHANGE]} -> {ids[INVOICE]} \[.*color="#d7301f"', m.dot)  # not accepted: red
    assert "серые пунктиром — принятые отклонения" in m.dot
    en = comparison_map(dfg, declared_edges=declared, declared_activities=acts, lang="en",
                        accepted_edges={(APPROVE, CHANGE)})
    assert "grey dashed — accepted deviations" in en.dot and "97 · accepted" in en.dot
    plain = comparison_map(dfg, declared_edges=declared, declared_activities=acts)
    assert "принят" not in plain.dot and "#969696" not in plain.dot


def test_comparison_map_says_a_tiny_skip_is_below_a_tenth_of_a_percent(coded) -> None:
    m = comparison_map(directly_follows(coded), declared_edges={("START", CREATE)},
                       declared_activities={CREATE}, skipped={CREATE: 1 / 16000})
    assert "пропущен в < 0,1 %" in m.dot
