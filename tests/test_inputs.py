"""Inputs you can trust (CONTRACTS.md §6): copies across sources, carried reports, client and entry time,
documents linked to no order, 1C placeholders — with every input row accounted for."""
import datetime as dt
import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import miner
from miner.cli import cli
from miner.rejects import IngestReport

INPUTS = Path(__file__).parent / "data" / "inputs"
_spec = importlib.util.spec_from_file_location("inputs_fixtures", INPUTS / "make_fixtures.py")
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)


def accounted(report: IngestReport) -> IngestReport:
    """Check the accounting of an ingest report, and return it."""
    assert report.rows_read == report.rows_used + report.rejected + report.excluded
    assert report.rejected + report.excluded == sum(r.count for r in report.reasons)
    assert report.rows_read == sum(s.rows_read for s in report.sources)
    return report


def reason(report: IngestReport, text: str):
    return next((r for r in report.reasons if r.reason == text), None)


def test_a_csv_and_its_xlsx_copy_with_minutes_only_count_once():
    truth = fixtures.order_events(30)
    result = miner.ingest([INPUTS / "orders_march.csv", INPUTS / "orders_march_copy.xlsx"])
    report = accounted(result.report)
    assert len(result.log) == len(truth) == report.events  # before: 240 events, every step "repeated"
    dup = reason(report, "duplicate event")
    assert dup.count == len(truth) and dup.excluded
    assert dup.examples[0] == {"file": "orders_march_copy.xlsx", "row": 2, "copy_of": "orders_march.csv:2"}
    assert set(result.log["source:file"]) == {"orders_march.csv"}  # the copy that keeps the seconds
    assert not result.log.duplicated(["case:concept:name", "concept:name"]).any()


def test_overlapping_monthly_exports_keep_the_overlap_once(caplog):
    truth = fixtures.order_events(30)
    result = miner.ingest([INPUTS / "orders_part1.csv", INPUTS / "orders_part2.csv"])
    report = accounted(result.report)
    overlap = sum(1 for r in truth if 11 <= int(str(r[0])[2:]) <= 20)
    assert reason(report, "duplicate event").count == overlap
    assert len(result.log) == len(truth)
    assert "40 copies of events read from another source were dropped: 40 from orders_part2.csv " \
           "(already in orders_part1.csv)" in caplog.text


def test_different_resources_are_different_events(tmp_path):
    rows = fixtures.order_events(2)
    other = [[r[0], r[1], r[2], "Другой Д.", r[4]] for r in rows]
    a = fixtures.write_csv(tmp_path / "a.csv", rows)
    b = fixtures.write_csv(tmp_path / "b.csv", other)
    result = miner.ingest([a, b])
    assert reason(result.report, "duplicate event") is None
    assert len(result.log) == 2 * len(rows)


def test_a_source_without_resources_still_matches(tmp_path):
    rows = fixtures.order_events(3)
    a = fixtures.write_csv(tmp_path / "a.csv", rows)
    b = fixtures.write_csv(tmp_path / "b.csv", [r[:3] for r in rows], header=fixtures.HEADER[:3])
    result = miner.ingest([a, b])
    assert reason(accounted(result.report), "duplicate event").count == len(rows)


def test_identical_rows_in_one_source_are_kept_and_counted():
    result = miner.ingest(INPUTS / "identical_rows.csv")
    report = accounted(result.report)
    assert len(result.log) == 9 and report.excluded == 0
    (item,) = [q for q in report.data_quality if q["kind"] == "identical_rows"]
    assert item["count"] == 1 and item["examples"] == [{"file": "identical_rows.csv", "row": 10}]
    assert json.loads(json.dumps(report.to_dict()))["data_quality"][0]["kind"] == "identical_rows"


def test_a_log_ingested_to_parquet_carries_its_report(tabular, tmp_path):
    out = tmp_path / "sales.parquet"
    CliRunner().invoke(cli, ["ingest", str(tabular / "orders_cp1251.csv"), "-o", str(out)], catch_exceptions=False)
    written = json.loads((tmp_path / "sales.parquet.ingest.json").read_text(encoding="utf-8"))
    assert written["rejected"] > 0
    again = miner.ingest(out)
    assert again.report.to_dict() == written  # not a fresh one saying nothing was rejected
    prepared = miner.ingestion.reading.prepare_log(out)
    assert prepared.ingest.to_dict() == written
    assert prepared.source == "orders_cp1251.csv"
    assert [s.file for s in prepared.ingest.sources] == ["orders_cp1251.csv"]


def test_a_changed_parquet_does_not_carry_a_report_that_no_longer_fits(tabular, tmp_path):
    out = tmp_path / "sales.parquet"
    miner.ingest(tabular / "orders_cp1251.csv", output=out)
    pd.read_parquet(out).head(2).to_parquet(out, index=False)
    report = miner.ingest(out).report
    assert report.rejected == 0 and report.sources[0].file == "sales.parquet"
    assert "not carried" in report.sources[0].details["ingest_report"]


def test_a_report_folder_gets_the_carried_report(tabular, tmp_path):
    out = tmp_path / "sales.parquet"
    miner.ingest(tabular / "orders_cp1251.csv", output=out)
    result = miner.ingest([out, tabular / "warehouse.xlsx"])
    report = accounted(result.report)
    assert [s.file for s in report.sources] == ["orders_cp1251.csv", "warehouse.xlsx"]
    assert report.rejected == miner.ingest(tabular / "orders_cp1251.csv").report.rejected + \
        miner.ingest(tabular / "warehouse.xlsx").report.rejected


