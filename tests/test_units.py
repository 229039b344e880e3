"""Tests of miner.units: counts, shares, durations and plurals as people read them."""
from __future__ import annotations

import math

import pytest

from miner.units import format_count, format_duration, format_number, format_share, plural


@pytest.mark.parametrize(("value", "text"), [(0, "0"), (999, "999"), (1000, "1\u202f000"),
                                             (1234567, "1\u202f234\u202f567"), (-1500, "-1\u202f500")])
def test_format_count(value: int, text: str) -> None:
    assert format_count(value) == text


@pytest.mark.parametrize(("seconds", "ru", "en"), [
    (35 * 60, "35 мин", "35 min"), (4 * 3600, "4 ч", "4 h"), (2.5 * 86400, "2,5 дн", "2.5 d"),
    (90, "1,5 мин", "1.5 min"), (12, "12 с", "12 s"), (59.99 * 60, "1 ч", "1 h"),
    (23.97 * 3600, "1 дн", "1 d"), (400 * 86400, "400 дн", "400 d"), (0, "0 с", "0 s"),
])
def test_format_duration(seconds: float, ru: str, en: str) -> None:
    assert format_duration(seconds) == ru
    assert format_duration(seconds, lang="en") == en


def test_missing_duration_is_a_dash() -> None:
    assert format_duration(math.nan) == format_duration(None) == "–"


def test_share_and_number() -> None:
    assert format_share(0.23) == "23 %"
    assert format_share(0.004) == "0,4 %"
    assert format_share(0.004, lang="en") == "0.4 %"
    assert format_number(2.0) == "2"


@pytest.mark.parametrize(("n", "word"), [(1, "действие"), (2, "действия"), (5, "действий"), (11, "действий"),
                                         (21, "действие"), (22, "действия"), (112, "действий")])
def test_plural_ru(n: int, word: str) -> None:
    assert plural(n, ("действие", "действия", "действий")) == word


def test_plural_en() -> None:
    assert plural(1, ("path", "paths", "paths"), lang="en") == "path"
    assert plural(3, ("path", "paths", "paths"), lang="en") == "paths"
