"""Every free-text matcher, fed normalised text and the English word lists."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine.matchers import MATCHERS, NO_WORDS, UNSURE_WORDS, YES_WORDS, MatchInput, word_list
from bot.engine.state import Value
from bot.engine.text import normalise
from bot.i18n import Msg


def english_words(msg: Msg) -> tuple[str, ...]:
    return word_list(msg.text)


def match(name: str, params: dict[str, Any], text: str) -> Value | None:
    return MATCHERS[name].fn(params, MatchInput(normalise(text), english_words))


def test_every_matcher_is_covered() -> None:
    assert set(MATCHERS) == {"yes_no", "words", "number", "area", "own_words"}


YES_NO = {"yes": "y", "no": "n"}
YES_NO_UNSURE = {"yes": "y", "no": "n", "unsure": "u"}

# description, params, text, expected
YES_NO_CASES = [
    ("plain yes", YES_NO, "yes", "y"),
    ("yes in a sentence", YES_NO, "Yeah I do", "y"),
    ("shouted, with punctuation", YES_NO, "YES!!!", "y"),
    ("aye", YES_NO, "aye", "y"),
    ("sometimes counts as yes", YES_NO, "sometimes", "y"),
    ("nope", YES_NO, "nope", "n"),
    ("no with an apostrophe", YES_NO, "I don't", "n"),
    ("never", YES_NO, "Never.", "n"),
    ("not at all", YES_NO, "not at all", "n"),
    ("not sure, no unsure option", YES_NO, "not sure", None),
    ("not sure, with unsure option", YES_NO_UNSURE, "not sure", "u"),
    ("I don't know wins over 'i don t'", YES_NO_UNSURE, "I don't know", "u"),
    ("maybe", YES_NO_UNSURE, "maybe", "u"),
    ("yes and no is ambiguous", YES_NO, "yes and no", None),
    ("ambiguous even with unsure option", YES_NO_UNSURE, "yes and no", None),
    ("yes inside another word is not yes", YES_NO, "yesterday", None),
    ("no inside another word is not no", YES_NO, "nothing", None),
    ("Welsh", YES_NO, "Ydw", None),
    ("Arabic", YES_NO, "نعم", None),
    ("Punjabi", YES_NO, "ਹਾਂ ਜੀ", None),
    ("emoji other than thumbs", YES_NO, "😀🎉", None),
    ("empty", YES_NO, "", None),
]


@pytest.mark.parametrize(
    ("params", "text", "expected"),
    [c[1:] for c in YES_NO_CASES],
    ids=[c[0] for c in YES_NO_CASES],
)
def test_yes_no(params: dict[str, Any], text: str, expected: Value | None) -> None:
    assert match("yes_no", params, text) == expected


@pytest.mark.parametrize(("text", "expected"), [("👍", "y"), ("👎", "n")])
def test_yes_no_thumbs(text: str, expected: str) -> None:
    assert match("yes_no", YES_NO, text) == expected


def test_yes_no_welsh_sentence_is_not_read_as_no() -> None:
    assert match("yes_no", YES_NO, "Ydw, dwi'n gofalu amdani") is None


def test_word_lists_are_normalised_and_non_empty() -> None:
    for msg in (YES_WORDS, NO_WORDS, UNSURE_WORDS):
        phrases = word_list(msg.text)
        assert phrases
        assert all(p == normalise(p) and p for p in phrases)
    assert "that s right" in word_list(YES_WORDS.text)
    assert [m.context for m in (YES_WORDS, NO_WORDS, UNSURE_WORDS)] == [
        "matcher:yes",
        "matcher:no",
        "matcher:unsure",
    ]


def test_yes_no_uses_the_word_lists_it_is_given() -> None:
    """A translator's own words are what count, not the English ones."""

    def welsh(msg: Msg) -> tuple[str, ...]:
        lists = {"matcher:yes": ("ydw",), "matcher:no": ("nac ydw",), "matcher:unsure": ()}
        return lists[msg.context]

    fn = MATCHERS["yes_no"].fn
    assert fn(YES_NO, MatchInput(normalise("Ydw!"), welsh)) == "y"
    assert fn(YES_NO, MatchInput(normalise("yes"), welsh)) is None


WORDS = {"option": "family", "words": ["mum", "my dad", "Grand-Parent"]}

