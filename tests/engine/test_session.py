"""Global commands, from a mid-flow node of the tiny flow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.engine import (
    Command,
    Engine,
    Event,
    Input,
    LanguageChanged,
    MessageCreated,
    OptionView,
    OutcomeReached,
    Session,
    SessionRestarted,
    SessionStopped,
    Text,
    texts,
)
from bot.engine.state import STOPPED, WAITING
from bot.i18n import Msg

AT = datetime(2026, 1, 1, tzinfo=UTC)
EXPLAIN = OptionView("_explain", "I don't understand")
YES_NO = (OptionView("yes", "Yes"), OptionView("no", "No"), EXPLAIN)
HELLO_Q = "Question 1 of 2\nDoes someone need your help?"
AGE_Q = "Question 2 of 2\nHow old are you?"


def at_age(engine: Engine) -> Session:
    """A session that has answered the first question and waits at ``age``."""
    session = engine.new_session(at=AT)
    session.start()
    session.resume(Text(AT, "yes"))
    assert session.state.node == "age"
    return session


def question(event: Event, node: str, text: str, kind: str = "question") -> None:
    assert isinstance(event, MessageCreated)
    assert (event.node, event.text, event.kind) == (node, text, kind)
    assert event.options == (YES_NO if node == "hello" else (EXPLAIN,))


def notice(event: Event, msg: Msg) -> None:
    assert event == MessageCreated(msg.text, "notice")


@pytest.mark.parametrize(
    "inp",
    [Command(AT, "back"), Text(AT, "back"), Text(AT, "/back"), Text(AT, "Go back!")],
    ids=["command", "word", "slash", "phrase"],
)
def test_back_undoes_the_last_answer(tiny: Engine, inp: Input) -> None:
    session = at_age(tiny)
    old_prompt = session.state.asked
    events = session.resume(inp)
    assert len(events) == 2
    notice(events[0], texts.BACK)
    question(events[1], "hello", HELLO_Q)
    assert isinstance(events[1], MessageCreated)
    assert events[1].prompt is not None and events[1].prompt > old_prompt
    assert (session.state.node, session.state.answers, session.state.results) == ("hello", [], {})
    session.resume(Text(AT, "no"))
    outcome = session.outcome()
    assert outcome is not None
    assert outcome.result == "not_carer"


def test_back_at_the_first_question_has_nothing_to_undo(tiny: Engine) -> None:
    session = at_age(tiny)
    session.resume(Command(AT, "back"))
    events = session.resume(Command(AT, "back"))
    assert len(events) == 2
    notice(events[0], texts.BACK_AT_START)
    question(events[1], "hello", HELLO_Q)
    assert session.state.node == "hello"


def test_back_keeps_the_answers_before_the_last(tiny: Engine) -> None:
    session = at_age(tiny)
    session.resume(Text(AT, "45"))
    assert session.done
    session.resume(Command(AT, "back"))
    assert session.state.node == "age"
    assert session.state.answers == [("hello", "yes")]
    assert (session.state.roles, session.state.signposts, session.state.outcome) == ([], [], None)


@pytest.mark.parametrize("inp", [Command(AT, "restart"), Text(AT, "start again")])
def test_restart(tiny: Engine, inp: Input) -> None:
    session = at_age(tiny)
    events = session.resume(inp)
    assert events[0] == SessionRestarted("command")
    notice(events[1], texts.RESTARTED)
    assert events[2] == MessageCreated("Hello.", "say", node="hello")
    question(events[3], "hello", HELLO_Q)
    assert len(events) == 4
    assert (session.state.node, session.state.answers) == ("hello", [])


@pytest.mark.parametrize("inp", [Command(AT, "help"), Text(AT, "help"), Text(AT, "/HELP")])
def test_help_at_age(tiny: Engine, inp: Input) -> None:
    session = at_age(tiny)
    before = session.state.to_dict()
    [event] = session.resume(inp)
    assert isinstance(event, MessageCreated)
    assert (event.kind, event.node) == ("help", "age")
    assert event.text.startswith("Type your age as a number.")
    assert texts.HELP_COMMANDS.text in event.text
    assert session.state.to_dict()["answers"] == before["answers"]
    assert session.state.node == "age"


def test_help_shows_the_options_again(tiny: Engine) -> None:
    session = tiny.new_session(at=AT)
    session.start()
    [event] = session.resume(Text(AT, "help"))
    assert isinstance(event, MessageCreated)
    assert event.text.startswith("Is there a person who could not manage without you?")
    assert (event.kind, event.options, event.prompt) == ("help", YES_NO, session.state.asked)


def test_stop_then_any_text_comes_back_to_the_same_question(tiny: Engine) -> None:
    session = at_age(tiny)
    stopped = session.resume(Command(AT, "stop"))
    assert stopped[0] == SessionStopped()
    assert isinstance(stopped[1], MessageCreated) and stopped[1].kind == "notice"
    assert "for 1 hour," in stopped[1].text  # tiny.yaml keeps answers for 60 minutes
    assert session.done and session.state.status == STOPPED
    later = AT + timedelta(minutes=30)
    events = session.resume(Text(later, "hi there"))
    assert len(events) == 2
    notice(events[0], texts.WELCOME_BACK)
    question(events[1], "age", AGE_Q)
    assert session.state.status == WAITING
    assert session.state.answers == [("hello", "yes")]


def test_stop_then_an_answer_carries_on(tiny: Engine) -> None:
    session = at_age(tiny)
    session.resume(Text(AT, "stop"))
    events = session.resume(Text(AT, "45"))
    notice(events[0], texts.WELCOME_BACK)
    assert any(isinstance(e, OutcomeReached) for e in events)


def test_stop_does_not_promise_longer_than_the_session_lives(tiny: Engine) -> None:
    session = at_age(tiny)
    _, message = session.resume(Command(AT, "stop"))
    assert isinstance(message, MessageCreated)
    assert "day" not in message.text


def picker(event: Event, prompt: int) -> None:
    assert event == MessageCreated(
        texts.PICK_LANGUAGE.text, "question", (OptionView("en", "English"),), "age", prompt
    )


def test_language_picker_unknown_then_english(tiny: Engine) -> None:
    session = at_age(tiny)
    [first] = session.resume(Command(AT, "language"))
    picker(first, session.state.asked)
    assert session.state.awaiting == "language"
    events = session.resume(Command(AT, "language", "xx"))
    assert len(events) == 2
    notice(events[0], texts.LANGUAGE_MISSING)
    picker(events[1], session.state.asked)
    events = session.resume(Command(AT, "language", "en"))
    assert events[0] == LanguageChanged("en")
    notice(events[1], texts.LANGUAGE_SET)
    question(events[2], "age", AGE_Q)
    after = session.state.to_dict()
    assert (after["language"], after["awaiting"], after["answers"]) == (
        "en",
        None,
        [["hello", "yes"]],
    )


@pytest.mark.parametrize("answer", ["English", "en", "1", "/language en"])
def test_language_picked_by_text(tiny: Engine, answer: str) -> None:
    session = at_age(tiny)
    session.resume(Text(AT, "language"))
    events = session.resume(Text(AT, answer))
    assert events[0] == LanguageChanged("en")
    question(events[-1], "age", AGE_Q)


def test_language_picker_reprompts_on_nonsense(tiny: Engine) -> None:
    session = at_age(tiny)
    session.resume(Command(AT, "language"))
    events = session.resume(Text(AT, "Klingon"))
    assert events[0] == MessageCreated(texts.LANGUAGE_MISSING.text, "reprompt")
    picker(events[1], session.state.asked)
    assert session.state.awaiting == "language"


@pytest.mark.parametrize("inp", [Command(AT, "urgent"), Text(AT, "emergency"), Text(AT, "/urgent")])
def test_urgent_lists_urgent_services_then_asks_again(tiny: Engine, inp: Input) -> None:
    session = at_age(tiny)
    before = session.state.to_dict()
    events = session.resume(inp)
    assert len(events) == 2
    assert isinstance(events[0], MessageCreated) and events[0].kind == "urgent"
    assert events[0].text.startswith(texts.URGENT_INTRO.text)
    assert (
        "• Emergency services: If someone is in danger right now.\n  Phone 999." in events[0].text
    )
    assert "Your GP" not in events[0].text
    question(events[1], "age", AGE_Q)
    assert session.state.to_dict() | {"turns": 0} == before | {"turns": 0}


@pytest.mark.parametrize("inp", [Text(AT, "/dance"), Command(AT, "dance"), Text(AT, "/")])
def test_unknown_command(tiny: Engine, inp: Input) -> None:
    session = at_age(tiny)
    events = session.resume(inp)
    assert len(events) == 2
    notice(events[0], texts.UNKNOWN_COMMAND)
    question(events[1], "age", AGE_Q)
    assert session.state.answers == [("hello", "yes")]
