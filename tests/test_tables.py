"""CSV/XLSX export: formula-like cells neutralised, Russian Excel conventions, valid sheet names."""
from __future__ import annotations

import pandas as pd
import pytest

from miner.reporting.tables import neutralize, neutralize_frame, sheet_name, write_csv, write_xlsx


@pytest.mark.parametrize("value, expected", [
    ("=СУММ(A1:A3)", "'=СУММ(A1:A3)"), ("+7 999 123-45-67", "'+7 999 123-45-67"), ("-50 % скидка", "'-50 % скидка"),
    ("@менеджер", "'@менеджер"), ("\tтаб", "'\tтаб"), ("\rвозврат", "'\rвозврат"),
    ("Отгрузка", "Отгрузка"), ("", ""), (-5, -5), (1.5, 1.5), (None, None),
])
def test_neutralize(value, expected) -> None:
    assert neutralize(value) == expected


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "Клиент": ['=HYPERLINK("x";"y")', 'ООО "Ромашка"', "@SUM(1)"],
        "Случаев": [3, 1000, 7],
        "Сумма": [1234.5, None, -10.25],
        "Дата": pd.to_datetime(["2026-01-12 10:00", "2026-02-01 00:00", None]),
    })


def test_frame_is_copied_not_changed(frame: pd.DataFrame) -> None:
    before = frame.copy()
    out = neutralize_frame(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert out["Клиент"].tolist() == ['\'=HYPERLINK("x";"y")', 'ООО "Ромашка"', "'@SUM(1)"]
    assert out["Случаев"].tolist() == [3, 1000, 7]


def test_csv_for_russian_excel(frame: pd.DataFrame, tmp_path) -> None:
    path = write_csv(frame, tmp_path / "t" / "clients.csv")
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Клиент;Случаев;Сумма;Дата"
    assert lines[1] == '"\'=HYPERLINK(""x"";""y"")";3;1234,5;12.01.2026 10:00:00'
    assert lines[3] == "'@SUM(1);7;-10,25;"


def test_xlsx_cells_are_text_not_formulas(frame: pd.DataFrame, tmp_path) -> None:
    from openpyxl import load_workbook

    path = write_xlsx({"Клиенты: выручка/товары": frame, "Клиенты выручка товары": frame.head(1)},
                      tmp_path / "tables.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Клиенты выручка товары", "Клиенты выручка товары (2)"]
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["Клиент", "Случаев", "Сумма", "Дата"]
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("x";"y")'
    assert sheet["B3"].value == 1000 and sheet["C3"].value is None
    assert sheet["D2"].value == pd.Timestamp("2026-01-12 10:00").to_pydatetime()
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_sheet_names_are_valid() -> None:
    used: set[str] = set()
    assert sheet_name("a" * 40, used) == "a" * 31
    assert sheet_name("a" * 40, used) == "a" * 27 + " (2)"
    assert sheet_name("[]:*?/\\", used) == "Sheet"
