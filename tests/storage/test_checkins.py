"""Check-ins and forgetting through storage: due lists, sending once, erasing the row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine as SAEngine
from sqlalchemy import select

from bot.content import build_engine
from bot.engine import Engine, ForgetRequested, MessageCreated, SessionRestarted, Text
from bot.storage import Conversations, ConversationStore
from bot.storage.models import Conversation

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DUE = AT + timedelta(days=91)
FLOWS = Path(__file__).resolve().parent.parent / "data" / "checkin"


@pytest.fixture(scope="module")
def checkin_engine() -> Engine:
    return build_engine(FLOWS)


@pytest.fixture
def convs(checkin_engine: Engine, db: SAEngine) -> Conversations:
    return Conversations(checkin_engine, ConversationStore(db), channel="telegram")


def agree(convs: Conversations, user: str, at: datetime = AT) -> None:
    convs.open(user, at=at)
    for text in ("yes", "40", "yes"):
        convs.turn(user, Text(at, text))


def column(db: SAEngine, user: str) -> datetime | None:
    with db.connect() as conn:
        query = select(Conversation.c.check_in_at).where(Conversation.c.user_id == user)
        value = conn.execute(query).scalar_one()
    return None if value is None else value.replace(tzinfo=value.tzinfo or UTC)


def test_a_yes_is_saved_in_the_indexed_column_and_listed_when_due(
    convs: Conversations, db: SAEngine
) -> None:
    agree(convs, "u1")
    assert column(db, "u1") == DUE
    assert convs.due_check_ins(DUE - timedelta(minutes=1)) == []
    assert convs.due_check_ins(DUE) == ["u1"]


def test_the_check_in_is_sent_once_even_when_two_workers_try(
    convs: Conversations, checkin_engine: Engine, db: SAEngine
) -> None:
    agree(convs, "u1")
    other = Conversations(checkin_engine, ConversationStore(db), channel="telegram")
    first = convs.check_in("u1", DUE)
    second = other.check_in("u1", DUE)
    assert first is not None and second is None
    assert first.events[0] == SessionRestarted("check_in")
    assert column(db, "u1") is None
    assert convs.due_check_ins(DUE + timedelta(days=1)) == []


def test_no_check_in_before_it_is_due_or_for_someone_unknown(convs: Conversations) -> None:
    agree(convs, "u1")
    assert convs.check_in("u1", DUE - timedelta(days=1)) is None
    assert convs.check_in("nobody", DUE) is None


def test_opening_after_the_date_starts_the_check_in(convs: Conversations, db: SAEngine) -> None:
    agree(convs, "u1")
    opened = convs.open("u1", at=DUE + timedelta(hours=2))
    said = [e.text for e in opened.events if isinstance(e, MessageCreated)]
    assert said[0].startswith("Hello again.")
    assert column(db, "u1") is None


def test_forget_erases_the_row_and_the_check_in(convs: Conversations, db: SAEngine) -> None:
    agree(convs, "u1")
    turn = convs.turn("u1", Text(AT, "/forget"))
    assert turn.events[0] == ForgetRequested()
    assert convs.store.load("telegram", "u1") is None
    assert convs.due_check_ins(DUE) == []
    fresh = convs.turn("u1", Text(AT, "hello"))
    assert fresh.session.state.answers == [] and fresh.version == 1


def test_purge_deletes_what_was_left_longer_than_people_are_told(
    convs: Conversations, db: SAEngine
) -> None:
    keep = timedelta(minutes=60)  # the check-in test flow keeps conversations an hour
    convs.open("left", at=AT)
    convs.open("recent", at=AT + keep)
    agree(convs, "waiting")
    assert convs.purge(AT + keep) == 0
    assert convs.purge(AT + keep + timedelta(seconds=1)) == 1
    assert convs.store.load("telegram", "left") is None
    assert convs.store.load("telegram", "recent") is not None
    assert convs.store.load("telegram", "waiting") is not None  # kept for its check-in
