"""RunState round-trips through JSON; anything damaged raises CorruptSession."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.engine import (
    CorruptSession,
    Engine,
    MessageCreated,
    OutcomeReached,
    SessionRestarted,
    Text,
)
from bot.engine.limits import MAX_ANSWERS, SESSION_FORMAT
from bot.engine.state import DONE, STOPPED, WAITING, KeptReply, RunState

AT = datetime(2026, 1, 1, tzinfo=UTC)


def full_state() -> RunState:
    return RunState(
        flow="tiny",
        language="cy",
        node="age",
        started_at=AT,
        updated_at=AT + timedelta(minutes=3),
        status=STOPPED,
        awaiting="language",
        answers=[("hello", "yes"), ("age", 45)],
        results={"hello": "yes", "age": 45, "note": "ŵyr – نعم"},
        roles=["adult_carer"],
        flags=["crisis", "high_impact"],
        signposts=["gp"],
        referral_offered=True,
        outcome="carer",
        asked=7,
        turns=9,
        recent_keys=["41", "42"],
        last_reply=KeptReply(
            "42",
            (
                {"text": "That means you are a carer."},
                {
                    "text": "How old are you?",
                    "kind": "question",
                    "options": [["_explain", "I don't understand"]],
                    "node": "age",
                    "prompt": 7,
                    "progress": [2, 2],
                    "picture": "1f9d3",
                },
            ),
        ),
    )


def test_round_trip_through_json() -> None:
    state = full_state()
    data = json.loads(json.dumps(state.to_dict()))
    assert data["format"] == SESSION_FORMAT
    back = RunState.from_dict(data)
    assert back == state
    assert isinstance(back.results["age"], int)
    assert back.answers == [("hello", "yes"), ("age", 45)]
    assert back.updated_at.tzinfo is not None


def test_round_trip_of_a_fresh_state() -> None:
    state = RunState("tiny", "en", "hello", AT, AT)
    back = RunState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert back == state
    assert (back.status, back.awaiting, back.outcome) == (WAITING, None, None)


@pytest.mark.parametrize("status", [WAITING, DONE, STOPPED])
def test_every_status_reads_back(status: str) -> None:
    data = full_state().to_dict() | {"status": status}
    assert RunState.from_dict(data).status == status


def change(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.update(values)


def drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.pop(key)


def kept(**values: Any) -> Callable[[dict[str, Any]], None]:
    """A kept reply, valid but for ``values`` (None: left out)."""
    reply = {"key": "4", "messages": [{"text": "a"}], "private": False, "current": False}
    reply = {k: v for k, v in (reply | values).items() if v is not None}
    return change(last_reply=reply)


# description, how the stored dict is damaged
DAMAGED: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("newer format", change(format=SESSION_FORMAT + 1)),
    ("older format", change(format=0)),
    ("format as text", change(format=str(SESSION_FORMAT))),
    ("no format", drop("format")),
    ("missing node", drop("node")),
    ("missing answers", drop("answers")),
    ("missing turns", drop("turns")),
    ("flow is a number", change(flow=3)),
    ("language is null", change(language=None)),
    ("started_at not a date", change(started_at="last Tuesday")),
    ("updated_at a number", change(updated_at=1767225600)),
    ("awaiting a number", change(awaiting=1)),
    ("answer value a bool", change(answers=[["hello", True]])),
    ("answer value a float", change(answers=[["age", 4.5]])),
    ("answer value a list", change(answers=[["age", [45]]])),
    ("answer node a number", change(answers=[[1, "yes"]])),
    ("answer not a pair", change(answers=[["hello", "yes", "extra"]])),
    ("answers not a list of pairs", change(answers=["hello"])),
    ("results a list", change(results=[["hello", "yes"]])),
    ("result value null", change(results={"hello": None})),
    ("result value a bool", change(results={"hello": False})),
    ("roles contain a number", change(roles=[1])),
    ("flags null", change(flags=None)),
    ("signposts contain null", change(signposts=[None])),
    ("outcome a number", change(outcome=1)),
    ("asked not a number", change(asked="lots")),
    ("turns null", change(turns=None)),
    ("unknown status", change(status="paused")),
    ("status null", change(status=None)),
    ("too many answers", change(answers=[["hello", "yes"]] * (MAX_ANSWERS + 1))),
    ("kept reply a list", change(last_reply=[])),
    ("kept reply without a key", kept(key=None)),
    ("kept key a number", kept(key=42)),
    ("kept private as text", kept(private="no")),
    ("kept current missing", kept(current=None)),
    ("kept message text", kept(messages=["hi"])),
    ("kept message field unknown", kept(messages=[{"text": "a", "x": 1}])),
    ("kept message prompt text", kept(messages=[{"text": "a", "prompt": "1"}])),
    ("kept message progress short", kept(messages=[{"text": "a", "progress": [1]}])),
    ("kept message option alone", kept(messages=[{"text": "a", "options": [["yes"]]}])),
]


def test_a_valid_kept_reply_reads_back() -> None:
    data = full_state().to_dict()
    kept()(data)
    assert RunState.from_dict(data).last_reply is not None


def test_a_state_saved_before_replies_were_kept_reads_back() -> None:
    data = full_state().to_dict()
    del data["last_reply"]
    assert RunState.from_dict(data).last_reply is None


@pytest.mark.parametrize("damage", [d[1] for d in DAMAGED], ids=[d[0] for d in DAMAGED])
def test_damaged_state_is_corrupt(damage: Callable[[dict[str, Any]], None]) -> None:
    data = full_state().to_dict()
    damage(data)
    with pytest.raises(CorruptSession):
        RunState.from_dict(data)


@pytest.mark.parametrize("data", [None, [], "session", 1, True], ids=repr)
def test_not_a_mapping_is_corrupt(data: Any) -> None:
    with pytest.raises(CorruptSession, match="unknown session format"):
        RunState.from_dict(data)


@pytest.mark.parametrize(
    "damage",
    [change(asked=True), change(turns="3"), change(asked=2.5), change(referral_offered="false")],
    ids=["bool asked", "text turns", "float asked", "text referral_offered"],
)
def test_coercible_damage_is_corrupt(damage: Callable[[dict[str, Any]], None]) -> None:
    data = full_state().to_dict()
    damage(data)
    with pytest.raises(CorruptSession):
        RunState.from_dict(data)


def test_load_session_refuses_a_naive_timestamp(tiny: Engine) -> None:
    data = saved(tiny) | {"updated_at": "2026-01-01T00:00:00"}
    try:
        session = tiny.load_session(json.dumps(data))
    except CorruptSession:
        return
    session.resume(Text(AT, "45"))


@pytest.mark.parametrize(
    "text", ["", "not json", "{", "[1, 2", "\x00", "null", "[]", '{"format": 1}'], ids=repr
)
def test_load_session_refuses_what_is_not_a_session(tiny: Engine, text: str) -> None:
    with pytest.raises(CorruptSession):
        tiny.load_session(text)


def saved(engine: Engine) -> dict[str, Any]:
    session = engine.new_session(at=AT)
    session.start()
    session.resume(Text(AT, "yes"))
    data: dict[str, Any] = json.loads(session.to_json())
    assert data["node"] == "age"
    return data


def test_load_session_round_trip(tiny: Engine) -> None:
    data = saved(tiny)
    session = tiny.load_session(json.dumps(data))
    assert session.state.to_dict() == data
    events = session.resume(Text(AT, "45"))
    assert session.done
    assert session.outcome() is not None
    [reached] = [e for e in events if isinstance(e, OutcomeReached)]
    assert reached.outcome.result == "carer"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("node", "removed_node"),
        ("flow", "retired_flow"),
        ("answers", [["removed_node", "yes"]]),
    ],
)
def test_load_session_refuses_a_session_the_flow_no_longer_fits(
    tiny: Engine, key: str, value: Any
) -> None:
    data = saved(tiny) | {key: value}
    with pytest.raises(CorruptSession, match="changed"):
        tiny.load_session(json.dumps(data))


def test_damaged_session_replacement_says_so(tiny: Engine) -> None:
    session = tiny.new_session(at=AT)
    restarted, notice = session.damaged()
    assert restarted == SessionRestarted("corrupt")
    assert isinstance(notice, MessageCreated)
    assert "could not read" in notice.text
