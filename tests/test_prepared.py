"""One prepared log for all analyses: coded once, variants once, read once, compared once per demo scenario."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import miner
import miner.discovery.coding as coding
import miner.discovery.dfg as dfg
from miner.comparison.parts import _recode, _renamed
from miner.ingestion.reading import prepare_log
from miner.prepared import PreparedLog
from miner.rejects import IngestReport, Reason, SourceInfo

sys.path.insert(0, str(Path(__file__).parent))
from o2c_fixture import ACTIVITIES, APPROVE, CHANGE, CHECK, CREATE, INVOICE, PAID, SHIP, o2c_log  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
DECLARED = f"""process: Продажа
start: [{CREATE}]
end: [{SHIP}]
steps:
  {CREATE}: {{next: [{APPROVE}]}}
  {APPROVE}: {{next: [{INVOICE}]}}
  {INVOICE}: {{next: [{PAID}]}}
  {PAID}: {{next: [{SHIP}]}}
  {SHIP}: {{}}
"""


def _count(monkeypatch, name: str, original, counted) -> list:
    """Replace ``original`` by a counting wrapper in every miner module that holds it."""
    calls: list = []

    def wrapper(*args, **kwargs):
        if counted(args[0]):
            calls.append(args[0])
        return original(*args, **kwargs)

    for module in list(sys.modules.values()):
        where = getattr(module, "__name__", "") or ""
        # miner.scoping measures each department's business steps as a log of its own (coded once
        # per department), also where one department holds every case: not counted here
        if where.startswith("miner") and not where.startswith("miner.scoping") \
                and getattr(module, name, None) is original:
            monkeypatch.setattr(module, name, wrapper)
    return calls


def _log() -> pd.DataFrame:
    log = o2c_log(400)
    log["org:group"] = np.where(log["concept:name"].isin([PAID, INVOICE]), "Бухгалтерия", "Отдел продаж")
    return log


def test_report_codes_the_log_once_and_computes_its_variants_once(monkeypatch, tmp_path) -> None:
    log = _log()
    path = tmp_path / "log.parquet"
    log.to_parquet(path, index=False)
    declared = tmp_path / "declared.yaml"
    declared.write_text(DECLARED, encoding="utf-8")
    import miner.ingestion.reading as reading
    import miner.discovery.real_process  # noqa: F401 - imported so that its names are patched too
    import miner.comparison.analysis  # noqa: F401
    import miner.reporting.sections  # noqa: F401
    import miner.scoping.analysis  # noqa: F401 - binds the unpatched names (see _count)

    # the log's own activities: the departments' handover graph is another log and not counted
    encodes = _count(monkeypatch, "encode", coding.encode,
                     lambda frame: set(frame["concept:name"].astype(str)) & set(ACTIVITIES) != set()
                     and "scope:department" not in frame.columns)  # a scope department's log (see _count)
    found = _count(monkeypatch, "variants", dfg.variants, lambda coded: coded.n_events == len(log))
    reads = _count(monkeypatch, "ingest", reading.ingest, lambda source: True)
    result = miner.report(path, tmp_path / "out", declared=declared)
    assert result.events == len(log) and result.findings > 0
    assert len(encodes) == 1, "the log was coded more than once"
    assert len(found) == 1, "the variants of the log were computed more than once"
    assert len(reads) == 1, "the log was read again inside discover or compare"


def test_entry_points_take_a_prepared_log_and_give_what_a_frame_gives(tmp_path) -> None:
    log = _log()
    prepared = prepare_log(log)
    assert prepare_log(prepared) is prepared
    assert miner.stats(prepared).to_dict() == miner.stats(log).to_dict()
    assert miner.discover(prepared).frequency.dot == miner.discover(log).frequency.dot
    declared = tmp_path / "declared.yaml"
    declared.write_text(DECLARED, encoding="utf-8")
    assert miner.compare(prepared, declared).to_dict() == miner.compare(log, declared).to_dict()
    assert miner.interview(prepared).markdown == miner.interview(log).markdown


def test_cases_per_activity_are_counted_one_way() -> None:
    log = _log()
    prepared = prepare_log(log)
    expected = log.groupby("concept:name")["case:concept:name"].nunique()
    assert prepared.activity_cases.sort_index().to_dict() == expected.sort_index().to_dict()
    assert dict(zip(prepared.dfg.activities, prepared.dfg.activity_cases.tolist())) == expected.to_dict()


def test_renamed_variants_equal_variants_of_the_renamed_log() -> None:
    log = _log()
    coded = prepare_log(log).coded
    # two log activities are one declared step (an alias), so some variants merge
    matching = SimpleNamespace(activities={CHECK: APPROVE, CHANGE: APPROVE, CREATE: "Заказ"})
    recoded = _recode(coded, matching)
    expected = dfg.variants(recoded)
    got = _renamed(dfg.variants(coded), matching)
    assert got.sequences == expected.sequences and len(got) < len(dfg.variants(coded))
    assert got.counts.tolist() == expected.counts.tolist()
    assert got.case_variant.tolist() == expected.case_variant.tolist()


def test_demo_compares_once_per_scenario(monkeypatch, tmp_path) -> None:
    import miner.comparison.analysis as analysis
    from miner.pipeline import SCENARIOS

    calls = _count(monkeypatch, "compare", analysis.compare, lambda source: True)
    result = miner.demo(tmp_path / "demo", data=SAMPLE)
    assert len(calls) == len(SCENARIOS)
    for folder in result.folders.values():
        assert (folder / "interview.md").exists() and (folder / "findings.json").exists()


def test_report_and_guide_carry_the_ingest_report_of_the_log(tmp_path) -> None:
    """A log read from LOG.parquet with its LOG.parquet.ingest.json: the report names the original sources."""
    log = _log()
    log["source:file"] = "orders.csv"
    ingest = IngestReport([SourceInfo("orders.csv", "csv", len(log) + 5, "cp1251",
                                      {"case": "Номер заказа", "activity": "Событие", "timestamp": "Дата"})],
                          len(log) + 5, len(log), len(log), 5, 0,
                          [Reason("unreadable date", 5, [{"file": "orders.csv", "row": 118, "column": "Дата",
                                                          "value": "31.02.2026"}], False)])
    prepared = PreparedLog(log, ingest, "orders.csv")
    result = miner.report(prepared, tmp_path / "out")
    assert json.loads((tmp_path / "out" / "ingest.json").read_text(encoding="utf-8")) == ingest.to_dict()
    page = result.html.read_text(encoding="utf-8")
    assert "orders.csv" in page and "Номер заказа" in page and "31.02.2026" in page
    assert "отклонённых нет" not in page and "parquet" not in page
    guide = miner.interview(prepared)
    assert guide.source == "orders.csv" and "orders.csv" in guide.markdown


@pytest.mark.parametrize("rows", [3, 60])
def test_documents_show_at_most_fifty_rows_of_a_table(rows) -> None:
    from miner.reporting.blocks import Paragraph, make_table
    from miner.reporting.texts import texts
    from miner.reporting.writing import capped

    table = make_table("activities", pd.DataFrame({"Действие": [f"Операция №{i}" for i in range(rows)]}), [str])
    blocks = capped([table], texts("ru"), "ru")
    assert len(blocks[0].rows) == min(rows, 50) and len(blocks[0].export) == rows
    if rows > 50:
        assert isinstance(blocks[1], Paragraph) and "tables.xlsx" in blocks[1].text and "60" in blocks[1].text
    else:
        assert len(blocks) == 1


def test_report_on_a_compacted_log_is_the_same(monkeypatch, tmp_path) -> None:
    """A big log's text is held as categories in the report; every table and finding stays the same."""
    import miner.reporting.writing as writing

    sources = [SAMPLE / "sales_1c.csv", SAMPLE / "warehouse.xlsx"]
    declared = SAMPLE / "sales_declared.yaml"
    prepared = prepare_log(sources)
    assert prepared.compacted().frame["concept:name"].dtype == "category"
    plain = miner.report(prepared, tmp_path / "plain", declared=declared)
    monkeypatch.setattr(writing, "COMPACT_FROM", 0)
    compact = miner.report(prepared, tmp_path / "compact", declared=declared)
    assert (plain.cases, plain.events, plain.findings) == (compact.cases, compact.events, compact.findings)
    same = ["findings.json", "ingest.json", "map.gv", "performance.gv", "comparison.gv", "handovers.gv"]
    same += [f"tables/{p.name}" for p in (tmp_path / "plain" / "tables").glob("*.csv")]
    for name in same:
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "compact" / name).read_bytes(), name


