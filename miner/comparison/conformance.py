"""Fitness of a declared process on a log, computed once per variant and weighted by its cases.

Alignments (pm4py's A* on the declared workflow net) cost follows the number of variants, not of
events (PERFORMANCE.md), so each distinct trace is aligned once. When the time budget runs out,
fitness is computed by token replay instead (also per variant), and the result says which.
"""
from __future__ import annotations

import time
import warnings
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
    net, im, fm = declared.to_petri_net()
    with warnings.catch_warnings():  # pm4py's A* builds numpy.matrix objects: one warning per call
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        value = _alignment_fitness(net, im, fm, sequences, counts, started + time_budget)
    if value is not None:
        return Fitness(value, "alignments", len(sequences), time.perf_counter() - started)
    value = _replay_fitness(net, im, fm, sequences, counts)
    return Fitness(value, "token-replay", len(sequences), time.perf_counter() - started)


def _trace(sequence: Sequence[str]):  # -> pm4py Trace
    from pm4py.objects.log.obj import Event, Trace

    return Trace([Event({"concept:name": a}) for a in sequence])


def _alignment_fitness(net, im, fm, sequences: Sequence[Sequence[str]], counts: np.ndarray,
                       deadline: float) -> float | None:
    """Return the alignment fitness, or None when ``deadline`` passes first."""
    from pm4py.algo.conformance.alignments.petri_net.variants import state_equation_a_star as astar

    empty = astar.apply(_trace(()), net, im, fm)
    if empty is None:
        return None
    model_path = empty["cost"] // MOVE_COST  # visible steps on the shortest way through the model
    cost = worst = 0
    order = np.argsort(-counts, kind="stable")
    for index in order.tolist():
        if time.perf_counter() > deadline:
            return None
        seq = sequences[index]
        aligned = astar.apply(_trace(seq), net, im, fm)
        if aligned is None:
            return None
        cost += int(counts[index]) * (aligned["cost"] // MOVE_COST)
        worst += int(counts[index]) * (len(seq) + model_path)
    return 1.0 - cost / worst if worst else 1.0


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
