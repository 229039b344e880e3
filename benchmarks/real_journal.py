"""A big 1C registration journal built from real journal records, for the streaming benchmark.

The templates are the real text journals in ``../shared/data/onec`` (see its MANIFEST.md): the
records of a test infobase (user events with string data, sessions, transactions) and of another
infobase (authentication, documents created, changed and posted inside transactions, with their
references and presentations). Their two dictionaries are merged into one ``1Cv8.lgf`` (the second
one's codes moved past the first one's) and their records are replayed as many times as needed:
each replay keeps a record's layout, texts, event, user, metadata and data as they are, and moves
only what must differ between two replays: the time, the transaction's time stamp, the session and
connection numbers, object references and document numbers (and the dates in presentations).
Replays run in several lanes at once (concurrent users) whose records are merged by time, so
sessions interleave as on a real server.

Example:
    >>> write_real_journal(Path("/tmp/1Cv8Log"), records=1_000_000)  # doctest: +SKIP
    1000007
"""
from __future__ import annotations

import heapq
import random
import re
import time
from calendar import timegm
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "onec"
TEMPLATES = (("yy_eventlog_lgf/1Cv8.lgf", "yy_eventlog_lgf/20200412130000.lgp", 1),
             ("safer_bwd_1c_log_parser/meta-small.lgf", "safer_bwd_1c_log_parser/events-small.lgp", 20))
# which dictionary table each coded record field refers to (field index → lgf table)
CODED_FIELDS = {3: 1, 4: 2, 5: 3, 7: 4, 10: 5, 13: 6, 14: 7, 15: 8}
TICKS = 10_000  # the transaction stamp counts 1/10000 s
_RECORD_START = re.compile(rb"(?:^|\r?\n)\{(?=\d{14},)")
_PRESENTATION = re.compile(r"^(.* )(\d{6,})( от )(\d\d)\.(\d\d)\.(\d{4}) (\d{1,2}):(\d\d):(\d\d)$")


def fields(record: str) -> list[tuple[int, int]]:
    """Spans of the top-level fields of one ``{...}`` record, without the whitespace around them."""
    spans, depth, i, start = [], 0, 0, 1
    while i < len(record):
        ch = record[i]
        if ch == '"':  # a string: a doubled quote inside it stands for one quote
            i += 1
            while i < len(record) and not (record[i] == '"' and record[i + 1:i + 2] != '"'):
                i += 2 if record[i] == '"' else 1
        elif ch == "{":
            depth += 1
        elif ch == "}" or (ch == "," and depth == 1):
            depth -= ch == "}"
            if depth <= 1 and not (ch == "}" and depth == 1):
                spans.append((start, i))
                start = i + 1
        i += 1
    return [(a + len(record[a:b]) - len(record[a:b].lstrip()), b - (len(record[a:b]) - len(record[a:b].rstrip())))
            for a, b in spans]


@dataclass
class Template:
    """The records of one real journal: their fields, the text between them, and their times."""

    records: list[tuple[list[str], list[str]]]  # (field texts, the text after each field)
    offsets: list[int]  # seconds after the first record
    span: int


