"""Ingestion: sources read into one canonical event log, with the account of every row.

Public names are imported on first use, so that importing one module of the package stays cheap.
"""
from miner import lazy_api

__getattr__, __dir__ = lazy_api({
    "ingest": "miner.ingestion.reading",
    "read_log": "miner.ingestion.reading",
    "IngestResult": "miner.ingestion.reading",
})
