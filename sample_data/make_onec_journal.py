"""Write a small synthetic 1C registration journal (old text format) into ``sample_data/onec_journal/``.

The files follow ONEC_FORMATS.md §1.2 exactly: UTF-8 with BOM, the ``1CV8LOG(ver 2.0)`` line, the
infobase GUID, then bracket records separated by ``,`` + CRLF (no comma after the last one).
``1Cv8.lgf`` holds the dictionary (users, computers, applications, events, metadata, server,
port); ``20260302000000.lgp`` holds 19-field records: sessions, and document changes
(``_$Data$_.New/.Update/.Post``) wrapped in ``_$Transaction$_.Begin/.Commit``, with one
transaction that ends in ``.Rollback``. References are ``{"R",<table>:<hex32>}`` in 1C's byte
order of a version-1 GUID whose timestamp is the creation time (UTC), as the platform makes them.

The content is a tiny wholesale trade: orders of clients («Заказ клиента 0000-000123 от
02.03.2026 9:15:00»), invoices, payments and shipments of March 2026. A fixed seed, no clock:
running ``python sample_data/make_onec_journal.py`` rewrites the same bytes.

Example:
    >>> records = build_records(seed=3)  # doctest: +SKIP
    >>> len(records) > 300
    True
"""
from __future__ import annotations

import random
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "onec_journal"
SEED = 20260302
INFOBASE = "3f1c2b7e-8d4a-4c61-9a0e-5b7d2e9c41a8"
EOL = "\r\n"  # the journal is written by a Windows server
MSK = timedelta(hours=3)  # the server's time zone: journal times are local, GUID times UTC

USERS = {1: "Иванова Мария Сергеевна", 2: "Петров Алексей Игоревич", 3: "Кузнецов Олег Викторович",
         4: "Смирнова Елена Андреевна", 5: "Орлова Галина Михайловна"}
COMPUTERS = {1: "SALES-01", 2: "SALES-02", 3: "HEAD-01", 4: "BUH-01", 5: "SKLAD-01"}
APPS = {1: "1CV8C", 2: "1CV8"}
EVENTS = {1: "_$Session$_.Start", 2: "_$Session$_.Finish", 3: "_$Transaction$_.Begin", 4: "_$Transaction$_.Commit",
          5: "_$Transaction$_.Rollback", 6: "_$Data$_.New", 7: "_$Data$_.Update", 8: "_$Data$_.Post"}
EVENT = {name: code for code, name in EVENTS.items()}
# metadata code -> (full name, table number in references, title in presentations, number prefix)
METADATA = {1: ("Документ.ЗаказКлиента", 112, "Заказ клиента", "0000-000"),
            2: ("Документ.СчетНаОплатуКлиенту", 118, "Счет на оплату клиенту", "0000-000"),
            3: ("Документ.ПоступлениеБезналичныхДенежныхСредств", 97, "Поступление безналичных ДС", "0000-000"),
            4: ("Документ.РеализацияТоваровУслуг", 135, "Реализация товаров и услуг", "0000-000")}
METADATA_GUIDS = {1: "a6b1d0e2-2f3c-4d5e-8f90-1a2b3c4d5e01", 2: "a6b1d0e2-2f3c-4d5e-8f90-1a2b3c4d5e02",
                  3: "a6b1d0e2-2f3c-4d5e-8f90-1a2b3c4d5e03", 4: "a6b1d0e2-2f3c-4d5e-8f90-1a2b3c4d5e04"}
USER_GUIDS = {k: f"5d0c9e1a-7b2f-4e3d-9c8b-{k:012x}" for k in USERS}
WORKDAYS = [datetime(2026, 3, d) for d in (2, 3, 4, 5, 6, 10, 11, 12, 13)]  # 9 March 2026 is a day off
MANAGERS, HEAD, ACCOUNTANT, STOREKEEPER = (1, 2), 3, 4, 5


@dataclass(frozen=True)
class Record:
    """One journal record before it is written; ``txn`` is None outside a transaction."""

    time: datetime
    order: int  # tie-break: records of one transaction keep their order
    status: str
    txn: tuple[str, str] | None
    user: int
    event: int
    metadata: int = 0
    ref: str = ""
    presentation: str = ""
    session: int = 0
    comment: str = ""


