import pytest

from connectors.tables.columns import describe, guess_columns
from miner.errors import ColumnError


@pytest.mark.parametrize("headers, expected", [
    (["Номер заказа", "Событие", "Дата", "Ответственный", "Должность", "Подразделение", "Сумма"],
     {"case": "Номер заказа", "activity": "Событие", "timestamp": "Дата", "resource": "Ответственный",
      "role": "Должность", "department": "Подразделение"}),
    (["Заявка", "Этап", "Период", "Исполнитель", "Отдел"],
     {"case": "Заявка", "activity": "Этап", "timestamp": "Период", "resource": "Исполнитель", "department": "Отдел"}),
    (["Case ID", "Activity", "Complete Timestamp", "Resource"],
     {"case": "Case ID", "activity": "Activity", "timestamp": "Complete Timestamp", "resource": "Resource"}),
    (["case:concept:name", "concept:name", "time:timestamp"],
     {"case": "case:concept:name", "activity": "concept:name", "timestamp": "time:timestamp"}),
])
def test_guess_from_russian_and_english_headers(headers, expected):
    assert guess_columns(headers, {}, label="f.csv") == expected


def test_given_column_wins_and_is_matched_loosely():
    mapping = guess_columns(["Документ", "Статус", "Дата", "Комментарий"], {"activity": "комментарий"}, label="f")
    assert mapping["activity"] == "Комментарий" and mapping["case"] == "Документ"


def test_unknown_given_column_is_named():
    with pytest.raises(ColumnError, match=r'f.csv: no column "Дата2" \(given with --timestamp\)'):
        guess_columns(["Заказ", "Событие", "Дата"], {"timestamp": "Дата2"}, label="f.csv")


def test_describe_for_the_terminal():
    assert describe({"case": "Заказ", "activity": "Событие"}) == "case ← «Заказ», activity ← «Событие»"