def test_stats_of_a_canonical_parquet_reads_three_columns(tmp_path) -> None:
    from miner.discovery.summary import _three_columns

    log = _log()
    path = tmp_path / "log.parquet"
    log.to_parquet(path, index=False)
    few = _three_columns(path)
    assert few is not None and list(few.columns) == ["case:concept:name", "concept:name", "time:timestamp"]
    assert miner.stats(path).to_dict() == miner.stats(log).to_dict()
    shuffled = tmp_path / "shuffled.parquet"
    log.sample(frac=1, random_state=1).to_parquet(shuffled, index=False)  # not in event order: coded in order
    assert miner.stats(shuffled).to_dict() == miner.stats(log).to_dict()
    other = tmp_path / "other.parquet"
    log.drop(columns=["time:timestamp"]).to_parquet(other, index=False)
    assert _three_columns(other) is None  # the usual reading says what is missing
    with pytest.raises(miner.MinerError):
        miner.stats(other)


def _raw_log() -> pd.DataFrame:
    """A canonical log written by someone else: shuffled, with 1C placeholders, blank clients and an exact repeat."""
    log = _log()
    log["org:resource"] = np.where(np.arange(len(log)) % 9 == 0, "<Не указан>", "Иванов И. И.")
    log.loc[log.index % 13 == 0, "org:resource"] = "<Объект не найден>"
    log["case:client"] = np.where(np.arange(len(log)) % 3 == 0, "", "ООО «Альфа»")
    log.loc[log.index % 5 == 0, "case:client"] = None
    log = pd.concat([log, log.iloc[[10]]], ignore_index=True)  # one event recorded twice
    return log.sample(frac=1, random_state=3).reset_index(drop=True)


