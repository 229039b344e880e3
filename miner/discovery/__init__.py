"""Discovery: the real process from a log — coding, directly-follows graph, maps, models, summary.

Public names are imported on first use, so that importing one module of the package stays cheap.
"""
from miner import lazy_api

__getattr__, __dir__ = lazy_api({
    "discover": "miner.discovery.real_process",
    "stats": "miner.discovery.summary",
})
