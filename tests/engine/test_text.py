"""Normalising, cleaning, placeholder filling and number parsing, in every script."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.engine.text import (
    clean,
    contains_any,
    contains_phrase,
    fill,
    normalise,
    parse_number,
    placeholders,
)

# description, text, normalised
NORMALISE = [
    ("lower case", "YES Please", "yes please"),
    ("casefold, not just lower", "STRASSE straße", "strasse strasse"),
    ("NFKC: full-width letters", "Ｙｅｓ", "yes"),
    ("NFKC: ligature", "ﬁne", "fine"),
    ("punctuation becomes space", "yes!!! (really)", "yes really"),
    ("apostrophe splits the word", "don't", "don t"),
    ("runs of space collapse, ends trimmed", "  a \t\n  b  ", "a b"),
    ("emoji stand as words", "Hello 👋 World!", "hello 👋 world"),
    ("emoji only are words too", "👍😀🎉", "👍 😀 🎉"),
    ("Gurmukhi vowel signs kept", "ਹਾਂ ਜੀ", "ਹਾਂ ਜੀ"),
    ("Devanagari virama kept", "नमस्ते", "नमस्ते"),
    ("Bengali marks kept", "হ্যাঁ", "হ্যাঁ"),
    ("Arabic harakat kept", "نَعَم", "نَعَم"),
    ("Arabic question mark dropped", "نعم؟", "نعم"),
    ("Welsh circumflex kept", "Ŵyr", "ŵyr"),
    ("digits of any script kept", "٤٥ years", "٤٥ years"),
    ("empty", "", ""),
]


@pytest.mark.parametrize(
    ("text", "expected"), [n[1:] for n in NORMALISE], ids=[n[0] for n in NORMALISE]
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected
    assert normalise(expected) == expected, "normalising twice changes nothing"


# description, text, limit, cleaned
CLEAN = [
    ("NUL and escape removed", "a\x00b\x1b[31mc", 100, "ab[31mc"),
    ("DEL and C1 controls removed", "a\x7fb\x85c", 100, "abc"),
    ("tabs and newlines kept inside", "a\tb\nc", 100, "a\tb\nc"),
    ("trimmed", "  yes \n", 100, "yes"),
    ("unassigned code point removed", "a\U000e0080b", 100, "ab"),
    ("private use removed", "a\ue000b", 100, "ab"),
    ("right-to-left text kept", "نعم", 100, "نعم"),
    ("emoji kept (matching decides)", "👍", 100, "👍"),
    ("cut to the limit", "abcdef", 3, "abc"),
    ("controls do not count towards the limit", "\x00\x00abc", 3, "abc"),
]


@pytest.mark.parametrize(
    ("text", "limit", "expected"), [c[1:] for c in CLEAN], ids=[c[0] for c in CLEAN]
)
def test_clean(text: str, limit: int, expected: str) -> None:
    assert clean(text, limit) == expected


def test_clean_cuts_ten_thousand_characters() -> None:
    cleaned = clean("x" * 10_000, 2000)
    assert cleaned == "x" * 2000


def test_clean_of_only_controls_is_empty() -> None:
    assert clean("\x00\x01\x02\x1b\x7f" * 100, 2000) == ""


@pytest.mark.parametrize("char", ["\u202e", "\u200b"], ids=["RLO", "ZWSP"])
def test_clean_drops_format_characters(char: str) -> None:
    assert clean(f"ye{char}s", 100) == "yes"


def lookup(name: str) -> str | None:
    return {"age": "45", "hello": "Yes", "who": "{age}"}.get(name)


# description, text, filled
FILL = [
    ("one placeholder", "You are {age}.", "You are 45."),
    ("two placeholders", "{hello}, {age}", "Yes, 45"),
    ("the same one twice", "{age}/{age}", "45/45"),
    ("unknown left alone", "You like {colour}.", "You like {colour}."),
    ("no attribute access", "{age.__class__}", "{age.__class__}"),
    ("no dotted names", "{a.b}", "{a.b}"),
    ("no positional fields", "{0}", "{0}"),
    ("no indexing", "{age[0]}", "{age[0]}"),
    ("no format specs", "{age:>10}", "{age:>10}"),
    ("upper case is not a placeholder", "{AGE}", "{AGE}"),
    ("filled values are not filled again", "{who}", "{age}"),
    ("no placeholders", "plain", "plain"),
    ("stray braces", "{ } {", "{ } {"),
]


@pytest.mark.parametrize(("text", "expected"), [f[1:] for f in FILL], ids=[f[0] for f in FILL])
def test_fill(text: str, expected: str) -> None:
    assert fill(text, lookup) == expected


def test_placeholders() -> None:
    assert placeholders("{a} and {b_1}, {0} {a.b} {C} {a}") == ["a", "b_1", "a"]
    assert placeholders("none") == []


# description, normalised text, number
NUMBERS = [
    ("a bare number", "45", 45),
    ("in a sentence", "i am 45 years", 45),
    ("zero", "0", 0),
    ("leading zeros", "007", 7),
    ("Arabic-Indic", "٤٥", 45),
    ("Extended Arabic-Indic (Urdu)", "۴۵", 45),
    ("Bengali", "৪৫", 45),
    ("Gurmukhi", "੪੫", 45),
    ("six digits", "123456", 123456),
    ("seven digits refused", "1234567", None),
    ("two numbers refused", "45 46", None),
    ("digits glued to letters", "45yo", None),
    ("superscript is not decimal", "²", None),
    ("no number", "forty five", None),
    ("empty", "", None),
]


@pytest.mark.parametrize(
    ("text", "expected"), [n[1:] for n in NUMBERS], ids=[n[0] for n in NUMBERS]
)
def test_parse_number(text: str, expected: int | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("haystack", "phrase", "expected"),
    [
        ("yes please", "yes", True),
        ("oh yes", "yes", True),
        ("i do not know", "do not", True),
        ("yesterday", "yes", False),
        ("eyes", "yes", False),
        ("anything", "", False),
    ],
)
def test_contains_phrase(haystack: str, phrase: str, expected: bool) -> None:
    assert contains_phrase(haystack, phrase) is expected


@given(
    st.lists(st.sampled_from(["a", "ab", "no", "not safe", "hit me", "x y z", "y"]), max_size=6),
    st.lists(st.sampled_from(["a", "ab", "no", "not", "safe", "hit", "me", "x", "y", "z"])),
)
def test_contains_any_agrees_with_contains_phrase(phrases: list[str], words: list[str]) -> None:
    haystack = " ".join(words)
    expected = any(contains_phrase(haystack, p) for p in phrases)
    assert contains_any(haystack, tuple(phrases)) is expected
