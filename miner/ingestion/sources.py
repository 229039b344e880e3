"""Read each source with the options that apply to it; say which options applied to none.

The wiring between :class:`connectors.options.ReadOptions` and the connectors: folders become
their files, ``FILE=COLUMN`` mappings are resolved per file, each reader gets the options of its
kind, and every option that reached no reader is reported (stderr and the ingest report).
"""
from __future__ import annotations

import inspect
import logging
from pathlib import Path
from typing import Any

from miner.progress import ticking
from miner.rejects import RowProblems, SourceInfo, SourceRead

log = logging.getLogger("miner")


def expand(paths: list[Path], kind: str | None) -> dict[Path, str]:
    """Detect the kind of each source; a folder that holds no 1C journal stands for its files."""
    from connectors.registry import detect_kind, folder_files

    kinds: dict[Path, str] = {}
    for path in paths:
        found = kind or detect_kind(path)
        if found == "folder" or (path.is_dir() and found != "onec-journal"):
            for file in folder_files(path):
                kinds[file] = kind or detect_kind(file)
            continue
        kinds[path] = found
    return kinds


def read_sources(kinds: dict[Path, str], options: Any, progress: bool, notes: list[str]) -> list[SourceRead]:
    """Read every source with its options; several files of a multi-file kind are read together.

    ``notes`` receives a line for each option that applied to no source, or that this version's
    reader of the kind does not take.
    """
    from connectors.registry import MULTI_FILE_KINDS

    per_file = options.per_file(list(kinds))
    for name in options.unused(set(kinds.values())):
        applies = ", ".join(options.applies_to(name))
        _note(notes, f"{options.flag(name)} applies to {applies} sources, and none was given "
                     f"({', '.join(sorted(set(kinds.values())))}); it was ignored")
    grouped: dict[str, list[Path]] = {}
    for path, k in kinds.items():
        grouped.setdefault(k, []).append(path)
    reads: list[SourceRead] = []
    for k, group in grouped.items():
        calls = [group] if k in MULTI_FILE_KINDS else [[p] for p in group]
        for files in calls:
            reads += _read_files(k, files, per_file[files[0]], k in MULTI_FILE_KINDS, progress, notes)
    return reads


def _read_files(kind: str, files: list[Path], options: Any, together: bool, progress: bool,
                notes: list[str]) -> list[SourceRead]:
    """Call the reader of ``kind`` with the options that apply to it; say which it does not take."""
    from connectors.registry import reader_for

    reader = reader_for(kind)
    params = inspect.signature(reader).parameters
    keywords = options.for_kind(kind)
    for name in [n for n in keywords if n not in params]:
        _note(notes, f"{options.flag(name)}: the {kind} reader of this version does not take it; ignored")
        keywords.pop(name)
    if "progress" in params:
        keywords["progress"] = progress
    label = ", ".join(f.name for f in files)
    with ticking(f"{label}: reading", enabled=progress and "progress" not in params):
        read = reader(files if together else files[0], **keywords)
    out = []
    for r in read if isinstance(read, list) else [read]:
        out.append(carry(r))
        log.info("%s: %s; %s", r.info.file, r.info.kind, mapping_line(r.info))
        for warning in r.info.details.get("warnings", []):
            _note(notes, warning)
    return out


def _note(notes: list[str], text: str) -> None:
    if text not in notes:
        notes.append(text)
        log.warning("%s", text)


def carry(read: SourceRead) -> SourceRead:
    """A read that carries the report of an earlier ingest accounts for the original sources."""
    if read.carried is not None:
        read.problems = RowProblems.of(read.carried.reasons)
        log.info("%s: carries %s (%s)", read.info.file, read.info.file + ".ingest.json", read.carried.summary())
    return read


def infos(read: SourceRead) -> list[SourceInfo]:
    """The sources a read accounts for: the file itself, or the originals of an ingested log."""
    return list(read.carried.sources) if read.carried is not None else [read.info]


def mapping_line(info: SourceInfo) -> str:
    """The column guess of a tabular source, for stderr."""
    from connectors.tables.columns import describe

    if not info.columns or info.kind not in ("csv", "excel"):
        return f"{info.rows_read} rows"
    sheets = info.details.get("sheets")
    where = f" (sheets: {', '.join(sheets)})" if sheets and len(sheets) > 1 else ""
    return f"columns: {describe(info.columns)}{where} (correct with --case/--activity/--timestamp/...)"