def test_a_big_parquet_is_read_as_categories_with_the_same_log_and_report(monkeypatch, tmp_path) -> None:
    """From DICTIONARY_FROM rows a parquet's text is read as categories: the same events, quality notes and report."""
    import connectors.parquet as reader

    path = tmp_path / "log.parquet"
    _raw_log().to_parquet(path, index=False)
    plain = miner.ingest(path)
    monkeypatch.setattr(reader, "DICTIONARY_FROM", 0)
    coded = miner.ingest(path)
    assert coded.log["org:resource"].dtype == "category" and plain.log["org:resource"].dtype == "str"
    # the case and activity a user gets stay text: pm4py refuses categories there; the analyses take codes
    assert coded.log["concept:name"].dtype == coded.log["case:concept:name"].dtype == "str"
    assert prepare_log(path).frame["concept:name"].dtype == "category"
    import pm4py

    assert pm4py.discover_dfg(coded.log)[0] == pm4py.discover_dfg(plain.log)[0]
    assert {i["kind"]: i["count"] for i in coded.report.data_quality} == \
        {i["kind"]: i["count"] for i in plain.report.data_quality}
    assert {"empty_placeholder", "broken_reference", "identical_rows"} <= {i["kind"] for i in plain.report.data_quality}
    pd.testing.assert_frame_equal(coded.log.astype(object), plain.log.astype(object))
    declared = tmp_path / "sales.yaml"
    declared.write_text(DECLARED, encoding="utf-8")
    monkeypatch.setattr(reader, "DICTIONARY_FROM", 10**9)
    first = miner.report(path, tmp_path / "plain", declared=declared)
    monkeypatch.setattr(reader, "DICTIONARY_FROM", 0)
    second = miner.report(path, tmp_path / "coded", declared=declared)
    assert (first.events, first.findings) == (second.events, second.findings) and first.findings > 0
    same = ["findings.json", "scope.json", "requirements.json", "map.gv", "handovers.gv"]
    same += [f"tables/{p.name}" for p in (tmp_path / "plain" / "tables").glob("*.csv")]
    for name in same:
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "coded" / name).read_bytes(), name


def test_a_big_log_holds_its_text_as_categories_with_the_same_events_and_report(monkeypatch, tmp_path) -> None:
    """From CATEGORIES_FROM events the ingested log's text columns are categories: same values, same report."""
    import miner.eventlog as eventlog

    sources = [SAMPLE / "sales_1c.csv", SAMPLE / "warehouse.xlsx"]
    declared = SAMPLE / "sales_declared.yaml"
    plain = miner.ingest(sources, tmp_path / "plain.parquet")
    monkeypatch.setattr(eventlog, "CATEGORIES_FROM", 0)
    coded = miner.ingest(sources, tmp_path / "coded.parquet")
    assert coded.log["org:group"].dtype == "category" and plain.log["org:group"].dtype == "str"
    assert coded.log["concept:name"].dtype == "str"  # pm4py needs the case and activity as text
    kept = miner.ingest(sources, categories=True).log  # as `miner ingest -o` and the analyses hold it
    assert kept["concept:name"].dtype == "category" and kept["case:concept:name"].dtype == "category"
    pd.testing.assert_frame_equal(kept.astype(object), plain.log.astype(object))
    pd.testing.assert_frame_equal(coded.log.astype(object), plain.log.astype(object))
    assert coded.report.to_dict() == plain.report.to_dict()
    back = pd.read_parquet(tmp_path / "coded.parquet")  # anyone reading the file gets text columns (CONTRACTS §1)
    pd.testing.assert_frame_equal(back, pd.read_parquet(tmp_path / "plain.parquet"))
    first = miner.report(plain.log, tmp_path / "r1", declared=declared)
    second = miner.report(coded.log, tmp_path / "r2", declared=declared)
    assert first.findings == second.findings > 0
    for name in ["findings.json", "scope.json", "requirements.json", "map.gv"] + \
            [f"tables/{p.name}" for p in (tmp_path / "r1" / "tables").glob("*.csv")]:
        assert (tmp_path / "r1" / name).read_bytes() == (tmp_path / "r2" / name).read_bytes(), name
