"""A fixed encryption key for tests and goldens: repeatable, and never used for real data."""

from __future__ import annotations

from bot.storage.crypto import Cipher

TEST_KEY = "dGVzdC1rZXktZm9yLWNhcmVyY2hlY2stdGVzdHMtMDE="
"""A Fernet key made for tests only (it spells out as much in base64)."""


def fixed_cipher() -> Cipher:
    """A cipher with the test key."""
    return Cipher([TEST_KEY])
