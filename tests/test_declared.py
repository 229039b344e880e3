"""The declared process: YAML, Excel interview sheet, BPMN 2.0; validation with located errors."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from miner.cli import cli
from miner.declared.model import END, START, Limit, parse_limit
from miner.declared.reading import read_declared
from miner.errors import DeclaredProcessError

DATA = Path(__file__).parent / "data" / "declared"
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"

SALES = """\
process: Продажа клиенту
department: Отдел продаж
described_by: Руководитель отдела продаж, интервью 12.11.2026
start: [Создан заказ клиента]
end: [Отгрузка]
steps:
  Создан заказ клиента:
    next: [Согласован заказ]
    role: Менеджер по продажам
    department: Отдел продаж
    system: 1C
    aliases: [Заказ клиента создан]
  Согласован заказ:
    next: [Выставлен счет, Отгрузка]
    within: 4h
  Выставлен счет:
    next: [Поступила оплата]
  Поступила оплата:
    next: [Отгрузка]
    department: Бухгалтерия
  Отгрузка:
    department: Склад
    within: 2d
accepted:
  - {step: Изменен заказ}
  - {from: Создан заказ клиента, to: Отгрузка}
"""


def write(tmp_path: Path, text: str, name: str = "sales.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(DeclaredProcessError) as info:
        read_declared(path)
    return str(info.value)


def test_yaml_of_the_contract(tmp_path: Path) -> None:
    d = read_declared(write(tmp_path, SALES))
    assert d.process == "Продажа клиенту" and d.department == "Отдел продаж"
    assert d.start == ("Создан заказ клиента",) and d.end == ("Отгрузка",)
    first = d.steps["Создан заказ клиента"]
    assert (first.role, first.department, first.system, first.aliases) == (
        "Менеджер по продажам", "Отдел продаж", "1C", ("Заказ клиента создан",))
    assert d.steps["Согласован заказ"].within == Limit("4h", minutes=240.0)
    assert d.steps["Отгрузка"].within == Limit("2d", days=2.0)
    assert (START, "Создан заказ клиента") in d.edges and ("Отгрузка", END) in d.edges
    assert ("Согласован заказ", "Отгрузка") in d.edges and len(d.edges) == 7
    assert d.mandatory_steps() == ("Создан заказ клиента", "Согласован заказ", "Отгрузка")
    assert [a.to_dict() for a in d.accepted] == [{"step": "Изменен заказ"},
                                                 {"from": "Создан заказ клиента", "to": "Отгрузка"}]
    assert d.outside_system_steps == ()


def test_durations() -> None:
    assert parse_limit("30m") == Limit("30m", minutes=30.0)
    assert parse_limit("4ч").minutes == 240 and parse_limit("2д").days == 2
    assert parse_limit("30мин").minutes == 30 and parse_limit("1,5h").minutes == 90
    assert parse_limit("1д 4ч") == Limit("1д 4ч", minutes=240.0, days=1.0)
    assert parse_limit("2d").seconds(9 * 3600) == 18 * 3600
    for bad in ("4", "4 weeks", "четыре часа", "0h", "h4", ""):
        with pytest.raises(ValueError):
            parse_limit(bad)


def test_end_inferred_and_end_word_in_next(tmp_path: Path) -> None:
    d = read_declared(write(tmp_path, "start: [A]\nsteps:\n  A: {next: [B, КОНЕЦ]}\n  B: {}\n"))
    assert d.end == ("B", "A") and d.steps["A"].next == ("B",)
    assert d.process == "sales"


def test_outside_system_steps_and_bypass(tmp_path: Path) -> None:
    text = ("start: [A]\nend: [C]\nsteps:\n  A: {next: [Звонок]}\n  Звонок: {next: [C], system: Телефон}\n"
            "  C: {}\n")
    d = read_declared(write(tmp_path, text))
    assert d.outside_system_steps == ("Звонок",)
    assert d.without(["Звонок"]).edges == {(START, "A"), ("A", "C"), ("C", END)}
    kept = d.without(["Звонок"], keep=True)
    assert ("A", "C") in kept.edges and ("A", "Звонок") in kept.edges


def test_petri_net_is_a_sound_workflow_net(tmp_path: Path) -> None:
    from pm4py.algo.analysis.woflan import algorithm as woflan

    net, im, fm = read_declared(write(tmp_path, SALES)).to_petri_net()
    assert sorted(t.label for t in net.transitions if t.label) == sorted(
        ["Создан заказ клиента", "Согласован заказ", "Выставлен счет", "Поступила оплата", "Отгрузка"])
    assert woflan.apply(net, im, fm, parameters={"print_diagnostics": False})


# ------------------------------------------------------------------ validation, pinned by text

@pytest.mark.parametrize("text, message", [
    ("start: [A]\nend: [B]\nsteps:\n  A:\n    next: [Bb]\n  B: {}\n",
     'sales.yaml, строка 5: next of step "A" names unknown step "Bb"; did you mean "B"?'),
    ("end: [B]\nsteps:\n  A: {next: [B]}\n  B: {}\n",
     "sales.yaml: no start: say where cases begin, e.g. start: [A]"),
    ("start: [A]\nend: [B]\nsteps:\n  A: {next: [B]}\n  B: {}\n  C: {next: [B]}\n",
     'sales.yaml, строка 6: step "C" cannot be reached from start; add it to the next of a step '
     "before it, or to start"),
    ("start: [A]\nend: [C]\nsteps:\n  A: {next: [B, C]}\n  B: {next: [B2]}\n  B2: {next: [B]}\n  C: {}\n",
     'sales.yaml, строка 5: step "B" has no way to the end: every path from it ends in a cycle with no '
     "exit; add a next step or list it in end\n"
     'sales.yaml, строка 6: step "B2" has no way to the end: every path from it ends in a cycle with '
     "no exit; add a next step or list it in end"),
    ("start: [A]\nend: [A]\nsteps:\n  A: {next: [B]}\n  B: {}\n",
     'sales.yaml, строка 5: step "B" has no way to the end: it has no next and is not in end; '
     "add a next step or list it in end"),
    ("start: [A]\nsteps:\n  A:\n    within: 4 недели\n",
     'sales.yaml, строка 4: step "A": bad duration "4 недели" in within; write a number and a unit: '
     "30m, 4h, 2d (or 30мин, 4ч, 2д)"),
    ("start: [A]\nsteps:\n  A:\n    nxt: [A]\n",
     'sales.yaml, строка 4: step "A": unknown key "nxt"; did you mean "next"?'),
    ("start: [A]\nend: [B]\nsteps:\n  A: {next: [B], aliases: [B]}\n  B: {}\n",
     'sales.yaml, строка 5: "B" names both step "A" and step "B"; each name or alias must be used once'),
    ("start: [A]\nsteps:\n  A: {}\naccepted: [{path: A}]\n",
     "sales.yaml, строка 4: accepted entry {'path': 'A'} is neither {step: NAME} nor {from: A, to: B}"),
    ("- A\n- B\n", "sales.yaml: expected the keys process, start, end, steps; found a list"),
    ("process: X\nstart: [A]\n", "sales.yaml: no steps: add steps: with one entry per step "
     "(its name as in the log, then next, role, department, system, within)"),
    ("", "sales.yaml: the file is empty; write the process as process, start, end and steps "
     "(CONTRACTS.md §3)"),
    ("start: [A\nsteps:\n  A: {}\n", "sales.yaml, строка 2, позиция 6: YAML syntax error: expected ',' "
     "or ']', but got ':'; check brackets, colons and indentation"),
])
def test_validation_messages(tmp_path: Path, text: str, message: str) -> None:
    assert error_of(write(tmp_path, text)) == message


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    text = "start: [A]\nsteps:\n  A: {next: [B], within: soon}\n  B: {colour: red}\n"
    assert error_of(write(tmp_path, text)).splitlines() == [
        'sales.yaml, строка 3: step "A": bad duration "soon" in within; write a number and a unit: '
        "30m, 4h, 2d (or 30мин, 4ч, 2д)",
        'sales.yaml, строка 4: step "B": unknown key "colour"; expected one of next, role, department, '
        "system, within, aliases"]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DeclaredProcessError, match="nope.yaml: declared process file not found; check the path"):
        read_declared(tmp_path / "nope.yaml")


@pytest.mark.parametrize("text, message", [
    ("start: [A\n", "sales.yaml, строка 2, позиция 1: YAML syntax error: expected ',' or ']', but got "
     "'<stream end>'; check brackets, colons and indentation"),
    ("start: [A]\nend: [A]\nsteps:\n  A: {next: [Z]}\n",
     'sales.yaml, строка 4: next of step "A" names unknown step "Z"; add it under steps'),
    ("start: [A]\nend: [C]\nsteps:\n  A: {next: [B, C]}\n  B: {next: [B]}\n  C: {}\n",
     'sales.yaml, строка 5: step "B" has no way to the end: every path from it ends in a cycle with no '
     "exit; add a next step or list it in end"),
    ("", "sales.yaml: the file is empty; write the process as process, start, end and steps (CONTRACTS.md §3)"),
])
def test_bad_files_exit_1_with_one_message(tmp_path: Path, text: str, message: str) -> None:
    log = tmp_path / "log.csv"
    log.write_text("case;activity;timestamp\n1;A;01.03.2026 10:00\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["compare", str(log), "--declared", str(write(tmp_path, text)),
                                      "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ Excel interview sheet

def write_sheet(path: Path, rows: list[list], meta: bool = True, accepted: list[list] | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Процесс"
    if meta:
        sheet.append(["Процесс", "Продажа клиенту"])
        sheet.append(["Подразделение:", "Отдел продаж"])
        sheet.append(["Описал: Руководитель отдела продаж"])
        sheet.append([])
    sheet.append(["Шаг", "Далее", "Роль", "Подразделение", "Система", "Норматив", "Синонимы"])
    for row in rows:
        sheet.append(row)
    if accepted:
        extra = book.create_sheet("Допустимые отклонения")
        extra.append(["Шаг", "Откуда", "Куда"])
        for row in accepted:
            extra.append(row)
    book.save(path)
    return path


SHEET_ROWS = [
    ["НАЧАЛО", "Создан заказ клиента"],
    ["Создан заказ клиента", "Согласован заказ", "Менеджер по продажам", "Отдел продаж", "1C", None,
     "Заказ клиента создан"],
    ["Согласован заказ", "Выставлен счет; Отгрузка", None, None, None, "4h"],
    ["Выставлен счет", "Поступила оплата"],
    ["Поступила оплата", "Отгрузка", None, "Бухгалтерия"],
    ["Отгрузка", "КОНЕЦ", None, "Склад", None, "2d"],
    ["КОНЕЦ"],
]


def test_excel_sheet_has_the_same_content_as_yaml(tmp_path: Path) -> None:
    sheet = read_declared(write_sheet(tmp_path / "sales.xlsx", SHEET_ROWS,
                                      accepted=[["Изменен заказ"], [None, "Создан заказ клиента", "Отгрузка"]]))
    yaml = read_declared(write(tmp_path, SALES))
    assert sheet.steps == yaml.steps and sheet.edges == yaml.edges
    assert (sheet.process, sheet.department, sheet.described_by) == (
        "Продажа клиенту", "Отдел продаж", "Руководитель отдела продаж")
    assert sheet.accepted == yaml.accepted


def test_excel_errors_name_the_cell(tmp_path: Path) -> None:
    rows = [list(r) for r in SHEET_ROWS]
    rows[2][1] = "Выставлен счёт-фактура; Отгрузка"
    rows[2][5] = "четыре часа"
    message = error_of(write_sheet(tmp_path / "sales.xlsx", rows))
    assert message.splitlines() == [
        'sales.xlsx, лист "Процесс", ячейка F8 (столбец "Норматив"): step "Согласован заказ": bad '
        'duration "четыре часа" in within; write a number and a unit: 30m, 4h, 2d (or 30мин, 4ч, 2д)',
        'sales.xlsx, лист "Процесс", ячейка B8 (столбец "Далее"): next of step "Согласован заказ" names '
        'unknown step "Выставлен счёт-фактура"; did you mean "Выставлен счет"?']


def test_excel_without_a_step_header(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Этап", "Следующий"])
    book.save(tmp_path / "bad.xlsx")
    assert error_of(tmp_path / "bad.xlsx") == (
        'bad.xlsx: no sheet has a header row with "Шаг" (and Далее, Роль, Подразделение, Система, '
        "Норматив, Синонимы); add it above the steps")


def test_sample_interview_sheet() -> None:
    path = SAMPLE / "purchasing_declared.xlsx"
    if not path.exists():
        pytest.skip("sample_data/purchasing_declared.xlsx not generated")
    d = read_declared(path)
    assert d.process == "Закупка товаров у поставщиков" and d.end == ("Закрыта заявка",)
    assert d.steps["Согласование заявки"].aliases == ("Заявка согласована",)
    assert d.outside_system_steps == ("Запрошены коммерческие предложения",)


# ------------------------------------------------------------------ BPMN 2.0

def test_bpmn_io_export_with_lanes_documentation_and_parallel_gateway() -> None:
    d = read_declared(DATA / "order_bpmnio.bpmn")
    assert d.process == "Продажа клиенту"  # the pool (participant) name
    assert d.start == ("Создан заказ клиента",) and d.end == ("Отгрузка",)
    approve = d.steps["Согласован заказ"]
    assert approve.next == ("Выставлен счет", "Зарезервирован товар", "Отгрузка")  # XOR and AND split
    assert (approve.within.text, approve.role, approve.department) == ("4ч", "Руководитель отдела продаж", "Отдел продаж")
    # parallel branches may follow each other in either order, both lead to the join's successor
    assert d.steps["Выставлен счет"].next == ("Поступила оплата", "Зарезервирован товар")
    assert d.steps["Зарезервирован товар"].next == ("Поступила оплата", "Выставлен счет")
    assert d.steps["Создан заказ клиента"].next == ("Согласован заказ",)  # name with a line break
    assert d.steps["Отгрузка"].department == "Склад"


def test_camunda_export_with_boundary_and_intermediate_events() -> None:
    d = read_declared(DATA / "order_camunda.bpmn")
    assert d.process == "Закупка"
    assert d.steps["Согласование заявки"].next == ("Оформлен заказ поставщику", "Напоминание руководителю")
    assert d.steps["Согласование заявки"].aliases == ("Заявка согласована", "Согласовано")
    assert d.outside_system_steps == ("Напоминание руководителю",)
    assert d.end == ("Оформлен заказ поставщику",)


def test_bpmn_errors(tmp_path: Path) -> None:
    text = (DATA / "order_camunda.bpmn").read_text(encoding="utf-8")
    unnamed = write(tmp_path, text.replace('name="Создана заявка" ', ""), "p.bpmn")
    assert error_of(unnamed) == ('p.bpmn, элемент "Task_create": a userTask has no name; name it as '
                                 "the activity in the log")
    broken = write(tmp_path, text[:400], "broken.bpmn")
    assert error_of(broken).startswith("broken.bpmn: is not a readable BPMN/XML file (")
    other = write(tmp_path, "<?xml version='1.0'?><note>x</note>", "note.xml")
    assert error_of(other) == ("note.xml: is XML but not BPMN 2.0 (root <note>); export the diagram "
                               "as BPMN 2.0 XML")
    bomb = write(tmp_path, '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><definitions>&a;</definitions>',
                 "bomb.bpmn")
    assert error_of(bomb).startswith("bomb.bpmn: is not a readable BPMN/XML file (")
