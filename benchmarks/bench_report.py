"""Benchmark ``miner report`` on a generated 1C-style log of 10^6 events (acceptance: ≤ 60 s, ≤ 4 GB).

The log and the declared process come from ``benchmarks/bench_compare.py`` (``make_logs.py`` writes
the CSV once to ``benchmarks/_data/``, it is read once into parquet). Each run is the command
itself, ``python -m miner.cli report LOG.parquet --declared BENCH.yaml -o DIR``, in a fresh child
process: the time is the child's wall time (interpreter start, imports, reading the parquet,
everything written), the memory the child's peak RSS (``ru_maxrss`` of the waited-for children).

Example:
    python benchmarks/bench_report.py --events 1000000 --runs 3            # from parquet, with --declared
    python benchmarks/bench_report.py --runs 3 --from-csv                  # from the 1C-style CSV
    python benchmarks/bench_report.py --runs 3 --no-declared
    python benchmarks/bench_report.py --events 10000000 --runs 3          # the 10^7-event log (issue 16)
    python benchmarks/bench_report.py --many-activities --runs 3          # 18 000 events, ~4 900 activities

Measured (2 cores, Python 3.11, pandas 3.1, pm4py 2.7.23; 10^6 events, 79 937 cases, 1 001 variants,
48 employees, 20 activities; 18 declared steps, alignments for every variant; the whole command:
start-up, reading, HTML, DOCX, 5 maps, 6 charts, tables):

| command | events | median s | runs (s) | peak RSS MB |
|---|---|---|---|---|
| miner report parquet --declared | 1,000,000 | 11.5 | 11.6, 11.0, 11.5 | 791 |
| miner report csv --declared (cp1251 1C export) | 1,000,000 | 12.1 | 12.1, 13.0, 11.4 | 1 041 |
| miner report parquet | 1,000,000 | 5.2 | 5.6, 5.1, 5.2 | 736 |

Inside one declared run (``miner.report`` on the DataFrame, 10.3 s): ``compare`` 5.4 s (alignments per
variant), ``discover`` 1.2 s, the report's sections and charts 2.9 s, writing HTML/DOCX/CSV/XLSX 0.5 s;
the rest of the command's time is Python start-up and imports (pm4py, matplotlib).
"""
from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def run_once(source: Path, yaml: Path | None, output: Path, lang: str) -> float:
    """Run ``miner report`` once in a child process and return its wall time in seconds."""
    args = [sys.executable, "-m", "miner.cli", "-q", "report", str(source), "-o", str(output), "--lang", lang]
    if yaml is not None:
        args += ["--declared", str(yaml)]
    began = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - began


def many_activities() -> Path:
    """Write (once) the many-activities log of ``tests/odd_logs.py`` as parquet and return its path."""
    path = HERE / "_data" / "many_activities.parquet"
    if not path.exists():
        sys.path.insert(0, str(ROOT / "tests"))
        from odd_logs import many_activities_log

        path.parent.mkdir(parents=True, exist_ok=True)
        many_activities_log().to_parquet(path, index=False)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark `miner report` on a generated log.")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-declared", action="store_true", help="report without --declared")
    parser.add_argument("--lang", default="ru", choices=["ru", "en"])
    parser.add_argument("--from-csv", action="store_true", help="read the 1C-style CSV instead of the parquet")
    parser.add_argument("--many-activities", action="store_true",
                        help="a log of 18 000 events whose activity column holds ids (~4 900 activities)")
    args = parser.parse_args(argv)
    from benchmarks.bench_compare import prepare

    if args.many_activities:
        source, yaml = many_activities(), None
        args.events, args.no_declared = 18_000, True
    else:
        parquet, yaml = prepare(args.events)
        source = parquet.with_suffix(".csv") if args.from_csv else parquet
    output = HERE / "_data" / "report_out"
    seconds = [run_once(source, None if args.no_declared else yaml, output, args.lang) for _ in range(args.runs)]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = usage.ru_maxrss / 1024
    # CPU seconds per run: on a shared machine the wall time also counts the wait for a core
    print(f"CPU per run (user + system): {(usage.ru_utime + usage.ru_stime) / args.runs:.1f} s", file=sys.stderr)
    what = f"miner report {source.suffix[1:]}" + ("" if args.no_declared else " --declared")
    print("| command | events | median s | runs (s) | peak RSS MB |")
    print("|---|---|---|---|---|")
    print(f"| {what} | {args.events:,} | {statistics.median(seconds):.1f} | "
          f"{', '.join(format(s, '.1f') for s in seconds)} | {peak_mb:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
