"""Benchmark the 1C text journal reader: records/s and peak memory on a generated journal.

Generates a ``1Cv8Log`` folder of the requested size in a temporary folder — by default replayed
from the real journal records in ``../shared/data/onec`` (:mod:`real_journal`), or with
``--source synthetic`` written from scratch (sessions with authentication, documents created,
posted, changed inside transactions, 1 % rollbacks, multi-line comments with quotes) — reads it with :func:`connectors.onec.journal.read_onec_journal` in a
child process per run (so each run's peak RSS is its own), and prints medians of the runs.

Usage:
    python benchmarks/bench_onec.py --size-mb 1024 --runs 3
    python benchmarks/bench_onec.py --records 10000000 --command --notion session --runs 3   # whole command
    python benchmarks/bench_onec.py --records 1000000 --command --compare --runs 1   # streamed = in memory?
    python benchmarks/bench_onec.py --size-mb 100 --keep /tmp/journal   # keep the generated folder
    python benchmarks/bench_onec.py --records 100000000 --command --runs 1 --keep /big/j   # the 10^8 run
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_journal import SHARED, write_real_journal  # noqa: E402

USERS = ["Иванов И.И.", "Петрова А.С.", "Сидоров П.П.", "Кузнецова Е.В.", "Смирнов Д.А.", "Волкова О.Н.",
         "Администратор", "Обмен с сайтом"]
COMPUTERS = ["BUH-01", "SALES-02", "SALES-03", "SKLAD-01", "SRV-1C-01"]
APPS = ["1CV8C", "WebClient", "BackgroundJob", "COMConnection"]
EVENTS = ["_$Session$_.Authentication", "_$Session$_.Start", "_$Session$_.Finish", "_$Transaction$_.Begin",
          "_$Transaction$_.Commit", "_$Transaction$_.Rollback", "_$Data$_.New", "_$Data$_.Update", "_$Data$_.Post",
          "_$Data$_.Unpost", "_$Data$_.Delete", "БИП:Новости.Изменение данных"]
DOCS = [("ЗаказКлиента", "Заказ клиента"), ("СчетНаОплатуКлиенту", "Счет на оплату клиенту"),
        ("РеализацияТоваровУслуг", "Реализация товаров и услуг"),
        ("ПоступлениеБезналичныхДенежныхСредств", "Поступление безналичных ДС"),
        ("ЗаказПоставщику", "Заказ поставщику"), ("ПриобретениеТоваровУслуг", "Приобретение товаров и услуг")]
GUID = "5e9a7aa8-4efa-11e9-a98f-005056aea130"
HEADER = f"\ufeff1CV8LOG(ver 2.0)\r\n{GUID}\r\n\r\n"


def _code(table: list[str], name: str) -> int:
    return table.index(name) + 1


def write_lgf(folder: Path) -> None:
    """Write the dictionary: users, computers, applications, events, metadata, server, ports."""
    lines = []
    for i, user in enumerate(USERS, 1):
        lines.append(f'{{1,{i:08x}-0000-4000-8000-000000000000,"{user}",{i}}}')
    lines += [f'{{2,"{c}",{i}}}' for i, c in enumerate(COMPUTERS, 1)]
    lines += [f'{{3,"{a}",{i}}}' for i, a in enumerate(APPS, 1)]
    lines += [f'{{4,"{e}",{i}}}' for i, e in enumerate(EVENTS, 1)]
    lines += [f'{{5,{i:08x}-1111-4000-8000-000000000000,"Документ.{m}",{i}}}' for i, (m, _) in enumerate(DOCS, 1)]
    lines += ['{6,"SRV-1C-01",1}', "{7,1560,1}", "{8,1561,1}"]
    (folder / "1Cv8.lgf").write_text(HEADER + ",\r\n".join(lines), encoding="utf-8")


def _record(when: datetime, status: str, txn: str, user: int, comp: int, app: int, conn: int, event: str,
            severity: str, comment: str, metadata: int, data: str, presentation: str, session: int) -> str:
    return (f"{{{when:%Y%m%d%H%M%S},{status},\r\n{{{txn}}},{user},{comp},{app},{conn},{_code(EVENTS, event)},"
            f'{severity},"{comment}",{metadata},\r\n{data},"{presentation}",1,1,1,{session},0,\r\n{{0}}\r\n}}')


def _session(rng: random.Random, when: datetime, session: int, numbers: dict[int, int]) -> tuple[list[str], datetime]:
    """One user session: authentication, start, some document work in transactions, finish."""
    user, comp, app = rng.randint(1, len(USERS)), rng.randint(1, len(COMPUTERS)), rng.randint(1, 2)
    conn = session * 3 + 1
    out = [_record(when, "N", "0,0", user, comp, app, conn, "_$Session$_.Authentication", "I", "", 0,
                   f'{{"P",\r\n{{6,\r\n{{"S","{USERS[user - 1]}"}},\r\n{{"S","DOMAIN\\U{user}"}}\r\n}}\r\n}}', "",
                   session),
           _record(when, "N", "0,0", user, comp, app, conn, "_$Session$_.Start", "I", "", 0, '{"U"}', "", session)]
    for _ in range(rng.randint(2, 12)):
        when += timedelta(seconds=rng.randint(5, 600))
        meta = rng.randint(1, len(DOCS))
        numbers[meta] = numbers.get(meta, 0) + 1
        number = f"0000-{numbers[meta]:06d}"
        ref = f"{rng.getrandbits(128):032x}"
        pres = f"{DOCS[meta - 1][1]} {number} от {when:%d.%m.%Y} {when.hour}:{when:%M:%S}"
        data = f'{{"R",{40 + meta}:{ref}}}'
        txn = f"{int((when - datetime(1, 1, 1)).total_seconds() * 10000):x},{rng.getrandbits(20):x}"
        rollback = rng.random() < 0.01
        steps = ["_$Data$_.New", "_$Data$_.Post"] if rng.random() < 0.7 else ["_$Data$_.New"]
        if rng.random() < 0.3:
            steps.append("_$Data$_.Update")
        status_in = "R" if rollback else "U"
        out.append(_record(when, "R" if rollback else "C", txn, user, comp, app, conn, "_$Transaction$_.Begin",
                           "I", "", 0, '{"U"}', "", session))
        for step in steps:
            comment = ""
            if rng.random() < 0.05:
                comment = f'Изменено по звонку клиента,\r\nсм. письмо ""Срочно"" {{{number}}}'
            out.append(_record(when, status_in, txn, user, comp, app, conn, step, "I", comment, meta, data, pres,
                               session))
        out.append(_record(when, "R" if rollback else "C", txn, user, comp, app, conn,
                           "_$Transaction$_.Rollback" if rollback else "_$Transaction$_.Commit", "I", "", 0, '{"U"}',
                           "", session))
    when += timedelta(seconds=rng.randint(5, 300))
    out.append(_record(when, "N", "0,0", user, comp, app, conn, "_$Session$_.Finish", "I", "", 0, '{"U"}', "",
                       session))
    return out, when


def write_journal(folder: Path, target_bytes: int, *, seed: int = 7, files: int = 1,
                  target_records: int | None = None) -> int:
    """Write ``1Cv8.lgf`` and ``files`` lgp files of about ``target_bytes`` in all (or about
    ``target_records`` records); return the record count."""
    folder.mkdir(parents=True, exist_ok=True)
    write_lgf(folder)
    rng = random.Random(seed)
    when = datetime(2024, 1, 9, 8, 0, 0)
    records, session, numbers = 0, 0, {}
    per_file = target_bytes // files
    for f in range(files):
        path = folder / f"{when:%Y%m%d%H%M%S}.lgp"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(HEADER)
            size, first = len(HEADER), True
            while size < per_file if target_records is None else records < target_records * (f + 1) // files:
                block = []
                for _ in range(200):
                    session += 1
                    recs, when = _session(rng, when, session % 5000 + 1, numbers)
                    block.extend(recs)
                text = ("" if first else ",\r\n") + ",\r\n".join(block)
                first = False
                fh.write(text)
                size += len(text.encode("utf-8"))
                records += len(block)
    return records


_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from connectors.onec.journal import read_onec_journal
t = time.perf_counter()
read = read_onec_journal({folder!r}, case_notion={notion!r})
elapsed = time.perf_counter() - t
print(json.dumps({{"seconds": elapsed, "records": read.info.rows_read, "events": len(read.frame),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(folder: Path, notion: str = "object") -> dict[str, float]:
    """Read ``folder`` in a fresh interpreter; return seconds, records, events and peak RSS (MB)."""
    code = _CHILD.format(root=str(ROOT), folder=str(folder), notion=notion)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants (the parsing workers), in kB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


_IN_MEMORY = ("import sys, miner.ingestion.streaming as s; s.STREAM_FROM_BYTES = 1 << 62; "
              "from miner.cli import main; sys.argv = ['miner'] + sys.argv[1:]; main()")


def measure_command(folder: Path, notion: str, output: Path, in_memory: bool = False) -> dict[str, float]:
    """Time the whole ``miner -q ingest FOLDER -o OUTPUT --case-notion NOTION``; peak RSS of the process tree.

    ``in_memory`` forces the in-memory reader (what ingest does for journals under 128 MB), for A/B runs.
    """
    cmd = [sys.executable] + (["-c", _IN_MEMORY] if in_memory else ["-m", "miner.cli"])
    cmd += ["-q", "ingest", str(folder), "-o", str(output), "--case-notion", notion]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.1)
    elapsed = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(proc.stderr.read())
    report = json.loads(Path(str(output) + ".ingest.json").read_text(encoding="utf-8"))
    assert report["rows_read"] == report["events"] + report["rejected"] + report["excluded"], "records unaccounted"
    return {"seconds": elapsed, "records": report["rows_read"], "events": report["events"],
            "peak_rss_mb": peak / 1024}


_SAME = """
import sys; sys.path.insert(0, {root!r})
import pandas as pd
from connectors.onec.journal import read_onec_journal
from miner import eventlog as E
from miner.discovery.dfg import encode, directly_follows, variants
memory = E.finalize(read_onec_journal({folder!r}, case_notion={notion!r}).frame)
streamed = pd.read_parquet({output!r})
assert len(memory) == len(streamed), (len(memory), len(streamed))
for c in ("case:concept:name", "concept:name", "source:file", "source:row"):
    assert memory[c].astype(str).tolist() == streamed[c].astype(str).tolist(), c
