"""miner: process mining for the consultant who prepares a CRM rollout.

The public API mirrors the command line: ``miner.ingest``, ``miner.stats``, ``miner.discover``,
``miner.compare``, ``miner.report``, ``miner.interview``, ``miner.demo``. Heavy modules are
imported on first use so that ``import miner`` and ``miner --help`` are instant.

The packages follow the data flow: ``connectors`` (sources) → ``miner.eventlog`` (the canonical
log) → ``miner.ingestion`` → ``miner.discovery`` / ``miner.declared`` / ``miner.comparison``
(analyses) → ``miner.reporting`` / ``miner.interviews`` (what people read) → ``miner.cli``.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from miner.errors import MinerError

__version__ = "0.1.0"


def lazy_api(names: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a module ``__getattr__``/``__dir__`` pair that imports each public name on first use.

    ``names`` maps a public name to the module that defines it.
    """
    def __getattr__(name: str) -> Any:
        if name in names:
            return getattr(importlib.import_module(names[name]), name)
        raise AttributeError(name)

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__


# public name -> module that defines it
_API = {
    "ingest": "miner.ingestion.reading",
    "read_log": "miner.ingestion.reading",
    "stats": "miner.discovery.summary",
    "discover": "miner.discovery.real_process",
    "compare": "miner.comparison.analysis",
    "read_declared": "miner.declared.reading",
    "report": "miner.reporting.writing",
    "interview": "miner.interviews.guide",
    "demo": "miner.pipeline",
    "scope": "miner.scoping.analysis",
    "verify": "miner.specification.verification",
}

__all__ = ["MinerError", "__version__", *_API]
_getattr, _dir = lazy_api(_API)


def __getattr__(name: str) -> Any:
    try:
        return _getattr(name)
    except AttributeError:
        raise AttributeError(f"module 'miner' has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted(__all__)

# Module names differ from the function names on purpose: importing ``miner.X`` binds the module
# as attribute X of the package, which would hide a function called X.
