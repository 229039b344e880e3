"""Benchmark ``miner.compare`` on a generated 1C-style log: 10^6 events, ~10^3 variants.

The log comes from ``benchmarks/make_logs.py`` (written once to ``benchmarks/_data/``); the
declared process is the generator's typical order with its optional steps skippable, its
departments and three time limits (it finds undeclared steps and paths, rework and slow steps;
every department is checked and matches). Each run happens in a fresh
child process that reads the log from parquet, then times ``compare`` alone; the table shows the
median of the runs and the child's peak RSS.

Example:
    python benchmarks/bench_compare.py --events 1000000 --runs 3

Measured (2 cores, Python 3.11, pandas 3.1, pm4py 2.7.23; 10^6 events, 79 937 cases, 1 000
variants, 18 declared steps; alignments for every variant, overlay map rendered):

| step | events | median s | runs (s) | peak RSS MB | fitness | method | findings |
|---|---|---|---|---|---|---|---|
| compare (findings, fitness, map) | 1,000,000 | 9.7 | 12.4, 9.7, 7.8 | 759 | 0.913 | alignments | 120 |

About 8 s of it are pm4py's alignments (~8 ms per variant). ``miner.compare`` straight from the
1C CSV (reading included): 9.8 s, peak RSS 1.15 GB (one run, ``/usr/bin/time -v``).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
import pandas as pd
import miner
log = pd.read_parquet({log!r})
began = time.perf_counter()
result = miner.compare(log, {declared!r}, {output!r}, time_budget={budget})
seconds = time.perf_counter() - began
print(json.dumps({{"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "fitness": result.fitness, "method": result.fitness_method,
                  "findings": len(result.findings)}}))
"""


def declared_yaml() -> str:
    """Return the declared process: the typical order, optional steps may be skipped."""
    from benchmarks.make_logs import ACTIVITIES, NAMES, OPTIONAL

    undeclared = {"Изменен заказ клиента", "Возврат от клиента"}
    steps = [n for n in NAMES if n not in undeclared]
    lines = ["process: Продажа (бенчмарк)", f"start: [{steps[0]}]", "end: [Закрыт заказ]", "steps:"]
    for i, name in enumerate(steps):
        nxt = []
        for later in steps[i + 1:]:
            nxt.append(later)
            if later not in OPTIONAL:
                break
        lines.append(f"  {name}:")
        if nxt:
            lines.append(f"    next: [{', '.join(nxt)}]")
        lines.append(f"    department: {ACTIVITIES[name]}")
        if name in ("Согласован заказ", "Поступила оплата", "Отгрузка"):
            lines.append("    within: 1d")
    return "\n".join(lines) + "\n"


def prepare(events: int) -> tuple[Path, Path]:
    """Write (once) the CSV, its canonical parquet and the declared YAML; return parquet and YAML."""
    from benchmarks.make_logs import write_log

    data = HERE / "_data"
    csv = data / f"o2c_{events // 1000}k.csv" if events < 10**6 else data / f"o2c_{events // 10**6}m.csv"
    if not csv.exists():
        write_log(csv, events)
    parquet = csv.with_suffix(".parquet")
    if not parquet.exists():
        import miner

        began = time.perf_counter()
        miner.read_log(csv).to_parquet(parquet, index=False)
        print(f"read {csv.name} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    yaml = data / "declared_bench.yaml"
    yaml.write_text(declared_yaml(), encoding="utf-8")
    return parquet, yaml


def run_once(parquet: Path, yaml: Path, budget: float) -> dict:
    """Run one comparison in a fresh interpreter and return its measurements."""
    code = CHILD.format(root=str(ROOT), log=str(parquet), declared=str(yaml),
                        output=str(HERE / "_data" / "compare_out"), budget=budget)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark miner.compare on a generated log.")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget", type=float, default=30.0, help="time budget for alignments, s")
    args = parser.parse_args(argv)
    parquet, yaml = prepare(args.events)
    runs = [run_once(parquet, yaml, args.budget) for _ in range(args.runs)]
    last = runs[-1]
    print("| step | events | median s | runs (s) | peak RSS MB | fitness | method | findings |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| compare (findings, fitness, map) | {args.events:,} | "
          f"{statistics.median(r['seconds'] for r in runs):.1f} | "
          f"{', '.join(format(r['seconds'], '.1f') for r in runs)} | "
          f"{max(r['rss_mb'] for r in runs):.0f} | {last['fitness']:.3f} | {last['method']} | {last['findings']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
