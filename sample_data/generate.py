"""Generate the sample data set of a small wholesale company, with its ground truth.

Run ``python sample_data/generate.py`` (from the repository root or anywhere) to rewrite every
file of ``sample_data/`` byte-identically: a fixed seed, no clock, fixed workbook stamps.
In Python, ``generate_sales()`` and ``generate_purchasing()`` return the same content in memory
(bigger or smaller variants with ``n_orders=`` / ``n_requests=``), ``write_all(dir)`` writes it.

Example:
    >>> from sample_data.generate import generate_sales
    >>> s = generate_sales(n_orders=100, seed=7)
    >>> s.truth["findings"][0]["kind"]  # doctest: +SKIP
    'role_mismatch'
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `sample_data` and `miner` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sample_data._common import Scenario, add_working_hours, working_hours  # noqa: E402
from sample_data._purchasing import generate_purchasing, write_purchasing  # noqa: E402
from sample_data._sales import generate_sales, write_sales  # noqa: E402

__all__ = ["Scenario", "generate_sales", "generate_purchasing", "write_all", "working_hours", "add_working_hours"]
HERE = Path(__file__).resolve().parent


def write_truth(scenario: Scenario, path: Path) -> Path:
    """Write a scenario's truth as indented UTF-8 JSON (stable key order, Cyrillic as is)."""
    path.write_text(json.dumps(scenario.truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def write_all(out_dir: str | Path = HERE) -> list[Path]:
    """Generate both scenarios with their default sizes and seeds and write every file into ``out_dir``.

    Returns:
        The paths written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sales, purchasing = generate_sales(), generate_purchasing()
    names = write_sales(sales, out_dir) + write_purchasing(purchasing, out_dir)
    write_truth(sales, out_dir / "sales_truth.json")
    write_truth(purchasing, out_dir / "purchasing_truth.json")
    return [out_dir / n for n in names] + [out_dir / "sales_truth.json", out_dir / "purchasing_truth.json"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rewrite the sample data set and its ground truth.")
    parser.add_argument("-o", "--out", default=str(HERE), help="folder to write into (default: sample_data/)")
    args = parser.parse_args(argv)
    for path in write_all(args.out):
        print(f"{path.stat().st_size:>9,d}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
