"""CSV/TXT and Excel connectors: good files read exactly, each defect gets its own message."""
import pandas as pd
import pytest

import miner
from miner import eventlog as E
from miner.errors import ColumnError, EmptySourceError, EncodingError, FormatError, UnsafeFileError, ValueProblemError


def test_cp1251_export_with_title_rows(tabular):
    result = miner.ingest(tabular / "orders_cp1251.csv")
    log = result.log
    assert log[[E.CASE, E.ACTIVITY, E.TIMESTAMP, E.RESOURCE, E.GROUP, E.ROW]].values.tolist() == [
        ["NA", "Создан заказ клиента", pd.Timestamp("2026-03-05"), "Иванова А.", "Отдел продаж", 11],
        ["З-000101", "Создан заказ клиента", pd.Timestamp("2026-03-02 08:47:11"), "Иванова А.", "Отдел продаж", 5],
        ["З-000101", "Согласован заказ", pd.Timestamp("2026-03-02 10:05:00"), "Петров И.", "Отдел продаж", 6],
        ["З-000101", "Отгрузка", pd.Timestamp("2026-03-03 00:00:00"), "Сидоров П.", "Склад", 7],
        ["З-000102", "Создан заказ клиента", pd.Timestamp("2026-03-02 09:15:00"), "Иванова А.", "Отдел продаж", 8],
    ]
    assert log["Сумма"].tolist() == [300.0, 1234.5, 1234.5, 1234.5, 12000.0]
    report = result.report
    assert (report.rows_read, report.rows_used, report.rejected, report.excluded) == (8, 5, 2, 1)
    reasons = {r.reason: (r.count, r.examples) for r in report.reasons}
    assert reasons["unreadable date"] == (1, [{"file": "orders_cp1251.csv", "row": 10, "column": "Дата",
                                               "value": "31.02.2026 15:00:00"}])
    assert reasons["empty case id"][0] == 1 and reasons["total row (Итого/Всего)"][0] == 1
    assert report.sources[0].encoding == "cp1251" and report.sources[0].details["header_row"] == 4


def test_utf8_bom_tab_separated_iso(tabular):
    log = miner.ingest(tabular / "tickets_utf8_bom.tsv").log
    assert log[E.TIMESTAMP].tolist() == [pd.Timestamp("2026-03-02 06:00"), pd.Timestamp("2026-03-02 12:30")]
    assert log[E.RESOURCE].tolist() == ["Anna", "Boris"]


def test_excel_report_with_title_merged_header_and_mixed_cells(tabular):
    result = miner.ingest(tabular / "warehouse.xlsx")
    log = result.log.sort_values(E.ROW)
    assert log[[E.CASE, E.ACTIVITY, E.TIMESTAMP, E.SYSTEM, E.ROW]].values.tolist() == [
        ["З-000101", "Собран заказ", pd.Timestamp("2026-03-02 15:05"), "Excel", 5],
        ["102", "Отгрузка", pd.Timestamp("2026-03-03 09:00"), "Excel", 6],
        ["З-000103", "Отгрузка", pd.Timestamp("2026-03-03 12:00"), "Excel", 7],
    ]
    assert result.report.reasons[0].examples == [{"file": "warehouse.xlsx", "row": 8, "column": "Дата и время",
                                                  "value": "вчера"}]


def test_strict_names_the_excel_cell(tabular):
    with pytest.raises(ValueProblemError) as info:
        miner.ingest(tabular / "warehouse.xlsx", strict=True)
    assert str(info.value) == ('warehouse.xlsx, лист "Журнал отгрузок", ячейка C8 (столбец "Дата и время"): "вчера" '
                               "unreadable date; 1 rows like this. Fix them, or drop --strict to skip and count them.")


def test_missing_sheet_lists_the_sheets(tabular):
    with pytest.raises(miner.MinerError, match=r'no sheet "Склад". The workbook has: "Журнал отгрузок", "Пустой"'):
        miner.ingest(tabular / "warehouse.xlsx", sheet="Склад")


