"""The declared process: what a head of department says happens (CONTRACTS.md §3).

The model alone: :func:`miner.declared.reading.read_declared` reads a YAML description, an Excel
interview sheet or a BPMN 2.0 diagram (:mod:`miner.declared.formats`) into a
:class:`DeclaredProcess` and validates it (:mod:`miner.declared.checks`), reporting every problem
with its line, cell or BPMN element.

The declared graph is a directly-follows graph of steps: ``next`` lists what may directly follow
a step; ``START`` and ``END`` are the artificial source and sink (``edges`` holds
``("START", first)`` and ``(last, "END")`` too).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from miner.declared.matching import normalize

START = "START"
END = "END"
# Systems the data cannot show: a step recorded there is "outside the system", not a deviation.
OFFLINE_SYSTEMS = frozenset({"бумага", "бумажный", "телефон", "звонок", "почта", "эл. почта",
                             "электронная почта", "email", "e-mail", "mail", "paper", "phone",
                             "устно", "мессенджер", "whatsapp", "telegram"})

_DURATION_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\d\s.,]+)")
_UNITS = {"m": "m", "min": "m", "мин": "m", "м": "m", "h": "h", "ч": "h", "час": "h", "часа": "h",
          "часов": "h", "d": "d", "д": "d", "дн": "d", "день": "d", "дня": "d", "дней": "d",
          "day": "d", "days": "d"}


@dataclass(frozen=True)
class Limit:
    """A declared duration limit: ``text`` as written, split into minutes and (working) days.

    Example:
        >>> parse_limit("1д 4ч")
        Limit(text='1д 4ч', minutes=240.0, days=1.0)
    """

    text: str
    minutes: float = 0.0
    days: float = 0.0

    def seconds(self, day_seconds: float = 86400) -> float:
        """Return the limit in seconds, a day counting ``day_seconds`` (a working day)."""
        return self.minutes * 60 + self.days * day_seconds


@dataclass(frozen=True)
class Step:
    """One declared step; ``next`` lists the steps that may directly follow it."""

    name: str
    next: tuple[str, ...] = ()
    role: str | None = None
    department: str | None = None
    system: str | None = None
    within: Limit | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Accepted:
    """A deviation the consultant agreed is fine: a step, or a path ``source -> target``."""

    step: str | None = None
    source: str | None = None
    target: str | None = None

    def to_dict(self) -> dict[str, str]:
        if self.step is not None:
            return {"step": self.step}
        return {"from": str(self.source), "to": str(self.target)}


@dataclass(frozen=True)
class DeclaredProcess:
    """A validated declared process.

    Attributes:
        process: its name; department, described_by: who owns and who described it.
        steps: step name -> :class:`Step`, in the order written.
        start, end: steps where cases begin and may finish.
        accepted: agreed deviations, reported apart from findings.
        file: where it was read from (for messages).
    """

    process: str
    steps: dict[str, Step]
    start: tuple[str, ...]
    end: tuple[str, ...]
    department: str | None = None
    described_by: str | None = None
    accepted: tuple[Accepted, ...] = ()
    file: str = ""

    @cached_property
    def edges(self) -> frozenset[tuple[str, str]]:
        """All declared ``(from, to)`` pairs, with ``START``/``END`` for the artificial ends."""
        pairs = {(START, s) for s in self.start} | {(e, END) for e in self.end}
        pairs |= {(s.name, n) for s in self.steps.values() for n in s.next}
        return frozenset(pairs)

    @cached_property
    def outside_system_steps(self) -> tuple[str, ...]:
        """Steps whose ``system`` is one the data cannot show (paper, phone, e-mail)."""
        return tuple(s.name for s in self.steps.values()
                     if s.system is not None and normalize(s.system) in OFFLINE_SYSTEMS)

    def graph(self) -> Any:
        """Return the declared graph as a ``networkx.DiGraph`` including ``START`` and ``END``."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from([START, *self.steps, END])
        graph.add_edges_from(self.edges)
        return graph

    def mandatory_steps(self) -> tuple[str, ...]:
        """Return the steps on every path from START to END (the dominators of END)."""
        import networkx as nx

        idom = nx.immediate_dominators(self.graph(), START)
        chain, node = [], END
        while node in idom and idom[node] != node:
            node = idom[node]
            chain.append(node)
        return tuple(n for n in self.steps if n in chain)

    def without(self, names: Iterable[str], *, keep: bool = False) -> DeclaredProcess:
        """Return the process with ``names`` bypassed: their predecessors may go to their successors.

        Steps done outside the system: ``A -> Звонок клиенту -> B`` also allows ``A -> B``; with
        ``keep=False`` the steps are removed, with ``keep=True`` they stay as an option.
        """
        drop = set(names) & set(self.steps)
        if not drop:
            return self
        edges = set(self.edges)
        for name in drop:
            preds = {a for a, b in edges if b == name and a != name}
            succs = {b for a, b in edges if a == name and b != name}
            edges |= {(a, b) for a in preds for b in succs}
            if not keep:
                edges = {(a, b) for a, b in edges if name not in (a, b)}
        gone = set() if keep else drop
        steps = {n: replace(s, next=tuple(b for a, b in sorted(edges) if a == n and b != END))
                 for n, s in self.steps.items() if n not in gone}
        out = replace(self, steps=steps,
                      start=tuple(b for a, b in sorted(edges) if a == START),
                      end=tuple(a for a, b in sorted(edges) if b == END))
        return out

    def to_petri_net(self) -> tuple[Any, Any, Any]:
        """Return ``(net, initial_marking, final_marking)``: the declared graph as a workflow net.

        One visible transition per step; a place after each step holds the token while one of
        its ``next`` steps is chosen (an XOR split). A step with several predecessors gets its
        own input place fed by silent transitions, one per incoming edge; ``START`` is the source
        place and ``END`` the sink, reached by silent transitions from the ``end`` steps.

        Example:
            >>> net, im, fm = read_declared("sales.yaml").to_petri_net()  # doctest: +SKIP
        """
        from pm4py.objects.petri_net.obj import Marking, PetriNet
        from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

        net = PetriNet(self.process)
        after = {START: PetriNet.Place(START), END: PetriNet.Place(END)}
        for name in self.steps:
            after[name] = PetriNet.Place(f"после: {name}")
        net.places.update(after.values())
        incoming: dict[str, list[str]] = {n: [] for n in [*self.steps, END]}
        for a, b in sorted(self.edges):
            incoming[b].append(a)
        for number, name in enumerate(self.steps):
            visible = PetriNet.Transition(f"t{number}", name)
            net.transitions.add(visible)
            add_arc_from_to(visible, after[name], net)
            preds = incoming[name]
            if len(preds) == 1:
                add_arc_from_to(after[preds[0]], visible, net)
                continue
            before = PetriNet.Place(f"до: {name}")
            net.places.add(before)
            add_arc_from_to(before, visible, net)
            for pred in preds:
                _silent(net, after[pred], before, f"{pred} -> {name}")
        for pred in incoming[END]:
            _silent(net, after[pred], after[END], f"{pred} -> {END}")
        return net, Marking({after[START]: 1}), Marking({after[END]: 1})

    def to_dict(self) -> dict[str, Any]:
        """Return the description in the YAML form of CONTRACTS.md §3."""
        steps = {}
        for s in self.steps.values():
            body: dict[str, Any] = {"next": list(s.next)} if s.next else {}
            for key in ("role", "department", "system"):
                if getattr(s, key):
                    body[key] = getattr(s, key)
            if s.within:
                body["within"] = s.within.text
            if s.aliases:
                body["aliases"] = list(s.aliases)
            steps[s.name] = body
        out: dict[str, Any] = {"process": self.process}
        out.update({k: v for k, v in (("department", self.department),
                                      ("described_by", self.described_by)) if v})
        out.update(start=list(self.start), end=list(self.end), steps=steps)
        if self.accepted:
            out["accepted"] = [a.to_dict() for a in self.accepted]
        return out


def _silent(net: Any, source: Any, target: Any, name: str) -> None:
    """Add a silent transition ``source -> target`` to ``net``."""
    from pm4py.objects.petri_net.obj import PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    tau = PetriNet.Transition(f"tau: {name}", None)
    net.transitions.add(tau)
    add_arc_from_to(source, tau, net)
    add_arc_from_to(tau, target, net)


def parse_limit(value: object) -> Limit:
    """Parse a duration such as ``30m``, ``4h``, ``2d``, ``4ч``, ``2д``, ``30мин``, ``1d 4h``.

    Raises:
        ValueError: not a positive amount with a unit of minutes, hours or days.
    """
    text = str(value).strip()
    parts = _DURATION_PART.findall(text.lower())
    if not parts or _DURATION_PART.sub("", text.lower()).strip():
        raise ValueError(text)
    minutes = days = 0.0
    for amount, unit in parts:
        kind = _UNITS.get(unit)
        if kind is None:
            raise ValueError(text)
        number = float(amount.replace(",", "."))
        if kind == "d":
            days += number
        else:
            minutes += number * (60 if kind == "h" else 1)
    if minutes + days <= 0:
        raise ValueError(text)
    return Limit(text, minutes, days)
