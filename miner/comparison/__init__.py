"""Comparison of the real process with the declared one: findings, conformance, overlay map.

Public names are imported on first use, so that importing one module of the package stays cheap.
"""
from miner import lazy_api

__getattr__, __dir__ = lazy_api({
    "compare": "miner.comparison.analysis",
    "Comparison": "miner.comparison.analysis",
    "Deviation": "miner.comparison.deviations",
    "Driver": "miner.comparison.drivers",
    "QualityItem": "miner.comparison.quality",
})
