"""The dictionary of the text registration journal (``1Cv8.lgf``) and the decoding of record values.

``1Cv8.lgf`` maps integer codes to users, computers, applications, events, metadata and servers
(ONEC_FORMATS.md §1.2.3). It is written while the journal grows and may define the same (type, code)
again: the last definition wins, and an unknown code is looked up again after re-reading the file.
Distinct values (comments, presentations, data nodes) are decoded in pyarrow, not one by one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from connectors.onec.brackets import iter_nodes, parse_node, unquote
from connectors.onec.presentations import ref_to_guid
from miner.errors import FormatError

MAGIC = b"1CV8LOG"
_LGF_TYPES = {1: "users", 2: "computers", 3: "applications", 4: "events", 5: "metadata", 6: "servers",
              7: "main_ports", 8: "secondary_ports"}


def read_header(path: Path) -> int:
    """Check the ``1CV8LOG`` magic (BOM optional) and return the offset after the two header lines.

    Raises:
        FormatError: the file is not a 1C text journal file.
    """
    with open(path, "rb") as fh:
        head = fh.read(256)
    start = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    if not head[start:].startswith(MAGIC):
        raise FormatError(f"{path.name}: not a 1C registration journal file: it does not start with "
                          f"'1CV8LOG(ver 2.0)'. Pass the 1Cv8Log folder, its 1Cv8.lgf and *.lgp files, or 1Cv8.lgd.")
    lines = head[start:].split(b"\n", 2)
    if len(lines) < 3:
        return len(head)
    return start + len(lines[0]) + len(lines[1]) + 2


@dataclass
class Dictionary:
    """The lgf dictionary: code → name per object type, last definition wins."""

    path: Path
    names: dict[str, dict[int, str]] = field(default_factory=lambda: {t: {} for t in _LGF_TYPES.values()})
    broken: list[tuple[int, str]] = field(default_factory=list)
    entries: int = 0

    def lookup(self, kind: str, code: int) -> str | None:
        """Return the name of ``code`` in table ``kind``; ``""`` for code 0; None when unknown."""
        if code == 0:
            return ""
        return self.names[kind].get(code)


def read_lgf(path: Path) -> Dictionary:
    """Read ``1Cv8.lgf`` into a :class:`Dictionary` (a redefined code keeps its last name).

    Example:
        >>> read_lgf(Path("1Cv8Log/1Cv8.lgf")).lookup("users", 2)  # doctest: +SKIP
        'user1'
    """
    start = read_header(path)
    data = path.read_bytes()
    out = Dictionary(path)
    for node, offset, error in iter_nodes(data, start):
        if node is None:
            out.broken.append((data.count(b"\n", 0, offset) + 1, error or ""))
            continue
        out.entries += 1
        kind = _LGF_TYPES.get(_int(node[0]) if node else -1)
        if kind is None or len(node) < 3:
            continue  # types 9-13: session separators and pairs, not needed for process mining
        code = _int(node[-1])
        value = node[-2]
        if isinstance(value, list):
            value = ",".join(v for v in value if isinstance(v, str))
        if kind in ("main_ports", "secondary_ports") or code < 0:
            value = str(value)
        out.names[kind][code] = value
    return out


def _int(text: Any) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return -1


class Refresher:
    """Look codes up; on the first unknown code re-read the lgf once (it grows while 1C writes)."""

    def __init__(self, dictionary: Dictionary) -> None:
        self.dictionary = dictionary
        self.reread = False

    def lookup(self, kind: str, code: int) -> str | None:
        name = self.dictionary.lookup(kind, code)
        if name is None and not self.reread:
            self.reread = True
            self.dictionary = read_lgf(self.dictionary.path)
            name = self.dictionary.lookup(kind, code)
        return name


def texts(values: Any) -> Any:
    """Decode distinct string contents at once (UTF-8, ``""`` → ``"``); returns a pyarrow array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        text = values.cast(pa.string())  # validates UTF-8
    except pa.ArrowInvalid:
        return pa.array([unquote(b'"' + v + b'"') for v in values.to_pylist()], pa.string())
    if len(text) and pc.any(pc.match_substring(text, '""')).as_py():
        return pc.replace_substring(text, '""', '"')
    return text


def decode_data_all(values: Any) -> tuple[Any, Any, Any]:
    """:func:`decode_data` for every distinct data node: (type letters, GUIDs, texts) as pyarrow arrays.

    References, nearly all of a big journal's distinct values, are converted in C; the rest
    (strings, numbers, composites) one by one.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.extract_regex(values, pattern=r'^\{\s*"R"\s*,\s*(?P<ref>\d+:(?P<hex>[0-9a-fA-F]{32}))\s*\}$')
    is_ref = pc.is_valid(found)
    hexes = pc.utf8_lower(found.field("hex").cast(pa.string()))
    part = [pc.utf8_slice_codeunits(hexes, a, b) for a, b in ((24, 32), (20, 24), (16, 20), (0, 4), (4, 16))]
    guids = pc.binary_join_element_wise(*part, "-")
    refs = pc.if_else(is_ref, "", pa.scalar(None, pa.string()))  # a reference's text is its GUID: not kept twice
    kinds = pc.if_else(is_ref, "R", pa.scalar(None, pa.string()))
    others = np.flatnonzero(~is_ref.to_numpy(zero_copy_only=False))
    if len(others):
        decoded = [decode_data(values[int(i)].as_py()) for i in others]
        where = pa.array(np.isin(np.arange(len(values)), others))
        fill = np.zeros(len(values), dtype=np.int64)
        fill[others] = np.arange(len(others))
        def put(base: Any, column: list[str]) -> Any:
            return pc.if_else(where, pa.array(column, pa.string()).take(pa.array(fill)), base)
        kinds = put(kinds, [d[0] for d in decoded])
        guids = put(guids, [d[1] for d in decoded])
        refs = put(refs, [d[2] for d in decoded])
    return kinds, guids, refs


def release_memory() -> None:
    """Hand memory pyarrow freed back to the system: its allocator keeps it otherwise, and reading a
    big journal would hold (and look) twice as large as it is."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def fast_categorical(codes: np.ndarray, categories: Any) -> pd.Categorical:
    """A categorical over distinct pyarrow ``categories`` without pandas re-checking them.

    ``pd.Categorical.from_codes`` hashes the categories through Python objects (300 MB for the
    1.6 million presentations of a 1 GB journal); categories made distinct by pyarrow need no
    check, so pandas' internal fast path is used when it exists.
    """
    import pyarrow as pa

    index = pd.Index(pd.arrays.ArrowStringArray(categories.cast(pa.string())))
    n = len(index)
    dtype = np.int8 if n < 2**7 else np.int16 if n < 2**15 else np.int32 if n < 2**31 else np.int64
    codes = np.asarray(codes).astype(dtype, copy=False)
    fast = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    simple = getattr(pd.Categorical, "_simple_new", None)
    if fast is not None and simple is not None:
        try:
            return simple(codes, fast(index, False))
        except TypeError:  # another pandas signature: take the checked way
            pass
    return pd.Categorical.from_codes(codes, categories=index)


def categorical(index: np.ndarray, labels: Any, *, distinct: bool = False) -> pd.Categorical:
    """Build a categorical from per-record indices into ``labels`` (a list or pyarrow array that may
    repeat values or hold nulls; ``distinct=True`` promises it does not). The categories stay
    pyarrow-backed: no Python string per value.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = labels if isinstance(labels, (pa.Array, pa.ChunkedArray)) else pa.array(labels, pa.string())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = array.cast(pa.string())
    if distinct or array.null_count == 0 and pc.count_distinct(array).as_py() == len(array):
        return fast_categorical(index, array)  # already distinct (decoded dictionary values)
    encoded = array.dictionary_encode()
    remap = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    codes = remap[index] if len(index) else np.zeros(0, np.int32)
    return fast_categorical(codes, encoded.dictionary)


_REF = re.compile(rb'\{\s*"R"\s*,\s*(\d+:([0-9a-fA-F]{32}))\s*\}')


def decode_data(raw: bytes) -> tuple[str, str, str]:
    """Return (type letter, GUID for references, text) of a data node ``{"R",49:…}``, ``{"S","…"}``…

    A reference's text is empty: its GUID says it all.

    >>> decode_data(b'{"R",49:8c8214109fd4d3af11eb518292a423f8}')[1]
    '92a423f8-5182-11eb-8c82-14109fd4d3af'
    """
    if raw == b'{"U"}':
        return "U", "", ""
    m = _REF.fullmatch(raw)
    if m is not None:  # the common case, a reference: skip the general parser
        h = m.group(2).decode().lower()
        return "R", f"{h[24:32]}-{h[20:24]}-{h[16:20]}-{h[0:4]}-{h[4:16]}", ""
    try:
        node, _ = parse_node(raw)
    except ValueError:
        return "?", "", raw.decode("utf-8", "replace")
    if not node:
        return "", "", ""
    tag = node[0]
    if tag == "R" and len(node) > 1:
        guid = ref_to_guid(str(node[1]))
        return "R", guid or "", "" if guid else str(node[1])
    if tag == "B" and len(node) > 1:
        return "B", "", "Истина" if node[1] == "1" else "Ложь"
    if tag == "U":
        return "U", "", ""
    if tag in ("S", "N") and len(node) == 2 and isinstance(node[1], str):
        return tag, "", node[1]  # as it is: a string may well read "B" or "U"
    if tag == "P" and len(node) > 1 and isinstance(node[1], list):
        return "P", "", "; ".join(_leaves(node[1][1:]))  # node[1][0] is the kind of composite
    return tag, "", "; ".join(_leaves(node[1:]))


def _leaves(node: list) -> list[str]:
    out: list[str] = []
    for item in node:
        if isinstance(item, list):
            if len(item) == 2 and item[0] in ("S", "N", "R") and isinstance(item[1], str):
                out.append(item[1])
            else:
                out.extend(_leaves(item))
        elif item not in ("S", "N", "R", "P", "U", "B"):
            out.append(item)
    return [x for x in out if x]
