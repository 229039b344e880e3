"""Working time between timestamps: Russian production calendar, office hours, 24x7."""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from miner.errors import InputError
from miner.comparison.worktime import WorkCalendar, duration_seconds, parse_work_hours, working_seconds


def hours(start: str, end: str, calendar: str | WorkCalendar = "ru", work_hours=(9, 18)) -> float:
    s = np.array([start], dtype="datetime64[s]")
    e = np.array([end], dtype="datetime64[s]")
    return float(working_seconds(s, e, calendar, work_hours)[0] / 3600)


def test_friday_evening_to_monday_morning_is_two_working_hours() -> None:
    assert hours("2026-11-13T17:00", "2026-11-16T10:00") == 2.0


def test_new_year_holidays_and_transferred_day_off_do_not_count() -> None:
    # 31.12.2025 is a transferred day off, 1-8.01 holidays, 9.01.2026 transferred, 10-11 weekend
    assert hours("2025-12-30T12:00", "2026-01-12T10:00") == 7.0


def test_saturday_made_a_working_day_counts() -> None:
    # 27.04.2024 was a working Saturday (in exchange for 29.04)
    assert hours("2024-04-26T17:00", "2024-04-27T10:00") == 2.0
    assert hours("2024-04-27T17:00", "2024-04-30T10:00") == 1.0  # 28 Sun, 29 and 30 off


def test_time_outside_working_hours_is_clipped() -> None:
    assert hours("2026-03-03T07:00", "2026-03-03T20:00") == 9.0
    assert hours("2026-03-03T19:00", "2026-03-04T08:00") == 0.0
    assert hours("2026-03-03T07:00", "2026-03-03T20:00", work_hours=(8.5, 17.5)) == 9.0
    assert hours("2026-03-03T10:00", "2026-03-03T12:00", work_hours=(11, 18)) == 1.0


def test_24x7_is_elapsed_time() -> None:
    assert hours("2026-11-13T17:00", "2026-11-16T10:00", "24x7") == 65.0


def test_vectorised_with_missing_and_reversed_pairs() -> None:
    s = np.array(["2026-03-02T09:00", "NaT", "2026-03-03T12:00"], dtype="datetime64[s]")
    e = np.array(["2026-03-02T18:00", "2026-03-02T18:00", "2026-03-03T10:00"], dtype="datetime64[s]")
    out = working_seconds(s, e) / 3600
    assert out[0] == 9.0 and np.isnan(out[1]) and out[2] == -2.0


def test_agrees_with_the_sample_data_rule_on_random_pairs() -> None:
    from sample_data._common import working_hours

    rng = np.random.default_rng(3)
    base = np.datetime64("2026-01-01T00:00", "s")
    s = base + rng.integers(0, 150 * 86400, 300).astype("timedelta64[s]")
    e = s + rng.integers(0, 20 * 86400, 300).astype("timedelta64[s]")
    ours = working_seconds(s, e) / 3600
    theirs = [working_hours(a.astype(datetime), b.astype(datetime)) for a, b in zip(s, e)]
    np.testing.assert_allclose(ours, theirs, atol=1e-9)


def test_a_declared_day_is_a_working_day() -> None:
    assert duration_seconds(2, "d", WorkCalendar("ru", (9, 18))) == 18 * 3600
    assert duration_seconds(2, "d", WorkCalendar("24x7")) == 48 * 3600
    assert duration_seconds(30, "m", WorkCalendar()) == 1800


def test_parse_work_hours() -> None:
    assert parse_work_hours("9-18") == (9, 18)
    assert parse_work_hours("8:30–17:30") == (8.5, 17.5)
    with pytest.raises(InputError, match=r'working hours "с девяти" are not START-END; use e.g. 9-18'):
        parse_work_hours("с девяти")
    with pytest.raises(InputError, match=r"working hours 18-9 are not a range within a day; use e.g. 9-18"):
        parse_work_hours("18-9")


def test_unknown_calendar() -> None:
    with pytest.raises(InputError, match=r'unknown calendar "moon"; use one of ru, 24x7'):
        WorkCalendar("moon")


def test_gaps_between_neighbours_equal_the_pairwise_working_seconds() -> None:
    from miner.comparison.worktime import WorkCalendar, working_gaps

    rng = np.random.default_rng(7)  # a New Year holiday week inside the range
    times = np.sort(np.datetime64("2025-12-20T00:00", "ns")
                    + rng.integers(0, 40 * 86400 * 10**9, 5000).astype("timedelta64[ns]"))
    for calendar in (WorkCalendar("ru", (9, 18)), WorkCalendar("ru", (8.5, 17.5)), WorkCalendar("24x7")):
        pairwise = working_seconds(times[:-1], times[1:], calendar)
        assert np.allclose(working_gaps(times, calendar), pairwise)
    assert (pairwise > 0).any()
