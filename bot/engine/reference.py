"""Referral references people can read out on the phone: ``CC-7K3M-Q9X2``.

Eight characters from Crockford's base32 alphabet (no I, L, O or U, so nothing is mistaken for
1 or 0): 32**8, about 10**12, references. The database keeps them unique.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
FORMAT = re.compile(r"CC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def new_reference() -> str:
    """A fresh random reference."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"CC-{chars[:4]}-{chars[4:]}"


def counting_references(prefix: str = "TEST") -> Counter:
    """Repeatable references for tests and goldens: CC-TEST-0001, CC-TEST-0002, ..."""
    return Counter(prefix)


class Counter:
    """A callable that returns the next repeatable reference each time."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix[:4].upper()
        self.n = 0

    def __call__(self) -> str:
        """The next reference."""
        self.n += 1
        return f"CC-{self.prefix}-{self.n:04d}"
