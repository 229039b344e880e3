"""Benchmark ingest, stats and the directly-follows graph against the plain pandas + pm4py way.

Each measurement runs in a fresh child process (so peak RSS is its own) several times; the
table shows medians and the largest peak RSS. Logs come from ``benchmarks/make_logs.py`` and are
cached in ``benchmarks/_data/`` (git-ignored).

    python benchmarks/bench_ingest.py                    # 10^5, 10^6, 5*10^6 events, 3 runs each
    python benchmarks/bench_ingest.py --sizes 100000 --runs 5
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "_data"

# Each task is a snippet run in a child process; it prints {"seconds": ..., "events": ...}.
PRELUDE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
path = {path!r}
"""
TASKS = {
    "ingest (miner)": """
import miner, connectors.tables.delimited  # imported before timing, as the plain way imports pandas and pm4py
t = time.perf_counter(); log = miner.ingest(path).log; s = time.perf_counter() - t
""",
    "read_csv + format_dataframe (plain)": """
import pandas as pd, pm4py
t = time.perf_counter()
df = pd.read_csv(path, sep=";", encoding="cp1251", dtype={"Номер заказа": str})
df["Дата"] = pd.to_datetime(df["Дата"], format="%d.%m.%Y %H:%M:%S")
log = pm4py.format_dataframe(df, case_id="Номер заказа", activity_key="Событие", timestamp_key="Дата")
s = time.perf_counter() - t
""",
    "stats: DFG + variants (miner)": """
import miner
from miner.discovery import dfg
log = miner.ingest(path).log
t = time.perf_counter(); coded = dfg.encode(log); d = dfg.directly_follows(coded, durations=False); v = dfg.variants(coded)
s = time.perf_counter() - t
""",
    "discover_dfg + get_variants (pm4py)": """
import miner, pm4py
log = miner.ingest(path).log
t = time.perf_counter(); d = pm4py.discover_dfg(log); v = pm4py.get_variants(log); s = time.perf_counter() - t
""",
    "miner stats (whole command)": """
import miner
log = miner.ingest(path).log
t = time.perf_counter(); st = miner.stats(log); s = time.perf_counter() - t
""",
    "miner discover (maps + BPMN + PNML)": """
import miner, tempfile
log = miner.ingest(path).log
t = time.perf_counter(); miner.discover(log, output=tempfile.mkdtemp()); s = time.perf_counter() - t
""",
}
EPILOGUE = """
print(json.dumps({"seconds": s, "events": len(log), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def ensure_log(events: int) -> Path:
    """Return the cached benchmark CSV with ``events`` rows, writing it if needed."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"o2c_{events}.csv"
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "make_logs.py"), "--events", str(events), "-o", str(path)],
                       check=True)
    return path


def measure(task: str, path: Path, runs: int) -> dict[str, float]:
    code = PRELUDE.format(root=str(ROOT), path=str(path)) + TASKS[task] + EPILOGUE
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"{task} failed:\n{out.stderr[-2000:]}")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {"median_s": statistics.median(r["seconds"] for r in results),
            "peak_rss_mb": max(r["rss_mb"] for r in results), "events": results[0]["events"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 5_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS), metavar="TASK")
    args = parser.parse_args()
    print(f"| task | events | median s | events/s | peak RSS MB |\n|---|---|---|---|---|")
    for size in args.sizes:
        path = ensure_log(size)
        for task in args.tasks:
            r = measure(task, path, args.runs)
            rate = r["events"] / r["median_s"] if r["median_s"] else float("inf")
            print(f"| {task} | {r['events']:,} | {r['median_s']:.2f} | {rate:,.0f} | {r['peak_rss_mb']:,.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()
