"""Tests of miner.discovery.dfg: integer coding, directly-follows graph, durations and variants vs pm4py."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import shared_file
from o2c_fixture import o2c_log

from miner.discovery.dfg import _exact_groups, directly_follows, edge_durations, encode, variants
from miner.errors import InputError
from miner.eventlog import finalize


def _log(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Build a canonical log from (case, activity, 'dd.mm.yyyy hh:mm') rows, kept in this order."""
    frame = pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp"])
    frame["time:timestamp"] = pd.to_datetime(frame["time:timestamp"], format="%d.%m.%Y %H:%M")
    return finalize(frame)


def _pm4py_dfg(log: pd.DataFrame):
    import pm4py

    dfg, start, end = pm4py.discover_dfg(log)
    found = {tuple(k): v for k, v in pm4py.get_variants(log).items()}
    return dict(dfg), dict(start), dict(end), found


def _assert_like_pm4py(log: pd.DataFrame) -> None:
    coded = encode(log)
    dfg = directly_follows(coded)
    edges, start, end, found = _pm4py_dfg(log)
    assert dfg.edges() == edges
    assert dfg.start_activities() == start
    assert dfg.end_activities() == end
    assert variants(coded).to_dict() == found


def test_small_log_counts_edges_cases_start_end() -> None:
    log = _log([
        ("З-1", "Создан заказ", "01.02.2026 09:00"), ("З-1", "Согласован", "01.02.2026 10:00"),
        ("З-1", "Изменен", "01.02.2026 11:00"), ("З-1", "Согласован", "01.02.2026 12:30"),
        ("З-1", "Отгрузка", "02.02.2026 12:30"),
        ("З-2", "Создан заказ", "03.02.2026 09:00"), ("З-2", "Согласован", "03.02.2026 09:30"),
        ("З-2", "Отгрузка", "04.02.2026 09:30"),
        ("З-3", "Создан заказ", "05.02.2026 08:00"),
    ])
    dfg = directly_follows(encode(log))
    assert dfg.edges() == {("Создан заказ", "Согласован"): 2, ("Согласован", "Изменен"): 1,
                           ("Изменен", "Согласован"): 1, ("Согласован", "Отгрузка"): 2}
    frame = dfg.to_frame().set_index(["source", "target"])
    assert frame.loc[("Создан заказ", "Согласован"), "cases"] == 2
    assert frame.loc[("Создан заказ", "Согласован"), "median_seconds"] == 45 * 60
    assert frame.loc[("Согласован", "Отгрузка"), "median_seconds"] == 86400
    assert dfg.start_activities() == {"Создан заказ": 3}
    assert dfg.end_activities() == {"Отгрузка": 2, "Создан заказ": 1}
    assert dfg.activity_counts() == {"Создан заказ": 3, "Согласован": 3, "Изменен": 1, "Отгрузка": 2}
    assert dict(zip(dfg.activities, dfg.activity_cases.tolist()))["Согласован"] == 2
    assert (dfg.n_cases, dfg.n_events) == (3, 9)


def test_repeated_edge_counts_once_per_case() -> None:
    log = _log([("1", "A", "01.01.2026 00:00"), ("1", "B", "01.01.2026 00:01"),
                ("1", "A", "01.01.2026 00:02"), ("1", "B", "01.01.2026 00:05")])
    frame = directly_follows(encode(log)).to_frame().set_index(["source", "target"])
    assert frame.loc[("A", "B"), "count"] == 2
    assert frame.loc[("A", "B"), "cases"] == 1
    assert frame.loc[("A", "B"), "median_seconds"] == 120  # (60 + 180) / 2
    assert frame.loc[("A", "B"), "mean_seconds"] == 120


def test_equal_timestamps_keep_source_order() -> None:
    rows = [("1", "Счет", "01.01.2026 10:00"), ("1", "Оплата", "01.01.2026 10:00"),
            ("1", "Отгрузка", "01.01.2026 10:00")]
    coded = encode(_log(rows))
    assert [coded.activities[c] for c in coded.codes] == ["Счет", "Оплата", "Отгрузка"]
    _assert_like_pm4py(_log(rows))


def test_unsorted_frame_is_ordered_by_case_time_and_row() -> None:
    frame = pd.DataFrame({
        "case:concept:name": ["2", "1", "2", "1", "1"],
        "concept:name": ["Y", "B", "X", "A", "C"],
        "time:timestamp": pd.to_datetime(["2026-01-02 00:00", "2026-01-01 10:00", "2026-01-01 00:00",
                                          "2026-01-01 09:00", "2026-01-01 10:00"]),
    })
    coded = encode(frame)
    # cases in order of first appearance; inside a case by time, then row (B before C at 10:00)
    assert [coded.activities[c] for c in coded.codes] == ["X", "Y", "A", "B", "C"]
    assert coded.rows.tolist() == [2, 0, 3, 1, 4]
    assert list(coded.case_ids) == ["2", "1"]
    assert coded.case_bounds.tolist() == [0, 2, 5]
    assert directly_follows(coded).edges() == {("A", "B"): 1, ("B", "C"): 1, ("X", "Y"): 1}


