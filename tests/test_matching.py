"""Matching declared step names to log activities: normalisation, aliases, suggestions."""
from __future__ import annotations

from miner.declared.matching import match_steps, normalize, normalize_system, suggest


def test_normalize_trims_casefolds_yo_and_spaces() -> None:
    assert normalize("  Выставлен\u00a0 СЧЁТ\t") == "выставлен счет"
    assert normalize("Отгрузка") == normalize("отгрузка ")


def test_normalize_system_treats_cyrillic_1c_as_latin() -> None:
    assert normalize_system("1С") == normalize_system("1c") == "1c"
    assert normalize_system("E-mail") == "email"
    assert normalize_system("Телефон") == "телефон"


def test_exact_after_normalisation_then_aliases() -> None:
    steps = {"Выставлен счёт": [], "Отгрузка": ["Отгружено со склада"], "Согласован заказ": []}
    log = ["выставлен  счет", "Отгружено со склада", "Изменен заказ", "Согласование заказа"]
    m = match_steps(steps, log)
    assert m.steps == {"Выставлен счёт": ("выставлен  счет",), "Отгрузка": ("Отгружено со склада",)}
    assert m.activities == {"выставлен  счет": "Выставлен счёт", "Отгружено со склада": "Отгрузка"}
    assert m.unmatched == ("Согласован заказ",)


def test_suggestions_are_offered_not_applied() -> None:
    m = match_steps({"Согласован заказ": []}, ["Согласование заказа", "Отгрузка"])
    assert m.suggestions == {"Согласован заказ": ("Согласование заказа",)}
    assert "Согласование заказа" not in m.activities
    assert m.hint() == ('Шаг "Согласован заказ" не найден в данных; возможно, это "Согласование заказа" — '
                        "добавьте нужное имя в aliases шага.")


def test_no_suggestion_when_nothing_is_close() -> None:
    m = match_steps({"Проверка службы безопасности": []}, ["Отгрузка"])
    assert m.suggestions == {}
    assert m.hint() == 'Шаг "Проверка службы безопасности" не найден в данных, похожих действий нет.'


def test_one_step_may_stand_for_several_log_names() -> None:
    m = match_steps({"Оплата": ["Поступила оплата"]}, ["оплата", "Поступила оплата"])
    assert m.steps == {"Оплата": ("оплата", "Поступила оплата")}


def test_suggest_ranks_closest_first() -> None:
    assert suggest("Поступила оплата", ["Оплата поступила", "Отгрузка", "Поступление товаров"]) == ("Оплата поступила",)
    assert suggest("x", []) == ()
