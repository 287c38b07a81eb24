"""Fixtures for the channel tests: a fake Bot API that checks every request against the spec."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.testing.telegram import FakeBotApi

TOKEN = "123:ABC"
"""The bot token the fake server answers to (the tests' modules use the same)."""


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    """A fake Bot API; after the test, nothing it was sent may have broken the spec."""
    with FakeBotApi(token=TOKEN) as fake:
        yield fake
        fake.assert_clean()
