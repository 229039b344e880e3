"""The interview guide: questions per head of department, primed with the data.

Public names are imported on first use, so that importing one module of the package stays cheap.
"""
from miner import lazy_api

__getattr__, __dir__ = lazy_api({
    "interview": "miner.interviews.guide",
})
