"""Anonymous statistics: one row per run through the flow, nothing about the person."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine as SAEngine
from sqlalchemy import inspect, select

from bot.adapters.jsonl import parse
from bot.engine import Engine
from bot.storage import Conversations, ConversationStore
from bot.storage.models import Screening
from bot.storage.stats import SMALLEST, Statistics, Tally
from bot.testing.keys import fixed_cipher

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
Persona = Callable[[str], list[dict[str, Any]]]


@pytest.fixture
def convs(engine: Engine, db: SAEngine) -> Conversations:
    return Conversations(engine, ConversationStore(db), channel="telegram", cipher=fixed_cipher())


def play(convs: Conversations, user: str, inputs: list[dict[str, Any]]) -> None:
    convs.open(user, at=AT)
    for i, raw in enumerate(inputs, start=1):
        convs.turn(user, parse(json.dumps(raw), AT + timedelta(minutes=i)))


def rows(db: SAEngine) -> list[Any]:
    with db.connect() as conn:
        return list(conn.execute(select(Screening)).all())


def test_a_run_is_one_anonymous_row(convs: Conversations, db: SAEngine, persona: Persona) -> None:
    play(convs, "u1", persona("barbara_looks_after_her_mum_eleanor"))
    (row,) = rows(db)
    assert (row.outcome, row.area, row.age_band, row.language) == (
        "carer", "rutland", "age_65_plus", "en")  # fmt: skip
    assert row.answered >= 12 and row.last_node == "outcome_carer"
    columns = {c["name"] for c in inspect(db).get_columns("screenings")}
    assert not columns & {"user_id", "channel_user", "conversation_id", "name", "state"}


def test_back_is_the_same_run_and_restart_a_new_one(convs: Conversations, db: SAEngine) -> None:
    play(convs, "u1", [{"choose": "start"}, {"choose": "for_myself"}, {"command": "back"}])
    assert len(rows(db)) == 1
    play(convs, "u1", [{"command": "restart"}])
    first, second = sorted(rows(db), key=lambda r: r.id)
    assert (first.last_node, first.answered) == ("who_answering", 1)  # where the first stopped
    assert second.last_node == ""  # still going


def test_forget_deletes_even_the_anonymous_row(convs: Conversations, db: SAEngine) -> None:
    play(convs, "u1", [{"choose": "start"}, {"command": "forget"}])
    assert rows(db) == []


def test_counts_under_five_are_never_shown(convs: Conversations, db: SAEngine) -> None:
    for i in range(SMALLEST):
        play(convs, f"done{i}", [{"choose": "start"}])
    play(convs, "once", [{"choose": "start"}, {"choose": "for_myself"}])
    assert Statistics(db).summary()["stopped_at"].shown == []  # nobody has stopped yet
    assert convs.purge(AT + timedelta(days=8)) == SMALLEST + 1  # now they have
    summary = Statistics(db).summary()
    assert summary["started"] == SMALLEST + 1
    assert summary["completed"] is None  # none completed: "fewer than 5"
    stopped = summary["stopped_at"]
    assert stopped.shown == [("who_answering", SMALLEST)]
    assert stopped.hidden == 1  # the one who stopped at the age question is not shown


def test_a_tally_holds_back_small_counts() -> None:
    from collections import Counter

    tally = Tally.of(Counter({"en": 12, "cy": 5, "so": 4, "ar": 1}))
    assert tally.shown == [("en", 12), ("cy", 5)] and tally.hidden == 2
