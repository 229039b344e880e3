"""Names that look like markup («<Не указан>», «<Объект не найден> (…)», ``<img …>``) stay text everywhere.

Before, Graphviz read such a label as an HTML-like label and the whole report failed with
«Graphviz could not draw the map: Invalid Input».
"""
from __future__ import annotations

import html
import re
import sys
import zipfile
from pathlib import Path

import pytest

import miner
from miner.discovery.maps import frequency_map
from miner.discovery.rendering import render

sys.path.insert(0, str(Path(__file__).parent))
from odd_logs import BROKEN, EMPTY, MARKUP_DECLARED, QUOTED, SCRIPT, markup_log  # noqa: E402


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("markup")
    declared = out / "declared.yaml"
    declared.write_text(MARKUP_DECLARED, encoding="utf-8")
    log = markup_log()
    result = miner.report(log, out / "report", declared=declared)
    guide = miner.interview(log, out / "interview", declared=declared)
    return out, result, guide, log, declared


def test_dot_labels_are_quoted_text() -> None:
    log = markup_log(30)
    from miner.prepared import PreparedLog

    dot = frequency_map(PreparedLog(log).dfg).dot
    svg = render(dot, "svg").decode("utf-8")
    for name in (SCRIPT, "<Объект не найден>"):
        assert html.escape(name, quote=False) in svg  # drawn as text, escaped in the SVG
    assert "<img" not in svg and "<b>" not in svg


def test_report_shows_markup_as_text(made) -> None:
    out, result, _, _, _ = made
    page = result.html.read_text(encoding="utf-8")
    assert "<img" not in page and "<b>" not in page  # never markup
    # the only scripts are the explorer's own code (once) and its data (JSON, with < and > escaped)
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts.count("<script>") == 1
    assert all(s == "<script>" or s.startswith('<script type="application/json"') for s in scripts)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;Не указан&gt;" in page
    assert result.findings > 0
    for svg in (out / "report").glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<img" not in text and "<script" not in text, svg.name


def test_docx_holds_the_names_as_written(made) -> None:
    _, result, _, _, _ = made
    with zipfile.ZipFile(result.docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    texts = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    assert html.escape(SCRIPT, quote=False) in texts and html.escape(EMPTY, quote=False) in texts


def test_discover_and_compare_draw_such_names(made, tmp_path) -> None:
    _, _, _, log, declared = made
    found = miner.discover(log, tmp_path / "d")
    assert (tmp_path / "d" / "map.svg").exists() and (tmp_path / "d" / "performance.png").exists()
    assert html.escape(BROKEN[:18], quote=False) in found.frequency.svg()
    compared = miner.compare(log, declared, tmp_path / "c")
    assert (tmp_path / "c" / "comparison.svg").exists()
    assert SCRIPT not in compared.parts[0].unmatched and BROKEN not in compared.parts[0].unmatched
    drawn = (tmp_path / "d" / "map.svg").read_text(encoding="utf-8")
    assert "срочно" in drawn and "&lt;b&gt;жирно&lt;/b&gt;" in drawn and "<b>" not in drawn  # quotes, \\ and & too


def test_interview_names_them_as_text(made) -> None:
    out, _, guide, _, _ = made
    assert (out / "interview" / "interview.docx").exists()
    with zipfile.ZipFile(out / "interview" / "interview.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert html.escape(EMPTY, quote=False) in xml
    assert any(SCRIPT in s.department for s in guide.sections)
