"""Bad input, stale buttons, expiry, and that sessions never do I/O."""

from __future__ import annotations

import builtins
import io
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.engine import (
    Choose,
    Command,
    Engine,
    Input,
    InputRepeated,
    MessageCreated,
    OptionView,
    OutcomeReached,
    Session,
    SessionRestarted,
    Text,
    texts,
)
from bot.engine.limits import MAX_INPUT_CHARS
from bot.i18n import Msg

AT = datetime(2026, 1, 1, tzinfo=UTC)
EXPLAIN = OptionView("_explain", "I don't understand")
YES_NO = (OptionView("yes", "Yes"), OptionView("no", "No"), EXPLAIN)
HELLO_TEXT = "Question 1 of 2\nDoes someone need your help?"
AGE_TEXT = "Question 2 of 2\nHow old are you?"
HELLO = MessageCreated(HELLO_TEXT, "question", YES_NO, "hello", 1, (1, 2))


def at_hello(engine: Engine) -> Session:
    session = engine.new_session(at=AT)
    assert session.start()[-1] == HELLO
    return session


def at_age(engine: Engine) -> Session:
    session = at_hello(engine)
    session.resume(Text(AT, "yes"))
    assert session.state.node == "age"
    return session


# description, text, why (at the first question, which has options)
BAD_AT_HELLO: list[tuple[str, str, Msg]] = [
    ("empty", "", texts.EMPTY),
    ("blanks", " \t\n ", texts.EMPTY),
    ("control characters only", "\x00\x07\x1b\x7f", texts.EMPTY),
    ("ten thousand characters", "x" * 10_000, texts.TOO_LONG),
    ("emoji only", "😀🎉🙈", texts.NOT_UNDERSTOOD),
    ("right-to-left Arabic", "مرحبا، كيف حالك؟", texts.NOT_UNDERSTOOD),
    ("right-to-left Hebrew", "שלום", texts.NOT_UNDERSTOOD),
    ("control characters around words", "\x1b[31mhmm\x00\x08", texts.NOT_UNDERSTOOD),
    ("bidi override", "\u202eon\u202c", texts.NOT_UNDERSTOOD),
    ("number beyond the options", "4", texts.NOT_UNDERSTOOD),
    ("ambiguous", "yes and no", texts.NOT_UNDERSTOOD),
]


@pytest.mark.parametrize(
    ("text", "why"), [b[1:] for b in BAD_AT_HELLO], ids=[b[0] for b in BAD_AT_HELLO]
)
def test_bad_input_gets_a_kind_reprompt(tiny: Engine, text: str, why: Msg) -> None:
    session = at_hello(tiny)
    before = session.state.to_dict()
    events = session.resume(Text(AT, text))
    assert events == [
        MessageCreated(why.text, "reprompt"),
        MessageCreated(HELLO.text, "reprompt", YES_NO, "hello", 1, (1, 2)),
    ]
    after = session.state.to_dict()
    assert (after["answers"], after["results"], after["node"]) == (
        before["answers"],
        before["results"],
        before["node"],
    )


# description, text, why (at the age question: a number, no options)
BAD_AT_AGE: list[tuple[str, str, Msg]] = [
    ("empty", "", texts.NOT_A_NUMBER),
    ("words", "quite old", texts.NOT_A_NUMBER),
    ("out of range", "200", texts.NOT_A_NUMBER),
    ("two numbers", "40 or 41", texts.NOT_A_NUMBER),
    ("too long", "9" * (MAX_INPUT_CHARS + 1), texts.TOO_LONG),
]


@pytest.mark.parametrize(
    ("text", "why"), [b[1:] for b in BAD_AT_AGE], ids=[b[0] for b in BAD_AT_AGE]
)
def test_bad_number_gets_a_kind_reprompt(tiny: Engine, text: str, why: Msg) -> None:
    session = at_age(tiny)
    events = session.resume(Text(AT, text))
    assert events == [
        MessageCreated(why.text, "reprompt"),
        MessageCreated(AGE_TEXT, "reprompt", (EXPLAIN,), "age", session.state.asked, (2, 2)),
    ]
    assert session.state.answers == [("hello", "yes")]
    assert session.state.results == {"hello": "yes"}


def test_answers_are_read_in_several_ways(tiny: Engine) -> None:
    for text in ("yes", "1", "YES!", "Yeah I do", " Yes "):
        session = at_hello(tiny)
        session.resume(Text(AT, text))
        assert session.state.answers == [("hello", "yes")], text


def test_stale_button_gets_the_current_question(tiny: Engine) -> None:
    session = at_age(tiny)
    events = session.resume(Choose(AT, "no", prompt=HELLO.prompt))
    assert events == [
        MessageCreated(texts.STALE.text, "notice"),
        MessageCreated(AGE_TEXT, "question", (EXPLAIN,), "age", session.state.asked, (2, 2)),
    ]
    assert session.state.answers == [("hello", "yes")]


def test_button_from_before_back_is_stale(tiny: Engine) -> None:
    session = at_age(tiny)
    session.resume(Command(AT, "back"))
    assert session.state.node == "hello"
    events = session.resume(Choose(AT, "no", prompt=HELLO.prompt))
    assert events[0] == MessageCreated(texts.STALE.text, "notice")
    assert session.state.answers == []


@pytest.mark.parametrize("prompt", [1, None], ids=["current prompt", "no prompt"])
def test_forged_option_gets_a_notice_and_the_question(tiny: Engine, prompt: int | None) -> None:
    session = at_hello(tiny)
    events = session.resume(Choose(AT, "maybe'; DROP TABLE", prompt=prompt))
    assert events == [MessageCreated(texts.UNKNOWN_CHOICE.text, "notice"), HELLO]
    assert session.state.answers == []


