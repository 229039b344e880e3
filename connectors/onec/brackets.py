"""Tokenize and split 1C "brackets" files (``1Cv8.lgf``, ``*.lgp``): ``{value,value,{...}}``.

Grammar (ONEC_FORMATS.md §1.2.2): a node is ``{`` values separated by ``,`` ``}``; a value is a
node, a string ``"..."`` in which ``""`` is an escaped quote and raw CR/LF are allowed, or a bare
token (numbers, hex, GUIDs, letters, ``49:8c82...`` references). Whitespace between tokens does
not matter. Parsers that only count braces break on ``{``/``}`` inside strings; this one does not.

Records are streamed chunk by chunk: each chunk is cut at the separator 1C writes between records
and every piece is matched against one pattern in pyarrow (RE2, in C, no Python object per record);
whatever does not match is scanned token by token here, so a record that breaks the pattern is
still read, and a broken one is reported with its record number, line and byte offset while the
rest of the file is read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

CHUNK_BYTES = 8 << 20
MAX_RECORD_BYTES = 16 << 20  # a record longer than this is treated as broken (never-closing brace)

_TOKEN = re.compile(rb'"(?:[^"]++|"")*+"|[{},]|[^{},"\s]++|\s++')
# Where a journal record starts: a line beginning with {14 digits,letter,  (used only to resync).
_RECORD_START = re.compile(rb"\n\s*\{\d{14},[A-Z],")
_CUT_OK = re.compile(rb"\{\d{14},[A-Z],")  # what follows a separator that is really between records


class BracketsSyntaxError(ValueError):
    """A node that does not follow the brackets grammar; ``offset`` is where it went wrong."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass
class BrokenRecord:
    """A record that could not be read: 1-based record number, 1-based line, byte offset, why."""

    record: int
    line: int
    offset: int
    reason: str
    text: str


def unquote(raw: bytes | str) -> str:
    """Return the text of a brackets string token (``"a""b"`` → ``a"b``), decoding UTF-8.

    >>> unquote(b'"Srvr=""x"";"')
    'Srvr="x";'
    """
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1]
    return text.replace('""', '"') if '""' in text else text


def parse_node(data: bytes, pos: int = 0) -> tuple[list, int]:
    """Parse the node that starts at ``data[pos]`` into nested lists of ``str``.

    Strings are unquoted; bare tokens are kept as text. Returns the value and the offset just
    after its closing brace.

    Raises:
        BracketsSyntaxError: the node is malformed or ends before it closes.
    Example:
        >>> parse_node(b'{1,"a""b",{"R",49:8c}}')[0]
        ['1', 'a"b', ['R', '49:8c']]
    """
    stack: list[list] = []
    expect_value = True
    at = pos
    for m in _TOKEN.finditer(data, pos):
        if m.start() != at:  # finditer skipped a '"' that opens a string with no closing quote
            raise BracketsSyntaxError("a string is not closed before the end of the data", at)
        at = m.end()
        tok = m.group()
        first = tok[:1]
        if first.isspace():
            continue
        if first == b"{":
            if not expect_value:
                raise BracketsSyntaxError("'{' without a comma before it", m.start())
            stack.append([])
            expect_value = True
            continue
        if not stack:
            raise BracketsSyntaxError("expected '{' at the start of a node", m.start())
        if first == b"}":
            node = stack.pop()
            if not stack:
                return node, m.end()
            stack[-1].append(node)
            expect_value = False
        elif first == b",":
            if expect_value:
                stack[-1].append("")  # an empty bare value: {1,,2}
            expect_value = True
        else:
            if not expect_value:
                raise BracketsSyntaxError(f"unexpected {tok[:20].decode('utf-8', 'replace')!r} after a value",
                                          m.start())
            stack[-1].append(unquote(tok) if first == b'"' else tok.decode("utf-8", "replace"))
            expect_value = False
    raise BracketsSyntaxError("the node is not closed before the end of the data", len(data))


