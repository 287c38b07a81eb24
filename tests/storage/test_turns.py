from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine as SAEngine
from sqlalchemy import update

from bot.engine import (
    Choose,
    Command,
    Engine,
    Event,
    InputRepeated,
    MessageCreated,
    SessionRestarted,
    Text,
)
from bot.storage import ConcurrentUpdate, Conversations, ConversationStore
from bot.storage.models import Conversation

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HELLO_Q = "Question 1 of 2\nDoes someone need your help?"
AGE_Q = "Question 2 of 2\nHow old are you?"


def texts(events) -> list[str]:
    return [e.text for e in events if isinstance(e, MessageCreated)]


@pytest.fixture
def convs(tiny_engine: Engine, db: SAEngine) -> Conversations:
    return Conversations(tiny_engine, ConversationStore(db), channel="terminal")


def test_open_starts_and_saves_a_new_conversation(convs: Conversations) -> None:
    opened = convs.open("u1", at=AT)
    assert texts(opened.events) == ["Hello.", HELLO_Q]
    stored = convs.store.load("terminal", "u1")
    assert stored is not None
    assert stored.version == opened.version == 1


def test_open_again_shows_the_same_question_without_writing(convs: Conversations) -> None:
    convs.open("u1", at=AT)
    convs.turn("u1", Text(AT, "yes"))
    again = convs.open("u1", at=AT + timedelta(minutes=1))
    assert texts(again.events) == ["Welcome back. Here is where we were.", AGE_Q]
    stored = convs.store.load("terminal", "u1")
    assert stored is not None
    assert stored.version == 2


def test_each_turn_is_committed_before_it_returns(
    tiny_engine: Engine, db: SAEngine, convs: Conversations
) -> None:
    convs.open("u1", at=AT)
    turn = convs.turn("u1", Choose(AT, "yes"))
    # A second, independent store sees the answer at once: it was committed.
    other = Conversations(tiny_engine, ConversationStore(db), channel="terminal")
    reopened = other.open("u1", at=AT)
    assert reopened.session.state.results == {"hello": "yes"}
    assert reopened.version == turn.version == 2


def test_a_turn_for_someone_new_starts_their_conversation(convs: Conversations) -> None:
    turn = convs.turn("new", Text(AT, "hi"))
    assert texts(turn.events) == ["Hello.", HELLO_Q]
    assert turn.session.state.answers == []


def test_a_first_command_is_applied_after_the_start(convs: Conversations) -> None:
    turn = convs.turn("new", Command(AT, "help"))
    assert "Is there a person who could not manage without you?" in texts(turn.events)[-1]


def test_a_lost_race_is_retried_on_what_the_winner_saved(tiny_engine: Engine, db: SAEngine) -> None:
    class RacingStore(ConversationStore):
        raced = False

        def save(self, channel, user_id, state, *, version, at, check_in_at=None, conn=None, **_):
            if not self.raced and version is not None:
                self.raced = True  # another worker answers first, between our load and save
                winner = tiny_engine.load_session(self.load(channel, user_id).state)
                winner.resume(Choose(at, "yes"))
                super().save(channel, user_id, winner.to_json(), version=version, at=at)
            return super().save(channel, user_id, state, version=version, at=at, conn=conn)

    convs = Conversations(tiny_engine, RacingStore(db), channel="terminal")
    convs.open("u1", at=AT)
    turn = convs.turn("u1", Text(AT, "15"))
    # Our "15" was applied after the winner's "yes", not over it: nothing is lost.
    assert turn.session.state.answers == [("hello", "yes"), ("age", 15)]
    assert turn.version == 3


def test_endless_races_give_up_loudly(tiny_engine: Engine, db: SAEngine) -> None:
    class AlwaysLosing(ConversationStore):
        def save(self, channel, user_id, state, *, version, at, check_in_at=None, conn=None, **_):
            raise ConcurrentUpdate(channel)

    convs = Conversations(tiny_engine, AlwaysLosing(db), channel="terminal")
    with pytest.raises(ConcurrentUpdate):
        convs.turn("u1", Text(AT, "yes"))


