"""Turn a finding into one line of a proposed CRM requirement and how to accept it.

The consultant pastes these lines into the requirements spec: each says what the CRM must do
so that the deviation the data shows cannot happen unnoticed, and how the customer checks it at
acceptance («Согласован заказ» — обязательный этап перед «Выставлен счет»: CRM не позволяет
выполнить «Выставлен счет», пока не выполнен этот шаг). They are proposals to discuss, not
decisions: an undeclared step may be the description's gap rather than the staff's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from miner.comparison.wording import describe, requirement_lines
from miner.language import Lang, pick


__all__ = ("Requirement", "describe", "main_finding", "propose", "propose_deviation")


@dataclass(frozen=True)
class Requirement:
    """A proposed CRM requirement for one finding and its acceptance criterion."""

    finding: str
    requirement: str
    acceptance: str


def propose(finding: Any, declared: Any = None, lang: Lang = "ru") -> Requirement:
    """Return the proposed CRM requirement and acceptance criterion for ``finding``.

    Args:
        finding: a ``miner.comparison.findings.Finding`` (or anything with ``kind``, ``fields``, ``cases``,
            ``share``, ``examples``, ``summary``).
        declared: the ``DeclaredProcess`` it comes from (names the next declared steps).
        lang: ``"ru"`` or ``"en"``.

    Example:
        >>> from miner.comparison.findings import Finding
        >>> f = Finding("skipped_step", 109, 0.109, ("ЗК-001208",), "…", {"activity": "Согласован заказ"})
        >>> propose(f).requirement
        '«Согласован заказ» — обязательный этап: CRM не позволяет перейти к следующим шагам, пока он не выполнен.'
    """
    fields = dict(finding.fields)
    example = finding.examples[0] if finding.examples else None
    text = pick(lang, finding.summary, describe(finding.kind, fields, finding.cases, finding.share, "en"))
    requirement, acceptance = requirement_lines(finding.kind, fields, declared, example, lang)
    return Requirement(text, requirement, acceptance)


def main_finding(deviation: Any, findings: Any) -> Any:
    """Return the finding that names ``deviation``: the first of its findings of its ``kind``.

    Args:
        deviation: a ``miner.comparison.deviations.Deviation``.
        findings: the comparison's findings (with ids), in any iterable.
    """
    mine = [f for f in findings if f.id in deviation.findings]
    return next((f for f in mine if f.kind == deviation.kind), mine[0] if mine else None)


def propose_deviation(deviation: Any, findings: Any, declared: Any = None, lang: Lang = "ru") -> Requirement:
    """Return the proposed CRM requirement for a deviation: that of its main finding, titled by the deviation.

    Example:
        >>> r = propose_deviation(result.deviations[0], result.findings, declared)  # doctest: +SKIP
        >>> r.finding  # doctest: +SKIP
        'После «Создан заказ клиента» сразу переходят к «Выставлен счет», минуя «Согласован заказ»'
    """
    main = main_finding(deviation, findings)
    if main is None:
        return Requirement(deviation.title, *requirement_lines("other", {}, declared, None, lang))
    made = propose(main, declared, lang)
    name = pick(lang, deviation.title, getattr(deviation, "title_en", "") or made.finding)
    return Requirement(name, made.requirement, made.acceptance)