class Journal:
    """Collect records: sessions per user and day, documents in transactions."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.records: list[Record] = []
        self.sessions: dict[tuple[int, datetime], int] = {}
        self.next_session = 1
        self.next_txn = 0x2a1
        self.numbers = {m: 100 + 17 * m for m in METADATA}

    def session(self, user: int, when: datetime) -> int:
        day = when.replace(hour=0, minute=0, second=0)
        if (user, day) not in self.sessions:
            self.sessions[(user, day)] = self.next_session
            self.next_session += 1
        return self.sessions[(user, day)]

    def new_document(self, metadata: int, when: datetime) -> tuple[str, str]:
        """Return (reference, presentation) of a new document created at ``when`` (local time)."""
        self.numbers[metadata] += 1
        _, table, title, prefix = METADATA[metadata]
        presentation = f"{title} {prefix}{self.numbers[metadata]:03d} от {when:%d.%m.%Y} {when.hour}:{when:%M:%S}"
        return f"{table}:{_ref_hex(when - MSK, self.rng)}", presentation

    def transaction(self, user: int, when: datetime, changes: list[tuple[int, int, str, str]], *,
                    rollback: bool = False, comment: str = "") -> None:
        """Add Begin, the data changes ``(event, metadata, ref, presentation)``, and Commit or Rollback."""
        self.next_txn += self.rng.randint(3, 40)
        key = (_hex_time(when), f"{self.next_txn:x}")
        status = "R" if rollback else "C"
        session = self.session(user, when)
        base = len(self.records)
        self.records.append(Record(when, base, status, key, user, EVENT["_$Transaction$_.Begin"], session=session))
        for i, (event, metadata, ref, presentation) in enumerate(changes, 1):
            self.records.append(Record(when, base + i, status if rollback else "U", key, user, event, metadata, ref,
                                       presentation, session))
        end = EVENT["_$Transaction$_.Rollback" if rollback else "_$Transaction$_.Commit"]
        self.records.append(Record(when, base + len(changes) + 1, status, key, user, end, session=session,
                                   comment=comment))

    def document(self, user: int, metadata: int, when: datetime, *, post: bool) -> tuple[str, str]:
        """Create (and post) a document in one transaction; return its reference and presentation."""
        ref, presentation = self.new_document(metadata, when)
        changes = [(EVENT["_$Data$_.New"], metadata, ref, presentation)]
        if post:
            changes.append((EVENT["_$Data$_.Post"], metadata, ref, presentation))
        self.transaction(user, when, changes)
        return ref, presentation

    def close_sessions(self) -> None:
        """Add Session.Start before a user's first record of a day and Session.Finish after the last."""
        by_session: dict[int, list[Record]] = {}
        for r in self.records:
            by_session.setdefault(r.session, []).append(r)
        for (user, _), number in self.sessions.items():
            times = [r.time for r in by_session.get(number, [])]
            start = min(times) - timedelta(minutes=self.rng.randint(2, 40))
            finish = max(times) + timedelta(minutes=self.rng.randint(5, 90))
            self.records.append(Record(start, -1, "N", None, user, EVENT["_$Session$_.Start"], session=number))
            self.records.append(Record(finish, 10**9, "N", None, user, EVENT["_$Session$_.Finish"], session=number))


def _hex_time(when: datetime) -> str:
    """1C's transaction time: seconds since 0001-01-01 × 10000, in hex (local time)."""
    return f"{int((when - datetime(1, 1, 1)).total_seconds()) * 10000:x}"


def _ref_hex(created_utc: datetime, rng: random.Random) -> str:
    """A version-1 GUID made at ``created_utc``, written in 1C's byte order (ONEC_FORMATS §1.2.4)."""
    ticks = int((created_utc - datetime(1582, 10, 15)).total_seconds() * 10_000_000) + rng.randint(0, 9_999_999)
    guid = uuid.UUID(fields=(ticks & 0xFFFFFFFF, (ticks >> 32) & 0xFFFF, ((ticks >> 48) & 0x0FFF) | 0x1000,
                             0x80 | rng.randint(0, 0x3F), rng.randint(0, 0xFF), 0x00505680A44E))
    a, b, c, d, e = str(guid).split("-")
    return d + e + c + b + a


def _at(rng: random.Random, day: datetime, earliest: float = 9.0) -> datetime:
    """A time of the working day ``day`` not before ``earliest`` hours (9:00-17:59)."""
    start = max(earliest, 9.0)
    hours = rng.uniform(start, 17.9) if start < 17.9 else 17.9
    return day + timedelta(seconds=int(hours * 3600))


def _later(rng: random.Random, when: datetime, min_hours: float, max_hours: float) -> datetime:
    """A working-time moment ``min_hours``-``max_hours`` working hours after ``when``."""
    left = rng.uniform(min_hours, max_hours) * 3600
    t = when
    while True:
        end_of_day = t.replace(hour=18, minute=0, second=0)
        if (end_of_day - t).total_seconds() >= left:
            return t + timedelta(seconds=int(left))
        left -= max((end_of_day - t).total_seconds(), 0)
        following = [d for d in WORKDAYS if d.date() > t.date()]
        if not following:
            return t.replace(hour=17, minute=55, second=0)
        t = following[0].replace(hour=9)


