"""Execute the example notebooks (cwd = notebooks/) and check they run without errors and show maps."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01_quick_start.ipynb", "02_declared_vs_real.ipynb", "03_onec_journal.ipynb"]


def _outputs(nb, mime: str) -> int:
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if mime in o.get("data", {}))


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name, monkeypatch):
    # the kernel inherits the environment: make the package importable when it is not installed
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"{name} is committed with outputs"
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError with the cell and traceback on the first error
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert _outputs(nb, "image/svg+xml") >= 1, "the maps are not shown inline"


def test_notebooks_are_built_from_the_script():
    """The committed notebooks equal what build_notebooks.py writes (edit the script, not the files)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_notebooks", NOTEBOOKS / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, cells in module.NOTEBOOKS.items():
        built = nbformat.writes(module.build(cells))
        assert (NOTEBOOKS / name).read_text(encoding="utf-8").strip() == built.strip(), name


def test_synthetic_journal_is_reproducible_and_reads(tmp_path, monkeypatch):
    """sample_data/onec_journal is what make_onec_journal.py writes, and the 1C connector reads all of it."""
    import importlib.util

    import miner

    spec = importlib.util.spec_from_file_location("make_onec_journal", ROOT / "sample_data" / "make_onec_journal.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_onec_journal", module)  # @dataclass looks its module up there
    spec.loader.exec_module(module)
    written = module.write_journal(tmp_path)
    committed = ROOT / "sample_data" / "onec_journal"
    for path in written:
        assert path.read_bytes() == (committed / path.name).read_bytes(), path.name
    assert sum(p.stat().st_size for p in written) < 200_000
    assert written[1].read_bytes().startswith(b"\xef\xbb\xbf1CV8LOG(ver 2.0)\r\n")
    result = miner.ingest(committed)
    report = result.report
    assert report.rejected == 0 and report.rows_read == len(module.build_records())
    assert report.sources[0].details["transactions"] == {"committed": 95, "rolled_back": 1, "unfinished": 0}
    assert {r.reason: r.count for r in report.reasons}["rolled-back transaction"] == 2
    counts = result.log["concept:name"].value_counts()
    assert counts["Заказ клиента: проведен"] == counts["Реализация товаров и услуг: проведен"] == 18
    first = result.log.iloc[0]
    assert first["case:concept:name"] == "Заказ клиента 0000-000118 от 02.03.2026 9:11:33"