def iter_nodes(data: bytes, start: int = 0) -> Iterator[tuple[list | None, int, str | None]]:
    """Yield ``(node, offset, error)`` for every top-level node after ``start`` (lgf records).

    A malformed node yields ``(None, offset, message)`` and reading resumes at the next line that
    starts with ``{``.
    """
    pos = start
    size = len(data)
    while True:
        while pos < size and data[pos:pos + 1] in b" \t\r\n,":
            pos += 1
        if pos >= size:
            return
        try:
            node, pos = parse_node(data, pos)
        except BracketsSyntaxError as exc:
            yield None, pos, str(exc)
            nxt = data.find(b"\n{", pos + 1)
            if nxt < 0:
                return
            pos = nxt + 1
            continue
        yield node, pos, None


@dataclass
class _Scan:
    status: str  # "ok", "bad", "more"
    end: int = 0
    fields: list[bytes] | None = None
    reason: str = ""


def scan_record(buf: bytes, pos: int, eof: bool) -> _Scan:
    """Find the end of the top-level node at ``buf[pos]`` and split it into raw top-level fields.

    Returns status ``ok`` (``fields`` hold the raw bytes of each top-level value), ``bad`` (the
    record is malformed; ``end`` is where reading resumes) or ``more`` (the node continues past
    the buffer and the file has more data).
    """
    if buf[pos:pos + 1] != b"{":
        return _resync(buf, pos, eof, "the record does not start with '{'")
    depth = 0
    fields: list[bytes] = []
    field_start = pos + 1
    error = ""
    last = b","  # what the previous significant token was: ',', '{', '}', or 'v' (a value)
    at = pos
    for m in _TOKEN.finditer(buf, pos):
        if m.start() != at:  # finditer skipped a '"' that opens a string with no closing quote
            break
        at = m.end()
        tok = m.group()
        first = tok[:1]
        if first.isspace():
            continue
        if first == b"{":
            if last not in (b",", b"{") and not error:
                error = "'{' without a comma before it"
            depth += 1
        elif first == b"}":
            depth -= 1
            if depth == 0:
                fields.append(buf[field_start:m.start()].strip())
                if error:
                    return _Scan("bad", m.end(), reason=error)
                return _Scan("ok", m.end(), fields)
        elif first == b",":
            if depth == 1:
                fields.append(buf[field_start:m.start()].strip())
                field_start = m.end()
        elif last not in (b",", b"{") and not error:
            error = f"unexpected {tok[:20].decode('utf-8', 'replace')!r} after a value"
        last = first if first in (b"{", b"}", b",") else b"v"
        if m.end() - pos > MAX_RECORD_BYTES:
            return _resync(buf, pos, True, "the record never closes (unbalanced braces or quotes)")
    # Ran off the buffer: unterminated string or unclosed brace.
    if not eof and len(buf) - pos <= MAX_RECORD_BYTES:
        return _Scan("more")
    if _RECORD_START.search(buf, pos + 1):
        return _resync(buf, pos, True, "the record never closes (unbalanced braces or quotes)")
    return _resync(buf, pos, True, "the record is cut off: the file ends inside it")


def _resync(buf: bytes, pos: int, eof: bool, reason: str) -> _Scan:
    """Skip a record that cannot be delimited: resume at the next line that starts a record."""
    m = _RECORD_START.search(buf, pos + 1)
    if m is None:
        if not eof:
            return _Scan("more")
        return _Scan("bad", len(buf), reason=reason)
    return _Scan("bad", m.start() + 1, reason=reason)


SlowConvert = Callable[[list[bytes]], "tuple[bytes, ...] | str"]


def record_ranges(path: Path, start: int, separator: bytes, size: int) -> list[tuple[int, int]]:
    """Cut ``path`` from ``start`` into byte ranges of about ``size`` that begin at a record start.

    Each cut is just after a record separator (``\\r\\n},\\r\\n{`` → at its ``{``), so ranges can be
    read independently (in parallel). A separator inside a string could only make a cut inside a
    record: the careful scanner then reports that one record as broken, as it would anyway.
    """
    total = path.stat().st_size
    cuts = [start]
    with open(path, "rb") as fh:
        at = start + size
        while at < total:
            fh.seek(at)
            window = fh.read(1 << 20)
            hit = window.find(separator)
            while hit >= 0 and not _CUT_OK.match(window, hit + len(separator) - 1):
                hit = window.find(separator, hit + 1)
            if hit < 0:
                if at + len(window) >= total:
                    break
                at += max(1, len(window) - len(separator) - 32)  # overlap: a separator may straddle windows
                continue
            cut = at + hit + len(separator) - 1
            cuts.append(cut)
            at = cut + size
    cuts.append(total)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


