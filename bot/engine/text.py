"""Text normalisation and safe placeholder filling, for every script."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_KEEP = ("L", "N", "M")  # letters, digits, combining marks (Gurmukhi, Bengali, Arabic vowels)
_JOINERS = "\u200c\u200d"  # zero-width (non-)joiners shape Persian, Urdu and Indic words
_MINUS = "-\u2212"
_DROP = ("Cc", "Cf", "Cs", "Co", "Cn")  # controls, bidi overrides, zero-width spaces, unassigned


def _token(text: str, i: int) -> str:
    ch = text[i]
    category = unicodedata.category(ch)
    if category[0] in _KEEP or ch in _JOINERS:
        return ch
    if category == "So":  # emoji and other symbols stand as words of their own: "👍"
        return f" {ch} "
    if ch in _MINUS and text[i + 1 : i + 2].isdecimal() and (i == 0 or text[i - 1].isspace()):
        return "-"  # a negative number stays negative
    return " "


_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Farsi/Urdu yeh: keyboards give either
        "\u0649": "\u06cc",  # alef maksura
        "\u0643": "\u06a9",  # Arabic kaf -> keheh
        "\u0647": "\u06c1",  # heh -> heh goal (Urdu)
        "\u0629": "\u06c1",  # teh marbuta, often typed as heh
        "\u0623": "\u0627",  # alef with hamza above / below / madda -> alef
        "\u0625": "\u0627",
        "\u0622": "\u0627",
    }
)
"""Arabic-script letters people type interchangeably, folded alike on both sides of a match."""


def normalise(text: str) -> str:
    """Casefold, NFKC, and reduce to words: letters, digits, marks, symbols; the rest is space.

    Arabic-script letter variants are folded (see ``_FOLD``), and so are word lists, so an
    Urdu word typed on an Arabic keyboard still matches.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    return " ".join("".join(_token(text, i) for i in range(len(text))).split())


def clean(text: str, limit: int) -> str:
    """Drop control and invisible format characters (not word joiners), cut to ``limit``, trim."""
    kept = "".join(
        ch
        for ch in text[: limit * 2]
        if ch in "\n\t" or ch in _JOINERS or unicodedata.category(ch) not in _DROP
    )
    return kept[:limit].strip()


def contains_phrase(haystack: str, phrase: str) -> bool:
    """Whether normalised ``phrase`` occurs in normalised ``haystack`` as whole words.

    A one-letter phrase ("y", "n") counts only when it is the whole text, so the "n" of
    Welsh "dwi'n" is not read as "no".
    """
    if not phrase:
        return False
    if len(phrase) == 1:
        return haystack == phrase
    return f" {phrase} " in f" {haystack} "


def contains_any(haystack: str, phrases: tuple[str, ...]) -> bool:
    """Whether any of ``phrases`` occurs in ``haystack`` (as ``contains_phrase`` would say).

    The phrases are matched by one regular expression, compiled once per list: crisis and
    danger words are looked for in every message, so this is on every turn's path.
    """
    if len(haystack) == 1 and haystack in phrases:
        return True
    pattern = _alternation(phrases)
    return pattern is not None and pattern.search(haystack) is not None


@lru_cache(maxsize=512)
def _alternation(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    longer = sorted((p for p in phrases if len(p) > 1), key=len, reverse=True)
    if not longer:
        return None
    return re.compile("(?:^| )(?:" + "|".join(map(re.escape, longer)) + ")(?= |$)")


def phrase_spans(haystack: str, phrases: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where each phrase occurs in ``haystack``, as (first word, last word + 1) spans."""
    words = haystack.split()
    spans = []
    for phrase in phrases:
        if not contains_phrase(haystack, phrase):
            continue
        size = len(phrase.split())
        spans += [
            (i, i + size)
            for i in range(len(words) - size + 1)
            if words[i : i + size] == phrase.split()
        ]
    return spans


def outside(spans: list[tuple[int, int]], longer: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans not inside a longer one ("jee" inside "jee nahin" is not a yes)."""
    return [
        (a, b) for a, b in spans if not any(c <= a and b <= d and d - c > b - a for c, d in longer)
    ]


def placeholders(text: str) -> list[str]:
    """The ``{name}`` placeholders in a text, in order."""
    return _PLACEHOLDER.findall(text)


def fill(text: str, value_of: Callable[[str], str | None]) -> str:
    """Replace ``{name}`` with ``value_of(name)``; unknown names are left as they are."""
    if "{" not in text:  # most texts have no placeholder: skip the regular expression
        return text

    def sub(m: re.Match[str]) -> str:
        value = value_of(m.group(1))
        return m.group(0) if value is None else value

    return _PLACEHOLDER.sub(sub, text)


def parse_number(text: str) -> int | None:
    """The one whole number in a normalised text (any script's digits, maybe negative)."""
    numbers = [tok for tok in text.split() if tok.lstrip("-").isdecimal()]
    if len(numbers) != 1 or len(numbers[0].lstrip("-")) > 6:
        return None
    return int(numbers[0])
