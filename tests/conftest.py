"""Shared test helpers: where fixtures and the shared public data live."""
from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def tabular() -> Path:
    return DATA / "tabular"


def shared_file(*parts: str) -> Path:
    """Path of a file in ../shared/data, or skip the test with the reason."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path} (the ../shared/data folder beside the repo)")
    return path
