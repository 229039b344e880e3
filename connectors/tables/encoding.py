"""Encoding and separator detection for text tables (CSV/TXT exports from 1C and Russian Excel)."""
from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import BinaryIO, cast

from miner.errors import EncodingError, InputError

SAMPLE_BYTES = 1 << 20
# The csv module refuses fields over 128 KiB with an error; exports can hold a pasted document in a
# cell (2·10^6 characters), which pyarrow reads whole, so the sniffing here must not stop at it.
csv.field_size_limit(1 << 30)
SEPARATORS = (";", "\t", ",", "|")
_SEP_NAMES = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}


def open_bytes(path: Path) -> BinaryIO:
    """Open a text table for reading bytes, decompressing ``.gz`` transparently."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    return cast(BinaryIO, gzip.open(path, "rb")) if gz else open(path, "rb")


def normalize_encoding(encoding: str) -> str:
    """Map user spellings (``windows-1251``, ``utf8``, ``ansi``) to Python codec names."""
    key = encoding.strip().lower().replace("_", "-")
    aliases = {"windows-1251": "cp1251", "win-1251": "cp1251", "win1251": "cp1251", "ansi": "cp1251",
               "utf8": "utf-8", "utf-8-bom": "utf-8-sig", "dos": "cp866", "866": "cp866"}
    name = aliases.get(key, key)
    try:
        import codecs

        codecs.lookup(name)
    except LookupError as exc:
        raise InputError(f"unknown encoding '{encoding}'; use utf-8, cp1251 (windows-1251) or cp866") from exc
    return name


def detect_encoding(path: Path, sample: bytes | None = None) -> str:
    """Guess the encoding: a BOM wins; else strict UTF-8 on a sample; else windows-1251."""
    if sample is None:
        with open_bytes(path) as fh:
            sample = fh.read(SAMPLE_BYTES)
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A sample cut in the middle of a multi-byte character is still UTF-8.
        if exc.start >= len(sample) - 3 and len(sample) == SAMPLE_BYTES:
            return "utf-8"
    return "cp1251"


def decode_sample(path: Path, encoding: str, size: int = SAMPLE_BYTES) -> str:
    """Decode the head of ``path``; raise a located :class:`EncodingError` if it does not decode."""
    with open_bytes(path) as fh:
        data = fh.read(size)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and len(data) == size:
            return data[: exc.start].decode(encoding)
        raise encoding_error(path, data, exc, encoding) from exc


def encoding_error(path: Path, data: bytes, exc: UnicodeDecodeError, encoding: str) -> EncodingError:
    """Build the message for bytes that do not decode, naming the line."""
    line = data[: exc.start].count(b"\n") + 1
    other = "cp1251" if encoding.startswith("utf") else "utf-8"
    return EncodingError(
        f"{path.name}, строка {line}: bytes {data[exc.start:exc.start + 4]!r} are not valid {encoding}. "
        f"The file is probably in another encoding: try --encoding {other}.")


def detect_separator(text: str, sep: str | None = None) -> str:
    """Return the field separator: the one given, else the one that splits the sample most consistently."""
    if sep:
        return _SEP_NAMES.get(sep.lower(), sep)
    lines = [ln for ln in text.splitlines()[:200] if ln.strip()]
    if not lines:
        return ";"
    best, best_score = ";", -1.0
    for cand in SEPARATORS:
        try:
            counts = [len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=cand)]
        except csv.Error:  # an unbalanced quote in the sample: this separator tells nothing
            continue
        if not counts or max(counts) < 2:
            continue
        width = max(set(counts), key=counts.count)  # the most common field count
        share = counts.count(width) / len(counts)
        score = share * min(width, 50)
        if score > best_score:
            best, best_score = cand, score
    return best