@dataclass
class RecordBatch:
    """Records of one chunk: one pyarrow binary array per named group of the record pattern."""

    columns: dict[str, Any]
    rows: np.ndarray
    broken: list[BrokenRecord] = field(default_factory=list)
    bytes_done: int = 0


def iter_record_batches(path: Path, start: int, pattern: str, separator: bytes, convert: SlowConvert,
                        *, chunk_bytes: int = CHUNK_BYTES, end: int | None = None,
                        line: int | None = None) -> Iterator[RecordBatch]:
    """Stream the records of ``path`` from byte ``start`` in batches of raw field groups.

    Each chunk is cut at the record separator 1C writes (``\\r\\n},\\r\\n{``), and every piece is
    matched against ``pattern`` in C (pyarrow/RE2), so no Python object is made per record. A piece
    that does not match (a separator inside a string, an unusual record, a broken one) sends that
    stretch to the token scanner, which re-reads it record by record from a true record start.

    Args:
        path: the brackets file (an ``.lgp``).
        start: byte offset of the first record (after the header lines).
        pattern: an RE2 pattern with named groups that fully matches one piece (a record without
            the separator's braces; the first piece keeps its ``{``, the last its ``}``).
        separator: the bytes between two records, e.g. ``b"\\r\\n},\\r\\n{"``.
        convert: turns the raw top-level fields of a record the pattern missed into the pattern's
            groups (in order), or returns a message when the record is malformed.
        chunk_bytes: how much to read at a time.
        end: stop at this byte offset (a record start, see :func:`record_ranges`); the end of the file
            when None.
        line: the line number at ``start`` when known (else counted from the file's beginning).
    Yields:
        :class:`RecordBatch` per chunk; ``rows`` are 1-based record numbers in the file.
    """
    names = re.findall(r"\(\?P<(\w+)>", pattern)
    state = _State(names, pattern, separator, convert, chunk_bytes)
    with open(path, "rb") as fh:
        if line is None:
            state.line = fh.read(start).count(b"\n") + 1
        else:
            state.line = line
            fh.seek(start)
        buf, eof, offset = b"", False, start
        stop = end if end is not None else 1 << 62
        while not eof:
            want = min(chunk_bytes, stop - offset - len(buf))
            chunk = fh.read(want) if want > 0 else b""
            eof = len(chunk) < chunk_bytes
            buf = buf + chunk if buf else chunk
            batch, consumed = state.split(buf, eof, offset)
            offset += consumed
            state.line += buf.count(b"\n", 0, consumed)
            batch.bytes_done = offset
            buf = buf[consumed:]
            yield batch
        if buf.strip(b" \t\r\n,"):
            state.record += 1  # only whitespace may follow the last record
            yield RecordBatch(state.empty(), np.zeros(0, np.int64), [BrokenRecord(
                state.record, state.line, offset, "unreadable data after the last record",
                buf[:80].decode("utf-8", "replace"))], offset)


