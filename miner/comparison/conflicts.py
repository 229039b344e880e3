"""Where two declared processes contradict each other, and which one the data supports.

Descriptions overlap when their steps match the same log activities. For each overlapping pair
of activities, a description orders them when one is reachable from the other in its graph and
not the reverse; two descriptions conflict when they order a pair oppositely (the head of sales
says payment comes before shipment, the warehouse says the opposite). The data's verdict is the
share of cases with both activities in which the first occurrence of each comes first. For the
same activity, different ``role``/``department`` (share of events with each value) and different
``within`` (share of occurrences inside each limit) are conflicts too.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from miner.declared.model import DeclaredProcess
from miner.discovery.dfg import variants
from miner.declared.matching import normalize
from miner.units import format_count, format_share


@dataclass(frozen=True)
class Conflict:
    """Two descriptions that disagree, and the data's verdict.

    Attributes:
        kind: ``"order"``, ``"role"``, ``"department"`` or ``"within"``.
        activities: the log activities concerned (two for an order, one otherwise).
        claims: process -> what it says.
        support: process -> share of the data (cases for an order, events otherwise) that agrees.
        basis: how many cases (order) or events the shares are taken over.
        summary: one sentence in Russian.
    """

    kind: str
    activities: tuple[str, ...]
    claims: dict[str, str]
    support: dict[str, float]
    basis: int
    summary: str = field(default="")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "activities": list(self.activities), "claims": dict(self.claims),
                "support": {k: round(v, 4) for k, v in self.support.items()}, "basis": self.basis,
                "summary": self.summary}


def find_conflicts(parts: Sequence[Any], context: Any) -> list[Conflict]:
    """Return the conflicts between every pair of compared descriptions.

    Args:
        parts: ``miner.comparison.parts.Part`` objects (their ``declared``, ``effective``, ``matching``).
        context: the comparison context (the coded log with the log's own activity names,
            role/department columns, working-time waits).
    """
    found = context.found if context.found is not None else variants(context.coded)
    firsts = [{a: i for i, a in reversed(list(enumerate(seq)))} for seq in found.sequences]
    out: list[Conflict] = []
    for left, right in combinations(parts, 2):
        common = sorted(set(left.matching.activities) & set(right.matching.activities))
        out += _order_conflicts(left, right, common, firsts, found.counts)
        out += _attribute_conflicts(left, right, common, context)
    return out


def _who(part: Any) -> str:
    """Name a description in a sentence: its department if given, else its process."""
    return part.declared.department or part.declared.process


def _ranks(declared: DeclaredProcess) -> dict[str, set[str]]:
    """Return step -> steps reachable from it in the declared graph."""
    import networkx as nx

    graph = declared.graph()
    return {s: nx.descendants(graph, s) for s in declared.steps}


def _order(reach: dict[str, set[str]], a: str, b: str) -> int:
    """Return +1 when ``a`` comes before ``b``, -1 for after, 0 when unordered or unknown."""
    ab, ba = b in reach.get(a, ()), a in reach.get(b, ())
    return int(ab and not ba) - int(ba and not ab)


def _order_conflicts(left: Any, right: Any, common: list[str], firsts: list[dict[str, int]],
                     counts: np.ndarray) -> list[Conflict]:
    """Return the pairs of activities the two descriptions order oppositely."""
    reach_l, reach_r = _ranks(left.effective), _ranks(right.effective)
    step_l, step_r = left.matching.activities, right.matching.activities
    out = []
    for x, y in combinations(common, 2):
        o_l = _order(reach_l, step_l[x], step_l[y])
        o_r = _order(reach_r, step_r[x], step_r[y])
        if o_l * o_r != -1:
            continue
        both = x_first = 0
        for first, n in zip(firsts, counts.tolist()):
            if x in first and y in first:
                both += n
                x_first += n * (first[x] < first[y])
        if o_l < 0:
            x, y, x_first = y, x, both - x_first
        share_l = x_first / both if both else 0.0
        share_r = 1 - share_l if both else 0.0
        summary = (f"{_who(left)}: «{x}» раньше «{y}», {_who(right)}: наоборот; по данным "
                   + (f"из {format_count(both)} случаев с обоими шагами {format_share(share_l)} — "
                      f"как говорит {_who(left)}, {format_share(share_r)} — как {_who(right)}."
                      if both else "ни в одном случае нет обоих шагов."))
        out.append(Conflict("order", (x, y),
                            {left.declared.process: f"{x} → {y}", right.declared.process: f"{y} → {x}"},
                            {left.declared.process: share_l, right.declared.process: share_r},
                            both, summary))
    return out


def _attribute_conflicts(left: Any, right: Any, common: list[str], context: Any) -> list[Conflict]:
    """Return activities whose role, department or ``within`` the descriptions give differently."""
    codes = {a: i for i, a in enumerate(context.coded.activities)}
    out = []
    for x in common:
        a = left.declared.steps[left.matching.activities[x]]
        b = right.declared.steps[right.matching.activities[x]]
        events = context.coded.codes == codes[x]
        for attribute in ("role", "department"):
            va, vb = getattr(a, attribute), getattr(b, attribute)
            if not va or not vb or normalize(va) == normalize(vb):
                continue
            column = context.column(attribute, {va, vb})
            if column is None:
                continue
            values, names = column
            mine = events & (values >= 0)
            normal = np.array([normalize(n) for n in names], dtype=object)
            seen = normal[values[mine]] if mine.any() else np.array([], dtype=object)
            basis = int(seen.size)
            share_a = float((seen == normalize(va)).mean()) if basis else 0.0
            share_b = float((seen == normalize(vb)).mean()) if basis else 0.0
            word = "роль" if attribute == "role" else "подразделение"
            summary = (f"«{x}»: {_who(left)} называет {word} «{va}», {_who(right)} — «{vb}»; "
                       f"в данных {format_share(share_a)} и {format_share(share_b)} событий.")
            out.append(Conflict(attribute, (x,), {left.declared.process: va, right.declared.process: vb},
                                {left.declared.process: share_a, right.declared.process: share_b},
                                basis, summary))
        if a.within and b.within:
            day = context.calendar.day_seconds
            la, lb = a.within.seconds(day), b.within.seconds(day)
            if la == lb:
                continue
            waits = context.waits()[events]
            waits = waits[~np.isnan(waits)]
            basis = int(waits.size)
            share_a = float((waits <= la).mean()) if basis else 0.0
            share_b = float((waits <= lb).mean()) if basis else 0.0
            summary = (f"«{x}»: {_who(left)} даёт норматив {a.within.text}, {_who(right)} — "
                       f"{b.within.text}; в данных укладываются {format_share(share_a)} и "
                       f"{format_share(share_b)} случаев выполнения.")
            out.append(Conflict("within", (x,), {left.declared.process: a.within.text,
                                                 right.declared.process: b.within.text},
                                {left.declared.process: share_a, right.declared.process: share_b},
                                basis, summary))
    return out
