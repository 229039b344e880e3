"""Generate a text 1C journal (``1Cv8.lgf`` + ``*.lgp``) with known truth, for the streaming tests.

Sessions run side by side (their records interleave in time, as on a real server), session numbers
are reused (so a case is a *run* of a session), documents are created, posted and changed later in
other sessions, some under a new number (the latest presentation names the case); transactions
commit, roll back (``R``) or stay open at the end of the journal (cut). Comments carry quotes,
braces, commas and line breaks. :class:`Truth` counts what a correct reader must find.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

EVENTS = ["_$Session$_.Start", "_$Session$_.Finish", "_$Transaction$_.Begin", "_$Transaction$_.Commit",
          "_$Transaction$_.Rollback", "_$Data$_.New", "_$Data$_.Post", "_$Data$_.Update", "БИП:Новости.Обновление"]
DOCS = [("ЗаказКлиента", "Заказ клиента"), ("РеализацияТоваровУслуг", "Реализация товаров и услуг")]
USERS = ["Иванова М.С.", "Петров А.И.", "Сидоров П.П."]
HEAD = "\ufeff1CV8LOG(ver 2.0)\r\n3f1c2b7e-8d4a-4c61-9a0e-5b7d2e9c41a8\r\n\r\n"


@dataclass
class Truth:
    """What the journal holds: records, service records, rolled-back and other changes, documents."""

    records: int = 0
    service: int = 0
    rolled_back_data: int = 0
    data: int = 0  # data changes that are not rolled back
    other: int = 0  # session start/finish and configuration events
    documents: set[str] = field(default_factory=set)
    transactions: dict[str, int] = field(default_factory=lambda: {"committed": 0, "rolled_back": 0, "unfinished": 0})


def _rec(when: datetime, status: str, txn: str, user: int, event: str, comment: str, meta: int, data: str,
         pres: str, session: int) -> tuple[datetime, str]:
    text = (f"{{{when:%Y%m%d%H%M%S},{status},\r\n{{{txn}}},{user},1,1,{session},{EVENTS.index(event) + 1},I,"
            f'"{comment}",{meta},\r\n{data},"{pres}",1,1,1,{session},0,\r\n{{0}}\r\n}}')
    return when, text


def _transaction(rng: random.Random, when: datetime, s: int, user: int, doc: dict, truth: Truth,
                 last: bool) -> list[tuple[datetime, str]]:
    key = f"{int((when - datetime(1, 1, 1)).total_seconds() * 10000):x},{rng.getrandbits(24):x}"
    fate = "open" if last and rng.random() < 0.5 else "rollback" if rng.random() < 0.1 else "commit"
    letter = {"commit": "C", "rollback": "R", "open": "U"}[fate]
    out = [_rec(when, letter, key, user, "_$Transaction$_.Begin", "", 0, '{"U"}', "", s)]
    steps = ["_$Data$_.New", "_$Data$_.Post"] if doc["new"] else ["_$Data$_.Update"]
    for step in steps:
        when += timedelta(seconds=1)
        comment = 'Клиент просил ""срочно"", {см. письмо},\r\nвторая строка' if rng.random() < 0.2 else ""
        out.append(_rec(when, "R" if fate == "rollback" else "U", key, user, step, comment, doc["meta"],
                        f'{{"R",{40 + doc["meta"]}:{doc["ref"]}}}', doc["pres"], s))
    if fate == "rollback":
        truth.rolled_back_data += len(steps)
    else:
        truth.data += len(steps)
        truth.documents.add(doc["ref"])
        doc["new"] = False
    truth.transactions[{"commit": "committed", "rollback": "rolled_back", "open": "unfinished"}[fate]] += 1
    if fate != "open":
        out.append(_rec(when, letter, key, user, "_$Transaction$_." + ("Commit" if fate == "commit" else "Rollback"),
                        "", 0, '{"U"}', "", s))
    truth.service += len(out) - len(steps)
    return out


def _session(rng: random.Random, when: datetime, s: int, docs: list[dict], truth: Truth,
             last: bool) -> list[tuple[datetime, str]]:
    user = rng.randint(1, len(USERS))
    out = [_rec(when, "N", "0,0", user, "_$Session$_.Start", "", 0, '{"U"}', "", s)]
    truth.other += 1
    for k in range(rng.randint(1, 5)):
        when += timedelta(seconds=rng.randint(3, 90))
        if docs and rng.random() < 0.4:
            doc = rng.choice(docs)
            if rng.random() < 0.3:  # renumbered: the latest presentation names the case
                doc["pres"] = doc["pres"].replace(" от ", "-И от ", 1) if "-И" not in doc["pres"] else doc["pres"]
        else:
            meta = rng.randint(1, len(DOCS))
            doc = {"meta": meta, "ref": f"{rng.getrandbits(128):032x}", "new": True,
                   "pres": f"{DOCS[meta - 1][1]} 0000-{len(docs) + 1:06d} от {when:%d.%m.%Y} {when.hour}:{when:%M:%S}"}
            docs.append(doc)
        out += _transaction(rng, when, s, user, doc, truth, last and k == 0)
        if rng.random() < 0.2:
            out.append(_rec(when, "N", "0,0", user, "БИП:Новости.Обновление", "", 0, '{"S","новости"}', "", s))
            truth.other += 1
    out.append(_rec(when + timedelta(seconds=5), "N", "0,0", user, "_$Session$_.Finish", "", 0, '{"U"}', "", s))
    truth.other += 1
    return out


def write_journal(folder: Path, sessions: int = 120, files: int = 2, seed: int = 5) -> Truth:
    """Write ``1Cv8.lgf`` and ``files`` lgp files with ``sessions`` sessions; return the truth."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    lgf = [f'{{1,{i:08x}-0000-4000-8000-000000000000,"{u}",{i}}}' for i, u in enumerate(USERS, 1)]
    lgf += ['{2,"SALES-01",1}', '{3,"1CV8C",1}', '{6,"SRV",1}', "{7,1560,1}", "{8,1561,1}"]
    lgf += [f'{{4,"{e}",{i}}}' for i, e in enumerate(EVENTS, 1)]
    lgf += [f'{{5,{i:08x}-1111-4000-8000-000000000000,"Документ.{m}",{i}}}' for i, (m, _) in enumerate(DOCS, 1)]
    (folder / "1Cv8.lgf").write_text(HEAD + ",\r\n".join(lgf), encoding="utf-8")
    truth, docs, records = Truth(), [], []
    start = datetime(2024, 3, 1, 9, 0, 0)
    for s in range(sessions):
        begin = start + timedelta(seconds=s * 40 + rng.randint(0, 30))  # sessions overlap
        records += _session(rng, begin, s % 7 + 1, docs, truth, last=s >= sessions - 3)
    records.sort(key=lambda r: r[0])  # interleave the sessions in time, as the server writes them
    truth.records = len(records)
    per = -(-len(records) // files)
    for f in range(files):
        part = records[f * per:(f + 1) * per]
        name = folder / f"{part[0][0]:%Y%m%d%H%M%S}.lgp"
        name.write_text(HEAD + ",\r\n".join(text for _, text in part), encoding="utf-8")
    return truth
