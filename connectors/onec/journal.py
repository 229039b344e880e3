"""Read a 1C:Enterprise registration journal (журнал регистрации) into the canonical event log.

Accepted: a ``1Cv8Log`` folder (or the infobase folder holding it), ``1Cv8.lgf`` (reads every
``*.lgp`` beside it), a single ``*.lgp`` (with the ``*.lgf`` beside it), the SQLite ``1Cv8.lgd``,
and the XML of «Выгрузить журнал регистрации». Each record becomes an event: the user is the
resource; computer, application, session, severity and comment are attributes; the metadata and
data presentation identify the object. See ``docs/onec.md``.

Example:
    >>> read = read_onec_journal("1Cv8Log", case_notion="object")  # doctest: +SKIP
    >>> read.frame["concept:name"].iloc[0]                          # doctest: +SKIP
    'Заказ клиента: создан'
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from typing import Any, Sequence

from connectors.onec.events import CASE_NOTIONS, TITLE_TO_EVENT, CaseNotion, build_events
from connectors.onec.filters import JournalFilter
from miner.errors import FormatError, InputError, ValueProblemError
from miner.rejects import RowProblems, SourceInfo, SourceRead

__all__ = ["looks_like_onec_journal", "read_onec_journal"]


def _starts_with_magic(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(32)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"1CV8LOG")


def _log_folder(path: Path) -> Path | None:
    """The folder that holds the journal files: ``path`` itself or its ``1Cv8Log`` subfolder."""
    for folder in (path, path / "1Cv8Log"):
        if folder.is_dir() and (any(folder.glob("*.lgp")) or any(folder.glob("*.lgf"))
                                or (folder / "1Cv8.lgd").is_file()):
            return folder
    return None


def looks_like_onec_journal(path: str | Path) -> bool:
    """Tell whether ``path`` is a 1C journal: a ``1Cv8Log`` folder, lgf/lgp, lgd or XML export.

    >>> looks_like_onec_journal("notes.txt")  # doctest: +SKIP
    False
    """
    from connectors.onec.lgd import is_lgd
    from connectors.onec.xml import is_xml_journal

    path = Path(path)
    if path.is_dir():
        return _log_folder(path) is not None
    if not path.is_file():
        return False
    return _starts_with_magic(path) or is_lgd(path) or is_xml_journal(path)


def _pick_files(path: Path) -> tuple[str, list[Path], Path | None, dict[str, Any]]:
    """Decide the format and the files: ("lgp", lgps, lgf) / ("lgd", [lgd], None) / ("xml", [xml], None)."""
    from connectors.onec.lgd import is_lgd
    from connectors.onec.xml import is_xml_journal

    notes: dict[str, Any] = {}
    if path.is_dir():
        folder = _log_folder(path)
        if folder is None:
            raise FormatError(f"{path}: the folder holds no 1C registration journal (1Cv8.lgf with *.lgp, or "
                              "1Cv8.lgd). Pass the 1Cv8Log folder of the infobase.")
        lgd = folder / "1Cv8.lgd"
        lgps = sorted(folder.glob("*.lgp"))
        if lgd.is_file() and (not lgps or lgd.stat().st_mtime >= max(p.stat().st_mtime for p in lgps)):
            if lgps:
                notes["ignored"] = f"{len(lgps)} older *.lgp files (1C converted them into 1Cv8.lgd)"
            return "lgd", [lgd], None, notes
        if lgd.is_file():
            notes["ignored"] = "1Cv8.lgd (older than the *.lgp files)"
        return "lgp", lgps, _find_lgf(folder, None), notes
    if _starts_with_magic(path):
        if path.suffix.lower() == ".lgf":
            return "lgp", sorted(path.parent.glob("*.lgp")), path, notes
        return "lgp", [path], _find_lgf(path.parent, path), notes
    if is_lgd(path):
        return "lgd", [path], None, notes
    if path.suffix.lower() == ".lgd":
        from connectors.onec.lgd import connect

        connect(path)  # raises the precise "not SQLite" / "no EventLog table" message
    if is_xml_journal(path):
        return "xml", [path], None, notes
    raise FormatError(f"{path.name}: not a 1C registration journal (no 1CV8LOG header, not an SQLite 1Cv8.lgd, "
                      "not a journal XML export).")


def _find_lgf(folder: Path, lgp: Path | None) -> Path:
    main = folder / "1Cv8.lgf"
    if main.is_file():
        return main
    lgfs = sorted(folder.glob("*.lgf"))
    if len(lgfs) == 1:
        return lgfs[0]
    what = lgp.name if lgp else str(folder)
    raise FormatError(f"{what}: the dictionary 1Cv8.lgf is not beside the journal files"
                      + (f" (found {len(lgfs)} *.lgf files)" if lgfs else "")
                      + ". Copy the whole 1Cv8Log folder, including 1Cv8.lgf.")


def _progress_bar(total: int | None, unit: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, unit_scale=True, unit_divisor=1024 if unit == "B" else 1000,
                desc="1C journal", disable=not enabled or not sys.stderr.isatty(), file=sys.stderr, leave=False)


def read_onec_journal(path: str | Path, *, tz: str = "Europe/Moscow", case_notion: CaseNotion = "object",
                      include_rolled_back: bool = False, strict: bool = False, progress: bool = False,
                      date_from: str | None = None, date_to: str | None = None,
                      events: Sequence[str] | str | None = None) -> SourceRead:
    """Read a 1C registration journal into canonical events.

    Args:
        path: a ``1Cv8Log`` folder, ``1Cv8.lgf``, an ``.lgp``, ``1Cv8.lgd`` or a journal XML export.
        tz: the infobase's time zone; ``1Cv8.lgd`` stores UTC and is converted to it (the text
            journal and the XML are already in local time).
        case_notion: ``object`` (a document or other object per case), ``session`` or ``user_day``.
        include_rolled_back: keep data changes of rolled-back transactions (flagged in
            ``onec:transaction``) instead of excluding them.
        strict: raise at the first broken record instead of rejecting it.
        progress: show a progress bar on stderr.
        date_from, date_to: keep records of this period only (``2024-01-31`` or ``31.01.2024``, a time
            may follow; a date alone for ``date_to`` includes that day); others are excluded.
        events: keep these event kinds only: ``data``, ``documents``, event ids or groups
            (``_$Data$_.Post``, ``_$Session$_``), Russian presentations («Данные. Проведение»),
            metadata (``Документ.ЗаказКлиента``); see :mod:`connectors.onec.filters`.
    Returns:
        :class:`miner.rejects.SourceRead`; ``source:row`` is the record number in its file.
    Raises:
        FormatError: not a journal, the dictionary is missing, the lgd is not SQLite.
        ValueProblemError: ``strict`` and a record is broken.
    Example:
        >>> read = read_onec_journal("1Cv8Log", tz="Asia/Yekaterinburg")  # doctest: +SKIP
        >>> read.info.details["transactions"]                             # doctest: +SKIP
        {'committed': 4671, 'rolled_back': 1, 'unfinished': 0}
    """
    path = Path(path)
    if case_notion not in CASE_NOTIONS:
        raise InputError(f"unknown case notion '{case_notion}'; use one of: {', '.join(CASE_NOTIONS)}")
    _check_tz(tz)
    filt = JournalFilter.build(date_from, date_to, events, titles=TITLE_TO_EVENT)
    kind, files, lgf, notes = _pick_files(path)
    problems = RowProblems()
    details: dict[str, Any] = {"format": kind, "files": [f.name for f in files], **notes}
    if filt.active:
        details["filters"] = filt.describe()
    table, records, known = _read_raw(kind, files, lgf, problems, details, tz=tz, strict=strict, progress=progress,
                                      case_notion=case_notion, include_rolled_back=include_rolled_back, filt=filt)
    built = build_events(table.pop("raw"), case_notion=case_notion, include_rolled_back=include_rolled_back,
                         filt=None if kind == "lgp" else filt, **known)
    problems.merge(built.problems)
    if strict and problems.rejected:
        _raise_first(problems)
    details.update(built.details)
    details["records"] = records
    info = SourceInfo(file=str(path), kind="onec-journal", rows_read=records,
                      encoding="utf-8" if kind != "lgd" else None,
                      columns={"case": _CASE_SOURCES[case_notion], "activity": "event + metadata",
                               "timestamp": "date", "resource": "user"}, details=details)
    return SourceRead(built.frame, info, problems)


def _read_raw(kind: str, files: list[Path], lgf: Path | None, problems: RowProblems, details: dict[str, Any], *,
              tz: str, strict: bool, progress: bool, case_notion: str, include_rolled_back: bool,
              filt: JournalFilter | None = None) -> tuple[dict[str, Any], int, dict[str, Any]]:
    """Read the journal files of ``kind`` into the raw table (handed over in a dict, so the caller
    keeps no reference and a big table can be freed while the events are built)."""
    known: dict[str, Any] = {}
    if kind == "lgp":
        raw, records, known = _read_text(lgf, files, problems, details, strict, progress, case_notion,
                                         include_rolled_back, filt)
    elif kind == "lgd":
        from connectors.onec.lgd import read_lgd

        with _progress_bar(None, "rec", progress) as bar:
            raw, records = read_lgd(files[0], tz=tz, progress=bar.update)
        details["tz"] = tz
    else:
        from connectors.onec.xml import read_xml_journal

        with _progress_bar(None, "rec", progress) as bar:
            raw, records = read_xml_journal(files[0], progress=bar.update)
        details["note"] = "XML layout per ONEC_FORMATS.md §1.4: no public sample was available to check it on"
    return {"raw": raw}, records, known


def _raise_first(problems: RowProblems) -> None:
    """Strict mode: stop with the first rejected record, located."""
    first = next(r for r in problems.reasons if not r.excluded)
    ex = first.examples[0] if first.examples else {}
    raise ValueProblemError(f"{ex.get('file', '?')}, запись {ex.get('row', '?')}: {first.reason} "
                            f"({first.count} records like this). Without --strict they are skipped and counted.")


_CASE_SOURCES = {"object": "data (reference) + data presentation", "session": "session", "user_day": "user + date"}


def _check_tz(tz: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown time zone '{tz}'. Pass --tz as an IANA name, e.g. Europe/Moscow, "
                         "Asia/Yekaterinburg, Asia/Novosibirsk.") from exc


def _read_text(lgf: Path | None, lgps: list[Path], problems: RowProblems, details: dict[str, Any], strict: bool,
               progress: bool, case_notion: str, include_rolled_back: bool,
               filt: JournalFilter | None = None) -> tuple[Any, int, dict[str, Any]]:
    """Read lgf + lgp; count broken records and records whose event code the lgf lacks."""
    from connectors.onec.lgp import read_lgp

    assert lgf is not None
    if not lgps:
        raise FormatError(f"{lgf.parent}: 1Cv8.lgf is there but no *.lgp files. Copy the whole 1Cv8Log folder.")
    total = sum(p.stat().st_size for p in lgps)
    with _progress_bar(total, "B", progress) as bar:
        read = read_lgp(lgf, lgps, progress=bar.update, keep_other=case_notion != "object",
                        include_rolled_back=include_rolled_back, filt=filt)
    for file, broken in read.broken:
        where = f"{file}, запись {broken.record}, строка {broken.line} (байт {broken.offset})"
        if strict:
            raise ValueProblemError(f"{where}: broken journal record: {broken.reason}. Without --strict it is "
                                    "skipped and counted, and the rest of the file is read.")
        problems.reject("broken journal record", file, [broken.record],
                        values=[f"строка {broken.line}, байт {broken.offset}: {broken.reason}"])
    problems.merge(read.problems)
    warnings = list(read.lgf_broken)
    if read.unknown:
        details["unknown_codes"] = read.unknown
        warnings += [f"{u['file']}, запись {u['row']}: {lgf.name} has no {u['table']} code {u['code']} "
                     f"({u['records']} records); copy 1Cv8.lgf again, after the *.lgp files" for u in read.unknown]
    if warnings:
        details["warnings"] = warnings
    known = {"outcome": read.outcome, "transactions": read.transactions}
    if include_rolled_back:
        rolled = int((np.asarray(read.outcome.codes) == 2).sum())
        if rolled:
            details["rolled_back_kept"] = rolled
    return read.frame, read.records, known
