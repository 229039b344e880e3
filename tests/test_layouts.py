"""Layouts real exports have: group-header rows, a named header row, sheets per month, huge cells,
slash dates, other departments' trackers and per-file column mappings."""
import importlib.util
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import miner
from miner.cli import cli
from miner.errors import ColumnError, FormatError

INPUTS = Path(__file__).parent / "data" / "inputs"
_spec = importlib.util.spec_from_file_location("inputs_fixtures", INPUTS / "make_fixtures.py")
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)


def accounted(result):
    r = result.report
    assert r.rows_read == r.rows_used + r.rejected + r.excluded
    return result


def test_a_merged_group_header_row_reads_without_flags():
    result = accounted(miner.ingest(INPUTS / "group_header.xlsx"))
    assert result.report.sources[0].columns["activity"] == "Событие"
    assert result.report.sources[0].details["header_row"] == 2
    assert len(result.log) == 12


def test_a_group_header_row_in_a_csv_too(tmp_path):
    rows = fixtures.order_events(2)
    path = fixtures.write_csv(tmp_path / "g.csv", rows)
    text = path.read_bytes().decode("cp1251")
    path.write_bytes(("Заказ;;Выполнение;Кто;Кому\r\n" + text).encode("cp1251"))
    result = accounted(miner.ingest(path))
    assert result.report.sources[0].details["header_row"] == 2 and len(result.log) == len(rows)


def test_header_row_names_the_row_when_guessing_fails_and_the_advice_works(tmp_path):
    rows = fixtures.order_events(2)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Отчет", "Период", "Отбор", "Вариант", "Сформирован"])  # a parameter line, full width
    sheet.append(["Код", "Шаг", "Когда", "Кто", "Фирма"])
    for r in rows:
        sheet.append(r)
    path = tmp_path / "two_headers.xlsx"
    book.save(path)
    with pytest.raises(ColumnError) as caught:
        miner.ingest(path)
    assert "The column names were read from row 1; if they are in another row, pass --header-row N" in \
        str(caught.value)
    result = accounted(miner.ingest(path, header_row=2, case="Код", activity="Шаг", timestamp="Когда"))
    assert len(result.log) == len(rows)
    with pytest.raises(FormatError, match="--header-row 99 is outside"):
        miner.ingest(path, header_row=99)


def test_slash_dates_with_milliseconds_are_read():
    result = accounted(miner.ingest(INPUTS / "slash_dates.csv"))  # before: every date "unreadable"
    truth = [r[2] for r in fixtures.order_events(30)[:8]]
    assert result.report.rejected == 0
    assert sorted(result.log["time:timestamp"]) == sorted(truth)


def test_a_two_million_character_cell_is_read_in_one_piece(tmp_path):
    rows = fixtures.order_events(2)
    rows[1][4] = "x" * 2_000_000
    path = fixtures.write_csv(tmp_path / "big.csv", rows, encoding="utf-8")
    cli_run = CliRunner().invoke(cli, ["ingest", str(path), "-o", str(tmp_path / "big.parquet")])
    assert cli_run.exit_code == 0 and "Traceback" not in cli_run.output, cli_run.output
    result = accounted(miner.ingest(path))
    assert len(result.log) == len(rows)
    assert result.log["case:client"].str.len().max() == 2_000_000


def test_a_broken_quote_before_a_huge_cell_is_refused_in_one_line(tmp_path):
    rows = fixtures.order_events(2)
    path = fixtures.write_csv(tmp_path / "broken.csv", rows, encoding="utf-8")
    path.write_bytes(path.read_bytes() + b'\xd0\x97-9;"' + b"y" * 2_000_000 + b"\r\n")
    result = CliRunner().invoke(cli, ["ingest", str(path), "-o", str(tmp_path / "b.parquet")])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_workbook_with_a_sheet_per_month_is_read_whole():
    result = accounted(miner.ingest(INPUTS / "months.xlsx"))  # before: the first sheet only, silently
    assert len(result.log) == len(fixtures.order_events(30))
    details = result.report.sources[0].details
    assert details["sheets"] == ["Январь", "Февраль", "Март"]
    assert details["sheets_left_out"] == [{"sheet": "Сводная", "why": "not an event table"}]
    assert any('"Сводная"' in w for w in result.report.warnings)
    assert set(result.log["source:sheet"]) == {"Январь", "Февраль", "Март"}


def test_sheet_names_one_sheet_and_all_takes_every_event_sheet(tmp_path):
    rows = fixtures.order_events(4)
    path = fixtures.write_xlsx(tmp_path / "m.xlsx", {"A": rows[:8], "B": rows[8:]})
    book = openpyxl.load_workbook(path)
    other = book.create_sheet("Менеджер")
    other.append(["Номер заказа", "Событие", "Дата"])
    other.append(["З-9", "Создан заказ", "01.02.2026 10:00"])
    book.save(path)
    assert len(miner.ingest(path, sheet="B").log) == 8
    default = miner.ingest(path)
    assert len(default.log) == 16
    assert default.report.sources[0].details["sheets_left_out"][0]["why"] == "an event table with other columns"
    assert len(miner.ingest(path, sheet="all").log) == 17


@pytest.mark.parametrize("name, case, activity, resource", [
    ("design_tasks.xlsx", "Задача", "Этап", "Исполнитель"),
    ("hr_vacancies.xlsx", "Вакансия", "Этап", "Рекрутер"),
    ("approvals.csv", "Документ", "Действие", "Кто"),
    ("service_desk.csv", "Обращение", "Статус", "Исполнитель"),
    ("sales_deals.xlsx", "Сделка", "Стадия", "Менеджер"),
    ("projects.csv", "Проект", "Этап", "Ответственный"),
])
def test_other_departments_trackers_are_recognised(name, case, activity, resource):
    result = accounted(miner.ingest(INPUTS / name))  # before: «no column looks like the case»
    columns = result.report.sources[0].columns
    assert (columns["case"], columns["activity"], columns["resource"]) == (case, activity, resource)
    assert result.log["case:concept:name"].nunique() == 4


def test_each_source_may_have_its_own_case_column(tmp_path):
    a, b = INPUTS / "shop_a.csv", INPUTS / "shop_b.csv"
    with pytest.raises(ColumnError):
        miner.ingest([a, b])
    out = tmp_path / "shops.parquet"
    result = CliRunner().invoke(cli, ["ingest", str(a), str(b), "--case", "shop_a.csv=Номер",
                                      "--case", "shop_b.csv=Код", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "shop_a.csv: csv; columns: case ← «Номер»" in result.stderr
    assert "shop_b.csv: csv; columns: case ← «Код»" in result.stderr
    log = miner.ingest(out).log
    assert log["case:concept:name"].str.startswith("З-").all() and len(log) == 16


def test_an_activity_column_of_ids_is_warned_about_with_a_better_column(tmp_path):
    rows = [[f"З-{i // 3}", f"Операция {i:05d}", f"0{1 + i % 9}.03.2026 10:{i % 60:02d}", ("Создание", "Проверка",
             "Отгрузка")[i % 3]] for i in range(1500)]
    path = fixtures.write_csv(tmp_path / "ids.csv", rows, header=["Заказ", "Операция", "Дата", "Вид"], encoding="utf-8")
    result = miner.ingest(path)
    (warning,) = [w for w in result.report.warnings if "looks like ids" in w]
    assert 'the activity column "Операция" has 1500 distinct values' in warning
    assert '"Вид" (3 values)' in warning
