"""The interview guide as data: questions, the section of each head of department, the guide.

:func:`miner.interviews.guide.interview` builds it; :mod:`miner.interviews.documents` writes it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from miner.language import Lang

WORK_THEMES = ("work", "frequent", "rare", "inputs", "processing", "outputs", "approvals", "reports")


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
    markdown: str = field(default="", repr=False)

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
        return self.markdown

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
