import datetime as dt

import numpy as np
import pandas as pd
import pytest

from connectors.tables.values import MixedDateFormats, parse_datetimes, parse_numbers


def test_1c_dates_with_unpadded_hour_and_date_only():
    parsed = parse_datetimes(pd.Series(["10.01.2023 8:47:11", "21.02.2019 0:00:07", "15.02.2025", "20.01.2025 23:59"],
                                       dtype="str"))
    assert parsed.values.tolist() == [pd.Timestamp("2023-01-10 08:47:11"), pd.Timestamp("2019-02-21 00:00:07"),
                                      pd.Timestamp("2025-02-15"), pd.Timestamp("2025-01-20 23:59")]
    assert not parsed.bad.any() and not parsed.empty.any()


def test_impossible_dates_are_bad_not_rolled_over():
    # pyarrow's strptime alone turns 31.02 into 03.03; the reader must not.
    parsed = parse_datetimes(pd.Series(["31.02.2026 10:00:00", "2026-02-30", "01.03.2026 0:00:00"], dtype="str"))
    assert parsed.bad.tolist() == [True, True, False]
    assert parsed.values.iloc[2] == pd.Timestamp("2026-03-01")


def test_iso_with_offset_becomes_utc_naive():
    parsed = parse_datetimes(pd.Series(["2026-03-02T09:00:00+03:00", "2026-03-02T09:00:00.250+01:00"], dtype="str"))
    assert parsed.values.tolist() == [pd.Timestamp("2026-03-02 06:00:00"), pd.Timestamp("2026-03-02 08:00:00.250")]


def test_excel_cells_datetime_serial_and_text():
    cells = pd.Series([dt.datetime(2026, 3, 2, 15, 5), 46084.5, "03.03.2026 9:00", None, "вчера"], dtype=object)
    parsed = parse_datetimes(cells)
    assert parsed.values.iloc[:3].tolist() == [pd.Timestamp("2026-03-02 15:05"), pd.Timestamp("2026-03-03 12:00"),
                                               pd.Timestamp("2026-03-03 09:00")]
    assert parsed.empty.tolist() == [False, False, False, True, False]
    assert parsed.bad.tolist() == [False, False, False, False, True]


def test_mixed_day_month_order_is_refused():
    with pytest.raises(MixedDateFormats) as info:
        parse_datetimes(pd.Series(["13/01/2026", "01/14/2026"], dtype="str"))
    assert (info.value.first, info.value.second) == ("dd/mm/yyyy", "mm/dd/yyyy")


def test_explicit_format_is_strict_about_days():
    parsed = parse_datetimes(pd.Series(["31/02/2026", "01/03/2026"], dtype="str"), date_format="%d/%m/%Y")
    assert parsed.bad.tolist() == [True, False]


def test_numbers_with_decimal_comma_and_nbsp():
    values, bad = parse_numbers(pd.Series(["1\u00a0234,50", "7", "-12 345,6", "", "x", "1\u202f000"], dtype="str"))
    assert values.iloc[[0, 1, 2, 5]].tolist() == [1234.5, 7.0, -12345.6, 1000.0]
    assert np.isnan(values.iloc[3]) and bad.tolist() == [False, False, False, False, True, False]