def test_a_current_button_is_an_answer(tiny: Engine) -> None:
    session = at_hello(tiny)
    session.resume(Choose(AT, "no", prompt=HELLO.prompt))
    assert session.state.answers == [("hello", "no")]
    assert session.state.outcome == "not_carer"


@pytest.mark.parametrize(
    "make",
    [lambda at: Text(at, "45"), lambda at: Choose(at, "yes"), lambda at: Command(at, "help")],
    ids=["text", "choose", "command"],
)
def test_expired_session_starts_again(tiny: Engine, make: Callable[[datetime], Input]) -> None:
    session = at_age(tiny)
    late = AT + timedelta(minutes=61)
    message = make(late)
    events = session.resume(message)
    assert events[:2] == [SessionRestarted("expired"), MessageCreated(texts.EXPIRED.text, "notice")]
    assert events[2] == MessageCreated("Hello.", "say", node="hello")
    assert isinstance(events[3], MessageCreated)
    assert (events[3].node, events[3].options) == ("hello", YES_NO)
    assert len(events) == 4
    assert (session.state.node, session.state.answers, session.state.updated_at) == (
        "hello",
        [],
        late,
    )


def test_exactly_at_expiry_the_session_carries_on(tiny: Engine) -> None:
    session = at_age(tiny)
    events = session.resume(Text(AT + timedelta(minutes=60), "45"))
    assert any(isinstance(e, OutcomeReached) for e in events)


def test_expiry_counts_from_the_last_input(tiny: Engine) -> None:
    session = at_hello(tiny)
    session.resume(Text(AT + timedelta(minutes=50), "yes"))
    events = session.resume(Text(AT + timedelta(minutes=100), "45"))
    assert any(isinstance(e, OutcomeReached) for e in events)


def forbid_io(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"I/O attempted: {args[:1]!r}")

    for owner, name in ((builtins, "open"), (io, "open"), (os, "open"), (socket, "socket")):
        monkeypatch.setattr(owner, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_sessions_do_no_io(tiny: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_io(monkeypatch)
    session = tiny.new_session(at=AT)
    inputs: list[Input] = [
        Text(AT, "help"),
        Text(AT, "yes"),
        Command(AT, "urgent"),
        Command(AT, "back"),
        Choose(AT, "yes", prompt=1),
        Text(AT, "yes"),
        Command(AT, "stop"),
        Text(AT, "hello?"),
        Text(AT, "nonsense"),
        Text(AT, "/dance"),
    ]
    assert session.start()
    for inp in inputs:
        assert session.resume(inp)
    resumed = tiny.load_session(session.to_json())
    events = resumed.resume(Text(AT, "45"))
    assert any(isinstance(e, OutcomeReached) for e in events)
    assert resumed.resume(Command(AT, "restart"))[0] == SessionRestarted("command")
    with pytest.raises(AssertionError, match="I/O attempted"), open(os.devnull):
        pass  # the guard is in place


LANGUAGE_IN_A_FRESH_PROCESS = """
import builtins, io
from datetime import UTC, datetime
from pathlib import Path
from bot.content import build_engine
from bot.engine import Command
engine = build_engine(Path("tests/data/flows"))
session = engine.new_session(at=datetime(2026, 1, 1, tzinfo=UTC))
session.start()
def refuse(*args, **kwargs):
    raise AssertionError(f"I/O attempted: {args[:1]!r}")
builtins.open = io.open = refuse
session.resume(Command(datetime(2026, 1, 1, tzinfo=UTC), "language"))
"""


class DidIO(Exception):
    """The child process reported an attempt at I/O."""


@pytest.mark.slow
def test_language_picker_does_no_io_in_a_fresh_process() -> None:
    root = Path(__file__).resolve().parent.parent.parent
    done = subprocess.run(
        [sys.executable, "-c", LANGUAGE_IN_A_FRESH_PROCESS],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=60,
        check=False,
    )
    if "I/O attempted" in done.stderr:
        raise DidIO(done.stderr[-300:])
    assert done.returncode == 0, done.stderr[-500:]


def test_an_input_whose_key_was_seen_changes_nothing(tiny_engine) -> None:
    session = tiny_engine.new_session(at=AT)
    session.start()
    first = session.resume(Text(AT, "yes", key="update-7"))
    assert any(isinstance(e, MessageCreated) for e in first)
    before = session.to_json()
    reply = tuple(e for e in first if isinstance(e, MessageCreated))
    assert session.resume(Text(AT, "no", key="update-7")) == [InputRepeated(reply)]
    assert session.to_json() == before
    reloaded = tiny_engine.load_session(before)
    assert reloaded.resume(Choose(AT, "no", key="update-7")) == [InputRepeated(reply)]
    assert not isinstance(reloaded.resume(Text(AT, "15", key="update-8"))[0], InputRepeated)
    assert reloaded.resume(Text(AT, "yes", key="update-7")) == [InputRepeated()]  # older now


@pytest.mark.parametrize(
    ("said", "alarm"),
    [
        ("my back hurts", False),
        ("she hurt her hip", False),
        ("he hurts me", True),
        ("I might hurt him", True),
    ],
)
def test_hurt_opens_help_only_when_someone_is_hurting_someone(
    engine: Engine, said: str, alarm: bool
) -> None:
    session = engine.new_session(at=AT)
    session.start()
    session.resume(Text(AT, said))
    assert bool(session.state.alarms) is alarm
