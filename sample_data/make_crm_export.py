"""Write the sales process after the CRM rollout into ``sample_data/crm_after/`` (for ``miner verify``).

The same orders as scenario 1 (``_sales.py``), half a year later, exported from the CRM: the CRM
now makes approval mandatory before the invoice, lets only Бухгалтерия issue invoices and ships
only after payment (``skipped_approval``, ``invoice_by_sales`` and ``shipment_before_payment``
never happen); payment reminders cut late payments to a few per cent; orders are still changed
after approval as often as before. The CRM names two steps differently (``names.yaml`` maps them).

Files: ``crm_export.csv`` (UTF-8 with BOM, ``;``, dates ``dd.mm.yyyy HH:MM``; columns Сделка, Этап,
Дата изменения, Ответственный, Должность, Подразделение), ``names.yaml`` (name in the
requirements: name in the CRM) and ``truth.json`` (the rates used, which deviations were fixed).
A fixed seed, no clock: ``python sample_data/make_crm_export.py`` rewrites the same bytes.

Example:
    >>> log = after_rollout(n_orders=50)  # doctest: +SKIP
"""
from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `sample_data` and `miner` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from sample_data._common import add_working_hours, is_working_day  # noqa: E402
from sample_data._sales import APPROVED, CHANGED, PROBABILITIES, _order  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "crm_after"
SEED = 20260901
FIRST_DAY, LAST_DAY = date(2026, 9, 1), date(2026, 11, 30)
RATES = {**PROBABILITIES, "skipped_approval": 0.0, "invoice_by_sales": 0.0, "shipment_before_payment": 0.0,
         "slow_payment": 0.02}
NAMES = {APPROVED: "Заказ согласован", CHANGED: "Корректировка заказа"}
HEADER = ["Сделка", "Этап", "Дата изменения", "Ответственный", "Должность", "Подразделение"]


def after_rollout(n_orders: int = 300, seed: int = SEED) -> list[dict[str, Any]]:
    """Return the events of ``n_orders`` orders created after the rollout, in time order."""
    rng = np.random.default_rng(seed)
    days = [d for d in (date.fromordinal(o) for o in range(FIRST_DAY.toordinal(), LAST_DAY.toordinal() + 1))
            if is_working_day(d)]
    starts = sorted(add_working_hours(datetime.combine(days[int(d)], datetime.min.time()), float(h))
                    for d, h in zip(rng.integers(len(days), size=n_orders), rng.uniform(0.1, 8.5, n_orders)))
    flags = {name: rng.random(n_orders) < rate for name, rate in RATES.items()}
    events: list[dict[str, Any]] = []
    for i, start in enumerate(starts):
        events += _order(rng, f"СД-{i + 1:05d}", start, {k: bool(v[i]) for k, v in flags.items()})
    return sorted(events, key=lambda e: (e["ts"], e["case"]))


def export_csv(events: list[dict[str, Any]]) -> bytes:
    """Return the CRM's CSV export of ``events`` (CRM step names)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for e in events:
        writer.writerow([e["case"], NAMES.get(e["activity"], e["activity"]), f"{e['ts']:%d.%m.%Y %H:%M}",
                         e["resource"], e["role"] or "", e["group"] or ""])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write(out: Path = OUT) -> list[Path]:
    """Write ``crm_export.csv``, ``names.yaml`` and ``truth.json`` into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path, names_path, truth_path = out / "crm_export.csv", out / "names.yaml", out / "truth.json"
    csv_path.write_bytes(export_csv(after_rollout()))
    lines = ["# Как этапы называются в CRM: название в требованиях: название в выгрузке CRM"]
    lines += [f"{old}: {new}" for old, new in NAMES.items()]
    names_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fixed = sorted(k for k, v in RATES.items() if v == 0)
    truth = {"seed": SEED, "rates_before": PROBABILITIES, "rates_after": RATES, "fixed": fixed,
             "not_fixed": sorted(k for k in RATES if k not in fixed)}
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [csv_path, names_path, truth_path]


if __name__ == "__main__":
    for path in write():
        print(f"{path.stat().st_size:>9,d}  {path}")