assert (memory["time:timestamp"].to_numpy() == streamed["time:timestamp"].to_numpy().astype("datetime64[ns]")).all()
a, b = encode(memory), encode(streamed)
da, db = directly_follows(a, durations=False), directly_follows(b, durations=False)
def edges(d):
    return sorted(zip((d.activities[i] for i in d.source), (d.activities[i] for i in d.target), d.count.tolist()))
assert edges(da) == edges(db), "DFG differs"
va, vb = variants(a), variants(b)
assert sorted(zip(map(tuple, va.sequences), va.counts.tolist())) == sorted(zip(map(tuple, vb.sequences),
                                                                              vb.counts.tolist())), "variants differ"
print("same events, DFG and variants:", len(memory), "events,", len(edges(da)), "edges,", len(va.counts), "variants")
"""


def compare_slice(folder: Path, notion: str, output: Path) -> None:
    """Check that the streamed log of ``folder`` equals the in-memory one: events, DFG and variants."""
    code = _SAME.format(root=str(ROOT), folder=str(folder), notion=notion, output=str(output))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    print(out.stdout.strip(), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the generated journal")
    parser.add_argument("--records", type=int, help="generate about this many records instead (e.g. 10000000)")
    parser.add_argument("--runs", type=int, default=3, help="runs to take the median of (>= 3)")
    parser.add_argument("--files", type=int, default=4, help="how many lgp files to split the journal into")
    parser.add_argument("--source", choices=["real", "synthetic"], default="real" if SHARED.is_dir() else "synthetic",
                        help="replay the real journal records of ../shared/data/onec (default when present), or "
                             "write synthetic ones")
    parser.add_argument("--notion", default="object", choices=["object", "session", "user_day"])
    parser.add_argument("--command", action="store_true",
                        help="time the whole `miner ingest` command (streams journals over 128 MB) instead of the "
                             "in-memory reader; peak RSS of the process and its workers")
    parser.add_argument("--ab", action="store_true",
                        help="with --command: alternate streamed and in-memory whole commands, medians of both")
    parser.add_argument("--compare", action="store_true",
                        help="after the runs, check the streamed log equals the in-memory one (events, DFG, variants)")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()
    (ROOT / "benchmarks" / "_data").mkdir(exist_ok=True)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_onec_", dir=ROOT / "benchmarks" / "_data")) / "1Cv8Log"
    output = folder.parent / "log.parquet"
    try:
        t = time.perf_counter()
        if not (folder / "1Cv8.lgf").exists() and args.source == "real":
            write_real_journal(folder, args.records or (args.size_mb << 20) // 140, files=args.files)
        elif not (folder / "1Cv8.lgf").exists():
            write_journal(folder, args.size_mb << 20, files=args.files, target_records=args.records)
        size = sum(p.stat().st_size for p in folder.glob("*.lgp"))
        print(f"journal: {folder} {size / 2**20:.0f} MB (generated in {time.perf_counter() - t:.0f} s)", flush=True)
        ways = {"streamed": False, "in memory": True} if args.ab and args.command else {"": False}
        runs: dict[str, list[dict[str, float]]] = {w: [] for w in ways}
        for i in range(args.runs):
            for way, in_memory in ways.items():  # alternate: both ways see the same machine load
                run = measure_command(folder, args.notion, output, in_memory) if args.command else \
                    measure(folder, args.notion)
                runs[way].append(run)
                print(f"run {i + 1} {way}: {run}", flush=True)
        for way, done in runs.items() if args.runs else ():
            secs = statistics.median(r["seconds"] for r in done)
            rss = statistics.median(r["peak_rss_mb"] for r in done)
            recs = done[0]["records"]
            print(f"| {way} | {size / 2**20:.0f} MB | {recs:,} records | {done[0]['events']:,} events | "
                  f"{args.notion} | {secs:.1f} s | {recs / secs:,.0f} records/s | {rss:,.0f} MB peak RSS |")
        if args.compare and args.command:
            compare_slice(folder, args.notion, output)
    finally:
        output.unlink(missing_ok=True)
        Path(str(output) + ".ingest.json").unlink(missing_ok=True)
        if args.keep is None:
            shutil.rmtree(folder.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
