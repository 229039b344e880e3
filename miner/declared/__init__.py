"""The declared process: its model, the readers per format, validation and name matching.

Public names are imported on first use, so that importing one module of the package stays cheap.
"""
from miner import lazy_api

__getattr__, __dir__ = lazy_api({
    "read_declared": "miner.declared.reading",
    "DeclaredProcess": "miner.declared.model",
    "START": "miner.declared.model",
    "END": "miner.declared.model",
    "check_steps": "miner.declared.matching",
})
