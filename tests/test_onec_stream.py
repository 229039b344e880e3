"""Streaming ingest of the text 1C journal: the same events as the in-memory reader, in any part size."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import shared_file
from connectors.onec.journal import read_onec_journal
from connectors.onec.stream import stream_onec_journal
from miner import eventlog as E
from miner.errors import InputError
from onec_journal_gen import write_journal

SAMPLE = "sample_data/onec_journal"


def _same(memory: pd.DataFrame, streamed: pd.DataFrame) -> None:
    """Equal columns, order and values (timestamps compared as instants, text as text)."""
    assert list(memory.columns) == list(streamed.columns)
    assert len(memory) == len(streamed)
    for column in memory.columns:
        a, b = memory[column], streamed[column]
        if pd.api.types.is_datetime64_any_dtype(a):
            assert (a.to_numpy().astype("datetime64[s]") == b.to_numpy().astype("datetime64[s]")).all() or \
                a.isna().equals(b.isna()), column
            continue
        left = a.astype(object).where(a.notna(), None).tolist()
        right = b.astype(object).where(b.notna(), None).tolist()
        assert left == right, column


def _both(path, tmp_path, part_bytes=40_000, workers=1, **options):
    memory = read_onec_journal(path, **options)
    out = tmp_path / "streamed.parquet"
    streamed = stream_onec_journal(path, out, part_bytes=part_bytes, chunk_bytes=4096, workers=workers, **options)
    return memory, streamed, pd.read_parquet(out)


def _reasons(problems) -> dict[str, int]:
    return {r.reason: r.count for r in problems.reasons}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("journal") / "1Cv8Log"
    return folder, write_journal(folder)


@pytest.mark.parametrize("notion", ["object", "session", "user_day"])
def test_generated_journal_gives_the_known_events_both_ways_across_tiny_parts(generated, tmp_path, notion):
    folder, truth = generated
    memory, streamed, log = _both(folder, tmp_path, case_notion=notion)
    _same(E.finalize(memory.frame), log)
    assert streamed.info.rows_read == truth.records == memory.info.rows_read
    assert streamed.events + streamed.problems.rejected + streamed.problems.excluded == truth.records
    assert _reasons(streamed.problems) == _reasons(memory.problems)
    assert streamed.info.details["transactions"] == truth.transactions == memory.info.details["transactions"]
    reasons = _reasons(streamed.problems)
    assert reasons["transaction service record (Begin/Commit/Rollback)"] == truth.service
    assert reasons["rolled-back transaction"] == truth.rolled_back_data
    if notion == "object":
        assert streamed.events == truth.data
        assert log["onec:ref"].nunique() == log["case:concept:name"].nunique() == len(truth.documents)
    else:
        assert streamed.events == truth.data + truth.other
    if notion == "session":  # session numbers are reused: every run of a number is its own case
        assert log["case:concept:name"].nunique() == 120


def test_two_workers_and_the_fixture_give_the_same_log(tmp_path):
    memory, streamed, log = _both(SAMPLE, tmp_path, case_notion="session", workers=2, part_bytes=8192)
    _same(E.finalize(memory.frame), log)
    assert streamed.info.details["streamed"] is True


def test_rolled_back_changes_kept_and_flagged_when_asked(generated, tmp_path):
    folder, truth = generated
    memory, streamed, log = _both(folder, tmp_path, include_rolled_back=True)
    _same(E.finalize(memory.frame), log)
    assert (log["onec:transaction"] == "отменена").sum() == truth.rolled_back_data
    assert streamed.info.details["rolled_back_kept"] == truth.rolled_back_data


@pytest.mark.parametrize("events", [["documents"], ["Данные. Проведение", "_$Session$_"], ["Документ.ЗаказКлиента"]])
def test_filters_exclude_with_their_reason_the_same_way(generated, tmp_path, events):
    folder, truth = generated
    options = dict(case_notion="session", date_from="2024-03-01 09:30", date_to="01.03.2024", events=events)
    memory, streamed, log = _both(folder, tmp_path, **options)
    _same(E.finalize(memory.frame), log)
    reasons = _reasons(streamed.problems)
    assert reasons == _reasons(memory.problems)
    assert reasons["outside the period chosen with --from/--to"] > 0
    assert reasons["event kind not chosen with --events"] > 0
    assert streamed.events + streamed.problems.excluded + streamed.problems.rejected == truth.records
    stamps = log["time:timestamp"]
    assert stamps.min() >= pd.Timestamp("2024-03-01 09:30") and stamps.max() < pd.Timestamp("2024-03-02")
    if events == ["documents"]:
        assert log["onec:event"].str.startswith("_$Data$_.").all()
    assert streamed.info.details["filters"]["events"]


def test_a_filter_that_makes_no_sense_is_refused():
    with pytest.raises(InputError, match="--from 2024-02-01 is after --to"):
        read_onec_journal(SAMPLE, date_from="2024-02-01", date_to="2024-01-01")
    with pytest.raises(InputError, match="not a date"):
        read_onec_journal(SAMPLE, date_from="вчера")


def test_broken_record_is_rejected_with_its_file_record_number(tmp_path):
    path = shared_file("onec", "yy_eventlog_lgf", "20200412130000_broken.lgp")
    memory, streamed, log = _both(path, tmp_path, case_notion="session", part_bytes=512)
    _same(E.finalize(memory.frame), log)
    (reason,) = [r for r in streamed.problems.reasons if not r.excluded]
    assert reason.reason == "broken journal record" and reason.examples[0]["row"] == 3


def test_cli_streams_a_journal_above_the_threshold_and_reports_every_record(generated, tmp_path, monkeypatch):
    import miner.ingestion.streaming as streaming
    from miner.cli import cli

    folder, truth = generated
    monkeypatch.setattr(streaming, "STREAM_FROM_BYTES", 0)
    out = tmp_path / "log.parquet"
    result = CliRunner().invoke(cli, ["-q", "ingest", str(folder), "-o", str(out), "--events", "documents",
                                      "--to", "2024-03-01"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "log.parquet.ingest.json").read_text(encoding="utf-8"))
    assert report["rows_read"] == truth.records == report["events"] + report["rejected"] + report["excluded"]
    assert report["sources"][0]["streamed"] is True
    log = pd.read_parquet(out)
    assert len(log) == report["events"] and np.all(log["onec:event"].str.startswith("_$Data$_."))


@pytest.mark.parametrize("notion", ["object", "session", "user_day"])
def test_a_journal_replayed_from_real_records_streams_like_it_reads(tmp_path, notion):
    """The benchmark's journal (real records of ../shared/data/onec, replayed): both ways agree."""
    import sys
    from pathlib import Path

    shared_file("onec", "safer_bwd_1c_log_parser", "events-small.lgp")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from real_journal import write_real_journal

    folder = tmp_path / "1Cv8Log"
    records = write_real_journal(folder, 12_000, files=3, lanes=4, days=20)
    memory, streamed, log = _both(folder, tmp_path, part_bytes=200_000, workers=2, case_notion=notion)
    _same(E.finalize(memory.frame), log)
    assert memory.info.rows_read == streamed.info.rows_read == records
    assert streamed.events + streamed.problems.rejected + streamed.problems.excluded == records
    assert streamed.problems.rejected == 0  # every replayed record is a well-formed journal record
    assert log["case:concept:name"].nunique() > (10 if notion == "user_day" else 100)  # 2 users, 20 days


