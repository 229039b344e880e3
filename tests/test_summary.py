"""Tests of miner.discovery.summary (``miner.stats``) and the ``miner stats`` command."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import shared_file
from o2c_fixture import CREATE, SHIP, o2c_log

import miner
from miner.cli import cli
from miner.errors import InputError
from miner.eventlog import finalize, write_log


def test_stats_of_the_o2c_log() -> None:
    log = o2c_log()
    result = miner.stats(log, top=3)
    assert (result.cases, result.events, result.activities) == (1000, len(log), 8)
    assert result.variants == log.groupby("case:concept:name")["concept:name"].agg(tuple).nunique()
    assert result.start == log["time:timestamp"].min() and result.end == log["time:timestamp"].max()
    assert len(result.top_variants) == 3
    assert [v.cases for v in result.top_variants] == sorted((v.cases for v in result.top_variants), reverse=True)
    assert result.top_variants[0].share == result.top_variants[0].cases / 1000
    assert (CREATE, SHIP) in [v.activities for v in result.top_variants]


def test_to_dict_has_exactly_the_contract_keys() -> None:
    data = miner.stats(o2c_log(200), top=2).to_dict()
    assert list(data) == ["cases", "events", "activities", "variants", "start", "end", "top_variants"]
    assert list(data["top_variants"][0]) == ["activities", "cases", "share"]
    assert isinstance(data["top_variants"][0]["activities"], list)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["start"].startswith("2026-01-")


def test_to_text_is_a_russian_table_with_thin_spaces() -> None:
    text = miner.stats(o2c_log(), top=2).to_text()
    assert text.splitlines()[0] == "Случаев    1\u202f000"
    assert "Период     12.01.2026" in text
    assert "Частые варианты:" in text
    assert "(2 шага) Создан заказ клиента → Отгрузка" in text
    assert "Cases" in miner.stats(o2c_log(50)).to_text(lang="en")
    assert "<table>" in miner.stats(o2c_log(50))._repr_html_()


def test_frame_without_columns_is_refused() -> None:
    with pytest.raises(InputError, match=r"the DataFrame lacks the columns \['concept:name'\]; build it with "
                                         r"miner.read_log or miner.eventlog.finalize"):
        miner.stats(pd.DataFrame({"case:concept:name": ["1"], "time:timestamp": [pd.Timestamp("2026-01-01")]}))


def test_input_frame_is_not_changed() -> None:
    log = o2c_log(100).sample(frac=1, random_state=1)
    before = log.copy()
    miner.stats(log)
    pd.testing.assert_frame_equal(log, before)


def test_cli_stats_json(tmp_path) -> None:
    path = write_log(o2c_log(300), tmp_path / "orders.parquet")
    result = CliRunner().invoke(cli, ["stats", str(path), "--json", "--top", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["cases"] == 300 and len(data["top_variants"]) == 1


@pytest.mark.parametrize("name", ["pm4py__running-example.xes", "pm4py__helpdesk.xes.gz"])
def test_real_logs_agree_with_pm4py(name: str) -> None:
    import pm4py

    log = finalize(pm4py.read_xes(str(shared_file("logs", name))))
    result = miner.stats(log, top=5)
    found = pm4py.get_variants(log)
    assert result.cases == log["case:concept:name"].nunique()
    assert result.events == len(log)
    assert result.variants == len(found)
    assert result.activities == log["concept:name"].nunique()
    top = sorted(found.values(), reverse=True)[:5]
    assert [v.cases for v in result.top_variants] == top