# description, text, expected
WORDS_CASES = [
    ("a single word", "my mum", "family"),
    ("a phrase", "it is my dad", "family"),
    ("a listed word with punctuation is normalised", "my grand parent", "family"),
    ("case does not matter", "MUM", "family"),
    ("only whole words count", "mummy", None),
    ("phrase words must be together", "my friend's dad", None),
    ("nothing listed", "a neighbour", None),
    ("emoji", "👵", None),
    ("right-to-left text", "أمي", None),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in WORDS_CASES], ids=[c[0] for c in WORDS_CASES]
)
def test_words(text: str, expected: Value | None) -> None:
    assert match("words", WORDS, text) == expected


AGE = {"min": 5, "max": 120}
AGE_BAND = {"min": 65, "max": 120, "option": "older"}

# description, params, text, expected
NUMBER_CASES = [
    ("a bare number", AGE, "45", 45),
    ("a number in a sentence", AGE, "I am 45 years old", 45),
    ("the lower bound is inclusive", AGE, "5", 5),
    ("the upper bound is inclusive", AGE, "120", 120),
    ("below the range", AGE, "4", None),
    ("above the range", AGE, "121", None),
    ("Arabic-Indic digits", AGE, "٤٥", 45),
    ("Devanagari digits", AGE, "४५", 45),
    ("full-width digits", AGE, "４５", 45),
    ("two numbers are ambiguous", AGE, "45 or 46", None),
    ("a decimal reads as two numbers", AGE, "45.5", None),
    ("words, not digits", AGE, "forty five", None),
    ("more than six digits", AGE, "0000045", None),
    ("no text", AGE, "", None),
    ("option given: in range gives the option", AGE_BAND, "70", "older"),
    ("option given: out of range gives nothing", AGE_BAND, "64", None),
    ("option not given: the number itself", AGE, "70", 70),
]


@pytest.mark.parametrize(
    ("params", "text", "expected"),
    [c[1:] for c in NUMBER_CASES],
    ids=[c[0] for c in NUMBER_CASES],
)
def test_number(params: dict[str, Any], text: str, expected: Value | None) -> None:
    result = match("number", params, text)
    assert result == expected
    assert type(result) is type(expected)


def test_number_rejects_a_negative_number() -> None:
    assert match("number", AGE, "-5") is None


def match_area(
    text: str, places: frozenset[str] = frozenset({"rutland", "leicester"})
) -> Value | None:
    m = MatchInput(normalise(text), english_words, places, text)
    return MATCHERS["area"].fn({}, m)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LE1 6AB", "le1"),
        ("le15", "le15"),
        ("PE9", "pe9"),
        ("Rutland", "rutland"),
        ("  leicester ", "leicester"),
        ("Narnia", None),
        ("", None),
        ("12345", None),
    ],
)
def test_area(text: str, expected: Value | None) -> None:
    assert match_area(text) == expected


def test_own_words_keeps_what_was_written_up_to_a_limit() -> None:
    raw = "He has MS, and I do most things for him."
    m = MatchInput(normalise(raw), english_words, frozenset(), raw)
    assert MATCHERS["own_words"].fn({"max_chars": 500}, m) == raw
    assert MATCHERS["own_words"].fn({"max_chars": 5}, m) == "He ha"
    empty = MatchInput("", english_words, frozenset(), "")
    assert MATCHERS["own_words"].fn({"max_chars": 5}, empty) is None


def test_a_yes_inside_a_longer_no_is_not_a_yes() -> None:
    words = {
        "matcher:yes": "jee|haan",
        "matcher:no": "nahin|jee nahin",
        "matcher:unsure": "pata nahin",
    }

    def lookup(msg: Msg) -> tuple[str, ...]:
        return word_list(words.get(msg.context, msg.text))

    params = {"yes": "y", "no": "n"}
    assert MATCHERS["yes_no"].fn(params, MatchInput("jee nahin", lookup)) == "n"
    assert MATCHERS["yes_no"].fn(params, MatchInput("jee", lookup)) == "y"
    assert MATCHERS["yes_no"].fn(params, MatchInput("haan nahin", lookup)) is None


def test_arabic_keyboard_letters_match_urdu_words() -> None:
    assert normalise("ٹھيك") == normalise("ٹھیک")  # Arabic yeh and kaf typed for Urdu ones
    assert normalise("أب") == normalise("اب")
