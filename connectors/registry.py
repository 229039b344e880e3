"""Which connector reads which file: detection from content, and dispatch by kind."""
from __future__ import annotations

import gzip
import importlib
from pathlib import Path
from typing import Any, Callable

from miner.errors import FormatError, InputError

# kind -> (module, reader function). Readers are imported lazily so `miner --help` stays instant.
KINDS: dict[str, tuple[str, str]] = {
    "csv": ("connectors.tables.delimited", "read_delimited"),
    "excel": ("connectors.tables.excel", "read_excel"),
    "xes": ("connectors.xes", "read_xes"),
    "parquet": ("connectors.parquet", "read_parquet"),
    "onec-journal": ("connectors.onec.journal", "read_onec_journal"),
    "onec-documents": ("connectors.onec.documents", "read_onec_documents"),
    "bank": ("connectors.bank", "read_bank"),
}
# Readers of these kinds take all files of the kind at once (documents are linked across files)
# and return one SourceRead per file.
MULTI_FILE_KINDS = frozenset({"onec-documents"})

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise InputError(f"{path}: cannot open the file ({exc.strerror}). Check the path and permissions.") from exc


def _text_head(head: bytes) -> str:
    for enc in ("utf-8-sig", "cp1251"):
        try:
            return head.decode(enc)
        except UnicodeDecodeError:
            continue
    return head.decode("latin-1")


def _probe(module: str, func: str, path: Path) -> bool:
    """Ask an optional connector whether it claims ``path``; absent connectors claim nothing."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError:
        return False
    probe = getattr(mod, func, None)
    return bool(probe and probe(path))


def detect_kind(path: str | Path) -> str:
    """Return the connector kind for ``path`` from its content (the extension only breaks ties).

    A folder is ``"onec-journal"`` when it holds a registration journal, else ``"folder"``: a
    folder of exports (1C lists, monthly CSVs) whose files :func:`folder_files` lists.

    Raises:
        InputError: the file is missing or unreadable.
        FormatError: the content matches no supported kind.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder. Check the path.")
    if path.is_dir():
        if _probe("connectors.onec.journal", "looks_like_onec_journal", path):
            return "onec-journal"
        return "folder"  # a folder of exports: miner.ingest reads each file in it
    head = _head(path)
    if not head:
        from miner.errors import EmptySourceError

        raise EmptySourceError(f"{path.name}: the file is empty. Export the data again.")
    suffix = path.suffix.lower()
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"SQLite format 3\x00"):
        if _probe("connectors.onec.journal", "looks_like_onec_journal", path):
            return "onec-journal"
        raise FormatError(f"{path.name}: is an SQLite database but not a 1C registration journal (1Cv8.lgd).")
    if head.startswith(b"PK\x03\x04") or head.startswith(_OLE_MAGIC):
        if _probe("connectors.onec.documents", "looks_like_onec_documents", path):
            return "onec-documents"  # a 1C list export (Номер, Дата, a document kind) is read as documents
    if head.startswith(b"PK\x03\x04"):
        return "excel"  # the Excel reader checks that the zip really is a workbook
    if head.startswith(_OLE_MAGIC):
        return "excel"  # .xls, or an encrypted .xlsx: the Excel reader tells them apart
    if head.startswith(b"\x1f\x8b"):
        try:
            with gzip.open(path, "rb") as fh:
                inner = fh.read(2048)
        except (OSError, EOFError) as exc:
            raise FormatError(f"{path.name}: a damaged gzip file ({exc}). Compress it again.") from exc
        if b"<log" in inner or b"<?xml" in inner:
            return "xes"
        if b"\x00" not in inner:
            return "csv"  # a compressed text table; the CSV reader decompresses it
        raise FormatError(f"{path.name}: a gzip file that holds neither an XES log nor a text table. "
                          "Unpack it and pass the file inside.")
    text = _text_head(head).lstrip("\ufeff").lstrip()
    if text.startswith("1CV8LOG"):
        return "onec-journal"
    if text.startswith("1CClientBankExchange"):
        return "bank"
    if text.startswith("<"):
        if "v8.1c.ru/eventLog" in text or "EventLog" in text[:600]:
            return "onec-journal"
        if "<log" in text:
            return "xes"
        raise FormatError(f"{path.name}: an XML/HTML file that is neither an XES log nor a 1C journal export. "
                          "Save the table as CSV or XLSX.")
    if suffix in (".xlsx", ".xls", ".xlsm"):
        raise FormatError(f"{path.name}: has an Excel extension but is a text file. Open it in Excel and save "
                          "as .xlsx, or rename it to .csv.")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormatError(f"{path.name}: a binary file of an unknown kind. Supported: CSV/TXT, XLSX/XLS, XES, "
                          "parquet, 1C journal, 1C document lists, bank statements.")
    if _probe("connectors.onec.documents", "looks_like_onec_documents", path):
        return "onec-documents"
    return "csv"


def reader_for(kind: str) -> Callable[..., Any]:
    """Return the reader function of ``kind``."""
    if kind not in KINDS:
        raise InputError(f"unknown source kind '{kind}'; use one of: {', '.join(KINDS)}")
    module, func = KINDS[kind]
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise InputError(f"source kind '{kind}' is not available in this version of miner") from exc
    return getattr(mod, func)


def folder_files(path: Path) -> list[Path]:
    """The files of a folder that holds no 1C journal (a folder of list exports, say), sorted by name.

    Raises:
        FormatError: the folder holds no file of a kind miner reads.
    """
    from connectors.options import FILE_SUFFIXES

    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                   and p.suffix.lower() in FILE_SUFFIXES)
    if not files:
        raise FormatError(f"{path}: the folder holds no 1C journal and no CSV, TXT, XLSX, XLS, XES or parquet "
                          "files. Pass the files themselves, or the folder they are in.")
    return files
