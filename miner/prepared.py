"""The prepared log: one canonical frame, coded once, that every analysis takes.

:func:`miner.ingestion.reading.prepare_log` makes it from any source; analyses read its cached
parts (integer coding, directly-follows graph, variants, cases per activity) instead of computing
them again, and the ingest report travels with it so that a report made from ``LOG.parquet``
still accounts for the rows of the original sources (CONTRACTS.md §6).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from miner import eventlog as E
from miner.discovery.dfg import (CodedLog, DirectlyFollows, Variants, activity_case_counts, directly_follows, encode,
                                 variants)
from miner.rejects import IngestReport


@dataclass(frozen=True, eq=False, repr=False)
class PreparedLog:
    """A canonical log with its coding and summaries computed once, on first use.

    Attributes:
        frame: the canonical event log (CONTRACTS.md §1), sorted; never modified.
        ingest: the report that accounts for the rows of the sources it was read from, if known.
        source: the names of the original source files, for titles ("" when unknown).
    """

    frame: pd.DataFrame
    ingest: IngestReport | None = None
    source: str = ""

    @cached_property
    def coded(self) -> CodedLog:
        """Integer coding of activities and cases (events sorted by case, time, source order)."""
        return encode(self.frame)

    @cached_property
    def dfg(self) -> DirectlyFollows:
        """Directly-follows graph with start/end counts and durations."""
        return directly_follows(self.coded)

    @cached_property
    def variants(self) -> Variants:
        """Variants (activity sequences) with their cases."""
        return variants(self.coded)

    @cached_property
    def activity_cases(self) -> pd.Series:
        """Number of distinct cases that contain each activity, most frequent first."""
        counts = activity_case_counts(self.coded)
        return pd.Series(counts, index=list(self.coded.activities), name="cases", dtype="int64") \
            .sort_values(ascending=False, kind="stable")

    @property
    def source_files(self) -> tuple[str, ...]:
        """The original source files: from the ingest report when known, else from ``source``."""
        if self.ingest is not None and self.ingest.sources:
            return tuple(dict.fromkeys(str(s.file) for s in self.ingest.sources))
        return tuple(name for name in self.source.split(", ") if name)

    @property
    def n_cases(self) -> int:
        return self.coded.n_cases

    @property
    def n_events(self) -> int:
        return len(self.frame)

    def column(self, name: str) -> np.ndarray | None:
        """Values of column ``name`` in coded event order, or None when the log lacks it."""
        if name not in self.frame.columns:
            return None
        return self.frame[name].to_numpy()[self.coded.rows]

    def compacted(self) -> PreparedLog:
        """Return this log with its text columns held as categories (integer codes + the distinct values).

        At 10^7 events the text columns as strings take ~2.4 GB; as categories a few hundred MB.
        Every analysis gives the same results on either (``tests/test_prepared.py``).
        """
        return PreparedLog(compact(self.frame), self.ingest, self.source)

    def __repr__(self) -> str:
        return f"PreparedLog({self.n_events} events, {self.n_cases} cases, source={self.source or '-'})"


def compact(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` (not modified) with every text column as a categorical column."""
    out = frame.copy(deep=False)
    for col in plain_text_columns(out):
        out[col] = E.text_categories(out[col])  # pyarrow codes the text: no Python string per row
    return out


def plain_text_columns(frame: pd.DataFrame) -> list[str]:
    """Return the columns that hold text as a string per row (not yet categories)."""
    return [col for col in frame.columns if col != E.TIMESTAMP and
            (pd.api.types.is_string_dtype(frame[col].dtype) or frame[col].dtype == object)]


def source_names(frame: pd.DataFrame) -> str:
    """The distinct ``source:file`` values of a log, comma-separated, in order of appearance."""
    if E.FILE not in frame.columns:
        return ""
    return ", ".join(str(f) for f in pd.unique(frame[E.FILE].dropna()))
