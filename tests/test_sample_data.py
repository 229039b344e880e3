"""The sample data set: deterministic, committed files equal a fresh generation, truth matches the files."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sample_data._common import add_working_hours, working_hours
from sample_data._purchasing import declared_rows
from sample_data._truth import expected_findings, split_accepted
from sample_data.generate import generate_purchasing, generate_sales, write_all

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
DATA_FILES = ["sales_1c.csv", "warehouse.xlsx", "sales_declared.yaml", "sales_truth.json",
              "purchasing.xlsx", "purchasing_declared.xlsx", "purchasing_truth.json"]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample_data")
    write_all(out)
    return out


def _truth(name: str) -> dict:
    return json.loads((SAMPLE / f"{name}_truth.json").read_text(encoding="utf-8"))


def test_generation_is_deterministic_in_memory() -> None:
    for make, size in ((generate_sales, 150), (generate_purchasing, 80)):
        a, b = make(size, seed=5), make(size, seed=5)
        pd.testing.assert_frame_equal(a.log, b.log)
        assert a.tables.keys() == b.tables.keys()
        for name in a.tables:
            pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
        assert a.truth == b.truth
        assert make(size, seed=6).truth["findings"] != a.truth["findings"]


@pytest.mark.parametrize("name", DATA_FILES)
def test_committed_files_equal_a_fresh_generation(fresh: Path, name: str) -> None:
    # openpyxl output is made byte-stable by fixed workbook and zip stamps (sample_data/_common.py)
    assert (fresh / name).read_bytes() == (SAMPLE / name).read_bytes(), f"regenerate: python sample_data/generate.py"


def test_sample_data_stays_under_2_mb() -> None:
    total = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert total < 2 * 1024 * 1024


def test_working_time_follows_the_russian_calendar() -> None:
    # 9 March 2026 is the observed holiday for 8 March; weekends and the night do not count
    assert working_hours(datetime(2026, 3, 6, 17, 0), datetime(2026, 3, 10, 10, 0)) == 2.0
    assert working_hours(datetime(2026, 4, 30, 20, 0), datetime(2026, 5, 4, 9, 30)) == 0.5  # 1 May
    assert add_working_hours(datetime(2026, 1, 1, 0, 0), 1.0) == datetime(2026, 1, 12, 10, 0)
    assert working_hours(datetime(2026, 1, 13, 10, 0), datetime(2026, 1, 13, 9, 0)) == 0.0


def _read_sales_files() -> tuple[pd.DataFrame, list[dict]]:
    """Read the committed sales files the way an honest reader would; return the log and rejected rows."""
    from openpyxl import load_workbook

    text = (SAMPLE / "sales_1c.csv").read_bytes().decode("cp1251")
    records, rejected = [], []
    for line, row in enumerate(csv.DictReader(io.StringIO(text), delimiter=";"), start=2):
        try:
            when = datetime.strptime(row["Дата"], "%d.%m.%Y %H:%M:%S")
        except ValueError:
            rejected.append({"row": line, "reason": "unreadable date"})
            continue
        if not row["Номер заказа"]:
            rejected.append({"row": line, "reason": "empty case id"})
            continue
        records.append({"case:concept:name": row["Номер заказа"], "concept:name": row["Событие"],
                        "time:timestamp": when, "org:resource": row["Ответственный"], "org:role": row["Должность"],
                        "org:group": row["Подразделение"]})
    sheet = load_workbook(SAMPLE / "warehouse.xlsx", read_only=True)["Журнал отгрузок"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("Журнал отгрузок") and rows[1][0].startswith("Период: ") and rows[2][0] is None
    assert list(rows[3]) == ["№ заказа", "Операция", "Дата и время", "Кладовщик", "Примечание"]
    for case, act, when, who, _note in rows[4:]:
        if isinstance(when, str):
            when = datetime.strptime(when, "%d.%m.%Y %H:%M")
        records.append({"case:concept:name": case, "concept:name": act, "time:timestamp": when,
                        "org:resource": who, "org:role": None, "org:group": None})
    log = pd.DataFrame(records).sort_values(["case:concept:name", "time:timestamp"], kind="stable")
    return log.reset_index(drop=True), rejected


def _traces(log: pd.DataFrame) -> dict[str, list[str]]:
    return {c: list(t["concept:name"]) for c, t in log.groupby("case:concept:name")}


def test_sales_truth_counts_match_the_files() -> None:
    truth = _truth("sales")
    log, rejected = _read_sales_files()
    assert rejected == [{"row": d["row"], "reason": d["reason"]} for d in truth["dirty_rows"]]
    csv_info, xlsx_info = truth["files"]["sales_1c.csv"], truth["files"]["warehouse.xlsx"]
    lines = (SAMPLE / "sales_1c.csv").read_bytes().count(b"\r\n") - 1
    assert lines == csv_info["data_rows"] == csv_info["events"] + len(rejected)
    assert xlsx_info["data_rows"] == xlsx_info["events"] == int((log["org:role"].isna()).sum())
    assert len(log) == truth["log"]["events"] == csv_info["events"] + xlsx_info["events"]
    assert log["case:concept:name"].nunique() == truth["log"]["cases"] == 1000
    traces = _traces(log)
    by_key = {(f["kind"], f.get("activity", f.get("from")), f.get("to")): f for f in truth["findings"]}
    skipped = {c for c, t in traces.items() if "Согласован заказ" not in t}
    assert set(by_key[("skipped_step", "Согласован заказ", None)]["case_ids"]) == skipped
    loops = {c for c, t in traces.items() if t.count("Согласован заказ") > 1}
    assert set(by_key[("rework", "Согласован заказ", None)]["case_ids"]) == loops
    late = {c for c, t in traces.items() if t[-1] == "Поступила оплата"}
    assert set(by_key[("undeclared_path", "Поступила оплата", "END")]["case_ids"]) == late
    invoices = log[log["concept:name"] == "Выставлен счет"]
    by_sales = set(invoices.loc[invoices["org:group"] != "Бухгалтерия", "case:concept:name"])
    mismatch = by_key[("role_mismatch", "Выставлен счет", None)]
    assert set(mismatch["case_ids"]) == by_sales and mismatch["share"] == len(by_sales) / 1000


def test_truth_equals_findings_recomputed_from_the_files() -> None:
    from sample_data import _sales

    log, _ = _read_sales_files()
    findings, accepted = split_accepted(expected_findings(log, _sales.DECLARED, _sales.CAUSES), _sales.DECLARED)
    truth = _truth("sales")
    assert findings == truth["findings"] and accepted == truth["accepted"]


@pytest.mark.parametrize("name", ["sales", "purchasing"])
def test_truth_is_explained_and_shares_follow_cases(name: str) -> None:
    truth = _truth(name)
    injected = {i["name"] for i in truth["injections"]}
    cases = truth["log"]["cases"]
    for f in truth["findings"] + truth["accepted"]:
        assert f["injected"] in injected, f
        assert f["cases"] == len(f["case_ids"]) and f["share"] == round(f["cases"] / cases, 4)
    assert {f["injected"] for f in truth["findings"] + truth["accepted"]} == injected
    assert all(f["share"] >= 0.09 for f in truth["findings"] if f["injected"] != "partial_payment")


def test_purchasing_truth_matches_the_report() -> None:
    from openpyxl import load_workbook

    truth = _truth("purchasing")
    rows = list(load_workbook(SAMPLE / "purchasing.xlsx", read_only=True)["Заявки на закупку"].iter_rows(values_only=True))
    assert list(rows[0]) == ["Заявка", "Этап", "Период", "Исполнитель", "Отдел", "Сумма"]
    blank = [i for i, r in enumerate(rows[1:], start=2) if not r[1]]
    assert blank == [d["row"] for d in truth["dirty_rows"]]
    good = [r for r in rows[1:] if r[1]]
    assert len(good) == truth["log"]["events"] and len({r[0] for r in good}) == truth["log"]["cases"] == 400
    traces: dict[str, list[str]] = {}
    for r in sorted(good, key=lambda r: (r[0], r[2])):
        traces.setdefault(r[0], []).append(r[1])
    by_key = {(f["kind"], f.get("activity", f.get("from"))): f for f in truth["findings"]}
    assert set(by_key[("skipped_step", "Согласование заявки")]["case_ids"]) == {
        c for c, t in traces.items() if "Заявка согласована" not in t}
    assert set(by_key[("undeclared_step", "Возврат поставщику")]["case_ids"]) == {
        c for c, t in traces.items() if "Возврат поставщику" in t}


def test_declared_files_say_what_the_generator_declares() -> None:
    from openpyxl import load_workbook

    from sample_data import _purchasing, _sales

    assert yaml.safe_load((SAMPLE / "sales_declared.yaml").read_text(encoding="utf-8")) == _sales.DECLARED
    sheet = load_workbook(SAMPLE / "purchasing_declared.xlsx", read_only=True)["Процесс"]
    rows = [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Процесс", "Закупка товаров у поставщиков"] and rows[3] == [""] * 7
    assert rows[4] == ["Шаг", "Далее", "Роль", "Подразделение", "Система", "Норматив", "Синонимы"]
    assert rows[5:] == declared_rows(_purchasing.DECLARED)
    assert rows[5][:2] == ["НАЧАЛО", "Создана заявка на закупку"] and rows[-1][0] == "КОНЕЦ"
    assert ["Согласование заявки", "Запрошены коммерческие предложения; Выбран поставщик", "Руководитель отдела закупок",
            "Отдел закупок", "", "1d", "Заявка согласована"] in rows
