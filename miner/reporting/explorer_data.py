"""The data an explorer embeds: one compact JSON of the cases' variants, and the deviations.

Every list the explorer shows (the cases of a path, of an activity, of a variant, of a
deviation, in a period) is computed in the browser from one table of variants: per variant the
sequence of activity indexes, its case ids, and each case's first and last day. A path's cases
are then "the cases of the variants whose sequence has the pair", so nothing is stored per path
and the file grows with the number of cases (about 20 bytes a case), not with the paths shown.

Deviations follow CONTRACTS.md §5 (``deviations`` with their ``findings`` F-ids); where a
findings.json has no ``deviations`` yet, :func:`deviations_of` makes one deviation per finding.
A finding's cases are recomputed in the browser from the variants by a rule of its kind (a path,
an activity present, missing or repeated); the rule is kept only when, checked here in Python,
it gives exactly the finding's count, otherwise the deviation lists the finding's examples.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from miner.discovery.dfg import CodedLog, Variants, variants

DAY_NS = 86_400 * 10**9
PATH_KINDS = ("undeclared_path", "unobserved_path")
# kind -> rule on a variant's sequence: "has" the activity, "lacks" it, "repeat" (twice or more)
STEP_RULES = {"undeclared_step": "has", "skipped_step": "lacks", "unobserved_step": "lacks", "rework": "repeat"}


def variant_table(coded: CodedLog, found: Variants | None = None) -> dict[str, Any]:
    """Return the compact variants table of a coded log (the ``a``, ``d0`` and ``v`` keys).

    ``a`` lists the activities; ``d0`` is the first day (days since 1970-01-01) of the log; ``v``
    holds per variant, most frequent first, ``[sequence, case ids, first days, spans]`` where a
    case's first day is counted from ``d0`` and its span is last day minus first day.

    Example:
        >>> table = variant_table(encode(log))  # doctest: +SKIP
        >>> table["v"][0][0], len(table["v"][0][1])  # doctest: +SKIP
        ([0, 1, 2], 412)
    """
    found = found if found is not None else variants(coded)
    if coded.n_cases == 0:
        return {"a": list(coded.activities), "d0": 0, "v": []}
    index = {name: i for i, name in enumerate(coded.activities)}
    days = coded.timestamps.view(np.int64) // DAY_NS
    first = days[coded.case_bounds[:-1]]
    last = days[coded.case_bounds[1:] - 1]
    d0 = int(first.min())
    order = np.argsort(found.case_variant, kind="stable")
    cuts = np.cumsum(found.counts)[:-1]
    rows = []
    for v, cases in enumerate(np.split(order, cuts)):
        rows.append([[index[a] for a in found.sequences[v]], [str(c) for c in coded.case_ids[cases].tolist()],
                     (first[cases] - d0).tolist(), (last[cases] - first[cases]).tolist()])
    return {"a": list(coded.activities), "d0": d0, "v": rows}


def deviations_of(findings_json: Mapping[str, Any], process: str | None = None) -> list[dict[str, Any]]:
    """Return the deviations of a findings.json with their findings, one per finding where absent.

    The adapter between CONTRACTS.md §5 and older files: with a ``deviations`` key each deviation
    gets the finding dicts its ``findings`` ids name; without it every finding becomes a
    deviation of its own (id and title from the finding). Findings without ``id`` are numbered
    ``F1``, ``F2``… in file order. With ``process`` only findings of that process (or of none)
    are kept.

    Example:
        >>> deviations_of({"findings": [{"kind": "rework", "activity": "A", "cases": 3,
        ...                              "share": 0.3, "examples": ["1"], "summary": "Повтор"}]})[0]["id"]
        'F1'
    """
    findings = {}
    for i, item in enumerate(findings_json.get("findings", [])):
        if process is None or item.get("process") in (None, process):
            findings[str(item.get("id") or f"F{i + 1}")] = dict(item)
    given = findings_json.get("deviations")
    if not given:
        return [{"id": fid, "title": f.get("summary") or f.get("kind", ""), "cases": int(f.get("cases", 0)),
                 "share": float(f.get("share", 0.0)), "examples": list(f.get("examples", [])), "findings": [f]}
                for fid, f in findings.items()]
    out = []
    for d in given:
        mine = [findings[str(fid)] for fid in d.get("findings", []) if str(fid) in findings]
        if mine:
            out.append({**d, "id": str(d.get("id", "")), "title": d.get("title") or d.get("summary", ""),
                        "findings": mine})
    return out


def deviation_entries(deviations: Iterable[Mapping[str, Any]], coded: CodedLog,
                      found: Variants | None = None) -> list[dict[str, Any]]:
    """Return the deviations as the explorer embeds them: rules, paths and activities to light up.

    Each entry has ``id``, ``title``, ``cases``, ``share``, ``rules`` (``["path", from, to]``,
    ``["has"|"lacks"|"repeat", activity]``), ``exact`` (every finding's cases follow from the
    rules), ``ex`` (examples of the findings without an exact rule), ``paths`` and ``acts``.
    """
    table = found if found is not None else variants(coded)
    seqs, counts = table.sequences, table.counts.tolist()
    out = []
    for d in deviations:
        rules: list[list[str]] = []
        examples: list[str] = []
        paths: list[list[str]] = []
        acts: list[str] = []
        for f in d["findings"]:
            rule, path, act = _rule(f)
            if path:
                paths.append(path)
            if act:
                acts.append(act)
            if rule and _count(rule, seqs, counts) == int(f.get("cases", -1)):
                rules.append(rule)
            else:
                examples += [str(e) for e in f.get("examples", [])]
        out.append({"id": d["id"], "title": str(d.get("title", "")), "cases": int(d.get("cases", 0)),
                    "share": float(d.get("share", 0.0)), "rules": rules, "exact": not examples,
                    "ex": list(dict.fromkeys(examples)), "paths": paths, "acts": sorted(set(acts))})
    return out


def _rule(finding: Mapping[str, Any]) -> tuple[list[str] | None, list[str] | None, str | None]:
    """Return (rule, path to light up, activity to light up) of one finding."""
    kind = finding.get("kind")
    if kind in PATH_KINDS and "from" in finding and "to" in finding:
        path = [str(finding["from"]), str(finding["to"])]
        return ["path", *path], path, None
    activity = finding.get("activity")
    if activity is None:
        return None, None, None
    rule = STEP_RULES.get(str(kind))
    return ([rule, str(activity)] if rule else None), None, str(activity)


def matches(rule: Sequence[str], sequence: Sequence[str]) -> bool:
    """Tell whether a variant's activity sequence shows a rule (as the browser decides it).

    Example:
        >>> matches(["path", "START", "A"], ("A", "B")), matches(["repeat", "B"], ("A", "B"))
        (True, False)
    """
    kind = rule[0]
    if kind == "path":
        a, b = rule[1], rule[2]
        walk = ("START", *sequence, "END")
        return any(x == a and y == b for x, y in zip(walk, walk[1:]))
    if kind == "has":
        return rule[1] in sequence
    if kind == "lacks":
        return rule[1] not in sequence
    if kind == "repeat":
        return sequence.count(rule[1]) >= 2
    return False


def _count(rule: Sequence[str], seqs: Sequence[Sequence[str]], counts: Sequence[int]) -> int:
    return sum(c for s, c in zip(seqs, counts) if matches(rule, s))


def to_script(data: Any) -> str:
    """Return ``data`` as JSON safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` etc., so no value (an activity called
    ``</script><img onerror=…>``) can end the script element or become markup; the line and
    paragraph separators are escaped too.

    Example:
        >>> to_script({"a": ["</script>"]})
        '{"a":["\\\\u003c/script\\\\u003e"]}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                       ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text
