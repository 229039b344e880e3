"""Tests of miner.language: plural forms, agreement, unbreakable numbers, display names, frequency words."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from miner.language import (agree, agree_adjective, column_key, how_often, pick, plural, plural_category, polish,
                            reject_reason, source_kind, system_name, typeset)
from miner.units import format_count, format_counted, format_share

ROOT = Path(__file__).resolve().parents[1]
FORMS = ("вариант", "варианта", "вариантов")


def _by_hand(n: int) -> str:
    """The school rule, written independently of Babel, to check the library choice against."""
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def test_plural_category_follows_the_russian_rule_for_all_numbers_to_1000() -> None:
    assert all(plural_category(n) == _by_hand(n) for n in range(0, 1001))
    assert plural_category(2.5) == "other" and plural(2.5, ("день", "дня", "дней")) == "дня"


@pytest.mark.parametrize(("n", "phrase", "case", "text"), [
    (21, "вариант", "nomn", "вариант"), (922, "событие", "nomn", "события"), (4, "различное действие", "nomn",
                                                                              "различных действия"),
    (5, "различное действие", "nomn", "различных действий"), (1, "различное действие", "nomn", "различное действие"),
    (2, "новая заявка", "nomn", "новые заявки"), (114, "заказ", "loct", "заказах"), (21, "заказ", "loct", "заказе"),
    (11, "строка", "nomn", "строк"), (5, "человек", "nomn", "человек"), (3, "человек", "nomn", "человека"),
])
def test_agree_with_a_number(n: int, phrase: str, case: str, text: str) -> None:
    assert agree(n, phrase, case=case) == text


def test_agree_keeps_capitals_and_unknown_words() -> None:
    assert agree(2, "Событие") == "События"
    assert agree(5, "фыва") == "фыва"
    with pytest.raises(ValueError, match="grammatical case"):
        agree(2, "заказ", case="prepositional")


def test_adjective_takes_the_gender_of_the_noun() -> None:
    assert [agree_adjective("другой", n) for n in ("роль", "подразделение", "сотрудник")] == \
        ["другая", "другое", "другой"]


def test_counted_numbers_and_english() -> None:
    assert format_counted(6983, "событие") == "6\u202f983 события"
    assert format_counted(2, "событие", lang="en", en="event") == "2 events"
    assert format_counted(1, "действие", lang="en", en="activity|activities") == "1 activity"
    assert pick("en", 1, 2) == 2


def test_numbers_do_not_break() -> None:
    assert "\u2009" not in format_count(1_234_567)
    text = typeset("из 2 000 (13 %), медиана 4,5 дн, 12.01.2026 10:56, ЗК-001207 100")
    assert "2\u202f000" in text and "13\u00a0%" in text and "4,5\u00a0дн" in text
    assert "2026 10:56" in text and "001207 100" in text  # dates and ids are not digit groups
    assert typeset("1\u2009026 раз") == "1\u202f026 раз"
    assert typeset(format_share(0.13)) == "13\u00a0%"


def test_display_names() -> None:
    assert system_name("1C + Excel") == "1С + Excel" and system_name("1С", "en") == "1C"
    assert system_name("sales_1c.csv, 1Cv8Log") == "sales_1c.csv, 1Cv8Log"
    assert source_kind("onec-documents") == "документы 1С" and source_kind("excel") == "лист Excel"
    assert reject_reason("unreadable date") == "дата не читается"
    assert reject_reason("a new reason") == "«a new reason»" and reject_reason("x", "en") == "x"
    assert column_key("case") == "случай" and column_key("timestamp", "en") == "time"
    assert polish("1C: 1 000 (5 %)") == "1С: 1\u202f000 (5\u00a0%)"


def test_every_reader_kind_and_reject_reason_has_a_russian_name() -> None:
    from connectors.registry import KINDS

    assert all(re.search("[а-яё]", source_kind(k), re.I) for k in KINDS)
    # the reasons the readers give, as written in their calls (ingest.json keys)
    said = (r'(?:reject|exclude)\((?:[^"()]*, )?"([a-z][^"{]+)"', r'_count\(problems, [^"\n]*"([a-z][^"]+)"', r'REASON = "([a-z][^"]+)"',
            r'\("((?:empty|unreadable) [^"]+)"', r'reason = \("([a-z][^"]+)"')
    reasons = {"duplicate event"}  # CONTRACTS: duplicated events from sources
    for path in list((ROOT / "connectors").rglob("*.py")) + list((ROOT / "miner" / "ingestion").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        reasons |= {r for pattern in said for r in re.findall(pattern, text)}
    assert {"unreadable date", "empty row", "rolled-back transaction"} <= reasons  # the scan finds them
    assert reject_reason("the same document already read from a.xlsx") == "тот же документ уже прочитан из a.xlsx"
    untranslated = [r for r in reasons if reject_reason(r).startswith("«")]
    assert not untranslated, f"reject reasons without a Russian name in miner.language: {untranslated}"


@pytest.mark.parametrize(("share", "band"), [(0.0, "never"), (0.05, "rarely"), (0.2, "rarely"), (0.35, "sometimes"),
                                             (0.82, "often"), (0.9, "almost_always"), (1.0, "always")])
def test_how_often(share: float, band: str) -> None:
    assert how_often(share) == band
