"""A repeated delivery of the newest input gets the messages that answered it, and nothing else."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.adapters.jsonl import parse
from bot.engine import (
    Choose,
    Command,
    Engine,
    Event,
    InputRepeated,
    MessageCreated,
    OutcomeReached,
    Session,
    Text,
)
from bot.engine.reference import counting_references

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
Persona = Callable[[str], list[dict[str, Any]]]
PERSONA = "mum_of_disabled_son_says_just_a_mum"
"""Reaches the outcome and the referral offer without any answer in her own words."""
DETAILS = ["yes", "Zebedee", ("phone",), "0116 496 0999", ("morning",), ("no",), ("en",)]


def messages(events: list[Event]) -> tuple[MessageCreated, ...]:
    return tuple(e for e in events if isinstance(e, MessageCreated))


def reloaded(engine: Engine, session: Session) -> Session:
    """The session saved and read back, as a host does between two deliveries."""
    return engine.load_session(session.to_json())


def keyed(engine: Engine, persona: Persona) -> tuple[Session, list[Event], int]:
    """The persona played with keys 1, 2, ..., through JSON after each; the last turn's events."""
    session = engine.new_session(at=AT, language="en")
    session.start()
    events: list[Event] = []
    inputs = persona(PERSONA)
    for key, raw in enumerate(inputs, start=1):
        inp = parse(json.dumps(raw), AT + timedelta(minutes=key))
        events = session.resume(dataclasses.replace(inp, key=str(key)))
        session = reloaded(engine, session)
    return session, events, len(inputs)


def answer(session: Session, key: int, *inputs: str | tuple[str]) -> tuple[list[Event], int]:
    """Typed text (a str) or a tap (a one-item tuple), keyed from ``key`` on."""
    events: list[Event] = []
    for inp in inputs:
        key += 1
        at = session.state.updated_at + timedelta(minutes=1)
        made = Choose(at, inp[0]) if isinstance(inp, tuple) else Text(at, inp)
        events = session.resume(dataclasses.replace(made, key=str(key)))
    return events, key


def test_the_newest_input_again_gets_the_same_messages_and_no_side_effects(
    engine: Engine, persona: Persona
) -> None:
    session, first, key = keyed(engine, persona)
    assert any(isinstance(e, OutcomeReached) for e in first)  # side effects, carried out once
    assert any("you are a carer" in m.text for m in messages(first))
    saved = session.to_json()
    last = parse(json.dumps(persona(PERSONA)[-1]), AT + timedelta(hours=1))
    again = session.resume(dataclasses.replace(last, key=str(key)))
    assert again == [InputRepeated(messages(first))]
    assert session.to_json() == saved  # nothing changed
    assert reloaded(engine, session).resume(Text(AT, "anything", key=str(key))) == again


def test_an_older_input_again_gets_no_reply(engine: Engine, persona: Persona) -> None:
    session, _, key = keyed(engine, persona)
    assert session.resume(Text(AT, "no", key=str(key - 1))) == [InputRepeated()]
    assert session.resume(Text(AT, "no", key="1")) == [InputRepeated()]


def test_only_the_newest_reply_is_kept(engine: Engine, persona: Persona) -> None:
    session, _, key = keyed(engine, persona)
    events, key = answer(session, key, ("no",))  # no referral, thank you
    kept = session.state.last_reply
    assert kept is not None and kept.key == str(key)
    assert len(kept.messages) == len(messages(events)) > 0
    assert reloaded(engine, session).resume(Text(AT, "x", key=str(key))) == [
        InputRepeated(messages(events))
    ]


def test_an_input_without_a_key_drops_the_kept_reply(engine: Engine, persona: Persona) -> None:
    session, _, key = keyed(engine, persona)
    session.resume(Command(AT + timedelta(hours=1), "help"))
    assert session.state.last_reply is None
    assert session.resume(Text(AT, "x", key=str(key))) == [InputRepeated()]


def test_the_answer_to_status_is_not_kept(tiny_engine: Engine) -> None:
    """The host answers ``status`` from its records: a repeat gets the current question."""
    session = tiny_engine.new_session(at=AT)
    session.start()
    session.resume(Command(AT, "status", key="9"))
    assert session.resume(Command(AT, "status", key="9")) == [InputRepeated()]


def test_a_session_saved_before_replies_were_kept_still_loads(tiny_engine: Engine) -> None:
    session = tiny_engine.new_session(at=AT)
    session.start()
    session.resume(Text(AT, "yes", key="7"))
    data = json.loads(session.to_json())
    assert data["last_reply"]["key"] == "7"
    del data["last_reply"]
    old = tiny_engine.load_session(json.dumps(data))
    assert old.state.last_reply is None
    assert old.resume(Text(AT, "yes", key="7")) == [InputRepeated()]  # as before: no reply
    assert old.resume(Text(AT, "15", key="8")) != [InputRepeated()]


def test_a_reply_made_from_personal_details_keeps_the_session_private(
    engine: Engine, persona: Persona
) -> None:
    engine.new_reference = counting_references()
    session, _, key = keyed(engine, persona)
    assert not session.private
    events, key = answer(session, key, *DETAILS, ("none",))
    assert any("496 0999" in m.text for m in messages(events))  # the review shows them
    assert session.private
    events, key = answer(session, key, ("yes",))  # sent: the details leave the session
    assert session.state.referral == {}
    assert any("Your reference is" in m.text for m in messages(events))
    assert session.private  # what it kept was said while it held them
    answer(session, key, "hello")
    assert not session.private


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_kept_reply_survives_json_exactly(engine: Engine, language: str) -> None:
    session = engine.new_session(at=AT, language=language)
    first = session.resume(Command(AT, "easyread", key="1"))
    again = reloaded(engine, session).resume(Command(AT, "easyread", key="1"))
    assert again == [InputRepeated(messages(first))]
    assert messages(first)


def test_a_reply_that_is_only_the_question_is_kept_as_a_mark(tiny_engine: Engine) -> None:
    session = tiny_engine.new_session(at=AT)
    session.start()
    first = session.resume(Text(AT, "yes", key="7"))
    kept = session.state.last_reply
    assert kept is not None and kept.current and kept.messages == ()
    assert len(json.dumps(kept.to_dict())) < 80
    again = reloaded(tiny_engine, session).resume(Text(AT, "yes", key="7"))
    assert again == [InputRepeated(messages(first))]
