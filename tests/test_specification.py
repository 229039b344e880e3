"""The ТЗ chapter (spec.docx, requirements.json) and ``miner verify`` after the rollout, on data with known truth."""
import importlib.util
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import miner
from miner.cli import cli
from miner.specification.chapter import APPENDIX, SECTIONS
from miner.specification.criteria import LIMITS
from miner.specification.deviations import deviations_of
from tests.rollout_fixture import AFTER, BEFORE, CAUSES, DECLARED, FIXED, MAPPING, INVOICED, APPROVED, cause_of, generate


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The report on the data before the rollout: spec.docx and requirements.json beside it."""
    root = tmp_path_factory.mktemp("spec")
    declared = root / "sales.yaml"
    declared.write_text(yaml.safe_dump(DECLARED, allow_unicode=True), encoding="utf-8")
    before = generate(BEFORE, seed=1)
    out = root / "report"
    miner.report(before, out, declared=declared)
    spec = json.loads((out / "requirements.json").read_text(encoding="utf-8"))
    return {"root": root, "out": out, "spec": spec, "before": before, "declared": declared}


def test_report_writes_one_requirement_per_injected_deviation(made):
    reqs = made["spec"]["requirements"]
    assert [r["id"] for r in reqs] == [f"ФТ-{i:02d}" for i in range(1, len(reqs) + 1)]
    assert {cause_of(r["criterion"]) for r in reqs} == set(CAUSES)
    for r in reqs:
        assert {"id", "text", "deviation", "priority", "criterion", "baseline", "source"} <= set(r)
        assert r["criterion"]["measure"] == "share"
        assert r["text"].startswith(("При ", "После ", "Если ")) and "CRM должна" in r["text"]
        assert r["deviation"] in r["source"]
        assert r["priority"] in ("обязательное", "желательное")


def test_limit_is_the_target_never_the_baseline(made):
    for r in made["spec"]["requirements"]:
        limit = r["criterion"]["max"]
        assert limit == LIMITS[r["criterion"]["kind"]]
        assert r["baseline"] > limit  # a deviation already within the target gets no requirement


def test_baseline_is_the_share_the_comparison_found(made):
    comparison = miner.compare(made["before"], made["declared"])
    shares = {(f.kind, f.subject): f.share for f in comparison.findings}
    for r in made["spec"]["requirements"]:
        c = r["criterion"]
        subject = f"{c['from']} → {c['to']}" if c["kind"] == "undeclared_path" else c["activity"]
        assert r["baseline"] == pytest.approx(shares[(c["kind"], subject)], abs=1e-4)


def test_verify_passes_exactly_the_fixed_deviations(made, tmp_path):
    after = generate(AFTER, seed=2)
    result = miner.verify(after, made["out"] / "requirements.json", tmp_path)
    assert result.checks
    for check in result.checks:
        assert check.passed is (cause_of(check.criterion) in FIXED), (check.id, check.value)
    saved = json.loads((tmp_path / "verification.json").read_text(encoding="utf-8"))
    row = saved["requirements"][0]
    assert {"id", "deviation", "baseline", "value", "limit", "passed"} <= set(row)
    assert saved["data"]["cases"] == 400 and saved["period"]["start"]
    assert (tmp_path / "verification.docx").stat().st_size > 10_000
    unfixed = [c for c in result.checks if not c.passed]
    assert unfixed and all(c.examples for c in unfixed)


def test_verify_on_the_data_before_fails_every_requirement(made):
    result = miner.verify(made["before"], made["out"] / "requirements.json")
    assert [c.passed for c in result.checks] == [False] * len(result.checks)
    for check, req in zip(result.checks, made["spec"]["requirements"]):
        assert check.value == pytest.approx(req["baseline"], abs=1e-4)


def test_renamed_steps_need_the_mapping_and_aliases_are_honoured(made, tmp_path):
    after = generate(AFTER, seed=3, crm_names=True)
    requirements = made["out"] / "requirements.json"
    mapped = miner.verify(after, requirements, mapping=MAPPING)
    assert [c.passed for c in mapped.checks] == [cause_of(c.criterion) in FIXED for c in mapped.checks]
    plain = miner.verify(after, requirements)
    for check in plain.checks:
        renamed = {APPROVED, INVOICED} & {check.criterion.get(k) for k in ("activity", "from", "to")}
        if renamed:
            assert check.passed is None and check.status == "not computable" and "нет в данных" in check.note
        else:  # «Отгружено» is a declared alias of «Отгрузка»
            assert check.passed is (cause_of(check.criterion) in FIXED)
    assert "Заказ согласован" in plain.unmatched


def test_spec_docx_has_the_ten_gost_sections_with_heading_styles(made):
    from docx import Document

    doc = Document(str(made["out"] / "spec.docx"))
    level1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert level1 == [*SECTIONS, APPENDIX]
    level2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert "4.2 Требования к функциям (задачам), выполняемым АС" in level2
    texts = [p.text.replace("\u00a0", " ").replace("\u202f", "\u2009") for p in doc.paragraphs]
    heads = [i for i, p in enumerate(doc.paragraphs) if p.style.name == "Heading 1"]  # not the TOC's lines
    section4 = "\n".join(texts[heads[3]:heads[4]])
    for r in made["spec"]["requirements"]:
        assert r["id"] + ". " + r["text"] in section4
    table_ids = {row.cells[0].text for table in doc.tables for row in table.rows}
    assert {r["id"] for r in made["spec"]["requirements"]} <= table_ids  # the acceptance table of section 7
    guidance = [run for p in doc.paragraphs for run in p.runs if run.italic]
    assert len(guidance) >= 8


def test_scope_result_goes_into_section_3(made, tmp_path):
    from docx import Document

    from miner.specification.chapter import write_spec

    scope = {"departments": [{"department": "Отдел продаж", "cases": 400, "verdict": "process",
                              "reasons": ["один порядок шагов у 80 % случаев"]}],
             "boundary": {"activities": [], "crossings": [{"from": "Выставлен счет", "to": "Собран заказ",
                                                           "from_system": "1C", "to_system": "Excel", "cases": 40}]}}
    comparison = miner.compare(made["before"], made["declared"])
    write_spec(comparison, made["before"], tmp_path, scope=scope)
    doc = Document(str(tmp_path / "spec.docx"))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "повторяемый процесс: подходят этапы (воронка) CRM" in cells
    assert any("пересекает границу систем" in p.text for p in doc.paragraphs)


def test_cli_verify_exits_0_when_criteria_fail(made, tmp_path):
    names = tmp_path / "names.yaml"
    names.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    export = tmp_path / "crm.csv"
    generate(BEFORE, seed=4, crm_names=True).to_csv(export, index=False)
    result = CliRunner().invoke(cli, ["verify", str(export), "--requirements", str(made["out"] / "requirements.json"),
                                      "--step-names", str(names), "-o", str(tmp_path / "check"), "--json"])
    assert result.exit_code == 0, result.output
    saved = json.loads(result.stdout)
    assert saved["failed"] == len(saved["requirements"]) and saved["passed"] == 0
    assert (tmp_path / "check" / "verification.docx").is_file()


def test_unreadable_requirements_file_is_a_one_line_error(made, tmp_path):
    bad = tmp_path / "requirements.json"
    bad.write_text('{"requirements": []}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", str(tmp_path / "x.csv"), "--requirements", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: {bad}: not a requirements.json of miner (no 'requirements' and "
                                     "'declared'); pass the file 'miner report --declared' wrote")


def test_grouped_deviations_are_used_when_findings_json_has_them():
    findings = {"findings": [{"id": "F1", "kind": "skipped_step", "activity": "A", "cases": 5, "share": 0.5,
                              "examples": ["1"], "summary": "…", "deviation": "D1"},
                             {"id": "F2", "kind": "undeclared_path", "from": "START", "to": "B", "cases": 5,
                              "share": 0.5, "examples": ["1"], "summary": "…", "deviation": "D1"}],
                "deviations": [{"id": "D1", "title": "B без A", "findings": ["F1", "F2"], "cases": 5, "share": 0.5,
                                "examples": ["1"], "time_lost_hours": 0.0, "drivers": [], "summary": "…"}]}
    deviations, by_id = deviations_of(findings)
    assert [d["id"] for d in deviations] == ["D1"] and sorted(by_id) == ["F1", "F2"]
    alone, _ = deviations_of({"findings": findings["findings"]})
    assert [d["findings"] for d in alone] == [["F1"], ["F2"]]


SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def test_the_demo_export_after_the_rollout_passes_what_the_crm_fixed(tmp_path):
    """sample_data/crm_after is what make_crm_export.py writes; verify on it agrees with its truth."""
    from miner.specification.chapter import write_spec
    from sample_data._sales import CAUSES as SALES_CAUSES

    spec = importlib.util.spec_from_file_location("make_crm_export", SAMPLE / "make_crm_export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.write(tmp_path / "crm_after")
    for path in fresh:
        assert path.read_bytes() == (SAMPLE / "crm_after" / path.name).read_bytes(), "run sample_data/make_crm_export.py"
    result = miner.ingest([SAMPLE / "sales_1c.csv", SAMPLE / "warehouse.xlsx"])
    comparison = miner.compare(result.log, SAMPLE / "sales_declared.yaml")
    write_spec(comparison, result.log, tmp_path / "report")
    checked = miner.verify(SAMPLE / "crm_after" / "crm_export.csv", tmp_path / "report" / "requirements.json",
                           mapping=SAMPLE / "crm_after" / "names.yaml")
    assert checked.data["cases"] == 300 and not checked.unmatched
    for check in checked.checks:
        c = check.criterion
        key = ((c["kind"], c["from"], c["to"]) if c["kind"] == "undeclared_path"
               else (c["kind"], c["activity"], c["attribute"]) if c["kind"] == "role_mismatch"
               else (c["kind"], c["activity"]))
        injection = SALES_CAUSES[key]
        assert check.passed is (module.RATES[injection] < c["max"]), (check.id, injection, check.value)


def test_a_criterion_needing_a_missing_column_is_not_computable(made):
    after = generate(AFTER, seed=5).drop(columns=["org:group"])
    result = miner.verify(after, made["out"] / "requirements.json")
    roles = [c for c in result.checks if c.criterion["kind"] == "role_mismatch"]
    assert roles and all(c.passed is None and "столбца" in c.note for c in roles)
    others = [c for c in result.checks if c.criterion["kind"] != "role_mismatch"]
    assert all(c.passed is (cause_of(c.criterion) in FIXED) for c in others)


def test_the_protocol_lists_every_criterion_with_its_result(made, tmp_path):
    from docx import Document

    after = generate(AFTER, seed=6, crm_names=True)
    result = miner.verify(after, made["out"] / "requirements.json", tmp_path)  # no mapping: some not computable
    doc = Document(str(tmp_path / "verification.docx"))
    rows = {row.cells[0].text: row.cells[-1].text for row in doc.tables[0].rows[1:]}
    words = {"passed": "выполнено", "failed": "не выполнено", "not computable": "не вычисляется"}
    assert rows == {c.id: words[c.status] for c in result.checks}
    assert "not computable" in {c.status for c in result.checks}
    texts = "\n".join(p.text for p in doc.paragraphs)
    for check in result.checks:
        assert f"{check.id}: {words[check.status]}" in texts
    failed = [c for c in result.checks if c.passed is False]
    assert all(", ".join(c.examples) in texts for c in failed)
    assert "crm.csv" in texts and "период" in texts
