"""Text normalisation and safe placeholder filling, for every script."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_KEEP = ("L", "N", "M")  # letters, digits, combining marks (Gurmukhi, Bengali, Arabic vowels)


def normalise(text: str) -> str:
    """Casefold, NFKC, and turn everything but letters, digits and marks into single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    out = [ch if unicodedata.category(ch)[0] in _KEEP else " " for ch in text]
    return " ".join("".join(out).split())


def clean(text: str, limit: int) -> str:
    """Drop control and format characters, cut to ``limit`` characters, trim."""
    kept = "".join(
        ch
        for ch in text[: limit * 2]
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn")
    )
    return kept[:limit].strip()


def contains_phrase(haystack: str, phrase: str) -> bool:
    """Whether normalised ``phrase`` occurs in normalised ``haystack`` as whole words."""
    if not phrase:
        return False
    return f" {phrase} " in f" {haystack} "


def placeholders(text: str) -> list[str]:
    """The ``{name}`` placeholders in a text, in order."""
    return _PLACEHOLDER.findall(text)


def fill(text: str, value_of: Callable[[str], str | None]) -> str:
    """Replace ``{name}`` with ``value_of(name)``; unknown names are left as they are."""

    def sub(m: re.Match[str]) -> str:
        value = value_of(m.group(1))
        return m.group(0) if value is None else value

    return _PLACEHOLDER.sub(sub, text)


def parse_number(text: str) -> int | None:
    """The one whole number in a normalised text (any script's digits), else None."""
    numbers = [tok for tok in text.split() if tok.isdecimal()]
    if len(numbers) != 1 or len(numbers[0]) > 6:
        return None
    return int(numbers[0])
