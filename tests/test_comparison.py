"""Declared vs real: every finding kind on small literal logs, the sample scenarios, the real logs."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from miner.cli import cli
from miner.comparison.analysis import compare
from miner.declared.reading import read_declared
from miner.errors import DeclaredStepError
from miner.eventlog import finalize
from tests.conftest import shared_file

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
# pm4py's own alignments (the reference here) build numpy.matrix objects, one warning per call
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")

MODEL = """\
process: Заказ
department: Отдел продаж
start: [Создан]
end: [Закрыт]
steps:
  Создан: {next: [Согласован], role: Менеджер}
  Согласован: {next: [Оплачен, Закрыт], department: Продажи, within: 4h}
  Оплачен: {next: [Закрыт], department: Бухгалтерия}
  Закрыт: {}
"""
NORMAL = ["Создан", "Согласован", "Оплачен", "Закрыт"]


def log_of(cases: dict[str, list[str]], start: str = "2026-03-02 10:00", step_hours: float = 1.0,
           **columns: dict[tuple[str, str], str]) -> pd.DataFrame:
    """Return a canonical log: each case's activities one ``step_hours`` apart (working hours)."""
    rows = []
    for case, acts in cases.items():
        t = pd.Timestamp(start)
        for act in acts:
            row = {"case:concept:name": case, "concept:name": act, "time:timestamp": t}
            for column, values in columns.items():
                row[column.replace("_", ":")] = values.get((case, act))
            rows.append(row)
            t += pd.Timedelta(hours=step_hours)
    return finalize(pd.DataFrame(rows))


