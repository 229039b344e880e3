"""Typed read options: one documented set for the API and the CLI; misspelt ones are errors."""
import inspect
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import miner
from connectors.options import MAPPING_FIELDS, SOURCE_KINDS, ReadOptions
from connectors.registry import KINDS
from miner.cli import cli
from miner.errors import ColumnError, MinerError, UnknownOptionError

INPUTS = Path(__file__).parent / "data" / "inputs"
ORDERS = INPUTS / "orders_march.csv"


def test_a_misspelt_option_names_itself_and_the_close_one():
    with pytest.raises(UnknownOptionError, match=r"unknown read option 'sheeet'; did you mean 'sheet'\?"):
        miner.stats(ORDERS, sheeet=3)
    with pytest.raises(MinerError, match="'date_fromat'; did you mean 'date_format'"):
        miner.ingest(ORDERS, date_fromat="%d.%m.%Y")


def test_a_misspelt_option_is_an_error_even_for_a_dataframe():
    log = miner.ingest(ORDERS).log
    with pytest.raises(UnknownOptionError, match="'cas'"):
        miner.read_log(log, cas="x")


def test_an_option_for_another_kind_of_source_is_reported(caplog):
    result = miner.ingest(ORDERS, sheet="Лист1", tz="Asia/Omsk")
    warnings = result.report.warnings
    assert any(w.startswith("--sheet applies to excel, onec-documents sources") for w in warnings), warnings
    assert any(w.startswith("--tz applies to onec-journal") for w in warnings), warnings
    assert "--sheet applies to" in caplog.text
    assert "--sheet applies to" in json.dumps(result.report.to_dict(), ensure_ascii=False)


def test_on_the_command_line_too(tmp_path):
    out = tmp_path / "log.parquet"
    result = CliRunner().invoke(cli, ["ingest", str(ORDERS), "--sheet", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "--sheet applies to excel, onec-documents sources, and none was given (csv); it was ignored" in result.stderr


def test_every_field_says_which_kinds_it_applies_to_and_the_kinds_are_the_readers():
    assert set(SOURCE_KINDS) == set(KINDS)
    for name in ReadOptions.names():
        kinds = ReadOptions.applies_to(name)
        assert kinds and set(kinds) <= set(SOURCE_KINDS), name


def test_cli_kinds_come_from_the_options():
    source = next(p for p in cli.commands["stats"].params if p.name == "kind")
    assert list(source.type.choices) == list(SOURCE_KINDS)


CLI_ONLY = {"as_json"}  # how to print: no keyword of the API


def _value(param: click.Option, tmp_path: Path) -> list[str]:
    flag = param.opts[0]
    if param.is_flag:
        return [flag]
    if isinstance(param.type, click.Choice):
        return [flag, list(param.type.choices)[-1]]
    if isinstance(param.type, click.FloatRange) or param.type is click.FLOAT:
        return [flag, "0.5"]
    if param.type is click.INT:
        return [flag, "3"]
    if isinstance(param.type, click.Path):
        return [flag, str(tmp_path / param.name)]
    if param.name == "work_hours":
        return [flag, "9-18"]
    return [flag, "value"]


@pytest.mark.parametrize("command", ["ingest", "stats", "discover", "compare", "report", "interview"])
def test_every_cli_option_reaches_the_api_keyword_of_the_same_name(command, monkeypatch, tmp_path):
    seen: dict[str, object] = {}
    real = inspect.signature(getattr(miner, command))

    def fake(*args, **kwargs):  # the names the real function gives what it was called with
        bound = real.bind(*args, **kwargs).arguments
        for name, value in bound.items():
            is_rest = real.parameters[name].kind is inspect.Parameter.VAR_KEYWORD
            seen.update(value if is_rest else {name: value})
        raise MinerError("stop")  # the command prints it and exits 1; the keywords were seen

    monkeypatch.setattr(miner, command, fake, raising=False)
    params = [p for p in cli.commands[command].params if isinstance(p, click.Option)]
    assert {p.name for p in params} >= set(ReadOptions.names()), "every read option is on the command"
    args = [command, str(ORDERS)]
    for p in params:
        args += _value(p, tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    for p in params:
        if p.name in CLI_ONLY:
            continue
        assert p.name in seen, f"{command}: {p.opts[0]} did not reach the keyword {p.name}"


def test_keywords_build_the_typed_options():
    options = ReadOptions.build(case="Номер", header_row=3, strict=True)
    assert options.given() == {"case": "Номер", "header_row": 3, "strict": True}
    assert options.for_kind("csv") == {"case": "Номер", "header_row": 3, "strict": True}
    assert options.for_kind("xes") == {"strict": True}
    assert options.unused({"xes"}) == ["case", "header_row"]


def test_per_file_columns_resolve_to_each_file():
    a, b = Path("in/shop_a.csv"), Path("in/shop_b.csv")
    options = ReadOptions.build(case=["shop_a.csv=Номер", "shop_b.csv=Код"], activity="Событие")
    per = options.per_file([a, b])
    assert (per[a].case, per[b].case) == ("Номер", "Код")
    assert per[a].activity == per[b].activity == "Событие"
    with pytest.raises(ColumnError, match='no source named "shop_c.csv"'):
        ReadOptions.build(case=["shop_c.csv=Номер", "shop_a.csv=X"]).per_file([a, b])


def test_a_column_name_with_an_equals_sign_stays_a_column_name():
    assert ReadOptions.build(case="Вид=Номер").case == "Вид=Номер"
    assert set(MAPPING_FIELDS) <= set(ReadOptions.names())


def test_journal_filters_go_to_the_journal_reader_under_their_names():
    options = ReadOptions.build(date_from="01.01.2024", date_to="31.01.2024", events="_$Data$_.Post")
    assert options.for_kind("onec-journal") == {"date_from": "01.01.2024", "date_to": "31.01.2024",
                                                "events": "_$Data$_.Post"}
    assert options.for_kind("csv") == {}
    assert ReadOptions.build(tz="Asia/Omsk").for_kind("onec-journal") == {"tz": "Asia/Omsk"}  # unset: not passed


def test_values_are_checked_for_python_callers_too():
    with pytest.raises(MinerError, match="header_row must be a row number from 1"):
        miner.ingest(ORDERS, header_row="3")
    with pytest.raises(MinerError, match="kind='xlsx' is not one of: csv, excel"):
        miner.ingest(ORDERS, kind="xlsx")


def test_a_mapping_file_names_the_columns_of_each_source(tmp_path):
    mapping = tmp_path / "columns.yaml"
    mapping.write_text("shop_a.csv: {case: Номер}\nshop_b.csv: {case: Код}\n", encoding="utf-8")
    result = miner.ingest([INPUTS / "shop_a.csv", INPUTS / "shop_b.csv"], mapping=str(mapping))
    assert [s.columns["case"] for s in result.report.sources] == ["Номер", "Код"]
    assert len(result.log) == 16
    bad = tmp_path / "bad.yaml"
    bad.write_text("shop_a.csv: {cases: Номер}\n", encoding="utf-8")
    with pytest.raises(MinerError, match="unknown field 'cases'"):
        miner.ingest([INPUTS / "shop_a.csv"], mapping=str(bad))
