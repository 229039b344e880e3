"""Fitness of a declared process on a log, computed once per variant and weighted by its cases.

The declared process is a graph of steps whose workflow net is a state machine (one place after
each step, XOR choices, silent routing), so an optimal alignment of a trace with it is a shortest
path over (trace position, last step): :func:`alignment_costs` finds it by dynamic programming
over the graph's distances, exactly the cost pm4py's A* returns on that net (``tests/
test_conformance.py`` checks both on random graphs), in about a millisecond per variant instead
of ten. When the time budget runs out, fitness is computed by token replay instead (also per
variant), and the result says which.
"""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from miner.declared.model import END, START, DeclaredProcess

Method = Literal["alignments", "token-replay"]
MOVE_COST = 10000  # pm4py's cost of a log or model move on a visible transition


@dataclass(frozen=True)
class Fitness:
    """A fitness value (0..1) and how it was computed.

    Attributes:
        value: the log's fitness.
        method: ``"alignments"`` or ``"token-replay"`` (used when the alignments ran out of time).
        variants: how many variants were aligned or replayed.
        seconds: time spent.
    """

    value: float
    method: Method
    variants: int
    seconds: float


def fitness(declared: DeclaredProcess, sequences: Sequence[Sequence[str]], counts: Iterable[int], *,
            time_budget: float = 30.0) -> Fitness:
    """Return the fitness of ``declared`` on a log given as variants and their case counts.

    Alignment fitness is pm4py's log fitness, ``1 - Σ cost / Σ worst cost`` over cases, counting
    only log and model moves on visible transitions (silent routing moves are free), so a log the
    model replays perfectly gets exactly 1.0. Variants are aligned most frequent first; if
    ``time_budget`` seconds pass before all are done, token replay is used for the whole log.

    Args:
        declared: the declared process (steps named as the activities in ``sequences``).
        sequences: the distinct traces.
        counts: cases per trace.
        time_budget: seconds allowed for alignments.

    Example:
        >>> fitness(sales, [("A", "B")], [10]).value  # doctest: +SKIP
        1.0
    """
    counts = np.asarray(list(counts), dtype=np.int64)
    started = time.perf_counter()
    if len(sequences) == 0:
        return Fitness(1.0, "alignments", 0, 0.0)
    value = _alignment_fitness(declared, sequences, counts, started + time_budget)
    if value is not None:
        return Fitness(value, "alignments", len(sequences), time.perf_counter() - started)
    net, im, fm = declared.to_petri_net()
    value = _replay_fitness(net, im, fm, sequences, counts)
    return Fitness(value, "token-replay", len(sequences), time.perf_counter() - started)


def _trace(sequence: Sequence[str]):  # -> pm4py Trace
    from pm4py.objects.log.obj import Event, Trace

    return Trace([Event({"concept:name": a}) for a in sequence])


def _alignment_fitness(declared: DeclaredProcess, sequences: Sequence[Sequence[str]], counts: np.ndarray,
                       deadline: float) -> float | None:
    """Return ``1 - Σ cost / Σ worst cost`` over cases, or None when ``deadline`` passes first.

    The worst cost of a trace is all its events as log moves plus the shortest way through the model.
    """
    costs = alignment_costs(declared, sequences, deadline=deadline)
    if costs is None:
        return None
    model_path = alignment_costs(declared, [()])
    if model_path is None:
        return None
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
    worst = int((counts * (lengths + int(model_path[0]))).sum())
    return 1.0 - int((counts * costs).sum()) / worst if worst else 1.0


def alignment_costs(declared: DeclaredProcess, sequences: Sequence[Sequence[str]], *,
                    deadline: float = float("inf")) -> np.ndarray | None:
    """Return, per trace, the fewest log and model moves that align it with the declared graph.

    This is the cost of an optimal alignment on ``declared.to_petri_net()`` in pm4py's standard
    costs divided by ``MOVE_COST`` (silent routing is free). None when no path leads from START to
    END, or when ``deadline`` (a ``time.perf_counter`` value) passes first.

    Example:
        >>> alignment_costs(sales, [("Создан", "Закрыт")]).tolist()  # doctest: +SKIP
        [1]
    """
    nodes = [START, *declared.steps, END]
    index = {n: i for i, n in enumerate(nodes)}
    through = _detours(nodes, index, declared.edges)
    end = index[END]
    if not np.isfinite(through[index[START], end]):
        return None
    out = np.zeros(len(sequences), dtype=np.int64)
    for k, sequence in enumerate(sequences):
        if k % 256 == 0 and time.perf_counter() > deadline:
            return None
        best = np.full(len(nodes), np.inf)
        best[index[START]] = 0.0
        for activity in sequence:
            step = index.get(activity, end)
            moved = best + 1.0  # a log move: the event is skipped, the model stays
            if step != end:  # a synchronous move, after the model moves of the shortest detour
                moved[step] = min(moved[step], float((best + through[:, step]).min()))
            best = moved
        out[k] = int((best + through[:, end]).min())
    return out


def _detours(nodes: list[str], index: dict[str, int], edges: frozenset[tuple[str, str]]) -> np.ndarray:
    """Return ``D[u, v]``: the fewest visible steps between having done ``u`` and doing ``v`` (inf: never).

    That is, over ``u``'s successors ``w``, the shortest distance from ``w`` to ``v`` in edges.
    """
    after: list[list[int]] = [[] for _ in nodes]
    for a, b in edges:
        if a in index and b in index:
            after[index[a]].append(index[b])
    n = len(nodes)
    distance = np.full((n, n), np.inf)
    for source in range(n):  # breadth first from every node: the graphs hold tens of steps
        distance[source, source] = 0.0
        queue = deque([source])
        while queue:
            u = queue.popleft()
            for v in after[u]:
                if distance[source, v] == np.inf:
                    distance[source, v] = distance[source, u] + 1.0
                    queue.append(v)
    through = np.full((n, n), np.inf)
    for u in range(n):
        if after[u]:
            through[u] = distance[after[u]].min(axis=0)
    return through


def _replay_fitness(net, im, fm, sequences: Sequence[Sequence[str]], counts: np.ndarray) -> float:
    """Return token-replay fitness ``½(1 - missing/consumed) + ½(1 - remaining/produced)``."""
    from pm4py.algo.conformance.tokenreplay import algorithm as replay
    from pm4py.objects.log.obj import EventLog

    log = EventLog([_trace(s) for s in sequences])
    results = replay.apply(log, net, im, fm, parameters={"show_progress_bar": False})
    m = c = r = p = 0
    for n, res in zip(counts.tolist(), results):
        m += n * res["missing_tokens"]
        c += n * res["consumed_tokens"]
        r += n * res["remaining_tokens"]
        p += n * res["produced_tokens"]
    return 0.5 * (1 - m / c if c else 1.0) + 0.5 * (1 - r / p if p else 1.0)


def accepts(edges: frozenset[tuple[str, str]], sequence: Sequence[str]) -> bool:
    """Tell whether the declared graph accepts the whole trace (START → … → END along edges).

    Example:
        >>> accepts(frozenset({("START", "A"), ("A", "B"), ("B", "END")}), ["A", "B"])
        True
    """
    path = (START, *sequence, END)
    return all(pair in edges for pair in zip(path, path[1:]))