def model(tmp_path: Path, text: str = MODEL, name: str = "model.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def kinds(result) -> dict[tuple, dict]:
    out = {}
    for f in result.to_dict()["findings"]:
        subject = f.get("activity") or (f["from"], f["to"])
        out[(f["kind"], subject)] = f
    return out


def test_a_log_that_follows_the_description_has_no_findings(tmp_path: Path) -> None:
    log = log_of({f"З-{i}": NORMAL if i % 2 else ["Создан", "Согласован", "Закрыт"] for i in range(10)})
    result = compare(log, model(tmp_path))
    assert result.findings == () and result.fitness == 1.0 and result.conforming_cases == 1.0
    assert result.fitness_method == "alignments"


def test_skipped_step_and_the_path_around_it(tmp_path: Path) -> None:
    log = log_of({"З-1": NORMAL, "З-2": NORMAL, "З-3": ["Создан", "Оплачен", "Закрыт"], "З-4": NORMAL})
    found = kinds(compare(log, model(tmp_path)))
    skipped = found[("skipped_step", "Согласован")]
    assert (skipped["cases"], skipped["share"], skipped["examples"]) == (1, 0.25, ["З-3"])
    assert skipped["summary"] == "Шаг «Согласован» пропущен в 1 случае из 4 (25 %)."
    assert found[("undeclared_path", ("Создан", "Оплачен"))]["cases"] == 1
    assert ("skipped_step", "Оплачен") not in found  # optional: not on every path


def test_undeclared_step_brings_its_paths_and_rework(tmp_path: Path) -> None:
    changed = ["Создан", "Согласован", "Изменен", "Согласован", "Оплачен", "Закрыт"]
    found = kinds(compare(log_of({"З-1": changed, "З-2": NORMAL}), model(tmp_path)))
    assert found[("undeclared_step", "Изменен")]["summary"] == (
        "«Изменен» нет в описании, но это действие встречается в 1 случае из 2 (50 %).")
    assert {("Согласован", "Изменен"), ("Изменен", "Согласован")} <= {k[1] for k in found if k[0] == "undeclared_path"}
    assert found[("rework", "Согласован")]["examples"] == ["З-1"]


def test_unobserved_step_and_path(tmp_path: Path) -> None:
    text = MODEL.replace("next: [Оплачен, Закрыт]", "next: [Оплачен, Закрыт, Проверен]") + \
        "  Проверен: {next: [Оплачен]}\n"
    found = kinds(compare(log_of({"З-1": NORMAL, "З-2": NORMAL}), model(tmp_path, text)))
    step = found[("unobserved_step", "Проверен")]
    assert (step["cases"], step["share"], step["seen_cases"]) == (2, 1.0, 0)
    assert step["summary"] == ("Шаг «Проверен» описан, но в данных не встречается ни разу — его делают "
                               "вне системы или не делают.")
    path = found[("unobserved_path", ("Согласован", "Закрыт"))]
    assert (path["cases"], path["share"], path["examples"]) == (0, 0.0, [])
    assert path["summary"] == "Переход «Согласован» → «Закрыт» описан, но в данных не встречается ни разу."
    assert not any(k[0] == "unobserved_path" and "Проверен" in k[1] for k in found)  # said by the step


def test_a_rare_optional_step_is_not_unobserved_but_a_rare_mandatory_one_is(tmp_path: Path) -> None:
    cases = {f"З-{i:03d}": ["Создан", "Согласован", "Закрыт"] for i in range(199)}
    cases["З-199"] = NORMAL
    found = kinds(compare(log_of(cases), model(tmp_path)))
    assert ("unobserved_step", "Оплачен") not in found
    cases = {f"З-{i:03d}": ["Создан", "Закрыт"] for i in range(199)}
    cases["З-199"] = ["Создан", "Согласован", "Закрыт"]
    found = kinds(compare(log_of(cases), model(tmp_path)))
    assert found[("unobserved_step", "Согласован")]["seen_cases"] == 1
    assert ("skipped_step", "Согласован") not in found


def test_a_repeat_along_a_declared_loop_is_not_rework(tmp_path: Path) -> None:
    text = MODEL.replace("Оплачен: {next: [Закрыт]", "Оплачен: {next: [Закрыт, Согласован]")
    looped = ["Создан", "Согласован", "Оплачен", "Согласован", "Оплачен", "Закрыт"]
    found = kinds(compare(log_of({"З-1": looped}), model(tmp_path, text)))
    assert not any(k[0] == "rework" for k in found)


def test_role_and_department_mismatch(tmp_path: Path) -> None:
    cases = {f"З-{i}": NORMAL for i in range(4)}
    group = {(c, "Оплачен"): "Бухгалтерия" for c in cases} | {("З-3", "Оплачен"): "Отдел продаж"}
    group |= {(c, "Согласован"): "продажи " for c in cases}  # matches after normalisation
    role = {(c, "Создан"): "Менеджер" for c in cases} | {("З-0", "Создан"): None}
    found = kinds(compare(log_of(cases, org_group=group, org_role=role), model(tmp_path)))
    mismatch = found[("role_mismatch", "Оплачен")]
    assert mismatch["attribute"] == "department" and mismatch["declared"] == "Бухгалтерия"
    assert mismatch["observed"] == {"Бухгалтерия": 0.75, "Отдел продаж": 0.25}
    assert (mismatch["cases"], mismatch["examples"]) == (1, ["З-3"])
    assert mismatch["summary"] == ("Шаг «Оплачен» в 1 случае из 4 (25 %) выполняет не «Бухгалтерия», а "
                                   "другое подразделение: чаще всего «Отдел продаж» (25 % событий).")
    assert [k for k in found if k[0] == "role_mismatch"] == [("role_mismatch", "Оплачен")]


def test_role_falls_back_to_resource_only_when_it_holds_roles(tmp_path: Path) -> None:
    cases = {"З-1": NORMAL, "З-2": NORMAL}
    roles = {("З-1", "Создан"): "Менеджер", ("З-2", "Создан"): "Стажёр"}
    found = kinds(compare(log_of(cases, org_resource=roles), model(tmp_path)))
    assert found[("role_mismatch", "Создан")]["observed"] == {"Менеджер": 0.5, "Стажёр": 0.5}
    people = {("З-1", "Создан"): "Иванова", ("З-2", "Создан"): "Петров"}
    assert not any(k[0] == "role_mismatch" for k in kinds(compare(log_of(cases, org_resource=people), model(tmp_path))))


def test_slow_step_in_working_time(tmp_path: Path) -> None:
    # Friday 17:00 -> Monday 11:00 is 3 working hours (under 4h) but 66 hours 24x7.
    rows = [("З-1", "Создан", "2026-03-13 17:00"), ("З-1", "Согласован", "2026-03-16 11:00"),
            ("З-1", "Закрыт", "2026-03-16 12:00"),
            ("З-2", "Создан", "2026-03-16 09:00"), ("З-2", "Согласован", "2026-03-16 15:00"),
            ("З-2", "Закрыт", "2026-03-16 16:00")]
    log = finalize(pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp"]))
    slow = kinds(compare(log, model(tmp_path)))[("slow_step", "Согласован")]
    assert (slow["cases"], slow["examples"], slow["declared"], slow["median_hours"]) == (1, ["З-2"], "4h", 6.0)
    assert slow["median_all_hours"] == 4.5 and slow["time_lost_hours"] == 2.0
    assert slow["summary"] == ("Шаг «Согласован» дольше норматива 4 ч в 1 случае из 2 (50 %): в них "
                               "медиана 6 раб. ч.")
    slow = kinds(compare(log, model(tmp_path), calendar="24x7"))[("slow_step", "Согласован")]
    assert slow["cases"] == 2 and slow["median_hours"] == 36.0


def test_accepted_deviations_are_listed_apart(tmp_path: Path) -> None:
    text = MODEL + "accepted:\n  - {step: Изменен}\n  - {from: Оплачен, to: Оплачен}\n"
    log = log_of({"З-1": ["Создан", "Согласован", "Изменен", "Оплачен", "Оплачен", "Закрыт"]})
    result = compare(log, model(tmp_path, text))
    accepted = {(f.kind, f.subject) for f in result.accepted}
    assert accepted == {("undeclared_step", "Изменен"), ("undeclared_path", "Оплачен → Оплачен")}
    assert ("rework", "Оплачен") in {(f.kind, f.subject) for f in result.findings}  # a repeat stays
    assert result.to_dict()["accepted"][0]["kind"] in {"undeclared_step", "undeclared_path"}


def test_steps_outside_the_system_are_not_deviations(tmp_path: Path) -> None:
    text = MODEL.replace("next: [Оплачен, Закрыт], department", "next: [Звонок клиенту], department") + \
        "  Звонок клиенту: {next: [Оплачен, Закрыт], system: телефон}\n"
    result = compare(log_of({"З-1": NORMAL, "З-2": ["Создан", "Согласован", "Закрыт"]}), model(tmp_path, text))
    assert result.findings == () and result.fitness == 1.0 and result.unmatched == ()
    assert result.to_dict()["outside_system"] == [{
        "activity": "Звонок клиенту", "system": "телефон", "seen_cases": 0,
        "summary": "Шаг «Звонок клиенту» выполняется вне системы (телефон) и не записывается в данных; "
                   "это не отклонение."}]


def test_cli_table_and_bad_work_hours(tmp_path: Path) -> None:
    log_path = tmp_path / "log.parquet"
    log_of({"З-1": NORMAL, "З-2": ["Создан", "Закрыт"]}).to_parquet(log_path)
    args = ["compare", str(log_path), "--declared", str(model(tmp_path)), "-o", str(tmp_path / "out")]
    run = CliRunner().invoke(cli, args + ["--calendar", "24x7"])
    assert run.exit_code == 0, run.output
    assert run.stdout.splitlines()[:3] == [
        "«Заказ»: соответствие 0,92 (метод: выравнивания), точно по описанию 50 % случаев",
        "     доля  случаев  отклонение (находки)",
        " D1   50%        1  После «Создан» сразу переходят к «Закрыт», минуя «Согласован» (F1, F2)"]
    bad = CliRunner().invoke(cli, args + ["--work-hours", "9 to 6"])
    assert bad.exit_code == 2 and "working hours \"9 to 6\" are not START-END" in bad.output


def test_a_misspelt_declared_step_is_an_error_unless_accepted(tmp_path: Path) -> None:
    log = log_of({"З-1": ["Создан", "Согласование", "Закрыт"], "З-2": ["Создан", "Согласование", "Закрыт"]})
    log_path = tmp_path / "log.parquet"
    log.to_parquet(log_path)
    with pytest.raises(DeclaredStepError, match='model.yaml: step "Согласован" does not occur in the data, '
                       'but "Согласование" does. Correct the name in the file, or add the data\'s name '
                       r"to the step's aliases \(aliases: \[Согласование\]\), or pass --accept-suggestions"):
        compare(log, model(tmp_path))
    args = ["compare", str(log_path), "--declared", str(model(tmp_path)), "-o", str(tmp_path / "out")]
    run = CliRunner().invoke(cli, args)
    assert run.exit_code == 1 and "Error: model.yaml: step \"Согласован\"" in run.output
    result = compare(log, model(tmp_path), accept_suggestions=True)
    assert result.parts[0].matching.steps["Согласован"] == ("Согласование",)
    assert ("undeclared_step", "Согласование") not in kinds(result)
    # a step with no close name («Оплачен») stays a finding: described, never recorded
    assert result.unmatched == ("Оплачен",) and ("unobserved_step", "Оплачен") in kinds(result)
    run = CliRunner().invoke(cli, args + ["--accept-suggestions", "--json"])
    assert run.exit_code == 0, run.output
    assert 'Шаг "Оплачен" не найден в данных, похожих действий нет.' in run.stderr
    assert json.loads(run.stdout)["unmatched"][0] == {"step": "Оплачен", "suggestions": []}


def test_report_and_interview_apply_the_same_check(tmp_path: Path) -> None:
    import miner

    log = log_of({"З-1": ["Создан", "Согласование", "Закрыт"]})
    for call in (lambda: miner.report(log, tmp_path / "r", declared=model(tmp_path)),
                 lambda: miner.interview(log, tmp_path / "i", declared=model(tmp_path))):
        with pytest.raises(DeclaredStepError, match="Согласование"):
            call()
    guide = miner.interview(log, None, declared=model(tmp_path), accept_suggestions=True)
    assert "Согласование" not in " ".join(q.text for s in guide.sections for q in s.questions
                                          if q.facts.get("kind") == "undeclared_step")


def test_findings_json_and_files(tmp_path: Path) -> None:
    log = log_of({f"З-{i:02d}": ["Создан", "Закрыт"] if i < 12 else NORMAL for i in range(20)})
    result = compare(log, model(tmp_path), tmp_path / "out")
    data = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert list(data)[:5] == ["log", "declared", "fitness", "conforming_cases", "findings"]
    assert data["log"] == {"cases": 20, "events": 56} and data["declared"] == {"process": "Заказ", "steps": 4}
    assert data["fitness_method"] == "alignments" and data["conforming_cases"] == 0.4
    first = data["findings"][0]
    assert list(first) == ["id", "kind", "activity", "cases", "share", "examples", "summary", "deviation"]
    assert first["id"] == "F1" and first["deviation"] == "D1"
    assert first["examples"] == [f"З-{i:02d}" for i in range(10)]  # at most 10, in case order
    shares = [f["cases"] for f in data["findings"]]
    assert shares == sorted(shares, reverse=True)
    for name in ("comparison.svg", "comparison.png", "comparison.gv"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    page = result._repr_html_()
    assert "<table>" in page and "сразу переходят к «Закрыт», минуя «Согласован» (F1, F2)" in page
    assert "<svg" in page


def test_fitness_agrees_with_pm4py_and_falls_back_to_token_replay(tmp_path: Path) -> None:
    import pm4py

    log = log_of({"З-1": NORMAL, "З-2": ["Создан", "Оплачен", "Закрыт"], "З-3": ["Создан", "X", "Закрыт"],
                  "З-4": ["Согласован", "Закрыт", "Оплачен"], "З-5": NORMAL})
    path = model(tmp_path)
    net, im, fm = read_declared(path).to_petri_net()
    expected = pm4py.fitness_alignments(log, net, im, fm)["log_fitness"]
    result = compare(log, path)
    assert result.fitness_method == "alignments" and result.fitness == pytest.approx(expected, abs=0.01)
    assert result.conforming_cases == 0.4
    replay = compare(log, path, time_budget=0)
    assert replay.fitness_method == "token-replay"
    assert replay.fitness == pytest.approx(pm4py.fitness_token_based_replay(log, net, im, fm)["log_fitness"], abs=1e-9)


def test_several_descriptions_each_against_the_data_and_against_each_other(tmp_path: Path) -> None:
    sales = model(tmp_path, "process: Продажа\ndepartment: Отдел продаж\nstart: [Создан]\nend: [Отгрузка]\n"
                  "steps:\n  Создан: {next: [Оплачен]}\n  Оплачен: {next: [Отгрузка]}\n"
                  "  Отгрузка: {department: Склад}\n", "sales.yaml")
    store = model(tmp_path, "process: Склад\ndepartment: Склад\nstart: [Собран]\nend: [Оплачен]\n"
                  "steps:\n  Собран: {next: [Отгрузка]}\n  Отгрузка: {next: [Оплачен], department: Логистика}\n"
                  "  Оплачен: {}\n", "store.yaml")
    cases = {f"З-{i}": ["Создан", "Оплачен", "Собран", "Отгрузка"] for i in range(7)}
    cases |= {f"З-{i}": ["Создан", "Собран", "Отгрузка", "Оплачен", "Архив"] for i in range(7, 10)}
    group = {(c, "Отгрузка"): "Склад" for c in cases}
    result = compare(log_of(cases, org_group=group), [sales, store], tmp_path / "out")
    order = [c for c in result.conflicts if c.kind == "order"]
    assert len(order) == 1 and set(order[0].activities) == {"Оплачен", "Отгрузка"}
    assert order[0].support == {"Продажа": 0.7, "Склад": pytest.approx(0.3)} and order[0].basis == 10
    assert order[0].summary == ("Отдел продаж: «Оплачен» раньше «Отгрузка», Склад: наоборот; по данным из "
                                "10 случаев с обоими шагами 70 % — как говорит Отдел продаж, 30 % — как Склад.")
    dept = [c for c in result.conflicts if c.kind == "department"][0]
    assert dept.support == {"Продажа": 1.0, "Склад": 0.0}
    data = result.to_dict()
    assert [d["process"] for d in data["descriptions"]] == ["Продажа", "Склад"]
    undeclared = [f for f in data["findings"] if f["kind"] == "undeclared_step"]
    assert [(f["activity"], f["cases"], f.get("process")) for f in undeclared] == [("Архив", 3, None)]
    # the warehouse's own steps: «Собран» is not judged by sales; «Создан» not by the warehouse
    assert not any(f.get("process") == "Продажа" and "Собран" in (f.get("from"), f.get("to")) for f in data["findings"])
    assert not any(f.get("process") == "Склад" and "Создан" in (f.get("from"), f.get("to")) for f in data["findings"])
    assert (tmp_path / "out" / "comparison_2.png").exists()


# ------------------------------------------------------------------ acceptance: sample scenarios

def _key(finding: dict) -> tuple:
    return (finding["kind"], finding.get("activity") or (finding["from"], finding["to"]),
            finding.get("attribute"))


@pytest.mark.parametrize("scenario", ["sales", "purchasing"])
def test_sample_scenario_matches_the_generator_truth(scenario: str) -> None:
    truth_path = SAMPLE / f"{scenario}_truth.json"
    if not truth_path.exists():
        pytest.skip(f"{truth_path.name} not generated (python sample_data/generate.py)")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    result = compare([SAMPLE / name for name in truth["files"]], SAMPLE / truth["declared"])
    data = result.to_dict()
    found = {_key(f): f for f in data["findings"]}
    injected = {_key(f): f for f in truth["findings"] if f["injected"]}
    assert injected, "the truth lists no injected deviation"
    for key, expected in injected.items():
        assert key in found, f"missed {key} ({expected['injected']})"
        assert abs(found[key]["share"] - expected["share"]) <= truth["share_tolerance"], key
    others = {k: f["share"] for k, f in found.items() if k not in injected}
    assert all(share <= truth["max_other_share"] for share in others.values()), others
    assert {_key(f) for f in data["accepted"]} == {_key(f) for f in truth["accepted"]}
    assert [(o["activity"], o["system"]) for o in data["outside_system"]] == [
        (o["activity"], o["system"]) for o in truth["outside_system"]]
    assert data["unmatched"] == [] and data["fitness_method"] == "alignments"


# ------------------------------------------------------------------ acceptance: real public logs

def _read(name: str) -> pd.DataFrame:
    from miner.ingestion.reading import read_log

    path = shared_file("logs", name)
    if name.endswith(".csv.gz"):  # Simod's start/end-time CSV: the end time is when it happened
        raw = pd.read_csv(path)
        return finalize(pd.DataFrame({"case:concept:name": raw["case_id"].astype(str),
                                      "concept:name": raw["activity"],
                                      "time:timestamp": pd.to_datetime(raw["end_time"], utc=True)}))
    options = {"case": "id", "activity": "stages", "timestamp": "dt"} if name.startswith("sberpm") else {}
    return read_log(path, **options)


def dfg_yaml(log: pd.DataFrame, tmp_path: Path, drop: float = 0.0) -> Path:
    """Write the log's own directly-follows graph as a declared process (YAML), less the rarest
    ``drop`` share of its paths where the description stays valid."""
    from miner.declared.checks import build_declared
    from miner.discovery.dfg import directly_follows, encode
    from miner.errors import DeclaredProcessError

    dfg = directly_follows(encode(log), durations=False)
    edges = dfg.edges()

    def raw(pairs) -> dict:
        return {"process": "DFG", "start": sorted(dfg.start_activities()), "end": sorted(dfg.end_activities()),
                "steps": {a: {"next": sorted(b for x, b in pairs if x == a)} for a in dfg.activities}}

    kept = set(edges)
    for pair in sorted(edges, key=lambda e: (edges[e], e))[: int(drop * len(edges))]:
        try:
            build_declared(raw(kept - {pair}), lambda key: "dfg", "dfg")
            kept.discard(pair)
        except DeclaredProcessError:
            pass
    path = tmp_path / "dfg.yaml"
    path.write_text(yaml.safe_dump(raw(kept), allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["pm4py__running-example.xes", "pm4py__receipt.csv",
                                  pytest.param("sberpm__example.csv", marks=pytest.mark.slow),
                                  pytest.param("simod__PurchasingExample.csv.gz", marks=pytest.mark.slow)])
def test_a_model_of_the_logs_own_dfg_fits_perfectly(name: str, tmp_path: Path) -> None:
    log = _read(name)
    result = compare(log, dfg_yaml(log, tmp_path))
    assert (result.fitness, result.fitness_method, result.conforming_cases) == (1.0, "alignments", 1.0)
    assert result.findings == ()


@pytest.mark.parametrize("name", ["pm4py__running-example.xes",
                                  pytest.param("pm4py__receipt.csv", marks=pytest.mark.slow),
                                  pytest.param("sberpm__example.csv", marks=pytest.mark.slow)])
def test_fitness_agrees_with_pm4py_alignments_on_a_thinned_model(name: str, tmp_path: Path) -> None:
    import pm4py

    log = _read(name)
    path = dfg_yaml(log, tmp_path, drop=0.4)
    result = compare(log, path, time_budget=300)
    net, im, fm = read_declared(path).to_petri_net()
    expected = pm4py.fitness_alignments(log, net, im, fm)["log_fitness"]
    assert result.fitness_method == "alignments"
    assert result.fitness < 1.0 and result.fitness == pytest.approx(expected, abs=0.01)


def test_accepted_deviations_are_drawn_grey_dashed_not_red(tmp_path: Path) -> None:
    text = MODEL + "accepted:\n  - {step: Изменен}\n  - {from: Оплачен, to: Оплачен}\n"
    log = log_of({"З-1": ["Создан", "Согласован", "Изменен", "Оплачен", "Оплачен", "Закрыт"], "З-2": NORMAL})
    result = compare(log, model(tmp_path, text), tmp_path / "out")
    dot = (tmp_path / "out" / "comparison.gv").read_text(encoding="utf-8")
    ids = dict(re.findall(r'  (a\d+) \[label="([^\\"]+)\\n', dot))
    paid, changed = (next(i for i, n in ids.items() if n == name) for name in ("Оплачен", "Изменен"))
    assert re.search(rf'  {paid} -> {paid} \[label=" 1 · принято", penwidth="[\d.]+", color="#969696", '
                     rf'fontcolor="#969696", style="dashed"\];', dot)
    assert re.search(rf'  {changed} \[label="Изменен\\n1", .*color="#969696", penwidth="1.5", '
                     rf'style="rounded,dashed,filled"\]', dot)
    assert re.search(rf' -> {changed} \[label=" 1", penwidth="[\d.]+", color="#d7301f"', dot)  # its paths are not accepted
    assert "серые пунктиром — принятые отклонения" in dot and "красный пунктир" not in dot
    assert result.full_maps == (None,) and not (tmp_path / "out" / "comparison_full.gv").exists()


def crowded_log(n_cases: int = 240, extras: int = 24) -> pd.DataFrame:
    """Return a log of the declared model with ``extras`` undeclared activities strewn in (Zipf-like)."""
    rng = np.random.default_rng(7)
    names = [f"Действие {k:02d}" for k in range(1, extras + 1)]
    weights = 1 / np.arange(1, extras + 1)
    cases = {}
    for i in range(n_cases):
        trace = ["Создан"]
        for step in (["Закрыт"] if i == 0 else ["Согласован", "Оплачен", "Закрыт"]):  # З-000 skips to the end
            if rng.random() < 0.5:
                trace.append(names[rng.choice(extras, p=weights / weights.sum())])
            trace.append(step)
        cases[f"З-{i:03d}"] = trace
    cases["З-000"] = ["Создан", "Согласован", "Закрыт"]  # the rare declared path Согласован → Закрыт
    return log_of(cases)


def test_a_crowded_map_is_simplified_keeping_every_declared_line_that_occurs(tmp_path: Path) -> None:
    result = compare(crowded_log(), model(tmp_path), tmp_path / "out", time_budget=2)
    out = tmp_path / "out"
    for stem in ("comparison", "comparison_full"):
        for ext in (".gv", ".svg", ".png"):
            assert (out / f"{stem}{ext}").stat().st_size > 0
    shown, full = ((out / f"{s}.gv").read_text(encoding="utf-8") for s in ("comparison", "comparison_full"))
    assert result.maps[0].hidden_paths > 0 and result.full_maps[0] is not None
    assert re.search(r"скрыто: .*\d+ переход\w* &lt; [\d,]+ %", shown)
    assert "скрыто" not in full
    assert shown.count(" -> ") < full.count(" -> ")
    # every declared line that occurs is still drawn as seen; none turns into a dashed "never seen" 0
    assert _declared_lines(shown) == _declared_lines(full) == {
        ("START", "Создан"), ("Создан", "Согласован"), ("Согласован", "Оплачен"), ("Оплачен", "Закрыт"),
        ("Согласован", "Закрыт"), ("Закрыт", "END")}
    assert 'label=" 0"' not in shown


def _declared_lines(dot: str) -> set[tuple[str, str]]:
    """Return the (from, to) names of the dark grey lines (declared and seen) of an overlay's DOT."""
    names = dict(re.findall(r'  (a\d+) \[label="([^\\"]+)\\n', dot)) | {"START": "START", "END": "END"}
    return {(names[a], names[b]) for a, b in re.findall(r'  (\w+) -> (\w+) \[[^\]]*color="#4d4d4d"', dot)}


def test_compare_map_thresholds_from_the_cli(tmp_path: Path) -> None:
    log_path = tmp_path / "log.parquet"
    crowded_log(60, extras=8).to_parquet(log_path)
    args = ["compare", str(log_path), "--declared", str(model(tmp_path)), "-o", str(tmp_path / "out"),
            "--time-budget", "2"]
    run = CliRunner().invoke(cli, args + ["--activities", "0.5", "--paths", "0.2"])
    assert run.exit_code == 0, run.output
    shown = (tmp_path / "out" / "comparison.gv").read_text(encoding="utf-8")
    assert re.search(r"скрыто: \d+ действи\w* &lt; [\d,]+ %, \d+ переход\w* &lt; [\d,]+ %", shown)
    assert (tmp_path / "out" / "comparison_full.png").exists()
    assert _declared_lines(shown) >= {("START", "Создан"), ("Создан", "Согласован"), ("Закрыт", "END")}
    bad = CliRunner().invoke(cli, args + ["--paths", "1.5"])
    assert bad.exit_code == 2 and "1.5 is not in the range 0<=x<=1" in bad.output
    with pytest.raises(ValueError, match="a share must be between 0 and 1, got 2"):
        compare(log_path, model(tmp_path), activities=2)
