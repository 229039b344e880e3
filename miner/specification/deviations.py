"""Read the deviations of a comparison (findings.json, CONTRACTS.md §5) for the spec.

Findings.json groups findings into deviations (one cause each) in ``deviations``, each finding
carrying its ``id``. A comparison made before that grouping existed has findings only: then each
finding stands for its own deviation (``D<n>`` for finding ``F<n>``), so the spec still gets one
requirement per cause the data shows. :func:`deviations_of` is the only place that knows this.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def deviations_of(findings_json: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Return the deviations of findings.json and its findings by id.

    Args:
        findings_json: ``Comparison.to_dict()`` or a loaded findings.json.

    Returns:
        ``(deviations, findings)``: deviations as CONTRACTS.md §5 (``id``, ``title``, ``findings``,
        ``cases``, ``share``, ``examples``, ``time_lost_hours``, ``drivers``, ``summary``), most
        important first; findings by their ``id`` (``F1``...).

    Example:
        >>> devs, found = deviations_of({"findings": [{"kind": "rework", "activity": "A", "cases": 3,
        ...     "share": 0.3, "examples": ["1"], "summary": "«A» повторяется."}]})
        >>> devs[0]["id"], devs[0]["findings"], found["F1"]["kind"]
        ('D1', ['F1'], 'rework')
    """
    findings = [dict(f) for f in findings_json.get("findings", [])]
    for position, finding in enumerate(findings, start=1):
        finding.setdefault("id", f"F{position}")
    by_id = {str(f["id"]): f for f in findings}
    if findings_json.get("deviations") is not None:
        return [dict(d) for d in findings_json["deviations"]], by_id
    deviations = []
    for finding in findings:
        number = str(finding["id"])[1:]
        deviations.append({"id": f"D{number}", "title": finding.get("summary", ""), "findings": [finding["id"]],
                           "cases": finding.get("cases", 0), "share": finding.get("share", 0.0),
                           "examples": list(finding.get("examples", [])),
                           "time_lost_hours": finding.get("time_lost_hours", 0.0), "drivers": [],
                           "summary": finding.get("summary", "")})
        finding.setdefault("deviation", f"D{number}")
    return deviations, by_id
