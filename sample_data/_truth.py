"""Compute the expected findings of a generated log against its declared process (the ground truth).

This is deliberately literal: it reads the final traces and counts the cases that have each
property, in the terms of CONTRACTS §4. It is the yardstick for ``miner.comparison.analysis``, not a
replacement for it (no alignments, no fitness).
"""
from __future__ import annotations

from collections import defaultdict
from statistics import median
from typing import Any

import pandas as pd

from miner.eventlog import ACTIVITY, CASE, GROUP, ROLE, TIMESTAMP
from sample_data._common import norm_hours, working_hours

START, END = "START", "END"
MAX_OTHER_SHARE = 0.05
OFF_SYSTEM = {"бумага", "телефон", "почта", "paper", "phone", "email"}

Key = tuple[str, ...]


def _fold(name: str) -> str:
    return name.strip().casefold()


def off_system_steps(declared: dict[str, Any]) -> set[str]:
    """Return the declared steps whose ``system`` the data cannot show (phone, paper, e-mail)."""
    return {s for s, spec in declared["steps"].items() if _fold(spec.get("system") or "") in OFF_SYSTEM}


def declared_edges(declared: dict[str, Any]) -> set[tuple[str, str]]:
    """Return the directly-follows pairs the description allows, bridging steps done outside the system."""
    edges = {(START, s) for s in declared["start"]} | {(e, END) for e in declared["end"]}
    for step, spec in declared["steps"].items():
        edges |= {(step, nxt) for nxt in spec.get("next", [])}
    for off in off_system_steps(declared):
        ins = {a for a, b in edges if b == off}
        outs = {b for a, b in edges if a == off}
        edges |= {(a, b) for a in ins for b in outs}
    return edges


def mandatory_steps(declared: dict[str, Any]) -> list[str]:
    """Return the steps that lie on every path from start to end of the description."""
    edges = declared_edges(declared)
    result = []
    for step in declared["steps"]:
        if step in off_system_steps(declared):
            continue
        seen, todo = {START}, [START]
        while todo:
            node = todo.pop()
            for a, b in edges:
                if a == node and b != step and b not in seen:
                    seen.add(b)
                    todo.append(b)
        if END not in seen:
            result.append(step)
    return result


def cyclic_steps(declared: dict[str, Any]) -> set[str]:
    """Return the steps on a cycle of the description: repeating them is declared, not rework."""
    edges = declared_edges(declared)
    out = set()
    for step in declared["steps"]:
        seen, todo = set(), [step]
        while todo:
            node = todo.pop()
            for a, b in edges:
                if a == node and b not in seen:
                    seen.add(b)
                    todo.append(b)
        if step in seen:
            out.add(step)
    return out


def canonical_names(declared: dict[str, Any]) -> dict[str, str]:
    """Map every folded step name and alias to the declared step name."""
    names = {}
    for step, spec in declared["steps"].items():
        names[_fold(step)] = step
        for alias in spec.get("aliases", []):
            names[_fold(alias)] = step
    return names


def _properties(log: pd.DataFrame, declared: dict[str, Any]) -> tuple[dict[Key, set[str]], dict[Key, list]]:
    """Collect, per finding key, the cases that show it; and per key extra values (durations, groups)."""
    names = canonical_names(declared)
    steps, edges = declared["steps"], declared_edges(declared)
    cyclic = cyclic_steps(declared)
    cases: dict[Key, set[str]] = defaultdict(set)
    extra: dict[Key, list] = defaultdict(list)
    for case, trace in log.groupby(CASE, sort=True):
        trace = trace.sort_values(TIMESTAMP, kind="stable")
        acts = [names.get(_fold(a), a) for a in trace[ACTIVITY]]
        for a in set(acts) - set(steps):
            cases[("undeclared_step", a)].add(case)
        for a, b in zip([START] + acts, acts + [END]):
            if (a, b) not in edges:
                cases[("undeclared_path", a, b)].add(case)
        for s in mandatory_steps(declared):
            if s not in acts:
                cases[("skipped_step", s)].add(case)
        for a in {a for a in acts if acts.count(a) > 1} - cyclic:
            cases[("rework", a)].add(case)
        times = list(trace[TIMESTAMP])
        for i, a in enumerate(acts):
            spec = steps.get(a, {})
            for attr, column in (("department", GROUP), ("role", ROLE)):
                want, got = spec.get(attr), trace[column].iloc[i]
                if want and pd.notna(got):
                    extra[("observed", a, attr)].append(got)
                    if _fold(got) != _fold(want):
                        cases[("role_mismatch", a, attr)].add(case)
            if spec.get("within") and i > 0:
                hours = working_hours(times[i - 1].to_pydatetime(), times[i].to_pydatetime())
                if hours > norm_hours(spec["within"]):
                    cases[("slow_step", a)].add(case)
                    extra[("slow_step", a)].append(hours)
    return cases, extra


def expected_findings(log: pd.DataFrame, declared: dict[str, Any], causes: dict[Key, str]) -> list[dict[str, Any]]:
    """Return every finding the log shows against ``declared``, each with the injection that caused it.

    Args:
        log: canonical log of the final traces.
        declared: the declared process as CONTRACTS §3 data.
        causes: finding key (``("undeclared_path", a, b)``, ``("rework", a)``...) -> injection name.

    Returns:
        Findings sorted by cases (then kind), each ``{"kind", <key fields>, "cases", "share",
        "case_ids", "injected"}``; ``injected`` is ``None`` for a finding no injection explains.

    Raises:
        RuntimeError: a finding no injection explains covers more than 5 % of the cases.
    """
    n_cases = log[CASE].nunique()
    cases, extra = _properties(log, declared)
    out = []
    for key, found in cases.items():
        kind = key[0]
        item: dict[str, Any] = {"kind": kind}
        if kind == "undeclared_path":
            item.update({"from": key[1], "to": key[2]})
        else:
            item["activity"] = key[1]
        if kind == "role_mismatch":
            seen = pd.Series(extra[("observed", key[1], key[2])]).value_counts(normalize=True)
            item.update({"attribute": key[2], "declared": declared["steps"][key[1]][key[2]],
                         "observed": {k: round(float(v), 4) for k, v in sorted(seen.items())}})
        if kind == "slow_step":
            item.update({"declared": declared["steps"][key[1]]["within"],
                         "median_hours": round(median(extra[key]), 1)})
        item.update({"cases": len(found), "share": round(len(found) / n_cases, 4),
                     "case_ids": sorted(found), "injected": causes.get(key)})
        out.append(item)
    stray = [f for f in out if f["injected"] is None and f["share"] > MAX_OTHER_SHARE]
    if stray:  # the design promises that normal variation stays inside the declared model
        raise RuntimeError(f"findings no injection explains exceed {MAX_OTHER_SHARE:.0%}: {stray}")
    return sorted(out, key=lambda f: (-f["cases"], f["kind"], str(f.get("activity", f.get("from")))))


def split_accepted(findings: list[dict[str, Any]], declared: dict[str, Any]) -> tuple[list, list]:
    """Split findings into (findings, accepted) by the description's ``accepted`` entries."""
    accepted_keys = set()
    for entry in declared.get("accepted", []):
        accepted_keys.add(("step", entry["step"]) if "step" in entry else ("path", entry["from"], entry["to"]))
    keep, accepted = [], []
    for f in findings:
        key = ("path", f["from"], f["to"]) if "from" in f else ("step", f["activity"])
        (accepted if key in accepted_keys and f["kind"] != "rework" else keep).append(f)
    return keep, accepted
