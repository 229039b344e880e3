"""miner: process mining for the consultant who prepares a CRM rollout.

The public API mirrors the command line: ``miner.ingest``, ``miner.stats``, ``miner.discover``,
``miner.compare``, ``miner.report``, ``miner.interview``, ``miner.demo``. Heavy modules are
imported on first use so that ``import miner`` and ``miner --help`` are instant.
"""
from __future__ import annotations

import importlib
from typing import Any

from miner.errors import MinerError

__version__ = "0.1.0"

# public name -> module that defines it
_API = {
    "ingest": "miner.ingestion",
    "read_log": "miner.ingestion",
    "stats": "miner.summary",
    "discover": "miner.discovery",
    "compare": "miner.comparison",
    "read_declared": "miner.declared",
    "report": "miner.reporting",
    "interview": "miner.interviews",
    "demo": "miner.pipeline",
}

__all__ = ["MinerError", "__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'miner' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

# Module names differ from the function names on purpose: importing ``miner.X`` binds the module
# as attribute X of the package, which would hide a function called X.
