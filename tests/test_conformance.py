"""The declared graph's alignment costs against pm4py's A* on the same workflow net, on random graphs."""
from __future__ import annotations

import random
import warnings

import numpy as np
import pytest

from miner.comparison.conformance import MOVE_COST, alignment_costs, fitness
from miner.declared.model import DeclaredProcess, Step


def random_process(rng: random.Random, n_steps: int) -> DeclaredProcess:
    """A declared graph with choices, loops, self-loops, skips and unreachable steps."""
    names = [f"Шаг {i}" for i in range(n_steps)]
    steps = {}
    for i, name in enumerate(names):
        pool = names[i + 1:] if rng.random() < 0.8 else names  # mostly forward, sometimes back
        k = rng.choice((0, 1, 1, 2, 3))
        nxt = tuple(sorted(set(rng.sample(pool, min(k, len(pool)))))) if pool else ()
        if rng.random() < 0.1:
            nxt = tuple(sorted(set(nxt) | {name}))  # a step that may repeat
        steps[name] = Step(name=name, next=nxt)
    start = tuple(sorted(set(rng.sample(names, rng.choice((1, 1, 2))))))
    end = tuple(sorted(set(rng.sample(names, rng.choice((1, 2))))))
    return DeclaredProcess("Случайный", steps, start, end)


def random_trace(rng: random.Random, process: DeclaredProcess) -> tuple[str, ...]:
    """A walk through the graph, then noise: steps dropped, swapped, repeated, unknown steps added."""
    names = list(process.steps)
    walk, at = [], rng.choice(process.start)
    for _ in range(rng.randint(0, 9)):
        walk.append(at)
        nxt = process.steps[at].next
        if not nxt:
            break
        at = rng.choice(nxt)
    for _ in range(rng.randint(0, 3)):
        kind = rng.random()
        if kind < 0.3 and walk:
            walk.pop(rng.randrange(len(walk)))
        elif kind < 0.6:
            walk.insert(rng.randint(0, len(walk)), rng.choice(names))
        elif kind < 0.8:
            walk.insert(rng.randint(0, len(walk)), "Чужой шаг")
        elif len(walk) > 1:
            i = rng.randrange(len(walk) - 1)
            walk[i], walk[i + 1] = walk[i + 1], walk[i]
    return tuple(walk)


def pm4py_costs(process: DeclaredProcess, traces: list[tuple[str, ...]]) -> list[int | None]:
    from pm4py.algo.conformance.alignments.petri_net.variants import state_equation_a_star as astar
    from pm4py.objects.log.obj import Event, Trace

    net, im, fm = process.to_petri_net()
    out: list[int | None] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for trace in traces:
            aligned = astar.apply(Trace([Event({"concept:name": a}) for a in trace]), net, im, fm)
            out.append(None if aligned is None else aligned["cost"] // MOVE_COST)
    return out


@pytest.mark.parametrize("seed", range(30))
def test_alignment_costs_equal_pm4py_a_star(seed: int) -> None:
    rng = random.Random(seed)
    process = random_process(rng, rng.randint(2, 9))
    traces = [random_trace(rng, process) for _ in range(15)] + [()]
    ours = alignment_costs(process, traces)
    theirs = pm4py_costs(process, traces)
    if ours is None:  # no way from START to END: pm4py finds no alignment either
        assert all(c is None for c in theirs)
    else:
        assert ours.tolist() == theirs


def test_fitness_weighs_each_variant_by_its_cases() -> None:
    process = DeclaredProcess("П", {"А": Step(name="А", next=("Б",)), "Б": Step(name="Б")}, ("А",), ("Б",))
    # («А», «Б») fits; («А») misses «Б» (cost 1, worst 1 + 2); («В») is one log move and two model moves
    result = fitness(process, [("А", "Б"), ("А",), ("В",)], [6, 3, 1])
    assert result.method == "alignments"
    assert result.value == pytest.approx(1 - (3 * 1 + 1 * 3) / (6 * 4 + 3 * 3 + 1 * 3))
    assert np.isclose(fitness(process, [("А", "Б")], [5]).value, 1.0)
