"""Compose ``spec.docx``: the ТЗ chapter in the section layout of ГОСТ 34.602-2020.

The ten sections of the standard, in order, each a «Heading 1»: what the data can say is
written out (the as-is process with its numbers and maps, the deviations, one functional
requirement per deviation, the acceptance criteria, the sources); what only the customer can
say is a short italic guidance for the consultant, never invented content. An appendix lists
the open questions for the next interview round.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from miner import eventlog as E
from miner.prepared import PreparedLog
from miner.specification.criteria import describe
from miner.specification.render import Block, Grid, Heading, Picture, Text, write_document
from miner.specification.requirements import STAGES, Spec, build_spec
from miner.specification.texts import (EVENTS, GUIDANCE, VERDICTS, capital, count, date_ru, in_cases, of_total,
                                       period_ru, questions)
from miner.units import format_count, format_number, format_share

SECTIONS = (
    "1 Общие сведения",
    "2 Цели и назначение создания (развития) АС",
    "3 Характеристика объектов автоматизации",
    "4 Требования к АС",
    "5 Состав и содержание работ по созданию АС",
    "6 Порядок разработки АС",
    "7 Порядок контроля и приёмки АС",
    "8 Требования к подготовке объекта автоматизации к вводу АС в действие",
    "9 Требования к документированию",
    "10 Источники разработки",
)
APPENDIX = "Приложение А. Открытые вопросы к следующему раунду интервью"
TOP_VARIANTS = 5


def write_chapter(spec: Spec, log: pd.DataFrame | PreparedLog, path: str | Path, *,
                  scope: Mapping[str, Any] | None = None,
                  ingest: Any = None, folder: str | Path | None = None) -> Path:
    """Write the chapter for ``spec`` to ``path`` (a .docx); return the path.

    Args:
        spec: the requirements (:func:`miner.specification.requirements.build_spec`).
        log: the canonical log they were measured on.
        scope: scope.json as a dict (CONTRACTS.md §7), shown in section 3 when given.
        ingest: the ingest report (rows read, rejected), named in section 10.
        folder: where ``map.png`` and ``comparison.png`` are (they go into section 3).

    Example:
        >>> write_chapter(spec, log, "out/spec.docx")  # doctest: +SKIP
    """
    prepared = log if isinstance(log, PreparedLog) else PreparedLog(log)
    log = prepared.frame
    process = spec.processes[0]
    blocks: list[Block] = []
    for number, section in enumerate((_general, _goals, _object, _requirements, _works, _development,
                                      _acceptance, _preparation, _documents, _sources)):
        blocks.append(Heading(SECTIONS[number]))
        blocks += section(spec, log, scope=scope, ingest=ingest, folder=Path(folder) if folder else None,
                          prepared=prepared)
    blocks.append(Heading(APPENDIX))
    blocks += [Text(q, bullet=True) for q in questions(spec, scope)] or [Text("Открытых вопросов нет.")]
    title = f"Техническое задание (материалы к разделам): {process.process}"
    subtitle = [f"В разделах ГОСТ 34.602-2020. Подготовлено по данным {', '.join(spec.data['sources']) or 'журнала'} "
                f"за {period_ru(spec.data)}; {dt.date.today():%d.%m.%Y}.",
                "Курсивом — что дописывает консультант: эти сведения из данных не следуют."]
    return write_document(path, title, subtitle, blocks)


def _general(spec: Spec, log: pd.DataFrame, **_: Any) -> list[Block]:
    d = spec.data
    facts = Text(f"Материалы подготовлены по результатам обследования процесса «{spec.processes[0].process}» "
                 f"по данным учётных систем за {period_ru(d)}: {count(d['cases'])}, "
                 f"{count(d['events'], EVENTS)}.", label="Основание.")
    return [facts, Text(GUIDANCE["general"], guidance=True)]


def _goals(spec: Spec, log: pd.DataFrame, **_: Any) -> list[Block]:
    out: list[Block] = [Heading("2.1 Цели создания АС", 2)]
    if spec.requirements:
        out.append(Text("Из данных следуют измеримые цели — устранить отклонения процесса от описанного:"))
        out += [Text(f"{describe(r.criterion)}: с {format_share(r.baseline)} до не более "
                     f"{format_share(r.criterion['max'])}.", label=f"{r.id}:", bullet=True) for r in spec.requirements]
    out.append(Text(GUIDANCE["goals"], guidance=True))
    out.append(Heading("2.2 Назначение АС", 2))
    who = ", ".join(p.department for p in spec.processes if p.department)
    out.append(Text(f"АС предназначена для ведения процесса «{spec.processes[0].process}»"
                    + (f" ({who})" if who else "") + " с контролем этапов, их порядка, исполнителей и сроков."))
    out.append(Text(GUIDANCE["purpose"], guidance=True))
    return out


def _object(spec: Spec, log: pd.DataFrame, *, scope: Mapping[str, Any] | None = None,
            folder: Path | None = None, prepared: PreparedLog | None = None, **_: Any) -> list[Block]:
    prepared = prepared if prepared is not None else PreparedLog(log)
    found = spec.findings
    coded = prepared.coded
    var = prepared.variants
    d = spec.data
    out: list[Block] = [Heading("3.1 Краткие сведения об объекте автоматизации", 2),
                        Text(f"Период данных: {period_ru(d)}. Случаев: {format_count(d['cases'])}, событий: "
                             f"{format_count(d['events'])}, различных действий: {format_count(coded.n_activities)}, "
                             f"вариантов прохождения: {format_count(len(var))}."),
                        Text(f"Соответствие описанному процессу (fitness): {format_number(found['fitness'], digits=2)}; "
                             f"точно по описанию проходят {format_share(found['conforming_cases'])} случаев.")]
    out += _departments(log)
    out.append(Heading("3.2 Процесс, как он выполняется сейчас", 2))
    out += _maps(folder)
    order = sorted(range(len(var)), key=lambda i: -int(var.counts[i]))[:TOP_VARIANTS]
    rows = tuple((" → ".join(var.sequences[i]), format_count(int(var.counts[i])),
                  format_share(int(var.counts[i]) / max(coded.n_cases, 1))) for i in order)
    out += [Text("Самые частые варианты прохождения:"), Grid(("Вариант", "Случаев", "Доля"), rows, (6, 1, 1))]
    out.append(Heading("3.3 Отклонения от описанного процесса", 2))
    listed = tuple((str(v["id"]), str(v["title"]), format_count(v["cases"]), format_share(v["share"]),
                    ", ".join(map(str, v["examples"][:3]))) for v in found["deviations"])
    out += ([Grid(("№", "Отклонение", "Случаев", "Доля", "Примеры"), listed, (0.6, 5, 1, 0.9, 2))] if listed
            else [Text("Отклонений от описанного процесса в данных нет.")])
    for item in found.get("outside_system", []):
        out.append(Text(str(item["summary"]), bullet=True))
    for item in found.get("accepted", []):
        out.append(Text(f"Согласовано как допустимое: {item['summary']}", bullet=True))
    out.append(Heading("3.4 Границы автоматизации", 2))
    out += _scope(scope) if scope else [Text(GUIDANCE["scope"], guidance=True)]
    return out


def _departments(log: pd.DataFrame) -> list[Block]:
    if E.GROUP not in log.columns or not log[E.GROUP].notna().any():
        return []
    shares = log[E.GROUP].value_counts(normalize=True)
    text = ", ".join(f"{name} — {format_share(float(s))}" for name, s in shares.head(8).items())
    return [Text(f"Подразделения (доля событий): {text}.")]


def _maps(folder: Path | None) -> list[Block]:
    out: list[Block] = []
    captions = {"map.png": "Рисунок 1 — Карта процесса по данным (частота переходов)",
                "comparison.png": "Рисунок 2 — Отклонения от описанного процесса на карте"}
    for name, caption in captions.items():
        if folder is not None and (folder / name).is_file():
            out.append(Picture((folder / name).read_bytes(), caption))
    return out


def _scope(scope: Mapping[str, Any]) -> list[Block]:
    rows = tuple((str(d.get("department")), format_count(d.get("cases", 0)),
                  VERDICTS.get(str(d.get("verdict")), str(d.get("verdict"))), "; ".join(d.get("reasons", [])))
                 for d in scope.get("departments", []))
    out: list[Block] = [Text("Что подходит для CRM, по подразделениям:"),
                        Grid(("Подразделение", "Случаев", "Вывод", "Почему"), rows, (2, 1, 2, 4))]
    boundary = scope.get("boundary") or {}
    acts = tuple((str(a.get("activity")), str(a.get("department") or "—"),
                  ", ".join(f"{k} {format_share(v)}" for k, v in (a.get("systems") or {}).items()),
                  str(a.get("declared_system") or "—")) for a in boundary.get("activities", []))
    if acts:
        out += [Text("Где записывается каждый шаг:"),
                Grid(("Шаг", "Подразделение", "Системы (доля событий)", "По описанию"), acts, (3, 2, 3, 1.5))]
    for c in boundary.get("crossings", []):
        out.append(Text(f"Переход «{c.get('from')}» → «{c.get('to')}» пересекает границу систем "
                        f"({c.get('from_system')} → {c.get('to_system')}) {in_cases(c.get('cases', 0))}.",
                        bullet=True))
    return out


def _requirements(spec: Spec, log: pd.DataFrame, **_: Any) -> list[Block]:
    out: list[Block] = [Heading("4.1 Требования к АС в целом", 2), Text(GUIDANCE["system"], guidance=True),
                        Heading("4.2 Требования к функциям (задачам), выполняемым АС", 2)]
    if spec.requirements:
        out.append(Text("Каждое требование следует из отклонения, которое показывают данные; формулировка: "
                        "условие — субъект — действие — объект — ограничение. Целевые значения — предложение "
                        "для согласования с заказчиком."))
    for r in spec.requirements:
        out += [Text(r.text, label=f"{r.id}."),
                Text(f"{r.deviation} — {_sentence(r.title)} Сейчас: {of_total(r.cases, r.total)} "
                     f"({format_share(r.baseline)}); примеры: {', '.join(r.examples[:3])}.", label="Основание:"),
                Text(f"{r.priority}; этап внедрения {r.stage}; критерий приёмки — раздел 7.", label="Приоритет:")]
    for item in spec.left_out:
        out.append(Text(f"{item['deviation']} ({item['title']}) — требование не предлагается: {item['reason']}.",
                        bullet=True))
    out += [Heading("4.3 Требования к видам обеспечения", 2), Text(GUIDANCE["support"], guidance=True)]
    return out


def _works(spec: Spec, log: pd.DataFrame, **_: Any) -> list[Block]:
    out: list[Block] = []
    for number, stage in STAGES.items():
        ids = [r.id for r in spec.requirements if r.stage == stage]
        if ids:
            out.append(Text(f"{', '.join(ids)}.", label=f"Этап {stage}:"))
    return out + [Text(GUIDANCE["works"], guidance=True)]


def _development(spec: Spec, log: pd.DataFrame, **_: Any) -> list[Block]:
    return [Text(GUIDANCE["development"], guidance=True)]


def _acceptance(spec: Spec, log: pd.DataFrame, **_: Any) -> list[Block]:
    out: list[Block] = [Text("Каждое требование проверяется по выгрузке журнала из системы после внедрения: "
                             "критерий вычисляется на новых данных той же командой, что и базовое значение "
                             "(miner verify ВЫГРУЗКА --requirements requirements.json -o ПАПКА); результат — "
                             "протокол испытаний verification.docx.")]
    rows = tuple((r.id, capital(describe(r.criterion)), format_share(r.baseline),
                  f"не более {format_share(r.criterion['max'])}") for r in spec.requirements)
    if rows:
        out.append(Grid(("Требование", "Что проверяется", "Сейчас", "Критерий приёмки"), rows, (1.1, 5, 1, 1.6)))
    out.append(Text("Считаются случаи процесса (с хотя бы одним его этапом) за период выгрузки. Критерий, который "
                    "нельзя вычислить (этапа нет в выгрузке), не считается выполненным."))
    return out + [Text(GUIDANCE["acceptance"], guidance=True)]


def _preparation(spec: Spec, log: pd.DataFrame, **_: Any) -> list[Block]:
    out: list[Block] = []
    for item in spec.findings.get("outside_system", []):
        out.append(Text(f"Шаг «{item['activity']}» выполняется вне учётной системы ({item['system']}): решить, "
                        "фиксируется ли он в АС, и если да — как.", bullet=True))
    for item in spec.findings.get("unmatched", []):
        out.append(Text(f"Шаг «{item['step']}» не найден в данных: уточнить его название в системе.", bullet=True))
    return out + [Text(GUIDANCE["preparation"], guidance=True)]


def _documents(spec: Spec, log: pd.DataFrame, **_: Any) -> list[Block]:
    return [Text(GUIDANCE["documents"], guidance=True)]


def _sources(spec: Spec, log: pd.DataFrame, *, ingest: Any = None, **_: Any) -> list[Block]:
    out: list[Block] = []
    counts = log[E.FILE].value_counts() if E.FILE in log.columns else pd.Series(dtype=int)
    systems = log.groupby(E.FILE)[E.SYSTEM].first() if E.SYSTEM in log.columns else pd.Series(dtype=str)
    for name in spec.data["sources"]:
        out.append(Text(f"{name}: {count(int(counts.get(name, 0)), EVENTS)}"
                        + (f", система {systems.get(name)}" if systems.get(name) else "") + ".", bullet=True))
    if ingest is not None:
        out.append(Text(f"Прочитано строк: {format_count(ingest.rows_read)}, отклонено при чтении: "
                        f"{format_count(ingest.rejected)}, исключено: {format_count(ingest.excluded)}.", bullet=True))
    for p in spec.processes:
        who = f", {p.described_by}" if p.described_by else ""
        out.append(Text(f"Описание процесса «{p.process}»{who}" + (f" (файл {p.file})" if p.file else "") + ".",
                        bullet=True))
    out.append(Text(f"Результаты анализа: findings.json, requirements.json ({date_ru(dt.date.today())}).", bullet=True))
    return out + [Text(GUIDANCE["sources"], guidance=True)]


def write_spec(comparison: Any, log: pd.DataFrame | PreparedLog, output: str | Path, *, scope: Any = None,
               sources: Sequence[str] = (), ingest: Any = None) -> Spec:
    """Write ``spec.docx`` and ``requirements.json`` into ``output``; return the :class:`Spec`.

    Args:
        comparison: the ``miner.compare`` result of ``log`` against the declared process(es).
        log: the canonical log, or its :class:`~miner.prepared.PreparedLog` (its coding is reused).
        output: the folder (the maps ``map.png``/``comparison.png`` found there go into the chapter).
        scope: an optional ``miner.scope`` result or scope.json dict (CONTRACTS.md §7).
        sources: the original source files, named in section 10.
        ingest: the ingest report, if any (rows read and rejected, for section 10).

    Example:
        >>> write_spec(miner.compare(log, "sales.yaml"), log, "out")  # doctest: +SKIP
        Spec(11 requirements, 2 deviations left out)
    """
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    prepared = log if isinstance(log, PreparedLog) else PreparedLog(log)  # coded once, for both parts
    log = prepared.frame
    spec = build_spec(comparison, prepared, sources=sources)
    json_path = out / "requirements.json"
    json_path.write_text(json.dumps(spec.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    scope_dict = scope.to_dict() if hasattr(scope, "to_dict") else scope
    docx_path = write_chapter(spec, prepared, out / "spec.docx", scope=scope_dict, ingest=ingest, folder=out)
    return Spec(spec.requirements, spec.left_out, spec.processes, spec.data, spec.findings, spec.calendar,
                (docx_path, json_path))


def _sentence(text: str) -> str:
    """End a title with a full stop (a deviation's title has none; a finding's summary has one)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."
