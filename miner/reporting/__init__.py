"""The report for the requirements spec: sections as blocks, rendered to HTML and DOCX.

Public names are imported on first use, so that importing one module of the package stays cheap.
"""
from miner import lazy_api

__getattr__, __dir__ = lazy_api({
    "report": "miner.reporting.writing",
})
