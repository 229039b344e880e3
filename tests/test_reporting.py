"""``miner report``: the files, a self-contained HTML, a proper DOCX, English, pseudonymisation, safe tables."""
from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import miner
from miner.cli import cli
from miner.eventlog import CASE, RESOURCE
from miner.comparison.findings import Finding
from miner.reporting.requirements import propose

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
SOURCES = [SAMPLE / "sales_1c.csv", SAMPLE / "warehouse.xlsx"]
DECLARED = SAMPLE / "sales_declared.yaml"
TEXT = {".html", ".svg", ".json", ".csv", ".gv", ".md", ".bpmn", ".pnml", ".txt"}
RU_CHAPTERS = ["1. Данные", "2. Реальный процесс", "3. Заявленный и реальный процесс", "4. Люди и подразделения",
               "5. Клиенты и товары", "6. Как информация попадает в систему"]


@pytest.fixture(scope="module")
def ingested() -> miner.ingestion.reading.IngestResult:
    return miner.ingest(SOURCES)


@pytest.fixture(scope="module")
def private(ingested, tmp_path_factory) -> tuple[miner.reporting.writing.Report, Path]:
    """The full sample report with --declared, --pseudonymize and --pseudonymize-clients."""
    out = tmp_path_factory.mktemp("private")
    return miner.report(ingested, out, declared=DECLARED, pseudonymize=True, pseudonymize_clients=True), out


