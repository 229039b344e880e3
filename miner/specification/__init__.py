"""The requirements spec chapter (ГОСТ 34.602-2020 layout) and its verification after the rollout.

``requirements`` turns each deviation of a comparison into a numbered functional requirement
with a machine-readable acceptance criterion (:mod:`miner.specification.criteria`); ``chapter``
writes ``spec.docx``; ``verification`` recomputes the criteria on a new export and ``protocol``
writes the test protocol ``verification.docx``. Public names are imported on first use.
"""
from miner import lazy_api

__getattr__, __dir__ = lazy_api({
    "verify": "miner.specification.verification",
    "write_spec": "miner.specification.chapter",
})
