"""Connectors: everything that reads a source into the canonical event log.

Each connector module exposes ``read_<kind>(path, **options) -> miner.rejects.SourceRead`` and a
cheap ``looks_like_<kind>(path) -> bool`` used by :func:`connectors.registry.detect_kind`.
Connectors import nothing from ``miner`` but the event-log contract (``miner.eventlog``,
``miner.rejects``) and the errors (``miner.errors``).
"""
from connectors.options import SOURCE_KINDS, ReadOptions
from connectors.registry import KINDS, detect_kind

__all__ = ["KINDS", "SOURCE_KINDS", "ReadOptions", "detect_kind"]