def test_objects_that_print_alike_get_distinct_labels_both_ways(tmp_path):
    """Two catalog items without a reference that print the same, a third apart: three cases."""
    lgf = shared_file("onec", "safer_bwd_1c_log_parser", "meta-small.lgf")
    folder = tmp_path / "1Cv8Log"
    folder.mkdir()
    (folder / "1Cv8.lgf").write_bytes(lgf.read_bytes())
    records = [f'{{2019012114{m:02d}00,N,\r\n{{0,0}},2,1,3,2,13,I,"",1,\r\n{{"S","{value}"}},"{shown}",0,0,0,4,0,\r\n{{0}}\r\n}}'
               for m, (value, shown) in enumerate([("A", "Клиент"), ("B", "Клиент"), ("C", "Поставщик"),
                                                  ("A", "Клиент")])]
    (folder / "20190121000000.lgp").write_text("\ufeff1CV8LOG(ver 2.0)\r\nccf717c2-5e55-4602-8383-c8aee1929a54\r\n\r\n"
                                               + ",\r\n".join(records), encoding="utf-8", newline="")
    memory, streamed, log = _both(folder, tmp_path, case_notion="object")
    _same(E.finalize(memory.frame), log)
    labels = log.drop_duplicates("onec:data").set_index("onec:data")["case:concept:name"]
    assert labels["C"] == "Справочник1 Поставщик"
    assert labels["A"] != labels["B"] and labels["A"].startswith("Справочник1 Клиент [")
    assert log["case:concept:name"].nunique() == 3 and len(log) == 4
