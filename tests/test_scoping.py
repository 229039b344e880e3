"""miner scope: verdicts per department, the information boundary, scope maps (CONTRACTS.md §7)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import miner
from miner import eventlog as E
from miner.cli import cli
from miner.ingestion.reading import prepare_log
from miner.scoping.analysis import scope
from miner.scoping.measures import business_mask, prefix_partitions, sequence_entropy, structure
from miner.scoping.verdicts import classify
from scope_fixture import APPROVAL, DESIGN, LEGAL, PURCHASES, RECEIPT, SALES, SERVICE, VERDICTS, write_company

LOGS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "logs"


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("company")
    files, declared, truth = write_company(folder)
    log = prepare_log(files)
    return log, declared, truth, folder


@pytest.fixture(scope="module")
def result(company):
    log, declared, _, folder = company
    return scope(log, folder / "scope", declared=declared, samples=100)


def test_every_department_gets_the_right_verdict(result):
    assert {d.department: d.verdict for d in result.departments} == VERDICTS


def test_verdicts_hold_on_a_few_hundred_cases(company):
    log, declared, _, _ = company
    frame = log.frame
    rng = np.random.default_rng(3)
    first_group = frame.groupby(E.CASE, sort=False)[E.GROUP].first()
    for department in (SALES, PURCHASES, SERVICE, DESIGN):
        cases = first_group.index[first_group == department].to_numpy()
        for size in (300, 150):
            kept = rng.choice(cases, size=size, replace=False)
            cut = scope(frame[frame[E.CASE].isin(kept)], declared=declared, samples=50)
            assert cut.department(department).verdict == VERDICTS[department], (department, size)


def test_few_cases_say_how_many_are_needed(result):
    legal = result.department(LEGAL)
    assert legal.cases == 40
    assert "40 случаев" in legal.reasons[0] and "ещё 60 случаев" in legal.reasons[0]


def test_late_entered_step_is_measured_within_tolerance(result, company):
    truth = company[2]
    row = next(a for a in result.activities(PURCHASES) if a["activity"] == RECEIPT)
    assert abs(row["entry_delay_hours"]["median"] - truth.receipt_median_hours) <= 0.1 * truth.receipt_median_hours
    assert abs(row["late_entry_share"] - truth.receipt_late_share) <= 0.03
    on_time = next(a for a in result.activities(SALES) if a["activity"] == "Отгрузка")
    assert on_time["late_entry_share"] == 0.0


def test_multi_source_share_within_tolerance(result, company):
    truth = company[2]
    assert abs(result.department(PURCHASES).multi_source_share - truth.purchase_multi_source_share) <= 0.02
    assert result.department(SALES).multi_source_share == 0.0


def test_step_kept_outside_the_declared_system_is_reported(result, company):
    truth = company[2]
    row = next(a for a in result.activities(PURCHASES) if a["activity"] == APPROVAL)
    assert row["declared_system"] == "1C" and row["offline"] is False
    assert row["outside_declared_share"] == pytest.approx(truth.excel_approvals / row["events"], abs=0.001)
    assert set(row["systems"]) == {"1C", "Excel"}
    crossing = [c for c in result.boundary.crossings if c["to"] == APPROVAL and c["to_system"] == "Excel"]
    assert crossing and crossing[0]["cases"] == truth.excel_approvals


def test_offline_declared_step_is_part_of_the_boundary(result):
    row = next(a for a in result.activities(PURCHASES) if a["activity"] == "Запрос цен у поставщиков")
    assert row["offline"] is True and row["events"] == 0 and row["declared_system"] == "почта"


def test_fitness_of_the_declared_process_supports_the_verdict(result):
    fitness = result.department(PURCHASES).fitness
    assert fitness is not None and 0.8 <= fitness <= 1.0
    assert result.department(SALES).fitness is None  # no declared process of its own


def test_technical_1c_events_do_not_inflate_the_measure(company):
    frame = company[0].frame
    sales = frame[frame[E.CASE].str.startswith("ЗК-")]
    assert (~business_mask(sales)).sum() > 100
    clean = sales[~sales[E.ACTIVITY].str.startswith("Сеанс.")]
    assert structure(sales[business_mask(sales)], samples=10) == structure(clean, samples=10)


def test_entropy_follows_the_prefix_automaton():
    # two traces sharing the first step: at the branch the less frequent one opens a partition
    assert prefix_partitions([("A", "B", "C"), ("A", "D")], [9, 1]).tolist() == [[3, 0], [1, 1]]
    assert prefix_partitions([("A", "B", "C"), ("A", "D")], [1, 9]).tolist() == [[1, 2], [2, 0]]
    # the order the traces were first seen in does not change the value
    assert sequence_entropy([("A", "D"), ("A", "B", "C")], [1, 9]) == sequence_entropy([("A", "B", "C"), ("A", "D")], [9, 1])
    assert sequence_entropy([("A", "B", "C")], [500]) == 0.0
    one_path = sequence_entropy([("A", "B", "C"), ("A", "B", "D")], [95, 5])
    spread = sequence_entropy([(f"X{i}", f"Y{i}") for i in range(100)], [1] * 100)
    assert 0 < one_path < 0.1 < 0.6 < spread <= 1.0
    assert classify(one_path) == "process" and classify(spread) == "project"


def test_no_entry_column_gives_null_delays(tmp_path):
    rows = [{"case:concept:name": f"c{i}", "concept:name": a, "time:timestamp": pd.Timestamp("2025-01-01") +
             pd.Timedelta(hours=k + i), "org:group": "Склад"} for i in range(120) for k, a in enumerate("ABC")]
    out = scope(pd.DataFrame(rows), samples=20)
    assert out.department("Склад").verdict == "process"
    assert all(a["entry_delay_hours"] is None and a["late_entry_share"] is None for a in out.boundary.activities)


def test_scope_json_and_maps_are_written(result):
    data = json.loads((result.paths[0]).read_text(encoding="utf-8"))
    assert result.paths[0].name == "scope.json"
    assert {"departments", "boundary"} <= set(data) and {"activities", "crossings"} <= set(data["boundary"])
    first = data["departments"][0]
    assert {"department", "cases", "verdict", "measures", "multi_source_share", "systems", "reasons"} <= set(first)
    assert {"sequence_entropy", "variants", "k80", "top_start_share", "fitness"} <= set(first["measures"])
    svg = (result.paths[0].parent / f"{result.department(PURCHASES).map}.svg").read_text(encoding="utf-8")
    assert "Согласована заявка" in svg and "переход между системами" in svg and "(почта)" in svg
    assert "ввод через" in svg and "записан не там, где заявлено" in svg
    sales = (result.paths[0].parent / f"{result.department(SALES).map}.svg").read_text(encoding="utf-8")
    assert "переход между системами" not in sales and "(почта)" not in sales  # the legend lists only what is drawn


def test_result_shows_as_a_table(result):
    page = result._repr_html_()
    assert page.startswith("<table>") and "Дизайн-группа" in page and "проектная работа" in page
    assert "Отдел продаж" in result.to_text() and "process" in repr(result)


def test_cli_prints_json_and_table(company, tmp_path):
    _, declared, _, folder = company
    files = [str(folder / n) for n in ("purchases_1c.csv", "approvals.xlsx", "legal.csv")]
    done = CliRunner().invoke(cli, ["-q", "scope", *files, "--declared", str(declared), "-o", str(tmp_path), "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert [d["verdict"] for d in data["departments"]] == ["process", "insufficient"]
    text = CliRunner().invoke(cli, ["-q", "scope", files[2], "-o", str(tmp_path / "t")])
    assert "Юридический отдел" in text.stdout and "мало данных" in text.stdout
    bad = CliRunner().invoke(cli, ["-q", "scope", files[2], "-o", str(tmp_path / "b"), "--by", "Отдел"])
    assert bad.exit_code == 1 and "cannot group cases by 'Отдел'" in bad.stderr


def test_public_api_has_scope():
    assert miner.scope is scope


@pytest.mark.skipif(not (LOGS / "pm4py__helpdesk.xes.gz").exists(), reason="public logs not in ../shared/data/logs")
def test_calibration_on_public_logs():
    helpdesk = structure(prepare_log(LOGS / "pm4py__helpdesk.xes.gz").frame, samples=50)
    sber = structure(prepare_log(LOGS / "sberpm__example.csv").frame, samples=50)
    assert classify(helpdesk.sequence_entropy) == "process"
    assert classify(sber.sequence_entropy) == "semi"


def test_interview_asks_each_head_about_verdict_and_boundary(company):
    log, declared, truth, _ = company
    guide = miner.interview(log.frame, declared=declared)
    purchases = [x.text for x in guide.section(PURCHASES).questions]
    assert any(APPROVAL in t and "Excel" in t and "Почему не в 1C?" in t for t in purchases)
    late = next(x for x in guide.section(PURCHASES).questions if x.key == ("scope_late", RECEIPT))
    assert "Кто и когда их вносит?" in late.text
    assert abs(late.facts["median_hours"] - truth.receipt_median_hours) <= 0.1 * truth.receipt_median_hours
    assert any("Запрос цен у поставщиков" in t and "почта" in t for t in purchases)
    design = next(x for x in guide.section(DESIGN).questions if x.key == ("scope", DESIGN))
    assert "своим путём" in design.text
    assert not any("Запрос цен" in x.text for x in guide.section(SALES).questions)


@pytest.mark.parametrize("department", [SALES, SERVICE, DESIGN])
def test_the_measure_does_not_drift_with_department_size(department):
    from scope_fixture import department_log

    small, large = (department_log(department, n, seed=n) for n in (300, 4000))
    small = structure(small[business_mask(small)], samples=20)
    large = structure(large[business_mask(large)], samples=20)
    assert abs(small.sequence_entropy - large.sequence_entropy) <= 0.03
    assert large.entropy_all < large.sequence_entropy or department == DESIGN  # all cases: lower, as ln n grows
    assert classify(small.sequence_entropy) == classify(large.sequence_entropy) == VERDICTS[department]


ONEC = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "onec"


@pytest.mark.skipif(not (ONEC / "yy_eventlog_lgd" / "1Cv8.lgd").exists(), reason="1C samples not in ../shared/data/onec")
def test_real_journal_platform_events_are_not_business_steps():
    frame = prepare_log(ONEC / "yy_eventlog_lgd" / "1Cv8.lgd", case_notion="session").frame
    dropped = frame.loc[~business_mask(frame), E.ACTIVITY]
    assert len(dropped) and dropped.str.match(r"^(Сеанс|Фоновое задание)\. ").all()
    kept = frame.loc[business_mask(frame), E.ACTIVITY]
    assert not kept.str.match(r"^(Сеанс|Фоновое задание|Транзакция)\. ").any()


def test_cases_can_be_grouped_by_source_file(company):
    log = company[0]
    by_file = scope(log, by="file", samples=20)
    names = {d.department for d in by_file.departments}
    assert {"sales_1c.csv", "purchases_1c.csv", "design_tracker.xlsx"} <= names
    assert by_file.department("design_tracker.xlsx").verdict == "project" and by_file.by == "file"