def test_an_ingested_log_read_again_with_its_source_counts_each_event_once(tabular, tmp_path):
    out = tmp_path / "sales.parquet"
    first = miner.ingest(tabular / "orders_cp1251.csv", output=out).report
    both = miner.ingest([out, tabular / "orders_cp1251.csv"])
    report = accounted(both.report)
    assert len(both.log) == first.events
    assert report.rows_read == 2 * first.rows_read and report.rejected == 2 * first.rejected
    assert reason(report, "duplicate event").count == first.events


def test_client_and_entry_time_columns_are_guessed():
    result = miner.ingest(INPUTS / "entered.csv")
    log = result.log
    assert result.report.sources[0].columns["client"] == "Контрагент"
    assert result.report.sources[0].columns["entered"] == "Дата ввода"
    assert log["case:client"].notna().all() and "Контрагент" in log.columns  # kept under its header too
    assert ((log["time:entered"] - log["time:timestamp"]) == pd.Timedelta(days=2)).all()


def test_client_and_entered_can_be_named(tmp_path):
    rows = [[r[0], r[1], r[2], r[4], r[2] + dt.timedelta(hours=1)] for r in fixtures.order_events(2)]
    path = fixtures.write_csv(tmp_path / "x.csv", rows, header=["Заказ", "Событие", "Дата", "Фирма", "Внесено"])
    log = miner.ingest(path, client="Фирма", entered="Внесено").log
    assert set(log["case:client"]) == {'ООО "Ромашка"', 'ООО "Вектор"'}
    assert log["time:entered"].notna().all()


def test_a_guessed_entry_column_without_dates_is_dropped_with_a_warning(tmp_path):
    rows = [[r[0], r[1], r[2], "да"] for r in fixtures.order_events(2)]
    path = fixtures.write_csv(tmp_path / "x.csv", rows, header=["Заказ", "Событие", "Дата", "Создан"])
    result = miner.ingest(path)
    assert "time:entered" not in result.log.columns
    assert any("is not the entry time" in w for w in result.report.warnings)


def test_1c_lists_fill_the_client_and_payments_take_their_orders_client():
    log = miner.ingest(INPUTS / "advance").log
    by_case = log.groupby("case:concept:name")["case:client"].agg(set)
    assert sorted(map(sorted, by_case)) == [['ООО "Вектор"'], ['ООО "Ромашка"']]


def test_a_payment_linked_to_no_order_is_excluded_and_listed():
    result = miner.ingest(INPUTS / "advance")  # a folder of 1C list exports
    report = accounted(result.report)
    unlinked = reason(report, "документ не связан с заказом")
    assert unlinked.count == 1 and unlinked.examples[0]["row"] == 4
    (item,) = [q for q in report.data_quality if q["kind"] == "unlinked_documents"]
    assert item["count"] == 1 and item["amount"] == 30000.0 and item["kept"] is False
    assert result.log["case:concept:name"].str.startswith("Заказ клиента").all()


def test_keep_unlinked_keeps_them_as_cases_of_their_own():
    result = miner.ingest(INPUTS / "advance", keep_unlinked=True)
    report = accounted(result.report)
    assert report.excluded == 0 and len(result.log) == 5
    assert [q["kept"] for q in report.data_quality if q["kind"] == "unlinked_documents"] == [True]


def test_1c_placeholders_become_missing_and_broken_references_are_counted():
    result = miner.ingest(INPUTS / "placeholders.csv")
    log, report = result.log, accounted(result.report)
    text = log.astype(str)
    assert not text.isin(["<Не указан>", "<Пусто>"]).any().any()
    assert log["org:group"].isna().sum() == 3 and log["org:resource"].isna().sum() == 1
    items = {q["kind"]: q for q in report.data_quality}
    assert items["empty_placeholder"]["count"] == 4
    assert items["broken_reference"]["count"] == 1  # one row, though two columns hold it
    assert log["case:client"].str.startswith("<Объект не найден>").sum() == 1


def test_a_journal_join_fills_the_entry_time():
    docs = Path(__file__).parent / "data" / "onec"
    journal = docs / "journal"
    if not journal.exists():
        pytest.skip("no journal fixture")
    result = miner.ingest([docs / "documents", journal])
    if "onec:entered" not in result.log.columns:
        pytest.skip("the fixtures' journal and documents do not join")
    joined = result.log[result.log["onec:entered"].notna()]
    assert len(joined) and (joined["time:entered"] == joined["onec:entered"]).all()


def test_the_report_lists_documents_linked_to_no_order(tmp_path):
    """Money that came before any order is a data finding of the report's section 1 (issue 17, item 4)."""
    import re

    miner.report(INPUTS / "advance", tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    text = re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", page))  # \s would also fold U+202F
    assert "1.3 Особенности исходных данных" in text
    row = text[text.index("Документы, не связанные ни с одним заказом", text.index("1.3 Особенности")):][:200]
    assert row.startswith("Документы, не связанные ни с одним заказом 1 Поступление безналичных ДС: 1")
    assert "сумма 30\u202f000" in row and "0000-000052" in row
