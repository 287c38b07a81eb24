"""Free-text matchers, looked up by name. Their word lists are translatable."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.engine.registry import Param, Registry, strs
from bot.engine.services import OUTWARD, area_key
from bot.engine.state import Value
from bot.engine.text import contains_any, normalise, outside, parse_number, phrase_spans
from bot.i18n import N_, Msg


@dataclass(frozen=True)
class MatchInput:
    """Normalised text, and the translated word lists of the person's language."""

    text: str
    words: Callable[[Msg], tuple[str, ...]]
    places: frozenset[str] = frozenset()
    raw: str = ""
    """The text as written (cleaned, not normalised), for ``own_words``."""
    """Place names the services cover ("leicester", "rutland"), for the ``area`` matcher."""


MatcherFn = Callable[[Mapping[str, Any], MatchInput], Value | None]
MATCHERS: Registry[MatcherFn] = Registry("matcher")

# Word lists are messages like any other: translators give each language its own words,
# separated by "|". The context names the list.
YES_WORDS = N_(
    "matcher:yes",
    "yes|yeah|yep|yup|y|ye|aye|i do|they do|sure|ok|okay|of course|definitely|correct|"
    "that s right|a lot|lots|sometimes|often|always|👍",
)
NO_WORDS = N_(
    "matcher:no", "no|nope|nah|n|not really|never|i don t|they don t|dont|do not|none|not at all|👎"
)
UNSURE_WORDS = N_(
    "matcher:unsure",
    "not sure|unsure|don t know|dont know|do not know|maybe|perhaps|no idea|idk|"
    "not often|not always|not much",
)
# Words that open the crisis message from any question. Translators give each language its own.
CRISIS_WORDS = N_(
    "matcher:crisis",
    "kill myself|killing myself|end my life|take my life|suicide|suicidal|want to die|"
    "wants to die|better off dead|self harm|harm myself|hurt myself|overdose",
)
DANGER_WORDS = N_(
    "matcher:danger",
    "hurt me|hurts me|hurting me|hurting him|hurting her|hit me|hits me|hitting me|not safe|"
    "unsafe|i might hurt|i could hurt|afraid of him|afraid of her|scared of him|"
    "scared of her|abuse|abused|abusing|violent|attacked|beats me|kicked me|threatens me|"
    "punched|punch him|punch her|yelled at|shouted at|lost my temper|snapped at him|"
    "snapped at her|slapped|pushed me|pushed him|pushed her|shook him|shook her|grabbed me",
)
WORD_LISTS = {
    "yes": YES_WORDS,
    "no": NO_WORDS,
    "unsure": UNSURE_WORDS,
    "crisis": CRISIS_WORDS,
    "danger": DANGER_WORDS,
}


@lru_cache(maxsize=512)
def word_list(raw: str) -> tuple[str, ...]:
    """Split a translated ``a|b|c`` list into normalised phrases (cached: lists are few)."""
    return tuple(p for p in (normalise(w) for w in raw.split("|")) if p)


def _any(text: str, phrases: tuple[str, ...]) -> bool:
    return contains_any(text, phrases)


_ID = (str,)


@MATCHERS.register("yes_no", Param("yes", _ID), Param("no", _ID), Param("unsure", _ID, False))
def yes_no(p: Mapping[str, Any], m: MatchInput) -> Value | None:
    """Yes, no or not sure, in the person's own words; None when it is unclear."""
    if _any(m.text, m.words(UNSURE_WORDS)):
        return p.get("unsure")
    yes = phrase_spans(m.text, m.words(YES_WORDS))
    no = phrase_spans(m.text, m.words(NO_WORDS))
    said_yes, said_no = bool(outside(yes, no)), bool(outside(no, yes))
    if said_yes == said_no:
        return None
    return str(p["yes"] if said_yes else p["no"])


@MATCHERS.register(
    "words",
    Param("option", _ID),
    Param("words", (list,), items=(str,)),
    Param("note", _ID, required=False),
)
def words(p: Mapping[str, Any], m: MatchInput) -> Value | None:
    """The option, when any of its words or phrases appears as whole words.

    ``note`` is for translators only (why these words choose this option); it is extracted
    with the list and never matched.
    """
    phrases = tuple(normalise(w) for w in strs(p["words"]))
    return str(p["option"]) if _any(m.text, phrases) else None


@MATCHERS.register(
    "number", Param("min", (int,)), Param("max", (int,)), Param("option", _ID, False)
)
def number(p: Mapping[str, Any], m: MatchInput) -> Value | None:
    """A whole number in [min, max]: the ``option`` if given, else the number itself."""
    value = parse_number(m.text)
    if value is None or not p["min"] <= value <= p["max"]:
        return None
    return str(p["option"]) if "option" in p else value


@MATCHERS.register("area")
def area(p: Mapping[str, Any], m: MatchInput) -> Value | None:
    """The first part of a UK postcode ("LE1 6AB" gives "le1"), or a place the services know."""
    key = area_key(m.text)
    if key is None:
        return None
    if OUTWARD.fullmatch(key) or key in m.places:
        return key
    return None


@MATCHERS.register("own_words", Param("max_chars", (int,)))
def own_words(p: Mapping[str, Any], m: MatchInput) -> Value | None:
    """Anything the person writes, in their own words ("tell me in your own words")."""
    return m.raw[: int(p["max_chars"])] if m.raw else None


FREE = frozenset({"area", "own_words"})
"""Matchers whose answer is a value of their own, not one of the question's options."""


def free_value(call_type: str, params: Mapping[str, Any]) -> bool:
    """Whether this matcher answers with a value of its own (a number, an area)."""
    return call_type in FREE or (call_type == "number" and "option" not in params)
