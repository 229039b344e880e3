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

from miner import eventlog as E
from miner.errors import InputError
from miner.interview_facts import Facts, Unit
from miner.interview_texts import LABELS, QUESTIONS, case_words
from miner.ingestion import read_log

Lang = Literal["ru", "en"]
WORK_THEMES = ("work", "frequent", "rare", "inputs", "processing", "outputs", "approvals", "reports")
MAX_DATA_QUESTIONS = 8


@dataclass(frozen=True)
class Question:
    """One question with the data behind it.

    Attributes:
        theme: one of :data:`WORK_THEMES`, or ``data`` (what the log shows) or ``declared``
            (a finding of the comparison with a description).
        text: the question, primed with numbers.
        data: the data line printed under it.
        facts: the numbers used (counts, shares, seconds, activity names).
        examples: case ids to look up.
        key: identifies the topic, so one topic is asked once (``("rework", activity)``).
    """

    theme: str
    text: str
    data: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    key: tuple = ()


@dataclass(frozen=True)
class Section:
    """The questions for one head of department."""

    department: str
    basis: str
    title: str
    events: int
    cases: int
    questions: tuple[Question, ...]

    @property
    def work(self) -> tuple[Question, ...]:
        """The eight questions on how the work is done."""
        return tuple(x for x in self.questions if x.theme in WORK_THEMES)

    @property
    def deviations(self) -> tuple[Question, ...]:
        """The questions about what the data show."""
        return tuple(x for x in self.questions if x.theme not in WORK_THEMES)


@dataclass(frozen=True)
class InterviewGuide:
    """What :func:`interview` prepared: one :class:`Section` per department, and the files written."""

    sections: tuple[Section, ...]
    lang: Lang
    source: str
    cases: int
    events: int
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    declared: tuple[str, ...] = ()
    pseudonymized: bool = False
    paths: tuple[Path, ...] = ()

    def section(self, department: str) -> Section:
        """Return the section of ``department`` (its name as in the data).

        Raises:
            KeyError: no such section; the message lists the sections.
        """
        for s in self.sections:
            if s.department == department:
                return s
        raise KeyError(f"no section '{department}'; sections: {', '.join(s.department for s in self.sections)}")

    def to_markdown(self) -> str:
        """Return the guide as Markdown (what ``interview.md`` holds)."""
        from miner.interview_documents import render_markdown

        return render_markdown(self)

    def to_dict(self) -> dict[str, Any]:
        """Return the guide as JSON-ready data (questions, data lines, numbers)."""
        return {"source": self.source, "cases": self.cases, "events": self.events, "lang": self.lang,
                "declared": list(self.declared),
                "sections": [{"department": s.department, "basis": s.basis, "title": s.title,
                              "events": s.events, "cases": s.cases,
                              "questions": [{"theme": x.theme, "text": x.text, "data": x.data,
                                             "examples": list(x.examples),
                                             "facts": {k: v for k, v in x.facts.items()}}
                                            for x in s.questions]} for s in self.sections]}

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __repr__(self) -> str:
        parts = ", ".join(f"{s.department}: {len(s.questions)}" for s in self.sections)
        return f"InterviewGuide({len(self.sections)} sections — {parts}; files={len(self.paths)})"


def interview(source: Any, output: str | Path | None = None, *, declared: Any = None, lang: Lang = "ru",
              pseudonymize: bool = False, **read_options: Any) -> InterviewGuide:
    """Prepare the interview questions for each head of department, primed with the log's numbers.

    Args:
        source: a canonical DataFrame or file(s) ``miner.read_log`` reads.
        output: folder for ``interview.md`` and ``interview.docx`` (created); None writes nothing.
        declared: a declared-process file (YAML, Excel, BPMN) or a list of them; its findings
            (:func:`miner.compare`) become pointed questions to the departments concerned.
        lang: ``"ru"`` or ``"en"``.
        pseudonymize: replace employee names by stable codes («Сотрудник 01»).
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
    log = read_log(source, **read_options)
    if log.empty:
        raise InputError("the log has no events, so there is nothing to ask about; check which rows were "
                         "rejected with `miner ingest SOURCE -o log.parquet` (the .ingest.json beside the log)")
    if pseudonymize:
        from miner.pseudonymize import pseudonymize_log

        log, _ = pseudonymize_log(log, lang=lang)
    facts = Facts(log)
    files = pd.unique(log[E.FILE].dropna()) if E.FILE in log else []
    guide = InterviewGuide(_sections(facts, log, declared, lang), lang, ", ".join(str(f) for f in files),
                           facts.n_cases, len(log), pd.Timestamp(facts.time.min()), pd.Timestamp(facts.time.max()),
                           tuple(_declared_names(declared)), pseudonymize)
    if output is None:
        return guide
    from miner.interview_documents import write_docx, write_markdown

    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    paths = (write_markdown(guide, folder / "interview.md"), write_docx(guide, folder / "interview.docx"))
    return replace(guide, paths=paths)


def _sections(facts: Facts, log: pd.DataFrame, declared: Any, lang: Lang) -> tuple[Section, ...]:
    """The eight questions of each unit, then the deviation questions handed to their units."""
    # imported here: both modules import Question from this one
    from miner.interview_deviations import deviation_questions
    from miner.interview_questions import WorkQuestions

    starts = pd.Series(facts.activity[facts.first]).value_counts().to_dict()
    words = case_words(starts, facts.n_cases, lang)
    builder = WorkQuestions(facts, words, lang)
    questions: dict[Unit, list[Question]] = {u: builder.questions(u) for u in facts.unit_list}
    _attach(questions, deviation_questions(facts, words, lang, log, declared), facts.unit_list)
    return tuple(_section(u, facts, questions[u], lang) for u in facts.unit_list)


def _declared_names(declared: Any) -> list[str]:
    if declared is None:
        return []
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