def add_order(journal: Journal, day: datetime, number: int) -> None:
    """One order's documents: order, invoice, payment, shipment, with the journal's usual variations."""
    rng = journal.rng
    manager = MANAGERS[number % 2]
    created = _at(rng, day, 9.0)
    ref, shown = journal.document(manager, 1, created, post=False)
    t = created
    if rng.random() < 0.3:  # the manager corrects the order before it is posted
        t = _later(rng, t, 0.2, 2)
        journal.transaction(manager, t, [(EVENT["_$Data$_.Update"], 1, ref, shown)])
    t = _later(rng, t, 0.3, 4)
    approver = HEAD if rng.random() < 0.7 else manager
    journal.transaction(approver, t, [(EVENT["_$Data$_.Post"], 1, ref, shown)])
    t = _later(rng, t, 0.2, 3)
    journal.document(ACCOUNTANT if rng.random() < 0.75 else manager, 2, t, post=False)
    paid = _later(rng, t, 4, 30)
    shipped = _later(rng, t, 2, 12) if rng.random() < 0.2 else _later(rng, paid, 1, 9)
    journal.document(ACCOUNTANT, 3, paid, post=True)
    if number == 7:  # posting fails once for lack of stock, then succeeds
        ref_failed, shown_failed = journal.new_document(4, shipped)
        journal.transaction(STOREKEEPER, shipped, [(EVENT["_$Data$_.New"], 4, ref_failed, shown_failed),
                                                   (EVENT["_$Data$_.Post"], 4, ref_failed, shown_failed)],
                            rollback=True, comment="Недостаточно товара на складе «Основной»")
        shipped = _later(rng, shipped, 0.5, 2)
    journal.document(STOREKEEPER, 4, shipped, post=True)


def build_records(seed: int = SEED, orders: int = 18) -> list[Record]:
    """Return the journal's records in the order they are written (by time)."""
    rng = random.Random(seed)
    journal = Journal(rng)
    for number in range(orders):
        add_order(journal, WORKDAYS[number * 6 // orders], number)
    journal.close_sessions()
    return sorted(journal.records, key=lambda r: (r.time, r.order))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def format_record(r: Record) -> str:
    """Write one 19-field record as 1C does (line breaks as in the platform's files)."""
    txn = "{%s,%s}" % r.txn if r.txn else "{0,0}"
    data = '{"R",%s}' % r.ref if r.ref else '{"U"}'
    return (f"{{{r.time:%Y%m%d%H%M%S},{r.status},{EOL}{txn},{r.user},{r.user},1,{r.session},{r.event},I,"
            f"{_quote(r.comment)},{r.metadata},{EOL}{data},{_quote(r.presentation)},1,1,0,{r.session},0,{EOL}{{0}}{EOL}}}")


def format_dictionary() -> str:
    """Write ``1Cv8.lgf``: every code the records use."""
    lines = [f'{{1,{USER_GUIDS[k]},{_quote(v)},{k}}}' for k, v in USERS.items()]
    lines += [f"{{2,{_quote(v)},{k}}}" for k, v in COMPUTERS.items()]
    lines += [f"{{3,{_quote(v)},{k}}}" for k, v in APPS.items()]
    lines += [f"{{4,{_quote(v)},{k}}}" for k, v in EVENTS.items()]
    lines += [f"{{5,{METADATA_GUIDS[k]},{_quote(v[0])},{k}}}" for k, v in METADATA.items()]
    lines += ['{6,"srv-1c",1}', "{7,1541,1}"]
    return "\ufeff1CV8LOG(ver 2.0)" + EOL + INFOBASE + EOL + ("," + EOL).join(lines)


def write_journal(out_dir: Path = OUT, seed: int = SEED) -> list[Path]:
    """Write ``1Cv8.lgf`` and ``20260302000000.lgp`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    records = build_records(seed)
    body = ("," + EOL).join(format_record(r) for r in records)
    lgp = "\ufeff1CV8LOG(ver 2.0)" + EOL + INFOBASE + EOL + EOL + body
    paths = [out_dir / "1Cv8.lgf", out_dir / "20260302000000.lgp"]
    paths[0].write_bytes(format_dictionary().encode("utf-8"))
    paths[1].write_bytes(lgp.encode("utf-8"))
    return paths


if __name__ == "__main__":
    for path in write_journal():
        print(f"{path.stat().st_size:>9,d}  {path}")
    sys.exit(0)
