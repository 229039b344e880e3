"""How repeatable the work is: prefix-automaton sequence entropy and the facts that support it.

The structuredness measure is the normalised *sequence entropy* of the extended prefix automaton
(Augusto, Mendling, Vidgof, Wurm, "The connection between process complexity of event sequences
and models discovered by process mining", Information Sciences 2022). The traces are merged into a
prefix tree; every event sits on the node of its prefix. The nodes are cut into *partitions*: a
new partition starts wherever the tree branches (the first child seen keeps its parent's
partition, every later child opens a new one). With ``n`` events in all and ``e_i`` in partition
``i``::

    entropy = (n ln n - Σ e_i ln e_i) / (n ln n)

0 when every case follows one path; near 1 when every case goes its own way from the first step.
Where the tree branches, the child most cases pass through keeps the partition (the authors let
the child that arrives first keep it; see :func:`prefix_partitions` for why we do not).

Measures are computed on *business* steps: a 1C journal's platform events (sessions, transactions,
background jobs, infobase and user administration, access) are dropped by :func:`business_mask`,
and a step repeated at once (a document saved three times) counts once.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from miner import eventlog as E

# Prefixes of the 1C journal's platform events: the internal id (column onec:event) and the
# presentation a journal's activity carries when the platform event itself became an event.
TECHNICAL_EVENT_IDS = ("_$Session$_.", "_$Transaction$_.", "_$Job$_.", "_$InfoBase$_.", "_$User$_.",
                       "_$Access$_.", "_$PerformError$_", "_$Data$_.TotalsPeriodUpdate")
TECHNICAL_TITLES = ("сеанс.", "транзакция.", "фоновое задание.", "информационная база.", "пользователи.",
                    "доступ.", "ошибка выполнения", "данные. изменение периода рассчитанных итогов")
ONEC_EVENT = "onec:event"
BOOTSTRAP_SAMPLES = 200
# The entropy falls slowly as a structured sample grows (≈ 1/ln n for a fixed set of paths), so a
# department of 5 000 cases would look more repeatable than the same work seen 300 times. The
# verdict's value is therefore taken at a reference size: the median over random subsamples of
# REFERENCE_CASES cases (all cases when there are fewer).
REFERENCE_CASES = 300
SUBSAMPLES = 25


def business_mask(frame: pd.DataFrame) -> np.ndarray:
    """Return a boolean mask of the events that are business steps (not 1C platform events).

    Example:
        >>> f = pd.DataFrame({"concept:name": ["Сеанс. Начало", "Заказ клиента: проведен"]})
        >>> business_mask(f).tolist()
        [False, True]
    """
    technical = _starts_with(frame[E.ACTIVITY], TECHNICAL_TITLES, fold=True)
    if ONEC_EVENT in frame.columns:
        technical |= _starts_with(frame[ONEC_EVENT], TECHNICAL_EVENT_IDS, fold=False)
    return ~technical


def _starts_with(column: pd.Series, prefixes: tuple[str, ...], *, fold: bool) -> np.ndarray:
    """Tell for each value whether it starts with one of ``prefixes`` (checked once per distinct value)."""
    codes, uniques = pd.factorize(column)
    names = pd.Series(uniques, dtype="str").fillna("")
    if fold:
        names = names.str.casefold().str.replace(r"\s+", " ", regex=True)
    hit = np.append(names.str.startswith(prefixes).to_numpy(dtype=bool), False)  # code -1 (missing): not a hit
    return hit[codes]


@dataclass(frozen=True)
class Structure:
    """How repeatable a set of cases is.

    Attributes:
        cases: cases measured; events: their business steps (repeats collapsed).
        sequence_entropy: normalised prefix-automaton sequence entropy (0..1) at the reference size:
            the median over subsamples of :data:`REFERENCE_CASES` cases, or on all cases when fewer.
        interval: 90 % interval of ``sequence_entropy``: the 5th–95th percentiles over those
            subsamples, or a bootstrap interval when all cases are used.
        entropy_all: the entropy on all cases.
        variants: distinct traces; k80: variants that cover 80 % of the cases (most frequent first).
        top_start: the most common first step; top_start_share: share of cases that start with it.
        distinct_share: variants / cases (1.0: every case is unique).
        top_variant_share: share of cases that follow the most common trace.
    """

    cases: int
    events: int
    sequence_entropy: float
    interval: tuple[float, float]
    variants: int
    k80: int
    top_start: str
    top_start_share: float
    distinct_share: float
    top_variant_share: float
    entropy_all: float = 0.0


def collapse_repeats(sequence: Sequence[str]) -> tuple[str, ...]:
    """Return ``sequence`` with an activity repeated at once kept once.

    >>> collapse_repeats(["A", "A", "B", "A"])
    ('A', 'B', 'A')
    """
    return tuple(a for i, a in enumerate(sequence) if i == 0 or sequence[i - 1] != a)


def prefix_partitions(sequences: Sequence[Sequence[str]], counts: Sequence[int] | np.ndarray | None = None
                      ) -> np.ndarray:
    """Return the events of each variant in each partition of their prefix automaton.

    At a branch, the child that most cases pass through keeps its parent's partition (ties: the
    child seen first); every other child opens a new one. The authors let the child that arrives
    first keep it, which makes the value depend on which case happens to come first: a log that
    opens with a rare path scores up to twice as high as the same log opening with the usual one.

    Args:
        sequences: the distinct traces, in the order their first cases were seen.
        counts: cases per trace (all 1 when None).

    Returns:
        An ``(n_variants, n_partitions)`` integer matrix: events of one case of variant ``v`` that
        fall in partition ``p``. Multiply by case counts to get the partitions' sizes.

    Example:
        >>> prefix_partitions([("A", "B"), ("A", "C")], [1, 5]).tolist()
        [[1, 1], [2, 0]]
    """
    weights = np.ones(len(sequences), dtype=np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
    children: dict[tuple[int, str], int] = {}
    kids: list[list[int]] = [[]]
    weight: list[int] = [0]
    paths: list[list[int]] = []
    for seq, w in zip(sequences, weights.tolist()):
        node, path = 0, []
        for activity in seq:
            child = children.get((node, activity))
            if child is None:
                child = len(kids)
                children[(node, activity)] = child
                kids[node].append(child)
                kids.append([])
                weight.append(0)
            weight[child] += w
            node = child
            path.append(node)
        paths.append(path)
    part = [-1] * len(kids)
    n_parts = 0
    for node in range(len(kids)):  # parents are created before their children
        heir = max(kids[node], key=lambda k: weight[k], default=-1) if node else -1
        for child in kids[node]:
            if child == heir:
                part[child] = part[node]
            else:
                part[child] = n_parts
                n_parts += 1
    matrix = np.zeros((len(paths), max(n_parts, 1)), dtype=np.int64)
    for v, path in enumerate(paths):
        np.add.at(matrix[v], [part[n] for n in path], 1)
    return matrix


def entropy_from_sizes(sizes: np.ndarray) -> float:
    """Return the normalised sequence entropy of partitions holding ``sizes`` events.

    >>> entropy_from_sizes(np.array([10]))
    0.0
    """
    sizes = np.asarray(sizes, dtype=float)
    sizes = sizes[sizes > 0]
    n = float(sizes.sum())
    if n <= 1:
        return 0.0
    return float((n * math.log(n) - float((sizes * np.log(sizes)).sum())) / (n * math.log(n)))


def sequence_entropy(sequences: Sequence[Sequence[str]], counts: Sequence[int]) -> float:
    """Return the normalised prefix-automaton sequence entropy of traces seen ``counts`` times.

    Args:
        sequences: distinct traces in the order their first cases were seen.
        counts: cases per trace.

    Example:
        >>> sequence_entropy([("A", "B", "C")], [100])
        0.0
        >>> round(sequence_entropy([("A", "B"), ("C", "D")], [50, 50]), 3)
        0.131
    """
    matrix = prefix_partitions(sequences, counts)
    return entropy_from_sizes(np.asarray(counts, dtype=np.int64) @ matrix)


def measure(sequences: Sequence[Sequence[str]], first_seen: Sequence[float] | np.ndarray,
            case_variant: np.ndarray, *, samples: int = BOOTSTRAP_SAMPLES, seed: int = 0,
            reference: int = REFERENCE_CASES) -> Structure:
    """Measure the structure of cases given as traces, when each trace was first seen, and a trace per case.

    Args:
        sequences: distinct traces (business steps, repeats collapsed).
        first_seen: start time (any sortable number) of each trace's first case.
        case_variant: the trace index of every case.
        samples: bootstrap resamples for the interval (cases drawn with replacement).
        seed: random seed, so that the same log gives the same interval.
        reference: the sample size the entropy is taken at (subsamples when there are more cases).

    Example:
        >>> s = measure([("A", "B")], [0.0], np.zeros(150, dtype=int))
        >>> s.sequence_entropy, s.k80, s.top_start_share
        (0.0, 1, 1.0)
    """
    order = np.argsort(np.asarray(first_seen, dtype=float), kind="stable")
    ordered = [tuple(sequences[i]) for i in order.tolist()]
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    counts = np.bincount(rank[np.asarray(case_variant, dtype=np.int64)], minlength=len(ordered))
    matrix = prefix_partitions(ordered, counts)
    n_cases = int(counts.sum())
    value = entropy_all = entropy_from_sizes(counts @ matrix)
    if n_cases > reference:
        value, interval = _at_reference(ordered, rank[np.asarray(case_variant, dtype=np.int64)], reference, seed)
    else:
        interval = _bootstrap(matrix, counts, samples, seed) if n_cases > 1 else (value, value)
    by_freq = np.sort(counts[counts > 0])[::-1]
    k80 = int(np.searchsorted(np.cumsum(by_freq), 0.8 * n_cases - 1e-9) + 1) if n_cases else 0
    starts: dict[str, int] = {}
    for seq, k in zip(ordered, counts.tolist()):
        if seq and k:
            starts[seq[0]] = starts.get(seq[0], 0) + k
    top_start = max(starts, key=lambda a: starts[a]) if starts else ""
    events = int(sum(len(s) * k for s, k in zip(ordered, counts.tolist())))
    n_variants = int((counts > 0).sum())
    return Structure(n_cases, events, value, interval, n_variants, k80, top_start,
                     starts.get(top_start, 0) / n_cases if n_cases else 0.0,
                     n_variants / n_cases if n_cases else 0.0,
                     float(by_freq[0]) / n_cases if n_cases else 0.0, entropy_all)


def _at_reference(ordered: list[tuple[str, ...]], case_variant: np.ndarray, size: int,
                  seed: int) -> tuple[float, tuple[float, float]]:
    """Return the median entropy over subsamples of ``size`` cases and its 5th–95th percentiles.

    Each subsample's automaton is built anew from the traces it holds, in first-seen order.
    """
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(SUBSAMPLES):
        chosen = rng.choice(case_variant.size, size=size, replace=False)
        counts = np.bincount(case_variant[chosen], minlength=len(ordered))
        present = np.flatnonzero(counts)
        matrix = prefix_partitions([ordered[i] for i in present.tolist()], counts[present])
        values.append(entropy_from_sizes(counts[present] @ matrix))
    low, middle, high = np.percentile(values, [5, 50, 95])
    return float(middle), (float(low), float(high))


def _bootstrap(matrix: np.ndarray, counts: np.ndarray, samples: int, seed: int) -> tuple[float, float]:
    """Return a 90 % bootstrap interval of the entropy over case resamples, centred on the estimate.

    The partitions of the full sample are kept; resampling changes how many events each holds.
    A resample drops about a third of the rare traces, so its values sit below the full sample's
    (most for project-like work, where every trace is rare); the interval therefore takes the
    resamples' spread around their median (5th and 95th percentiles) and lays it around the estimate.
    """
    rng = np.random.default_rng(seed)
    n = int(counts.sum())
    draws = rng.multinomial(n, counts / n, size=samples)
    sizes = draws @ matrix
    values = np.array([entropy_from_sizes(row) for row in sizes])
    low, middle, high = np.percentile(values, [5, 50, 95])
    theta = entropy_from_sizes(counts @ matrix)
    return max(0.0, theta - float(middle - low)), min(1.0, theta + float(high - middle))


def without_repeats(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the events of a sorted canonical frame minus those that repeat the previous step of their case."""
    case = E.value_codes(frame[E.CASE])
    activity = E.value_codes(frame[E.ACTIVITY])
    repeat = np.zeros(len(frame), dtype=bool)
    if len(frame) > 1:
        repeat[1:] = (case[1:] == case[:-1]) & (activity[1:] == activity[:-1])
    return frame[~repeat] if repeat.any() else frame


def structure(frame: pd.DataFrame, *, samples: int = BOOTSTRAP_SAMPLES, seed: int = 0,
              coded: Any = None, found: Any = None) -> Structure:
    """Measure the structure of the cases of a canonical frame of business steps.

    ``coded``/``found``: the coding and variants of ``without_repeats(frame)`` when already made.

    Example:
        >>> structure(log).sequence_entropy  # doctest: +SKIP
        0.21
    """
    from miner.discovery.dfg import encode, variants

    if coded is None or found is None:
        coded = encode(without_repeats(frame))
        found = variants(coded)
    starts = coded.timestamps[coded.case_bounds[:-1]].astype("datetime64[ns]").view(np.int64).astype(float)
    first_seen = np.full(len(found), np.inf)
    np.minimum.at(first_seen, found.case_variant, starts)
    return measure(found.sequences, first_seen, found.case_variant, samples=samples, seed=seed)
