"""The command line: a thin layer over the API, with exit codes 0 / 1 / 2 and one-line errors."""
import json

import click
import pandas as pd
from click.testing import CliRunner

import miner
from miner.cli import cli


def test_every_command_has_an_api_function_and_an_example():
    for name, command in cli.commands.items():
        func = getattr(miner, name)
        assert callable(func), name
        assert "Example" in (command.help or ""), f"{name} help has no example"
        params = {p.name for p in command.params if isinstance(p, click.Option)}
        assert params, name


def test_ingest_writes_log_and_report(tabular, tmp_path):
    out = tmp_path / "orders.parquet"
    result = CliRunner().invoke(cli, ["ingest", str(tabular / "orders_cp1251.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "orders.parquet.ingest.json").read_text(encoding="utf-8"))
    assert report["rows_read"] == report["rows_used"] + report["rejected"] + report["excluded"] == 8
    assert report["sources"][0]["columns"]["case"] == "Номер заказа"
    assert len(pd.read_parquet(out)) == report["events"] == 5
    assert "case ← «Номер заказа»" in result.stderr


def test_ingest_several_sources_into_csv(tabular, tmp_path):
    out = tmp_path / "all.csv"
    result = CliRunner().invoke(cli, ["ingest", str(tabular / "orders_cp1251.csv"), str(tabular / "warehouse.xlsx"),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    back = miner.ingest(out).log
    assert sorted(back["source:file"].unique()) == ["orders_cp1251.csv", "warehouse.xlsx"]
    assert len(back) == 8


def test_bad_input_exits_1_with_one_line(tabular, tmp_path):
    result = CliRunner().invoke(cli, ["ingest", str(tabular / "bad_no_activity.csv"), "-o", str(tmp_path / "x.parquet")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        'Error: bad_no_activity.csv: no column looks like the activity. Columns: Заказ, Дата, Сумма. '
        'Pass --activity "<column>".')
    assert "Traceback" not in result.output


def test_usage_error_exits_2(tmp_path):
    result = CliRunner().invoke(cli, ["ingest", "x.csv"])
    assert result.exit_code == 2


def test_missing_file_is_bad_input(tmp_path):
    result = CliRunner().invoke(cli, ["stats", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert "no such file or folder" in result.stderr


def test_column_option_corrects_the_guess(tabular, tmp_path):
    out = tmp_path / "o.parquet"
    result = CliRunner().invoke(cli, ["ingest", str(tabular / "orders_cp1251.csv"), "--resource", "Подразделение",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert set(pd.read_parquet(out)["org:resource"]) == {"Отдел продаж", "Склад"}


def test_ingest_to_xes_round_trips(tabular, tmp_path):
    out = tmp_path / "log.xes"
    result = CliRunner().invoke(cli, ["ingest", str(tabular / "orders_cp1251.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    stats = CliRunner().invoke(cli, ["stats", str(out), "--json"])
    assert stats.exit_code == 0, stats.output
    document = json.loads(stats.stdout)
    assert (document["cases"], document["events"], document["activities"]) == (3, 5, 3)


def test_source_may_be_given_several_times(tabular):
    result = CliRunner().invoke(cli, ["stats", str(tabular / "orders_cp1251.csv"), str(tabular / "warehouse.xlsx"),
                                      "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["events"] == 8
