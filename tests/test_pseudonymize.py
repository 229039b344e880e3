"""Pseudonymisation: stable codes, every form of a name in free text, nothing mutated, leak search."""
from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from miner.eventlog import finalize
from miner.ingestion.pseudonymize import Pseudonyms, find_column, find_names, make_codes, pseudonymize_log


@pytest.fixture
def log() -> pd.DataFrame:
    frame = pd.DataFrame({
        "case:concept:name": ["З-1", "З-1", "З-2", "Иванова Мария Сергеевна 12.01.2026"],
        "concept:name": ["Создан заказ", "Согласован заказ", "Создан заказ", "Вход в 1С"],
        "time:timestamp": pd.to_datetime(["2026-01-12 10:00", "2026-01-12 11:00", "2026-01-13 09:00",
                                          "2026-01-12 09:00"]),
        "org:resource": ["Иванова Мария Сергеевна", "Кузнецов О. В.", "Петров Алексей Игоревич",
                         "Иванова Мария Сергеевна"],
        "Клиент": ['ООО "Ромашка"', 'ООО "Ромашка"', "ИП Гусев П. Л.", None],
        "Примечание": ["согласовать с Кузнецовым О. В.", "звонил Петрову", "для Ромашка срочно", None],
    })
    return finalize(frame)


def test_codes_follow_sorted_names_and_are_stable(log: pd.DataFrame) -> None:
    a, p = pseudonymize_log(log)
    b, q = pseudonymize_log(log.iloc[::-1].reset_index(drop=True))
    assert p.employees == q.employees == {"Иванова Мария Сергеевна": "Сотрудник 01",
                                          "Кузнецов О. В.": "Сотрудник 02",
                                          "Петров Алексей Игоревич": "Сотрудник 03"}
    assert a["org:resource"].tolist() == ["Сотрудник 01", "Сотрудник 02", "Сотрудник 03", "Сотрудник 01"]


def test_english_codes() -> None:
    assert make_codes(["B", "A"], "Employee", 2) == {"A": "Employee 01", "B": "Employee 02"}
    assert make_codes([f"n{i:03d}" for i in range(120)], "Клиент", 2)["n000"] == "Клиент 001"


def test_free_text_and_case_ids_are_scrubbed(log: pd.DataFrame) -> None:
    clean, _ = pseudonymize_log(log)
    by_case = dict(zip(clean["source:row"], clean["Примечание"]))
    assert by_case[1] == "согласовать с Сотрудник 02"
    assert by_case[2] == "звонил Сотрудник 03"
    assert "Сотрудник 01 12.01.2026" in clean["case:concept:name"].tolist()
    assert clean["Клиент"].tolist()[0] == 'ООО "Ромашка"'  # clients untouched unless asked


@pytest.mark.parametrize("text, expected", [
    ("согласовал Кузнецов О. В., потом Кузнецову позвонили", "согласовал Сотрудник 02, потом Сотрудник 02 позвонили"),
    ("О.В. Кузнецов", "Сотрудник 02"),
    ("Мария Иванова и Ивановой М. С.", "Сотрудник 01 и Сотрудник 01"),
    ("Соколова Е.В. и Соколовой Е. В.", "Соколова Е.В. и Соколовой Е. В."),
    ("Кузнецовский район", "Кузнецовский район"),
    ("Петров Алексей Игоревич", "Сотрудник 03"),
])
def test_scrub_forms(text: str, expected: str) -> None:
    p = Pseudonyms({"Иванова Мария Сергеевна": "Сотрудник 01", "Кузнецов О. В.": "Сотрудник 02",
                    "Петров Алексей Игоревич": "Сотрудник 03"})
    assert p.scrub(text) == expected


def test_clients_get_codes_and_their_names_leave_free_text(log: pd.DataFrame) -> None:
    clean, p = pseudonymize_log(log, employees=False, clients=True)
    assert p.clients == {"ИП Гусев П. Л.": "Клиент 001", 'ООО "Ромашка"': "Клиент 002"}
    assert clean["Клиент"].tolist()[:3] == ["Клиент 002", "Клиент 002", "Клиент 001"]
    assert "для Клиент 002 срочно" in clean["Примечание"].tolist()
    assert clean["org:resource"].iloc[0] == "Иванова Мария Сергеевна"


def test_input_is_not_modified(log: pd.DataFrame) -> None:
    before = log.copy()
    pseudonymize_log(log, clients=True)
    pd.testing.assert_frame_equal(log, before)


def test_categorical_columns_are_scrubbed(log: pd.DataFrame) -> None:
    frame = log.copy()
    frame["Комментарий"] = pd.Categorical(["от Петров Алексей Игоревич", None, "Петров Алексей Игоревич", "x"])
    clean, _ = pseudonymize_log(frame)
    values = clean["Комментарий"].tolist()
    assert (values[0], values[2]) == ("от Сотрудник 03", "Сотрудник 03") and pd.isna(values[1])


def test_other_person_columns_get_codes_too(log: pd.DataFrame) -> None:
    frame = log.copy()
    frame["onec:entered_by"] = ["ivanova", "ivanova", None, "Петров Алексей Игоревич"]
    clean, p = pseudonymize_log(frame)
    assert p.employees["ivanova"] == "Сотрудник 01"  # Latin sorts first
    assert clean["onec:entered_by"].tolist()[:2] == ["Сотрудник 01", "Сотрудник 01"]
    assert clean["org:resource"].iloc[0] == "Сотрудник 02"


def test_find_column_by_synonyms() -> None:
    frame = pd.DataFrame(columns=["case:concept:name", "Контрагент (покупатель)", "Номенклатура"])
    assert find_column(frame, ("клиент", "контрагент")) == "Контрагент (покупатель)"
    assert find_column(frame, ("товар", "номенклатура")) == "Номенклатура"
    assert find_column(frame, ("сумма",)) is None


def test_find_names_searches_text_escaped_and_inside_docx(tmp_path) -> None:
    (tmp_path / "a.html").write_text("<td>ООО &quot;Ромашка&quot;</td>", encoding="utf-8")
    (tmp_path / "b.svg").write_text("<text>Сотрудник 01</text>", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "c.docx", "w") as z:
        z.writestr("word/document.xml", "<w:t>Кузнецов О. В.</w:t>")
    (tmp_path / "d.png").write_bytes(b"\x89PNG" + "Кузнецов".encode("utf-8"))  # pictures are not searched
    found = find_names(tmp_path, ['ООО "Ромашка"', "Кузнецов Олег Викторович", "Петров Алексей Игоревич"])
    assert [(p.name, n) for p, n in found] == [("a.html", 'ООО "Ромашка"'), ("c.docx", "Кузнецов Олег Викторович")]
