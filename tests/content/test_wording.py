"""How the screening talks: short questions, the word "carer" only in outcomes, a way out."""

from __future__ import annotations

import re

from bot.engine import Engine

MAX_QUESTION_WORDS = 25
CARER = re.compile(r"\bcarers?\b", re.IGNORECASE)
# Questions where "Not sure" would not make sense, and why.
NO_NOT_SURE = {
    "welcome": "it only asks whether to start",
    "ready": "it only asks whether to start",
    "who_answering": "people know who is holding the phone",
    "age_band": "a typed age works too; the band is needed to choose the right words",
    "area": "it offers 'I'd rather not say' instead",
    "own_words": "it offers 'Skip' instead",
    "relationship": "people know who they help; 'Someone else' covers the rest",
    "relationship_young": "people know who they help; 'Someone else' covers the rest",
    "live_together": "people know where the person lives",
    "live_together_young": "people know where the person lives",
}


def texts_of(node) -> list[str]:  # type: ignore[no-untyped-def]
    return [*node.say, node.question or "", node.help or "", *(o.label for o in node.options)]


def test_questions_are_short(engine: Engine) -> None:
    long = {
        f"{flow.id}/{node.id}": len(node.question.split())
        for flow in engine.flows.values()
        for node in flow.nodes.values()
        if node.question and len(node.question.split()) > MAX_QUESTION_WORDS
    }
    assert not long, f"questions over {MAX_QUESTION_WORDS} words: {long}"


def test_the_word_carer_waits_for_the_outcome(engine: Engine) -> None:
    early = [
        f"{flow.id}/{node.id}: {text[:50]}"
        for flow in engine.flows.values()
        for node in flow.nodes.values()
        if not node.ends
        for text in texts_of(node)
        if CARER.search(text)
    ]
    assert not early, f'"carer" before an outcome: {early}'


def test_every_outcome_explains_the_word(engine: Engine) -> None:
    silent = [
        f"{flow.id}/{node.id}"
        for flow in engine.flows.values()
        for node in flow.nodes.values()
        if node.ends and not any(CARER.search(t) for t in node.say)
    ]
    assert not silent, f"outcomes that never say what a carer is: {silent}"


def test_questions_offer_not_sure(engine: Engine) -> None:
    missing = [
        f"{flow.id}/{node.id}"
        for flow in engine.flows.values()
        for node in flow.nodes.values()
        if node.waits
        and node.id not in NO_NOT_SURE
        and not any("not_sure" in o.id or "unsure" in o.id for o in node.options)
    ]
    assert not missing, f"questions without a 'Not sure' answer: {missing}"
