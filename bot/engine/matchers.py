"""Free-text matchers, looked up by name. Their word lists are translatable."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine.registry import Param, Registry, strs
from bot.engine.state import Value
from bot.engine.text import contains_phrase, normalise, parse_number
from bot.i18n import N_, Msg


@dataclass(frozen=True)
class MatchInput:
    """Normalised text, and the translated word lists of the person's language."""

    text: str
    words: Callable[[Msg], tuple[str, ...]]


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
WORD_LISTS = {"yes": YES_WORDS, "no": NO_WORDS, "unsure": UNSURE_WORDS}


def word_list(raw: str) -> tuple[str, ...]:
    """Split a translated ``a|b|c`` list into normalised phrases."""
    return tuple(p for p in (normalise(w) for w in raw.split("|")) if p)


def _any(text: str, phrases: tuple[str, ...]) -> bool:
    return any(contains_phrase(text, p) for p in phrases)


_ID = (str,)


@MATCHERS.register("yes_no", Param("yes", _ID), Param("no", _ID), Param("unsure", _ID, False))
def yes_no(p: Mapping[str, Any], m: MatchInput) -> Value | None:
    """Yes, no or not sure, in the person's own words; None when it is unclear."""
    if _any(m.text, m.words(UNSURE_WORDS)):
        return p.get("unsure")
    said_yes = _any(m.text, m.words(YES_WORDS))
    said_no = _any(m.text, m.words(NO_WORDS))
    if said_yes == said_no:
        return None
    return str(p["yes"] if said_yes else p["no"])


@MATCHERS.register("words", Param("option", _ID), Param("words", (list,), items=(str,)))
def words(p: Mapping[str, Any], m: MatchInput) -> Value | None:
    """The option, when any of its words or phrases appears as whole words."""
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
