"""The demo's Russian outputs read as correct Russian: no English, numerals agree, numbers do not break.

The demo runs once on sample_data (both scenarios); every text a person reads is scanned: the
report (HTML with its pictures' texts and hover titles, DOCX), the interview guide (DOCX and
Markdown), the findings' summaries and the maps and charts. The checks in ``russian_text`` use the
CLDR rules and the OpenCorpora dictionary directly, not the code under test.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import miner
from miner.language import RARELY
from russian_text import broken_numbers, disagreements, latin_words, text_of_docx, text_of_html, text_of_svg

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from miner.pipeline import demo as run_demo

    out = tmp_path_factory.mktemp("demo")
    run_demo(out, data=SAMPLE)
    return out


def _texts(folder: Path) -> dict[str, list[str]]:
    texts = {"report.html": text_of_html((folder / "report.html").read_text(encoding="utf-8")),
             "report.docx": text_of_docx(folder / "report.docx"),
             "interview.docx": text_of_docx(folder / "interview.docx"),
             "interview.md": (folder / "interview.md").read_text(encoding="utf-8").replace("\\_", "_").splitlines()}
    findings = folder / "findings.json"
    if findings.exists():
        texts["findings.json"] = [f["summary"] for f in json.loads(findings.read_text(encoding="utf-8"))["findings"]]
    for svg in sorted(folder.glob("*.svg")):
        texts[svg.name] = text_of_svg(svg.read_text(encoding="utf-8"))
    return texts


@pytest.mark.parametrize("scenario", ["sales", "purchasing"])
def test_no_english_and_numerals_agree(demo: Path, scenario: str) -> None:
    texts = _texts(demo / scenario)
    assert len(texts["report.docx"]) > 100 and len(texts["interview.md"]) > 50
    latin = [(name, w, line[:80]) for name, lines in texts.items() for line in lines for w in latin_words(line)]
    assert not latin, f"English words in Russian outputs: {latin[:10]}"
    wrong = [(name, pair) for name, lines in texts.items() for line in lines for pair in disagreements(line)]
    assert not wrong, f"numerals that do not agree with their noun: {wrong[:10]}"


@pytest.mark.parametrize("scenario", ["sales", "purchasing"])
def test_numbers_do_not_break_in_docx_and_html(demo: Path, scenario: str) -> None:
    folder = demo / scenario
    # pictures are left out: Graphviz and matplotlib never wrap a line of a label
    lines = (text_of_html((folder / "report.html").read_text(encoding="utf-8"), pictures=False)
             + text_of_docx(folder / "report.docx") + text_of_docx(folder / "interview.docx"))
    assert any("\u202f" in line for line in lines) and any("\u00a0%" in line for line in lines)
    broken = [(b, line[:80]) for line in lines for b in broken_numbers(line)]
    assert not broken, f"numbers that can break across lines: {broken[:10]}"


def test_the_scanners_see_the_faults_they_look_for() -> None:
    assert latin_words("Тип: excel, файл sales_1c.csv, система CRM") == ["excel"]
    assert disagreements("Проанализировано 6 983 событий в 1 000 случаях, 21 вариантов") == \
        ["6 983 событий в", "21 вариантов"]
    assert disagreements("4 различных действия, в 21 заказе, из 891 заказа, 5 человек, 3 раза") == []
    assert broken_numbers("из 2\u2009000 (13 %)") == ["2\u2009000", "3 %"]
    assert broken_numbers("медиана\u20094 ч") == ["\u2009"]


def test_frequency_words_match_the_shares() -> None:
    """«редко» only for a step in at most a fifth of the cases; a never-seen step is «нет ни разу»."""
    log = miner.ingest([SAMPLE / "sales_1c.csv", SAMPLE / "warehouse.xlsx"]).log
    guide = miner.interview(log, declared=SAMPLE / "sales_declared.yaml")
    rare = [q for s in guide.sections for q in s.questions if q.theme == "rare" and "share" in q.facts]
    assert any(q.facts["share"] > RARELY for q in rare)  # the sample has a frequent «rarest» step (82 %)
    for q in rare:
        if q.facts.get("even"):  # «все ваши шаги есть почти всегда»: asks about the exceptions
            assert "почти всегда" in q.text
        elif q.text.startswith("Что бывает редко?"):
            assert q.facts["share"] <= RARELY, q.text
        else:
            assert q.facts["share"] > RARELY and "редко" not in q.text, q.text
    assert not any("почти нет" in q.text for s in guide.sections for q in s.questions)
