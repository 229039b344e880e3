"""Interview guide: the questions to ask each head of department, primed with what the data show.

For every department in the log (``org:group``; else the role, the source file, or the whole
log) :func:`interview` asks about eight themes — what you do, what most often, what rarely, where
the work comes from, how it is processed, where it goes, who approves what, which reports — each
with the department's own numbers, then adds pointed questions about what the data show: steps
done out of the usual order, changes after approval, skipped and repeated steps, and, with
``declared=``, the findings of :func:`miner.compare` («Отгрузка раньше оплаты — в 114 заказах
(11 %): кто это разрешает?»). It writes ``interview.md`` and ``interview.docx``.

The module is ``interviews`` (plural) so that importing it does not shadow ``miner.interview``.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from miner.errors import InputError
from miner.interviews.documents import render_markdown, write_docx, write_markdown
from miner.interviews.deviations import deviation_questions
from miner.interviews.facts import Facts, Unit
from miner.interviews.model import InterviewGuide, Lang, Question, Section
from miner.interviews.questions import WorkQuestions
from miner.interviews.scope_questions import scope_questions
from miner.interviews.texts import LABELS, QUESTIONS, case_words
from miner.ingestion.reading import prepare_log
from miner.prepared import PreparedLog
from miner.comparison.quality import without_repeats

MAX_DATA_QUESTIONS = 8


def interview(source: Any, output: str | Path | None = None, *, declared: Any = None, lang: Lang = "ru",
              pseudonymize: bool = False, accept_suggestions: bool = False, repeat_window: float = 10.0,
              **read_options: Any) -> InterviewGuide:
    """Prepare the interview questions for each head of department, primed with the log's numbers.

    Args:
        source: a :class:`~miner.prepared.PreparedLog` (its coding is reused), a canonical
            DataFrame or file(s) ``miner.read_log`` reads.
        output: folder for ``interview.md`` and ``interview.docx`` (created); None writes nothing.
        declared: a declared-process file (YAML, Excel, BPMN) or a list of them; its findings
            (:func:`miner.compare`) become pointed questions to the departments concerned. The
            :class:`~miner.comparison.analysis.Comparison` already made of them is taken as it is.
        lang: ``"ru"`` or ``"en"``.
        pseudonymize: replace employee names by stable codes («Сотрудник 01»).
        accept_suggestions, repeat_window: as for :func:`miner.compare`.
        **read_options: column mapping and reading options for ``source``.

    Returns:
        An :class:`InterviewGuide`; ``.paths`` lists the files written.

    Raises:
        InputError: the log cannot be read; DeclaredProcessError: a description is malformed.

    Example:
        >>> guide = interview("sample_data/sales_1c.csv", "out")  # doctest: +SKIP
        >>> guide.section("Бухгалтерия").questions[0].text  # doctest: +SKIP
        'Чем занимается ваше подразделение? В данных у вас 2 действия: ...'
    """
    if lang not in QUESTIONS:
        raise InputError(f"unknown language '{lang}'; use ru or en")
    if output is not None:
        from miner.outputs import output_folder

        output_folder(output)
    prepared = prepare_log(source, **read_options)
    log = prepared.frame
    if log.empty:
        raise InputError("the log has no events, so there is nothing to ask about; check which rows were "
                         "rejected with `miner ingest SOURCE -o log.parquet` (the .ingest.json beside the log)")
    if pseudonymize:
        from miner.ingestion.pseudonymize import pseudonymize_log

        log, _ = pseudonymize_log(log, lang=lang)
        prepared = PreparedLog(log, prepared.ingest, prepared.source)
    prepared = without_repeats(prepared, repeat_window)  # a record saved twice is data quality, not rework to ask about
    log = prepared.frame
    facts = Facts(prepared)
    options = {"accept_suggestions": accept_suggestions, "repeat_window": repeat_window}
    guide = InterviewGuide(_sections(facts, prepared, declared, lang, options), lang, ", ".join(prepared.source_files),
                           facts.n_cases, len(log), pd.Timestamp(facts.time.min()), pd.Timestamp(facts.time.max()),
                           tuple(_declared_names(declared)), pseudonymize)
    guide = replace(guide, markdown=render_markdown(guide))
    if output is None:
        return guide
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    paths = (write_markdown(guide, folder / "interview.md"), write_docx(guide, folder / "interview.docx"))
    return replace(guide, paths=paths)


def _sections(facts: Facts, log: PreparedLog, declared: Any, lang: Lang,
              options: dict[str, Any] | None = None) -> tuple[Section, ...]:
    """The eight questions of each unit, then the deviation questions handed to their units."""
    starts = pd.Series(facts.activity[facts.first]).value_counts().to_dict()
    words = case_words(starts, facts.n_cases, lang)
    builder = WorkQuestions(facts, words, lang)
    questions: dict[Unit, list[Question]] = {u: builder.questions(u) for u in facts.unit_list}
    _attach(questions, scope_questions(facts, log, declared, lang), facts.unit_list)
    _attach(questions, deviation_questions(facts, words, lang, log, declared, **(options or {})), facts.unit_list)
    return tuple(_section(u, facts, questions[u], lang) for u in facts.unit_list)


def _declared_names(declared: Any) -> list[str]:
    if declared is None:
        return []
    if hasattr(declared, "findings") and hasattr(declared, "parts"):  # a Comparison: the files its descriptions came from
        return [Path(p.declared.file).name if p.declared.file else p.declared.process for p in declared.parts]
    items = declared if isinstance(declared, (list, tuple)) else [declared]
    return [Path(d).name if isinstance(d, (str, Path)) else str(getattr(d, "process", d)) for d in items]


def _attach(questions: dict[Unit, list[Question]], extra: Sequence[tuple[list[Unit], Question]],
            units: Sequence[Unit]) -> None:
    """Give each deviation question to its units, once per topic, the most important first."""
    taken: dict[Unit, set[tuple]] = {u: {x.key for x in questions.get(u, ()) if x.key} for u in units}
    counts: dict[Unit, int] = {u: 0 for u in units}
    for owners, question in extra:
        for unit in owners or units[:1]:
            if unit not in questions or question.key in taken[unit] or counts[unit] >= MAX_DATA_QUESTIONS:
                continue
            taken[unit].add(question.key)
            counts[unit] += 1
            questions[unit].append(question)


def _section(unit: Unit, facts: Facts, questions: list[Question], lang: Lang) -> Section:
    mask = facts.unit_codes == facts.units.index(unit)
    cases = int(pd.unique(facts.case_codes[mask]).size)
    alone = unit.basis == "all" and len(facts.units) > 1  # the events without a department, beside others
    title = LABELS[lang]["rest" if alone else unit.basis].format(name=unit.name)
    return Section(unit.name, unit.basis, title, int(mask.sum()), cases, tuple(questions))
