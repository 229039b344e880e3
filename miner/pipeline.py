"""``miner demo``: the whole pipeline on the bundled ``sample_data/``.

Ingest → stats → report (maps, comparison with the declared process, charts) → interview guide,
for both sample scenarios: sales (1C CSV + the warehouse's Excel journal) and purchasing (an Excel
report with its declared process as an Excel interview sheet).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

from miner.errors import InputError

log = logging.getLogger("miner")

# scenario -> (sources, declared descriptions), relative to sample_data/
SCENARIOS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sales": (("sales_1c.csv", "warehouse.xlsx"), ("sales_declared.yaml",)),
    "purchasing": (("purchasing.xlsx",), ("purchasing_declared.xlsx",)),
}
# scenario -> (its export after the CRM rollout, the CRM's step names), for ``miner verify``
AFTER_ROLLOUT: dict[str, tuple[str, str]] = {"sales": ("crm_after/crm_export.csv", "crm_after/names.yaml")}


@dataclass(frozen=True)
class DemoResult:
    """Where the demo wrote its outputs, and how long each scenario took."""

    output: Path
    folders: dict[str, Path]
    seconds: dict[str, float] = field(default_factory=dict)

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}: {v.name}/ ({self.seconds.get(k, 0):.1f} s)" for k, v in self.folders.items())
        return f"DemoResult({self.output}: {parts})"


def sample_data_dir(data: str | Path | None = None) -> Path:
    """Find ``sample_data/``: the given folder, ./sample_data, or the one beside the package."""
    candidates = [Path(data)] if data else [Path.cwd() / "sample_data", Path(__file__).resolve().parents[1] / "sample_data"]
    for c in candidates:
        if (c / "sales_1c.csv").exists():
            return c
    raise InputError(f"sample_data/ not found (looked in {', '.join(str(c) for c in candidates)}). "
                     "Run the demo from the project folder, or pass --data PATH.")


def demo(output: str | Path = "demo_output", *, data: str | Path | None = None, lang: str = "ru",
         pseudonymize: bool = False) -> DemoResult:
    """Run ingest, stats, report and interview on the sample data; write everything to ``output``.

    Example:
        >>> result = demo("demo_output")  # doctest: +SKIP
        >>> sorted(p.name for p in result.folders["sales"].iterdir())[:3]  # doctest: +SKIP
    """
    from miner.ingestion.reading import ingest, prepare_log
    from miner.interviews.guide import interview
    from miner.outputs import output_folder
    from miner.reporting.writing import report
    from miner.discovery.summary import stats

    data_dir = sample_data_dir(data)
    out = output_folder(output)
    folders: dict[str, Path] = {}
    seconds: dict[str, float] = {}
    for name, (sources, declared) in SCENARIOS.items():
        started = time.perf_counter()
        folder = out / name
        output_folder(folder)
        # With pseudonymisation the raw log (real names) must not land in the output folder.
        log_file = None if pseudonymize else folder / "log.parquet"
        result = ingest([data_dir / s for s in sources], output=log_file)
        log.info("%s: %s", name, result.report.summary())
        prepared = prepare_log(result)  # coded once; every step below shares it
        log.info("%s", stats(prepared, top=3).to_text())
        described = [data_dir / d for d in declared]
        language = cast(Literal["ru", "en"], lang)
        made = report(prepared, folder, declared=described, lang=language, pseudonymize=pseudonymize)
        # the guide asks about the findings the report made: compare() runs once per scenario
        interview(prepared, folder, declared=made.comparison or described, lang=language, pseudonymize=pseudonymize)
        if name in AFTER_ROLLOUT and (data_dir / AFTER_ROLLOUT[name][0]).exists():
            _verify_after_rollout(data_dir, folder, *AFTER_ROLLOUT[name])
        folders[name] = folder
        seconds[name] = time.perf_counter() - started
        log.info("%s: written to %s in %.1f s", name, folder, seconds[name])
    return DemoResult(out, folders, seconds)


def _verify_after_rollout(data_dir: Path, folder: Path, export: str, names: str) -> None:
    """Check the requirements the report wrote on the export made after the rollout (``folder/after_rollout``)."""
    from miner.specification.verification import verify

    result = verify(data_dir / export, folder / "requirements.json", folder / "after_rollout", mapping=data_dir / names)
    log.info("%s", result.to_text())
