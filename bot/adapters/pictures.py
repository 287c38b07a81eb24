"""Easy Read pictures by name: OpenMoji code points as characters, and in words."""

from __future__ import annotations

import unicodedata


def emoji(code: str) -> str:
    """The characters of an OpenMoji code ("1F9D1-200D-1F393" is a student)."""
    return "".join(chr(int(part, 16)) for part in code.split("-"))


def picture_name(code: str) -> str:
    """What the picture shows, in words, where pictures cannot be shown ("shopping trolley")."""
    names = [unicodedata.name(c, "") for c in emoji(code) if unicodedata.category(c) != "Cf"]
    return " and ".join(n.lower() for n in names if n and "SELECTOR" not in n)
