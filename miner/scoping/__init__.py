"""CRM scope: process or project per department, and where information crosses the system's boundary.

The package is ``scoping`` so that importing it does not shadow the public function ``miner.scope``.
Public names are imported on first use.
"""
from miner import lazy_api

__getattr__, __dir__ = lazy_api({
    "scope": "miner.scoping.analysis",
    "Scope": "miner.scoping.result",
    "DepartmentScope": "miner.scoping.result",
    "sequence_entropy": "miner.scoping.measures",
})