def test_single_event_cases_have_no_edges() -> None:
    log = _log([("1", "A", "01.01.2026 00:00"), ("2", "A", "01.01.2026 00:00")])
    dfg = directly_follows(encode(log))
    assert dfg.edges() == {}
    assert dfg.start_activities() == dfg.end_activities() == {"A": 2}
    assert variants(encode(log)).to_dict() == {("A",): 2}


def test_empty_log() -> None:
    log = _log([("1", "A", "01.01.2026 00:00")]).iloc[0:0]
    coded = encode(log)
    assert (coded.n_cases, coded.n_events) == (0, 0)
    assert directly_follows(coded).edges() == {}
    assert len(variants(coded)) == 0


def test_missing_case_id_is_refused() -> None:
    frame = pd.DataFrame({"case:concept:name": pd.Series(["1", None], dtype="string"),
                          "concept:name": ["A", "B"],
                          "time:timestamp": pd.to_datetime(["2026-01-01", "2026-01-02"])})
    with pytest.raises(InputError, match=r"^1 events have no value in 'case:concept:name'; "
                                         r"drop or fill them before mining$"):
        encode(frame)


def test_text_timestamps_are_refused() -> None:
    frame = pd.DataFrame({"case:concept:name": ["1"], "concept:name": ["A"], "time:timestamp": ["01.01.2026"]})
    with pytest.raises(InputError, match="column 'time:timestamp' holds"):
        encode(frame)


def test_variants_sorted_by_count_with_ties_by_first_case() -> None:
    log = _log([("1", "A", "01.01.2026 00:00"), ("1", "B", "01.01.2026 00:01"),
                ("2", "A", "01.01.2026 00:00"),
                ("3", "A", "01.01.2026 00:00"), ("3", "B", "01.01.2026 00:01"),
                ("4", "B", "01.01.2026 00:00")])
    found = variants(encode(log))
    assert found.sequences == (("A", "B"), ("A",), ("B",))
    assert found.counts.tolist() == [2, 1, 1]
    assert found.case_variant.tolist() == [0, 1, 0, 2]


def test_exact_grouping_agrees_with_hashing() -> None:
    coded = encode(o2c_log(300))
    found = variants(coded)
    group, first = _exact_groups(coded)
    # same partition of cases
    assert len(first) == len(found)
    pairs = set(zip(group.tolist(), found.case_variant.tolist()))
    assert len(pairs) == len(first)


def test_edge_durations_match_medians() -> None:
    coded = encode(o2c_log(200))
    dfg = directly_follows(coded)
    spans = edge_durations(coded)
    for row in dfg.to_frame().itertuples():
        chunk = spans[(row.source, row.target)]
        assert chunk.size == row.count
        assert np.median(chunk) == pytest.approx(row.median_seconds)


def test_project_reconnects_through_kept_activities() -> None:
    log = _log([("1", "A", "01.01.2026 00:00"), ("1", "B", "01.01.2026 00:01"), ("1", "C", "01.01.2026 00:02"),
                ("2", "B", "01.01.2026 00:00")])
    coded = encode(log)
    kept = coded.project(np.array([a != "B" for a in coded.activities]))
    assert kept.activities == ("A", "C")
    assert kept.n_cases == 1  # case 2 had only B
    assert directly_follows(kept).edges() == {("A", "C"): 1}


def test_o2c_fixture_like_pm4py() -> None:
    _assert_like_pm4py(o2c_log())


@pytest.mark.parametrize("name", ["pm4py__running-example.xes", "pm4py__helpdesk.xes.gz"])
def test_real_logs_like_pm4py(name: str) -> None:
    import pm4py

    log = finalize(pm4py.read_xes(str(shared_file("logs", name)), show_progress_bar=False))
    _assert_like_pm4py(log)


def test_without_loops_the_graph_is_the_full_one_minus_its_self_edges() -> None:
    log = _log([("1", "A", "02.03.2026 09:00"), ("1", "A", "02.03.2026 09:30"), ("1", "B", "02.03.2026 10:00"),
                ("1", "B", "02.03.2026 12:00"), ("2", "A", "02.03.2026 09:00"), ("2", "B", "02.03.2026 11:00"),
                ("2", "A", "02.03.2026 11:30")])
    coded = encode(log)
    full, bare = directly_follows(coded), directly_follows(coded, loops=False)
    assert bare.edges() == {k: v for k, v in full.edges().items() if k[0] != k[1]}
    assert ("A", "A") in full.edges() and ("A", "B") in bare.edges()
    kept = full.source != full.target
    assert sorted(bare.median_seconds.tolist()) == sorted(full.median_seconds[kept].tolist())
    assert bare.start.tolist() == full.start.tolist() and bare.activity_events.tolist() == full.activity_events.tolist()
