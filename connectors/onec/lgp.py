"""Stream the text registration journal (``*.lgp``) into the records that can become events.

Each lgp record has 19 fields (ONEC_FORMATS.md §1.2.4). Records are split and matched chunk by
chunk in pyarrow (:mod:`connectors.onec.brackets`). What every record contributes to its
transaction's outcome (key, status letter, Begin/Commit/Rollback) is kept for all records, a few
bytes each; the full fields only for the records that can become events under the chosen case
notion, dictionary-encoded per chunk. So a 1 GB journal is read in well under 1.5 GB of RAM.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from connectors.onec.filters import EVENTS_REASON, PERIOD_REASON, JournalFilter
from connectors.onec.brackets import CHUNK_BYTES, BrokenRecord, RecordBatch, iter_record_batches
from connectors.onec.lgf import (Refresher, categorical, decode_data_all, read_header, read_lgf, release_memory,
                                 texts)
from miner.rejects import RowProblems

SEVERITY = {"I": "Информация", "W": "Предупреждение", "E": "Ошибка", "N": "Примечание"}
OTHER, DATA, BEGIN, COMMIT, ROLLBACK, UNKNOWN = range(6)  # record classes
_SERVICE = {"_$Transaction$_.Begin": BEGIN, "_$Transaction$_.Commit": COMMIT, "_$Transaction$_.Rollback": ROLLBACK}
SERVICE_REASON = "transaction service record (Begin/Commit/Rollback)"
NOT_OBJECT_REASON = "not a change of a 1C object (session, job, message); use case notion session or user_day"
_L0 = r'(?:[^{}"]|"(?:[^"]|"")*")*'
_L1 = r'(?:[^{}"]|"(?:[^"]|"")*"|\{' + _L0 + r'\})*'
_L2 = r'(?:[^{}"]|"(?:[^"]|"")*"|\{' + _L1 + r'\})*'
_L3 = r'(?:[^{}"]|"(?:[^"]|"")*"|\{' + _L2 + r'\})*'
# One record between separators, as 1C writes it (RE2 syntax, matched by pyarrow). The first
# record keeps its '{', the last its '}'. A data node nested deeper than 4 levels, or any other
# layout, falls back to the token scanner.
RECORD_PATTERN = (
    r'^\{?(?P<date>\d{14}),(?P<status>[A-Z]),\s*\{(?P<txn>[0-9a-fA-F]+,[0-9a-fA-F]+)\},'
    r'(?P<combo>\d+,\d+,\d+,\d+,\d+,[A-Z]),"(?P<comment>(?:[^"]|"")*)",(?P<meta>\d+),\s*'
    r'(?P<data>\{' + _L3 + r'\}),"(?P<pres>(?:[^"]|"")*)",(?P<tail>\d+,\d+,\d+,\d+,\d+),\s*\{[^{}"]*\}\s*\}?\s*$')
_HEAVY = ("combo", "comment", "meta", "data", "pres", "tail")


def convert_slow(fields: list[bytes]) -> tuple[bytes, ...] | str:
    """Turn the raw top-level fields of a record into the groups of :data:`RECORD_PATTERN`.

    Returns a message instead when the record does not have the lgp layout.
    """
    if len(fields) != 19:
        return f"a journal record has 19 fields, this one has {len(fields)}"
    f = [x.strip() for x in fields]
    plain = [re.sub(rb"\s+", b"", x) for x in f]
    checks = [(0, rb"\d{14}", "date"), (1, rb"[A-Z]", "transaction status"),
              (2, rb"\{[0-9a-fA-F]+,[0-9a-fA-F]+\}", "transaction"), (8, rb"[A-Z]", "severity"),
              (9, rb'".*"', "comment"), (10, rb"\d+|\{[\d,]*\}", "metadata"), (11, rb"\{.*\}", "data"),
              (12, rb'".*"', "data presentation"), (18, rb"\{.*\}", "session data separators")]
    checks += [(i, rb"\d+", f"field {i + 1}") for i in (3, 4, 5, 6, 7, 13, 14, 15, 16, 17)]
    for i, pattern, name in checks:
        value = f[i] if i in (9, 12) else plain[i]
        if not re.fullmatch(pattern, value, re.S):
            return f"field {i + 1} ({name}) is {value[:40].decode('utf-8', 'replace')!r}"
    metadata = plain[10].strip(b"{}").split(b",")[0] or b"0"
    return (plain[0], plain[1], plain[2][1:-1], b",".join(plain[3:9]), f[9][1:-1], metadata, f[11],
            f[12][1:-1], b",".join(plain[13:18]))


def _letters(column: Any) -> np.ndarray:
    """One-byte values of a binary array as uint8 codes, without Python objects."""
    import pyarrow as pa

    column = pa.concat_arrays([column])  # a fresh array: offset 0, own buffers
    buffers = column.buffers()  # [validity, offsets, data]; every value here is exactly one byte
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[:len(column)]
    return np.frombuffer(buffers[2], dtype=np.uint8)[offsets].copy()


@dataclass
class LgpRead:
    """Records that can become events (raw table), their transaction outcome, and the rest counted."""

    frame: pd.DataFrame
    outcome: pd.Categorical
    problems: RowProblems
    transactions: dict[str, int]
    broken: list[tuple[str, BrokenRecord]]
    unknown: list[dict[str, Any]]
    records: int
    lgf_broken: list[str] = field(default_factory=list)


class _Collector:
    """Per chunk: classify records by event, keep transaction facts for all, full fields for candidates."""

    def __init__(self, refresh: Refresher, keep: tuple[int, ...], lgf_name: str,
                 filt: JournalFilter | None = None) -> None:
        self.refresh, self.keep, self.lgf_name = refresh, keep, lgf_name
        self.filt = filt if filt is not None and filt.active else None
        self.classes: dict[int, int] = {}
        self.txn: list[Any] = []  # per chunk, all records: dictionary-encoded transaction keys
        self.status: list[np.ndarray] = []
        self.klass: list[np.ndarray] = []
        self.positions: list[np.ndarray] = []  # per chunk: which records are candidates
        self.dates: list[np.ndarray] = []
        self.rows: list[np.ndarray] = []
        self.files: list[np.ndarray] = []
        self.encoded: dict[str, list[Any]] = {name: [] for name in _HEAVY}
        self.problems = RowProblems()
        self.broken: list[tuple[str, BrokenRecord]] = []
        self.records = 0
        self.stay: np.ndarray | None = None  # candidates that stay (rolled-back changes may go)

    def _class_of(self, code: int) -> int:
        if code not in self.classes:
            name = self.refresh.lookup("events", code)
            self.classes[code] = UNKNOWN if name is None else _SERVICE.get(
                name, DATA if name.startswith("_$Data$_.") else OTHER)
        return self.classes[code]

    def add(self, batch: RecordBatch, file_id: int, file_name: str) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        self.broken.extend((file_name, b) for b in batch.broken)
        self.records += len(batch.rows) + len(batch.broken)
        if len(batch.rows) == 0:
            return
        cols = batch.columns
        combos = cols["combo"].dictionary_encode()
        codes = [int(c.split(b",")[4]) for c in combos.dictionary.to_pylist()]
        per_combo = np.array([self._class_of(c) for c in codes], dtype=np.uint8)
        combo_idx = combos.indices.to_numpy(zero_copy_only=False)
        klass = per_combo[combo_idx]
        self.txn.append(cols["txn"].dictionary_encode())
        self.status.append(_letters(cols["status"]))
        self.klass.append(klass)
        self._count(batch.rows, klass, combo_idx, codes, file_name)
        pos = np.flatnonzero(np.isin(klass, self.keep))
        dates = pc.strptime(cols["date"].take(pa.array(pos)).cast(pa.string()), format="%Y%m%d%H%M%S", unit="s",
                            error_is_null=True)
        seconds = dates.cast(pa.int64()).fill_null(np.iinfo(np.int64).min).to_numpy()
        if self.filt is not None:
            ok = self._chosen(pos, seconds, cols, combo_idx, codes, batch.rows, file_name)
            pos, seconds = pos[ok], seconds[ok]
        self.positions.append(pos)
        take = pa.array(pos)
        self.dates.append(seconds)
        self.rows.append(batch.rows[pos])
        self.files.append(np.full(len(pos), file_id, dtype=np.int16))
        for name in _HEAVY:
            self.encoded[name].append(cols[name].take(take).dictionary_encode())

    def _chosen(self, pos: np.ndarray, seconds: np.ndarray, cols: dict[str, Any], combo_idx: np.ndarray,
                codes: list[int], rows: np.ndarray, file: str) -> np.ndarray:
        """Which candidates pass the period and event filters; count the rest as excluded."""
        import pyarrow as pa

        assert self.filt is not None
        ok = self.filt.period_mask(seconds)
        out_period = ~ok
        if self.filt.tokens and len(pos):
            metas = cols["meta"].take(pa.array(pos)).dictionary_encode()
            names = [self.refresh.lookup("metadata", int(m)) or "" for m in metas.dictionary.to_pylist()]
            events = [self.refresh.lookup("events", c) or "" for c in codes]
            pair = combo_idx[pos].astype(np.int64) * len(names) + metas.indices.to_numpy(zero_copy_only=False)
            distinct, inverse = np.unique(pair, return_inverse=True)
            lut = np.array([self.filt.event_ok(events[d // len(names)], names[d % len(names)]) for d in distinct],
                           dtype=bool)
            ok &= lut[inverse.reshape(-1)]
        for mask, reason in ((out_period, PERIOD_REASON), (~ok & ~out_period, EVENTS_REASON)):
            if mask.any():
                self.problems.exclude(reason, int(mask.sum()), [{"file": file, "row": int(r)}
                                                                for r in rows[pos[mask]][:5]])
        return ok

    def _count(self, rows: np.ndarray, klass: np.ndarray, combo_idx: np.ndarray, codes: list[int], file: str) -> None:
        """Count the records that will not be events, with the first few as located examples."""
        service = np.isin(klass, (BEGIN, COMMIT, ROLLBACK))
        if service.any():
            self.problems.exclude(SERVICE_REASON, int(service.sum()),
                                  [{"file": file, "row": int(r)} for r in rows[service][:5]])
        other = (klass == OTHER) & (OTHER not in self.keep)
        if other.any():
            self.problems.exclude(NOT_OBJECT_REASON, int(other.sum()),
                                  [{"file": file, "row": int(r)} for r in rows[other][:5]])
        for u in np.flatnonzero(np.array([self.classes[c] == UNKNOWN for c in codes])):
            hit = combo_idx == u
            self.problems.reject(f"event code {codes[u]} missing from {self.lgf_name}", file, rows[hit].tolist())

    def unified(self, name: str) -> tuple[np.ndarray, Any]:
        """Per-candidate indices into one shared pyarrow array of distinct raw values."""
        import pyarrow as pa

        chunks = self.encoded[name]
        self.encoded[name] = []
        if not chunks:
            return np.zeros(0, np.int32), pa.array([], pa.binary())
        merged = pa.chunked_array(chunks).unify_dictionaries()
        indices = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in merged.chunks])
        if self.stay is not None and not self.stay.all():
            indices = indices[self.stay]
        return indices.astype(np.int32, copy=False), merged.chunk(0).dictionary


def _separator(path: Path) -> bytes:
    """The bytes between records: ``\\r\\n},\\r\\n{`` on Windows servers, ``\\n},\\n{`` in LF copies."""
    with open(path, "rb") as fh:
        head = fh.read(256)
    return b"\r\n},\r\n{" if b"\r\n" in head else b"\n},\n{"


def read_lgp(lgf: Path, lgps: list[Path], progress: Callable[[int], None] | None = None, *,
             keep_other: bool = True, include_rolled_back: bool = True, chunk_bytes: int = CHUNK_BYTES,
             filt: JournalFilter | None = None) -> LgpRead:
    """Read ``lgps`` (in the given order) with the dictionary ``lgf``.

    Args:
        lgf: the ``1Cv8.lgf`` beside the lgp files.
        lgps: the ``.lgp`` files, oldest first (their names are timestamps).
        progress: called with the number of bytes read since the previous call.
        keep_other: keep records other than data changes (sessions, jobs, messages) as candidates;
            when False they are only counted (the "object" case notion).
        include_rolled_back: keep data changes of rolled-back transactions; when False they are
            counted as excluded here, before the table is built.
        chunk_bytes: read size (tests make it tiny to put chunk borders everywhere).
        filt: the period and event kinds to keep (others are counted as excluded).
    Returns:
        :class:`LgpRead`; ``frame`` has the columns of :data:`connectors.onec.events.RAW_COLUMNS`.
    """
    refresh = Refresher(read_lgf(lgf))
    collect = _Collector(refresh, (OTHER, DATA) if keep_other else (DATA,), lgf.name, filt)
    for file_id, path in enumerate(lgps):
        start = read_header(path)
        done = start
        for batch in iter_record_batches(path, start, RECORD_PATTERN, _separator(path), convert_slow,
                                         chunk_bytes=chunk_bytes):
            collect.add(batch, file_id, path.name)
            if progress:
                progress(batch.bytes_done - done)
            done = batch.bytes_done
            del batch
            release_memory()
    return _assemble(collect, [p.name for p in lgps], include_rolled_back)


def txn_facts(collect: _Collector) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    """What the records read so far say about their transactions.

    Returns the distinct transaction keys (pyarrow, ``"0,0"`` = none), per key whether a record
    rolls it back (a Rollback or status R) or commits it (a Commit or status C), and per candidate
    the index of its key (-1 = outside any transaction).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    merged = pa.chunked_array(collect.txn).unify_dictionaries()
    collect.txn = []
    chunks = [c.indices.to_numpy(zero_copy_only=False) for c in merged.chunks]
    ids = np.concatenate(chunks)
    status = np.concatenate(collect.status)
    klass = np.concatenate(collect.klass)
    keys = merged.chunk(0).dictionary
    rb = np.zeros(len(keys), dtype=bool)
    rb[ids[(klass == ROLLBACK) | (status == ord("R"))]] = True
    cm = np.zeros(len(keys), dtype=bool)
    cm[ids[(klass == COMMIT) | (status == ord("C"))]] = True
    cand = np.concatenate([c[p] for c, p in zip(chunks, collect.positions)]).astype(np.int64)
    none = pc.index(keys, b"0,0").as_py()
    if none >= 0:
        cand[cand == none] = -1
        rb[none] = cm[none] = False
    return keys, rb, cm, cand


def _outcomes(collect: _Collector) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Outcome code per candidate (0 none, 1 committed, 2 rolled back, 3 unfinished), its txn id, counts.

    A transaction is rolled back if any of its records is a Rollback or has status R; else committed
    if any is a Commit or has status C; else unfinished (ONEC_FORMATS.md §1.2.5).
    """
    import pyarrow.compute as pc

    if not collect.txn:
        return np.zeros(0, np.int8), np.zeros(0, np.int64), {"committed": 0, "rolled_back": 0, "unfinished": 0}
    keys, rb, cm, cand = txn_facts(collect)
    per_txn = np.where(rb, 2, np.where(cm, 1, 3)).astype(np.int8)
    none = pc.index(keys, b"0,0").as_py()
    if none >= 0:
        per_txn[none] = 0
    counts = np.bincount(per_txn, minlength=4)
    outcome = np.where(cand >= 0, per_txn[np.maximum(cand, 0)], 0).astype(np.int8) if len(per_txn) else \
        np.zeros(len(cand), np.int8)
    return outcome, cand, {"committed": int(counts[1]), "rolled_back": int(counts[2]), "unfinished": int(counts[3])}


def _candidates(collect: _Collector, name: str) -> np.ndarray:
    """A per-record array (status, class) restricted to the candidates, in record order."""
    parts = getattr(collect, name)
    return np.concatenate([s[p] for s, p in zip(parts, collect.positions)]) if parts else np.zeros(0, np.uint8)


def _assemble(collect: _Collector, names: list[str], include_rolled_back: bool,
              decided: tuple[np.ndarray, np.ndarray, dict[str, int]] | None = None) -> LgpRead:
    """Decode the candidates' encoded fields through the dictionary into the raw journal table.

    ``decided`` (outcome per candidate, transaction index per candidate, counts) replaces the
    decision from these records alone, for a reader that decides outcomes later (streaming).
    """
    from connectors.onec.events import OUTCOMES

    outcome, txn, transactions = decided if decided is not None else _outcomes(collect)
    release_memory()
    rows = np.concatenate(collect.rows) if collect.rows else np.zeros(0, np.int64)
    files = np.concatenate(collect.files) if collect.files else np.zeros(0, np.int16)
    status = _candidates(collect, "status")
    keep = np.ones(len(rows), dtype=bool)
    if not include_rolled_back:
        keep = ~((outcome == 2) & (_candidates(collect, "klass") == DATA))
        if not keep.all():
            examples = [{"file": names[files[i]], "row": int(rows[i])} for i in np.flatnonzero(~keep)[:5]]
            collect.problems.exclude("rolled-back transaction", int((~keep).sum()), examples)
            rows, files, status, outcome, txn = rows[keep], files[keep], status[keep], outcome[keep], txn[keep]
    collect.stay = keep
    collect.rows, collect.files = [], []
    frame = pd.DataFrame({"file": pd.Categorical.from_codes(files, categories=names), "row": rows})
    dates = np.concatenate(collect.dates)[keep] if collect.dates else np.zeros(0, np.int64)
    collect.dates = []
    frame["date"] = dates.view("datetime64[s]")  # int64 min is NaT: an unreadable date
    lut = np.full(256, -1, dtype=np.int8)
    for i, letter in enumerate("CNRU"):
        lut[ord(letter)] = i
    frame["status"] = pd.Categorical.from_codes(lut[status], categories=list("CNRU"))
    collect.status, collect.klass, collect.positions = [], [], []
    frame["txn"] = txn.astype(np.int32) if len(txn) and txn.max() < 2**31 else txn
    unknown: list[dict[str, Any]] = []
    _decode_combo(frame, collect, unknown)
    idx, values = collect.unified("meta")
    frame["metadata"] = _resolve(idx, [int(v) for v in values.to_pylist()], "metadata", collect.refresh, frame,
                                 unknown)
    _decode_tail(frame, collect, unknown)
    for name, column in (("comment", "comment"), ("pres", "presentation")):
        idx, values = collect.unified(name)
        frame[column] = categorical(idx, texts(values), distinct=True)  # unescaping keeps values distinct
        del idx, values
        release_memory()
    idx, values = collect.unified("data")
    kinds, guids, data = decode_data_all(values)
    del values
    frame["data_type"] = categorical(idx, kinds)
    frame["ref"] = categorical(idx, guids)
    frame["data"] = categorical(idx, data)
    del idx, kinds, guids, data
    release_memory()
    dictionary = collect.refresh.dictionary
    lgf_broken = [f"{dictionary.path.name}, строка {line}: unreadable dictionary entry ({why})"
                  for line, why in dictionary.broken]
    return LgpRead(frame, pd.Categorical.from_codes(outcome, categories=OUTCOMES), collect.problems, transactions,
                   collect.broken, unknown, collect.records, lgf_broken)


def _unknown(kind: str, code: int, frame: pd.DataFrame, mask: np.ndarray, unknown: list[dict[str, Any]]) -> str:
    """Note an unknown code with the first record that uses it; return the label to show."""
    where = int(np.argmax(mask)) if mask.any() else 0
    if len(frame):
        unknown.append({"table": kind, "code": code, "file": str(frame["file"].iat[where]),
                        "row": int(frame["row"].iat[where]), "records": int(mask.sum())})
    return f"<код {code} нет в 1Cv8.lgf>"


def _fields(values: Any, count: int) -> list[np.ndarray]:
    """Split distinct "1,2,3,..." values into ``count`` integer arrays, in pyarrow (no Python objects)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = pc.split_pattern(values.cast(pa.string()), pattern=",")
    return [pc.list_element(parts, i).to_numpy(zero_copy_only=False) for i in range(count)]


def _resolve(idx: np.ndarray, codes: Sequence[int] | np.ndarray, kind: str, refresh: Refresher, frame: pd.DataFrame,
             unknown: list[dict[str, Any]]) -> pd.Categorical:
    """Map per-record codes (via ``idx`` into ``codes``) to names; an unknown code is reported once."""
    distinct, which = np.unique(np.asarray(codes, dtype=np.int64), return_inverse=True)
    labels = []
    for k, code in enumerate(distinct.tolist()):
        name = refresh.lookup(kind, code)
        if name is None:
            name = _unknown(kind, code, frame, np.isin(idx, np.flatnonzero(which == k)), unknown)
        labels.append(name)
    return categorical(which[idx] if len(idx) else np.zeros(0, np.int64), labels)


def _decode_combo(frame: pd.DataFrame, collect: _Collector, unknown: list[dict[str, Any]]) -> None:
    """Split "user,computer,application,connection,event,severity" once per distinct combination."""
    import pyarrow as pa
    import pyarrow.compute as pc

    idx, values = collect.unified("combo")
    user, computer, app, conn, event = (f.astype(np.int64) for f in _fields(values, 5))
    for column, kind, codes in (("user", "users", user), ("computer", "computers", computer),
                                ("application", "applications", app), ("event", "events", event)):
        frame[column] = _resolve(idx, codes, kind, collect.refresh, frame, unknown if kind != "events" else [])
    frame["connection"] = conn.astype(np.int32)[idx] if len(idx) else np.zeros(0, np.int32)
    letters = pc.utf8_slice_codeunits(values.cast(pa.string()), -1)  # "…,I" → "I"
    names = pc.replace_substring_regex(letters, "^I$", SEVERITY["I"])
    for letter in "WEN":
        names = pc.replace_substring_regex(names, f"^{letter}$", SEVERITY[letter])
    frame["severity"] = categorical(idx, names)


def _decode_tail(frame: pd.DataFrame, collect: _Collector, unknown: list[dict[str, Any]]) -> None:
    """Split "server,main port,secondary port,session,field17" once per distinct combination."""
    idx, values = collect.unified("tail")
    server, _, _, session = _fields(values, 4)
    frame["server"] = _resolve(idx, server, "servers", collect.refresh, frame, unknown)
    frame["session"] = session.astype(np.int32)[idx] if len(idx) else np.zeros(0, np.int32)