def _read_records(path: Path) -> list[str]:
    data = path.read_bytes()
    body = data[_RECORD_START.search(data).start():].strip()  # type: ignore[union-attr]
    starts = [m.end() - 1 for m in _RECORD_START.finditer(body)]
    out = []
    for a, b in zip(starts, starts[1:] + [len(body) + 2]):
        chunk = body[a:b].rstrip(b"\r\n").rstrip(b",").rstrip()
        out.append(chunk.decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n"))
    return out


def _read_lgf(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    body = text.split("\n", 2)[2].strip()
    return [e.strip().rstrip(",").replace("\n", "\r\n") for e in re.split(r",\n(?=\{\d+,)", body)]


def load_templates(folder: Path = SHARED) -> tuple[list[str], list[tuple[Template, int]]]:
    """The merged dictionary entries, and the templates with their weights."""
    entries: list[str] = []
    top: dict[int, int] = {}
    templates = []
    for lgf, lgp, weight in TEMPLATES:
        shift = dict(top)
        for entry in _read_lgf(folder / lgf):
            table = int(entry[1:entry.index(",")])
            code_at = entry.rindex(",") + 1
            code = int(entry[code_at:-1]) + shift.get(table, 0)
            top[table] = max(top.get(table, 0), code)
            entries.append(f"{entry[:code_at]}{code}}}")
        records, stamps = [], []
        for record in _read_records(folder / lgp):
            spans = fields(record)
            values = [record[a:b] for a, b in spans]
            glue = [record[b:c] for (_, b), (c, _) in zip(spans, spans[1:])] + [record[spans[-1][1]:]]
            for i, table in CODED_FIELDS.items():
                if values[i].isdigit() and int(values[i]) > 0:
                    values[i] = str(int(values[i]) + shift.get(table, 0))
            records.append((values, glue))
            stamps.append(timegm(time.strptime(values[0], "%Y%m%d%H%M%S")))
        offsets = [t - stamps[0] for t in stamps]
        templates.append((Template(records, offsets, max(offsets)), weight))
    return entries, templates


def _replay(template: Template, clock: int, replay_id: int, lane: int) -> Iterator[tuple[int, int, str]]:
    """The template's records moved to start at ``clock``, as replay number ``replay_id``."""
    delta = clock - timegm(time.strptime(template.records[0][0][0], "%Y%m%d%H%M%S"))
    sessions: dict[str, str] = {}
    for n, ((values, glue), offset) in enumerate(zip(template.records, template.offsets)):
        when = clock + offset
        out = list(values)
        out[0] = time.strftime("%Y%m%d%H%M%S", time.gmtime(when))
        if values[2] != "{0,0}":
            stamp, number = values[2][1:-1].split(",")
            out[2] = f"{{{int(stamp, 16) + delta * TICKS:x},{number}}}"
        if values[16] not in sessions:  # the server reuses session numbers
            sessions[values[16]] = str(lane * 1000 + (replay_id * 7 + len(sessions)) % 997 + 1)
        out[16] = sessions[values[16]]
        out[6] = str(int(values[6]) + replay_id * 10)
        if values[11].startswith('{"R",'):
            # 1C keeps a reference as the GUID's groups reordered: stored[24:32] is the GUID's first group
            colon = values[11].index(":")
            stored = values[11][colon + 1:colon + 33]
            first = (int(stored[24:], 16) + replay_id * 4096) & 0xFFFFFFFF
            out[11] = f"{values[11][:colon + 1]}{replay_id:08x}{stored[8:24]}{first:08x}{values[11][colon + 33:]}"
        match = _PRESENTATION.match(values[12][1:-1])
        if match:
            number = f"{int(match[2]) + replay_id * 100:0{len(match[2])}d}"
            doc = time.gmtime(timegm((int(match[6]), int(match[5]), int(match[4]), int(match[7]), int(match[8]),
                                      int(match[9]), 0, 0, 0)) + delta)
            out[12] = f'"{match[1]}{number}{match[3]}{time.strftime("%d.%m.%Y", doc)} {doc.tm_hour}:' \
                      f'{time.strftime("%M:%S", doc)}"'
        yield when, n, "{" + "".join(v + g for v, g in zip(out, glue))


def write_real_journal(folder: Path, records: int, *, files: int = 4, lanes: int = 8, days: int = 365,
                       seed: int = 7, source: Path = SHARED) -> int:
    """Write ``1Cv8.lgf`` and ``files`` ``.lgp`` files with ``records`` records; return how many.

    Args:
        folder: the ``1Cv8Log`` folder to write.
        records: how many records in all.
        files: how many ``.lgp`` files (1C starts a new one every period).
        lanes: replays running at once (their sessions interleave).
        days: about how long the journal runs.
        seed: for the choice of templates and the pauses between replays.
        source: where the real samples are.
    Raises:
        FileNotFoundError: the real samples are not at ``source``.
    """
    entries, templates = load_templates(source)
    folder.mkdir(parents=True, exist_ok=True)
    header = "\ufeff1CV8LOG(ver 2.0)\r\n75765565-b320-41d2-af9a-e453cb9b1b3f\r\n\r\n"
    (folder / "1Cv8.lgf").write_text(header + ",\r\n".join(entries), encoding="utf-8", newline="")
    weights = sum(w for _, w in templates)
    replays = max(lanes, records * weights // sum(len(t.records) * w for t, w in templates) + lanes)
    mean_span = sum(t.span * w for t, w in templates) / weights
    gap = max(1.0, days * 86400 * lanes / replays - mean_span)  # mean pause between two replays in a lane
    start = timegm((2024, 1, 9, 8, 0, 0, 0, 0, 0))
    choices = [t for t, w in templates for _ in range(w)]
    ids = iter(range(1 << 62))

    def lane(k: int) -> Iterator[tuple[int, int, int, int, str]]:
        rng, clock = random.Random(seed * 1000 + k), start + k * 37
        while True:
            template, rid = choices[rng.randrange(len(choices))], next(ids)
            for when, n, text in _replay(template, clock, rid, k):
                yield when, k, rid, n, text
            clock += template.span + 1 + int(rng.expovariate(1 / gap))

    written, out = 0, None
    per_file = -(-records // files)
    try:
        for when, _, _, _, text in heapq.merge(*(lane(k) for k in range(lanes))):
            if written % per_file == 0:
                if out is not None:
                    out.close()
                path = folder / f"{time.strftime('%Y%m%d%H%M%S', time.gmtime(when))}.lgp"
                out = open(path, "x", encoding="utf-8", newline="")
                out.write(header)
            else:
                out.write(",\r\n")  # type: ignore[union-attr]
            out.write(text)  # type: ignore[union-attr]
            written += 1
            if written >= records:
                break
    finally:
        if out is not None:
            out.close()
    return written