@pytest.fixture(scope="module")
def small(ingested) -> pd.DataFrame:
    """120 orders of the sample, with client names a spreadsheet would run as formulas."""
    log = ingested.log
    keep = log[CASE].isin(log[CASE].unique()[:120])
    small = log[keep].reset_index(drop=True).copy()
    first = small[CASE] == small[CASE].iloc[0]
    small.loc[first, "Клиент"] = "=СУММ(A1:A9)"
    small.loc[small[CASE] == small[CASE].unique()[1], "Клиент"] = "@cmd"
    # what connectors.onec.join adds when the 1C journal is joined to document lists
    hours = pd.Series([0.5, 30.0, None, 80.0] * (len(small) // 4 + 1)).iloc[:len(small)].to_numpy()
    small["doc:lag_hours"] = hours
    small["doc:late_entry"] = pd.array([None if pd.isna(h) else h > 24 for h in hours], dtype="boolean")
    small["doc:back_dated"] = pd.array([None if pd.isna(h) else h > 48 for h in hours], dtype="boolean")
    return small


@pytest.fixture(scope="module")
def english(small, tmp_path_factory) -> Path:
    """The small log's report in English through the command line."""
    out = tmp_path_factory.mktemp("english")
    source = out / "small.parquet"
    small.to_parquet(source)
    result = CliRunner().invoke(cli, ["-q", "report", str(source), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [str(out / "report.html"), str(out / "report.docx")]
    return out


def _texts(path: Path) -> list[str]:
    """Every searchable text of a file: a text file itself, the XML inside DOCX/XLSX."""
    if path.suffix in TEXT:
        return [path.read_text(encoding="utf-8-sig")]
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as archive:
            return [archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")]
    return []


def test_files_written(private) -> None:
    result, out = private
    names = {p.name for p in out.iterdir()}
    for stem in ("map", "performance", "comparison", "handovers"):
        assert {f"{stem}.svg", f"{stem}.png", f"{stem}.gv"} <= names
    for chart in ("throughput", "activities", "workload_employees", "workload_departments", "who_does_what",
                  "revenue_clients"):
        assert {f"{chart}.svg", f"{chart}.png"} <= names
    assert {"report.html", "report.docx", "findings.json", "ingest.json", "tables.xlsx", "model.bpmn"} <= names
    assert {"findings.csv", "requirements.csv", "variants.csv", "employees.csv"} <= {p.name for p in (out / "tables").iterdir()}
    assert all(p.exists() for p in result.paths)
    assert (result.cases, result.events, result.findings) == (1000, 6983, 12)
    assert "report.html" in result._repr_html_()


def test_html_is_self_contained(private) -> None:
    text = (private[1] / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text)
    assert not re.search(r"<(link|img|iframe)\b", text)
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", text)  # the explorer's script is inline (CONTRACTS §10)
    assert "url(http" not in text and "@import" not in text
    explorers = text.count('class="mx-explorer"')
    assert explorers >= 1
    assert text.count("<svg") == 10 + explorers  # 4 maps + 6 charts, inline; each explorer's opening map
    assert '<h1 id="sec-1">1. Данные</h1>' in text
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "inline SVGs must not share ids"


def test_docx_has_headings_toc_images_and_a4(private) -> None:
    from docx import Document

    doc = Document(str(private[1] / "report.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[1:] == RU_CHAPTERS
    assert len(doc.inline_shapes) == 10
    for section in doc.sections:
        assert {round(section.page_width.mm), round(section.page_height.mm)} == {210, 297}
        assert (section.page_width > section.page_height) == (section.orientation == 1)
    xml = zipfile.ZipFile(private[1] / "report.docx").read("word/document.xml").decode("utf-8")
    assert 'TOC \\o "1-2"' in xml
    assert "«Согласован заказ» — обязательный этап перед «Выставлен счет»" in xml


def test_no_employee_or_client_name_in_any_file(private, ingested) -> None:
    employees = set(ingested.log[RESOURCE].dropna().unique())
    clients = set(ingested.log["Клиент"].dropna().unique())
    names = employees | clients | {"Кузнецов О. В."}  # the declared process's described_by
    names |= {n.split()[0] for n in employees if len(n.split()[0]) > 3}  # surnames alone
    forms = {f for n in names for f in (n, html.escape(n), html.escape(n, quote=False))}
    searched = 0
    for path in sorted(private[1].rglob("*")):
        for text in _texts(path):
            searched += 1
            found = sorted(f for f in forms if f in text)
            assert not found, f"{path.name}: {found[:3]}"
    assert searched > 40
    docx_xml = "".join(_texts(private[1] / "report.docx"))
    assert "Сотрудник 01" in docx_xml and "Клиент 001" in docx_xml


def test_english_report(english) -> None:
    from docx import Document

    text = (english / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "1. The data" in text and "Данные" not in text
    assert "No declared process was given" in text
    late = re.search(r'<table data-name="late_entry">.*?</table>', text, re.S).group(0)
    assert "<th>Back-dated</th>" in late and re.search(r'class="num">\d+(\.\d)? (h|d)</td>', late)
    headings = [p.text for p in Document(str(english / "report.docx")).paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Contents", "1. The data", "2. The real process", "3. Declared vs real process",
                        "4. People and departments", "5. Clients and products", "6. How information enters the systems"]


def test_exported_tables_neutralise_formulas(english) -> None:
    from openpyxl import load_workbook

    csv = (english / "tables" / "problem_clients.csv").read_text(encoding="utf-8-sig")
    assert "'=СУММ(A1:A9);" in csv and "'@cmd;" in csv
    cells = [c for sheet in load_workbook(english / "tables.xlsx").worksheets for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert "'=СУММ(A1:A9)" in {c.value for c in cells}


def test_requirement_names_the_next_declared_step() -> None:
    declared = miner.read_declared(DECLARED)
    finding = Finding("skipped_step", 109, 0.109, ("ЗК-001208",), "…", {"activity": "Согласован заказ"})
    ru, en = propose(finding, declared), propose(finding, declared, "en")
    assert ru.requirement == ("«Согласован заказ» — обязательный этап перед «Выставлен счет»: CRM не позволяет "
                              "выполнить «Выставлен счет», пока не выполнен шаг «Согласован заказ».")
    assert ru.acceptance.endswith("(пример из данных: ЗК-001208).")
    assert en.finding == "«Согласован заказ» is skipped in 109 cases (11 %)."


def test_bad_source_is_one_error_line(tmp_path) -> None:
    bad = tmp_path / "empty.csv"
    bad.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1


def test_minimal_log_says_what_is_missing(tmp_path) -> None:
    frame = pd.DataFrame({
        "case:concept:name": ["1", "1", "2", "2", "2"], "concept:name": ["A", "B", "A", "C", "B"],
        "time:timestamp": pd.to_datetime(["2026-01-01 10:00", "2026-01-01 12:00", "2026-01-02 09:00",
                                          "2026-01-02 10:00", "2026-01-03 10:00"])})
    result = miner.report(frame, tmp_path, pseudonymize=True)
    text = result.html.read_text(encoding="utf-8")
    for sentence in ("В данных нет исполнителей и подразделений.", "нет столбца с клиентом или товаром",
                     "Журнал передан готовой таблицей", "Журнал регистрации 1С к документам не присоединён"):
        assert sentence in text
    assert (result.cases, result.events, result.findings) == (2, 5, 0)
