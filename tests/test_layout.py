"""The house's layout: packages by stage, small modules, imports one way (issue 11)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What connectors may use from miner: the event-log contract, the ingest report, the errors.
CONNECTOR_MAY_IMPORT = {"miner", "miner.eventlog", "miner.rejects", "miner.errors", "miner.progress"}
ANALYSES = ("discovery", "declared", "comparison", "reporting", "interviews")


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)  # a submodule imported by name
    return found


@pytest.mark.parametrize("package, most", [("miner", 12), ("connectors", 8)])
def test_few_modules_at_the_top_level(package: str, most: int) -> None:
    top = [p.name for p in (ROOT / package).glob("*.py")]
    assert len(top) <= most, top


@pytest.mark.parametrize("path", _modules("miner") + _modules("connectors"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_over_450_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 450


def test_connectors_import_only_the_event_log_contract_from_miner() -> None:
    wrong = {str(p.relative_to(ROOT)): sorted(m for m in _imports(p) if m.split(".")[0] == "miner"
                                              and m not in CONNECTOR_MAY_IMPORT
                                              and m.rpartition(".")[0] not in CONNECTOR_MAY_IMPORT - {"miner"})
             for p in _modules("connectors")}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_analyses_never_import_connectors() -> None:
    paths = [p for stage in ANALYSES for p in _modules(f"miner/{stage}")]
    wrong = {str(p.relative_to(ROOT)): sorted(m for m in _imports(p) if m.split(".")[0] == "connectors")
             for p in paths}
    assert {k: v for k, v in wrong.items() if v} == {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_circles() -> None:
    """Every import counts, also inside functions; importing the top-level packages does not."""
    import networkx as nx

    paths = _modules("miner") + _modules("connectors")
    names = {_module_name(p) for p in paths}
    graph = nx.DiGraph()
    for path in paths:
        here = _module_name(path)
        for target in _imports(path):
            while target and target not in names:
                target = target.rpartition(".")[0]
            if target and target != here and target not in {"miner", "connectors"}:
                graph.add_edge(here, target)
    circles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert circles == []