class _State:
    """Counters and settings carried from chunk to chunk."""

    def __init__(self, names: list[str], pattern: str, separator: bytes, convert: SlowConvert,
                 chunk_bytes: int) -> None:
        self.names, self.pattern, self.separator, self.convert = names, pattern, separator, convert
        self.chunk_bytes = chunk_bytes
        self.record = 0  # records seen so far (good and broken)
        self.line = 1  # line number of the current buffer's first byte

    def empty(self) -> dict[str, Any]:
        import pyarrow as pa

        return {n: pa.array([], pa.binary()) for n in self.names}

    def split(self, buf: bytes, eof: bool, offset: int) -> tuple[RecordBatch, int]:
        """Read the complete records of ``buf``; return the batch and how many bytes it used."""
        import pyarrow as pa
        import pyarrow.compute as pc

        region_end, consumed = len(buf), len(buf)
        if not eof:
            cut = buf.rfind(self.separator)
            if cut > 0:
                region_end, consumed = cut, cut + len(self.separator) - 1
            elif len(buf) < 4 * self.chunk_bytes:
                return RecordBatch(self.empty(), np.zeros(0, np.int64)), 0  # one record longer than the chunk
            # else: no separator at all (another line-ending style): the scanner reads it all
        region = buf[:region_end]
        if not region.strip(b" \t\r\n,"):
            return RecordBatch(self.empty(), np.zeros(0, np.int64)), region_end if eof else 0
        pieces = pc.split_pattern(pa.array([region], pa.binary()), pattern=self.separator).flatten()
        matched = pc.extract_regex(pieces, pattern=self.pattern)
        lengths = pc.binary_length(pieces).to_numpy(zero_copy_only=False).astype(np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths + len(self.separator))[:-1] - 1])
        starts[0] = 0  # piece i > 0 starts after the separator; its record starts at the '{' before it
        good = ~np.asarray(pc.is_null(matched).to_numpy(zero_copy_only=False), dtype=bool)
        if region_end == len(buf):
            # No separator follows the last piece, so its closing brace is not guaranteed: the
            # pattern cannot tell "{...{0}" (cut off) from a whole record; the scanner can.
            good[-1] = False
        segments: list[tuple[dict[str, Any], np.ndarray]] = []
        broken: list[BrokenRecord] = []
        i, n = 0, len(lengths)
        while i < n:
            if good[i]:
                j = i + int(np.argmin(good[i:])) if not good[i:].all() else n
                part = matched.slice(i, j - i)
                rows = np.arange(self.record + 1, self.record + 1 + (j - i), dtype=np.int64)
                self.record += j - i
                segments.append(({k: part.field(k) for k in self.names}, rows))
                i = j
                continue
            pos, i, stop = self._careful(region, buf, starts, good, i, eof, offset, segments, broken)
            if stop is not None:
                consumed = stop
                break
        return _merge(segments, broken, self.names), consumed

    def _careful(self, region: bytes, buf: bytes, starts: np.ndarray, good: np.ndarray, i: int, eof: bool,
                 offset: int, segments: list, broken: list[BrokenRecord]) -> tuple[int, int, int | None]:
        """Re-read from piece ``i`` record by record until a record start lines up with a good piece."""
        pos = int(starts[i])
        groups: list[list[bytes]] = [[] for _ in self.names]
        rows: list[int] = []
        index = {int(s): k for k, s in enumerate(starts)}
        data = buf if eof else region
        stop = None
        while True:
            while pos < len(data) and data[pos] in b" \t\r\n,":
                pos += 1
            k = index.get(pos)
            if pos >= len(region) or (k is not None and k > i and good[k]):
                break
            scan = scan_record(data, pos, eof)
            if scan.status == "more":
                stop = pos  # the record goes on past this chunk: read it again with the next one
                break
            self.record += 1
            values = self.convert(scan.fields) if scan.status == "ok" and scan.fields is not None else scan.reason
            if isinstance(values, str):
                line = self.line + buf.count(b"\n", 0, pos)
                snippet = data[pos:min(scan.end, pos + 120)].decode("utf-8", "replace")
                broken.append(BrokenRecord(self.record, line, offset + pos, values, snippet))
            else:
                for col, value in zip(groups, values):
                    col.append(value)
                rows.append(self.record)
            pos = scan.end
        if rows:
            import pyarrow as pa

            segments.append(({n: pa.array(c, pa.binary()) for n, c in zip(self.names, groups)},
                              np.asarray(rows, dtype=np.int64)))
        k = index.get(pos)
        return pos, (k if k is not None and pos < len(region) else len(starts)), stop


def _merge(segments: list[tuple[dict[str, Any], np.ndarray]], broken: list[BrokenRecord],
           names: list[str]) -> RecordBatch:
    import pyarrow as pa

    if not segments:
        return RecordBatch({n: pa.array([], pa.binary()) for n in names}, np.zeros(0, np.int64), broken)
    if len(segments) == 1:
        return RecordBatch(segments[0][0], segments[0][1], broken)
    columns = {n: pa.concat_arrays([s[0][n] for s in segments]) for n in names}
    return RecordBatch(columns, np.concatenate([s[1] for s in segments]), broken)
