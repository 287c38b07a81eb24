"""Fixtures for the engine tests: a fresh tiny engine per test (so machine counts are its own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import build_engine
from bot.engine import Engine

TINY_FLOWS = Path(__file__).resolve().parent.parent / "data" / "flows"


@pytest.fixture
def tiny() -> Engine:
    """A fresh engine on tests/data/flows (tiny.yaml and its services), not shared."""
    return build_engine(TINY_FLOWS)