def test_empty_sheet_is_refused(tabular):
    with pytest.raises(EmptySourceError, match=r'лист "Пустой": the sheet is empty'):
        miner.ingest(tabular / "warehouse.xlsx", sheet=2)


@pytest.mark.parametrize("name, error, message", [
    ("bad_mixed_dates.csv", ValueProblemError,
     'bad_mixed_dates.csv, столбец "Дата": mixed date formats dd/mm/yyyy (e.g. row 2) and mm/dd/yyyy (e.g. row 3)'),
    ("bad_no_activity.csv", ColumnError,
     'bad_no_activity.csv: no column looks like the activity. Columns: Заказ, Дата, Сумма. Pass --activity "<column>".'),
    ("bad_ambiguous.csv", ColumnError, "cannot tell which column is the timestamp"),
    ("bad_empty.csv", EmptySourceError, "bad_empty.csv: the file is empty. Export the data again."),
    ("bad_all_dates.csv", ValueProblemError,
     'bad_all_dates.csv, строка 2 (столбец "Дата"): "вчера" unreadable date — in all 2 rows'),
    ("bad_text_named_xlsx.xlsx", FormatError, "has an Excel extension but is a text file"),
    ("bad_truncated.xlsx", FormatError, "bad_truncated.xlsx: the workbook is damaged"),
    ("bad_not_workbook.xlsx", FormatError, "a ZIP archive, but not an Excel workbook"),
    ("bad_xml_bomb.xlsx", UnsafeFileError, "declares XML entities (EntitiesForbidden); refused as a possible XML bomb"),
    ("bad_password.xlsx", FormatError, "the workbook is password-protected"),
])
def test_bad_files_get_one_clear_message(tabular, name, error, message):
    with pytest.raises(error) as info:
        miner.ingest(tabular / name)
    assert message in str(info.value)


def test_wrong_encoding_says_which_to_try(tabular):
    with pytest.raises(EncodingError, match=r"orders_cp1251.csv, строка 1: .* not valid utf-8.*try --encoding cp1251"):
        miner.ingest(tabular / "orders_cp1251.csv", encoding="utf-8")


def test_rows_with_wrong_field_count_are_counted(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("Заказ;Событие;Дата\nЗ-1;Создан;01.03.2026\nЗ-1;Отгружен\n\"З-2\nпродолжение\";Создан;02.03.2026\n"
                    "З-3;Создан;03.03.2026;лишнее\n", encoding="utf-8")
    result = miner.ingest(path)
    assert result.log[E.ROW].tolist() == [2, 4]
    (reason,) = result.report.reasons
    assert (reason.reason, reason.count, [e["row"] for e in reason.examples]) == ("wrong number of fields", 2, [3, 5])


def test_input_frame_is_not_modified(tabular):
    frame = miner.ingest(tabular / "tickets_utf8_bom.tsv").log.sample(frac=1, random_state=1)
    before = frame.copy()
    miner.read_log(frame.drop(columns=[E.ROLE]))
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("name, cases, events", [
    ("simod__PurchasingExample.csv.gz", 608, 9119),   # gzip-compressed CSV, ISO times with offsets
    ("pm4py__receipt.csv", 1434, 8577),                # pm4py column names
    ("sberpm__example.csv", 999, 4461),                # English headers, date-only timestamps
])
def test_public_csv_logs_read_whole(name, cases, events):
    from tests.conftest import shared_file

    log = miner.ingest(shared_file("logs", name)).log
    assert (log[E.CASE].nunique(), len(log)) == (cases, events)


def test_cover_sheet_is_skipped_without_sheet_option(tabular):
    result = miner.ingest(tabular / "cover_then_journal.xlsx")
    assert result.report.sources[0].details["sheet"] == "Заявки"
    assert result.log[E.ACTIVITY].tolist() == ["Создана", "Согласована"]


def test_cover_sheet_given_explicitly_is_an_error(tabular):
    with pytest.raises(miner.MinerError, match='лист "Титул"'):
        miner.ingest(tabular / "cover_then_journal.xlsx", sheet="Титул")
