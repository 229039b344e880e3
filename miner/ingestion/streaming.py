"""Ingest a big 1C text journal straight into a parquet log, in bounded memory.

:func:`miner.ingestion.reading.ingest` asks :func:`stream_if_big` first: when the only source is a
text registration journal (``1Cv8.lgf`` + ``*.lgp``) of at least :data:`STREAM_FROM_BYTES` and the
output is ``.parquet``, the journal is streamed (:mod:`connectors.onec.stream`) and the log is
never held in memory; otherwise it returns None and the journal is read in memory (faster for
small journals, same events).

Example:
    >>> result = stream_if_big([Path("1Cv8Log")], {Path("1Cv8Log"): "onec-journal"}, "log.parquet")  # doctest: +SKIP
    >>> result.report.summary()  # doctest: +SKIP
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from miner import eventlog as E
from miner.rejects import IngestReport

log = logging.getLogger("miner")

STREAM_FROM_BYTES = 128 << 20  # below this the in-memory reader is faster and small anyway
_OPTIONS = ("case_notion", "include_rolled_back", "strict", "date_from", "date_to", "events")


def journal_bytes(path: Path) -> int:
    """The size of the ``*.lgp`` files of a text journal at ``path``; 0 for other journal forms."""
    from connectors.onec.journal import _pick_files

    try:
        kind, files, _, _ = _pick_files(path)
    except Exception:  # not a journal after all: the normal reader says why
        return 0
    return sum(f.stat().st_size for f in files) if kind == "lgp" else 0


def stream_if_big(paths: list[Path], kinds: dict[Path, str], output: str | Path | None, *,
                  system: str | None = None, progress: bool = False,
                  **options: Any) -> tuple[pd.DataFrame, IngestReport, Path] | None:
    """Stream a lone big text journal into ``output``; return (log, report, output), or None to read in memory.

    The log is empty (the events are only in ``output``): read it with :func:`miner.read_log` where
    memory allows.
    """
    if output is None or Path(output).suffix.lower() != ".parquet" or len(paths) != 1:
        return None
    if kinds.get(paths[0]) != "onec-journal" or journal_bytes(paths[0]) < STREAM_FROM_BYTES:
        return None
    return ingest_streaming(paths[0], Path(output), system=system, progress=progress, **options)


def ingest_streaming(path: Path, output: Path, *, system: str | None = None, progress: bool = False,
                     **options: Any) -> tuple[pd.DataFrame, IngestReport, Path]:
    """Stream the text journal ``path`` into the parquet ``output`` and write its ingest report.

    Args:
        path: a ``1Cv8Log`` folder, ``1Cv8.lgf`` or an ``.lgp``.
        output: the ``.parquet`` log to write; the report goes to ``output + ".ingest.json"``.
        system: ``source:system`` (default 1C).
        progress: show a progress bar on stderr.
        **options: ``case_notion``, ``include_rolled_back``, ``strict``, ``date_from``, ``date_to``,
            ``events`` (as for :func:`connectors.onec.journal.read_onec_journal`); others are ignored.
    Returns:
        (an empty canonical log, the report, ``output``): the fields of
        :class:`miner.ingestion.reading.IngestResult`.
    """
    from connectors.onec.journal import _progress_bar
    from connectors.onec.stream import stream_onec_journal

    chosen = {k: options[k] for k in _OPTIONS if options.get(k) is not None}
    with _progress_bar(journal_bytes(path), "B", progress) as bar:
        read = stream_onec_journal(path, output, system=system or "1C", progress=bar.update, **chosen)
    report = IngestReport.build([read.info], read.problems, events=read.events)
    report.write(str(output) + ".ingest.json")
    log.info("%s: streamed %s events into %s (the journal is too big to hold in memory; read the log from there)",
             path, read.events, output)
    empty = E.finalize(pd.DataFrame({c: pd.Series([], dtype="str") for c in E.REQUIRED}))
    return empty, report, output