@pytest.mark.parametrize(
    "damage",
    ["not json at all", '{"format": 0, "flow": "tiny"}', '{"format": 1}', "[]"],
    ids=["garbage", "old-format", "missing-fields", "wrong-shape"],
)
def test_a_corrupt_or_old_row_starts_fresh_and_is_logged(
    convs: Conversations, db: SAEngine, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    convs.open("secret-user-id", at=AT)
    with db.begin() as conn:  # as any writer does, it moves the version on
        conn.execute(update(Conversation).values(state=damage, version=Conversation.c.version + 1))
    with caplog.at_level(logging.WARNING, logger="bot.storage.turns"):
        turn = convs.turn("secret-user-id", Text(AT, "yes"))
    assert any(isinstance(e, SessionRestarted) and e.reason == "corrupt" for e in turn.events)
    assert texts(turn.events)[-1] == HELLO_Q
    assert "could not read our earlier conversation" in texts(turn.events)[0]
    assert "unreadable" in caplog.text
    assert "secret-user-id" not in caplog.text  # logs carry no personal data
    assert convs.turn("secret-user-id", Text(AT, "yes")).session.state.node == "age"


def test_a_row_from_a_changed_flow_starts_fresh(convs: Conversations, db: SAEngine) -> None:
    convs.open("u1", at=AT)
    stored = convs.store.load("terminal", "u1")
    assert stored is not None
    with db.begin() as conn:
        moved = stored.state.replace('"node":"hello"', '"node":"a_node_since_removed"')
        conn.execute(update(Conversation).values(state=moved))
    opened = convs.open("u1", at=AT)
    assert any(isinstance(e, SessionRestarted) for e in opened.events)


def test_an_expired_conversation_starts_fresh_kindly(convs: Conversations) -> None:
    convs.open("u1", at=AT)
    convs.turn("u1", Text(AT, "yes"))
    later = AT + timedelta(minutes=61)  # tiny.yaml expires after 60 minutes
    turn = convs.turn("u1", Text(later, "20"))
    assert texts(turn.events)[0].startswith("It has been a while since we last talked")
    assert turn.session.state.answers == []
    assert turn.session.state.node == "hello"


def test_forget(convs: Conversations) -> None:
    convs.open("u1", at=AT)
    assert convs.forget("u1") is True
    assert convs.store.load("terminal", "u1") is None


def messages(events: list[Event]) -> tuple[MessageCreated, ...]:
    return tuple(e for e in events if isinstance(e, MessageCreated))


def test_a_repeated_delivery_is_not_applied_or_written(convs: Conversations) -> None:
    convs.open("u1", at=AT)
    first = convs.turn("u1", Text(AT, "yes", key="41"))
    again = convs.turn("u1", Text(AT, "no", key="41"))
    reply = messages(first.events)
    assert reply and again.events == [InputRepeated(reply)]  # the same messages again
    assert again.version == first.version  # nothing written
    assert again.session.state.answers == [("hello", "yes")]
    convs.turn("u1", Text(AT, "15", key="42"))
    older = convs.turn("u1", Text(AT, "no", key="41"))
    assert older.events == [InputRepeated()]  # not the newest: the host shows the question


def test_a_repeat_of_a_first_command_gets_all_of_its_reply(convs: Conversations) -> None:
    first = convs.turn("u1", Command(AT, "help", key="7"))  # no conversation yet: a new one
    again = convs.turn("u1", Command(AT, "help", key="7"))
    assert again.events == [InputRepeated(messages(first.events))]
    assert again.version == first.version


def test_a_repeat_of_a_first_text_is_not_taken_as_an_answer(convs: Conversations) -> None:
    first = convs.turn("u1", Text(AT, "yes", key="7"))  # no conversation yet: it starts
    again = convs.turn("u1", Text(AT, "yes", key="7"))
    assert again.events == [InputRepeated(messages(first.events))]
    assert again.session.state.answers == []
