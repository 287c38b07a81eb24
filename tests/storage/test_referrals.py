"""Referrals in storage: one transaction with the turn, encrypted, status, forget, purge, keys."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, func, select, update
from sqlalchemy import Engine as SAEngine

from bot.adapters.jsonl import parse
from bot.engine import Choose, Engine, InputRepeated, MessageCreated, Text
from bot.engine.reference import counting_references
from bot.referrals.desk import change_status
from bot.storage import Conversations, ConversationStore
from bot.storage.crypto import Cipher, NoKey
from bot.storage.models import Conversation, Delivery, Notice, Referral, ReferralEvent
from bot.storage.outbox import Outbox
from bot.testing.keys import fixed_cipher

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
GOLDENS = Path(__file__).resolve().parents[1] / "goldens" / "screening"
USER = "4242"
DETAILS = [
    {"choose": "yes"},
    {"text": "Zebedee"},
    {"choose": "phone"},
    {"text": "0116 496 0999"},
    {"choose": "morning"},
    {"choose": "no"},
    {"choose": "en"},
    {"choose": "none"},
]
Persona = Callable[[str], list[dict[str, Any]]]


def texts(events: list[Any]) -> list[str]:
    return [e.text for e in events if isinstance(e, MessageCreated)]


def drive(
    convs: Conversations, inputs: list[dict[str, Any]], at: datetime = AT, *, keyed: bool = False
) -> Any:
    """Each input as a turn; ``keyed``: with keys 1, 2, ... as Telegram's update ids."""
    turn = convs.open(USER, at=at)
    for i, raw in enumerate(inputs, start=1):
        inp = parse(json.dumps(raw), at + timedelta(minutes=i))
        turn = convs.turn(USER, dataclasses.replace(inp, key=str(i)) if keyed else inp)
    return turn


@pytest.fixture
def convs(engine: Engine, db: SAEngine) -> Conversations:
    engine.new_reference = counting_references()
    return Conversations(engine, ConversationStore(db), channel="telegram", cipher=fixed_cipher())


@pytest.fixture
def barbara(persona: Persona) -> list[dict[str, Any]]:
    return persona("barbara_looks_after_her_mum_eleanor")


def count(db: SAEngine, table: Any) -> int:
    with db.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_yes_stores_the_referral_and_its_outbox_with_the_turn(
    convs: Conversations, db: SAEngine, barbara: list[dict[str, Any]]
) -> None:
    turn = drive(convs, [*barbara, *DETAILS, {"choose": "yes"}])
    assert "Your reference is CC-TEST-0001" in texts(turn.events)[0]
    with db.connect() as conn:
        row = conn.execute(select(Referral)).one()
        deliveries = conn.execute(select(Delivery)).all()
        state = conn.execute(select(Conversation.c.state)).scalar_one()
    assert (row.reference, row.organisation, row.status) == (
        "CC-TEST-0001",
        "llr_carers_support",
        "new",
    )
    assert (row.channel, row.user_id, row.age_band, row.young) == (
        "telegram",
        USER,
        "age_65_plus",
        False,
    )
    assert [d.method for d in deliveries] == ["email"]
    assert deliveries[0].status == "pending"
    for secret in ("Zebedee", "496 0999", "4960999", "breaking point"):
        assert secret not in row.payload  # encrypted at rest
        assert secret not in state
    assert row.payload.startswith("f1:") and state.startswith("f1:")
    record = convs.referrals.record("CC-TEST-0001")
    assert record["person"]["name"] == "Zebedee"


def test_a_failed_write_stores_neither_the_referral_nor_the_turn(
    convs: Conversations,
    db: SAEngine,
    barbara: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drive(convs, [*barbara, *DETAILS])
    before = convs.store.load("telegram", USER)

    def broken(conn: Connection, *args: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(convs.referrals, "create", broken)
    with pytest.raises(RuntimeError):
        convs.turn(USER, parse('{"choose": "yes"}', AT + timedelta(hours=1)))
    assert count(db, Referral) == 0
    after = convs.store.load("telegram", USER)
    assert before is not None and after is not None
    assert after.version == before.version  # the turn was not saved either: nothing is lost
    monkeypatch.undo()
    turn = convs.turn(USER, parse('{"choose": "yes"}', AT + timedelta(hours=2)))
    assert count(db, Referral) == 1
    assert "CC-TEST-0002" in texts(turn.events)[0]  # the failed try used up 0001


def test_personal_details_are_refused_without_a_key(
    engine: Engine, db: SAEngine, barbara: list[dict[str, Any]]
) -> None:
    plain = Conversations(engine, ConversationStore(db), channel="telegram")
    with pytest.raises(NoKey):
        drive(plain, [*barbara, *DETAILS[:2]])


def test_a_session_without_personal_details_is_stored_plain(convs: Conversations) -> None:
    drive(convs, [{"choose": "start"}, {"choose": "for_myself"}])
    stored = convs.store.load("telegram", USER)
    assert stored is not None and stored.state.startswith("{")


def test_a_kept_reply_showing_contact_details_is_never_stored_plain(
    convs: Conversations, db: SAEngine, persona: Persona
) -> None:
    inputs = [*persona("mum_of_disabled_son_says_just_a_mum"), *DETAILS]  # no own words
    review = drive(convs, inputs, keyed=True)
    assert any("Phone: 0116 496 0999" in t for t in texts(review.events))
    stored = convs.store.load("telegram", USER)
    assert stored is not None and stored.state.startswith("f1:")
    assert "496 0999" not in stored.state and "Zebedee" not in stored.state
    consent = dataclasses.replace(Choose(AT + timedelta(hours=1), "yes"), key="consent")
    sent = convs.turn(USER, consent)
    assert sent.session.state.referral == {}  # the details went with the referral
    stored = convs.store.load("telegram", USER)
    assert stored is not None and stored.state.startswith("f1:")  # its reply came from them
    again = convs.turn(USER, consent)
    assert isinstance(again.events[0], InputRepeated)
    assert texts(list(again.events[0].reply)) == texts(sent.events)  # the same confirmation
    assert again.version == sent.version and count(db, Referral) == 1  # and no second referral
    convs.turn(USER, Text(AT + timedelta(hours=2), "hello", key="next"))
    stored = convs.store.load("telegram", USER)
    assert stored is not None and stored.state.startswith("{")  # nothing personal is left


def test_a_reference_already_taken_is_replaced(
    convs: Conversations, db: SAEngine, barbara: list[dict[str, Any]]
) -> None:
    taken = iter(["CC-SAME-0001", "CC-SAME-0001", "CC-NEXT-0002"])
    convs.engine.new_reference = lambda: next(taken)
    drive(convs, [*barbara, *DETAILS, {"choose": "yes"}])
    other = Conversations(convs.engine, convs.store, channel="terminal", cipher=fixed_cipher())
    turn = drive(other, [*barbara, *DETAILS, {"choose": "yes"}], AT + timedelta(days=1))
    assert "CC-NEXT-0002" in texts(turn.events)[0]
    assert count(db, Referral) == 2


def test_status_answers_from_the_stored_referral(
    convs: Conversations, barbara: list[dict[str, Any]]
) -> None:
    drive(convs, [*barbara, *DETAILS, {"choose": "yes"}])
    turn = convs.turn(USER, parse('{"command": "status"}', AT + timedelta(days=1)))
    assert texts(turn.events)[0] == (
        "Your referral CC-TEST-0001 to Carers' support service for Leicester, Leicestershire "
        "and Rutland: sent. They have not picked it up yet."
    )
    change_status(convs.engine, convs.referrals, "CC-TEST-0001", "acknowledged", at=AT, by="test")
    turn = convs.turn(USER, parse('{"text": "status"}', AT + timedelta(days=2)))
    assert texts(turn.events)[0].endswith("they have it, and they will get in touch.")


def test_a_status_change_tells_the_person_once_in_their_language(
    engine: Engine, db: SAEngine
) -> None:
    from bot.testing.transcripts import Golden, neutral_inputs

    engine.new_reference = counting_references()
    convs = Conversations(engine, ConversationStore(db), channel="telegram", cipher=fixed_cipher())
    golden = Golden.read(GOLDENS / "barbara_looks_after_her_mum_eleanor.json")
    opened = convs.open(USER, at=AT, language="cy")
    assert opened.session.state.language == "cy"
    for i, raw in enumerate([*neutral_inputs(engine, golden), *DETAILS, {"choose": "yes"}], 1):
        convs.turn(USER, parse(json.dumps(raw), AT + timedelta(minutes=i)))
    told = change_status(
        engine, convs.referrals, "CC-TEST-0001", "contacted", at=AT, by="test", note="Ffoniwch ni"
    )
    assert len(told) == 2 and "CC-TEST-0001" in told[0] and "Ffoniwch ni" in told[1]
    with db.connect() as conn:
        stored = conn.execute(select(Notice.c.text)).scalars().all()
        history = conn.execute(select(ReferralEvent.c.status, ReferralEvent.c.note)).all()
    assert all(t.startswith("f1:") for t in stored)
    assert [h.status for h in history] == ["new", "contacted"]
    first = convs.referrals.take_notices("telegram", AT)
    again = convs.referrals.take_notices("telegram", AT)
    assert [t for _, t in first] == told and again == []


def test_forget_recalls_a_referral_nobody_has_had(
    convs: Conversations, db: SAEngine, barbara: list[dict[str, Any]]
) -> None:
    drive(convs, [*barbara, *DETAILS, {"choose": "yes"}])
    turn = convs.turn(USER, parse('{"text": "forget"}', AT + timedelta(days=1)))
    said = texts(turn.events)
    assert said[0].startswith("I have deleted your answers")
    assert said[1].startswith("I have also deleted your referral CC-TEST-0001")
    assert count(db, Referral) == count(db, Delivery) == count(db, Conversation) == 0


def test_forget_after_delivery_asks_the_organisation_to_delete_it(
    convs: Conversations, db: SAEngine, barbara: list[dict[str, Any]]
) -> None:
    drive(convs, [*barbara, *DETAILS, {"choose": "yes"}])
    outbox = Outbox(db, fixed_cipher())
    job = outbox.claim("w1", AT + timedelta(hours=1))[0]
    assert outbox.succeeded(job, AT + timedelta(hours=1), "smtp: 250 ok", 3)
    turn = convs.turn(USER, parse('{"command": "forget"}', AT + timedelta(days=1)))
    assert texts(turn.events)[1].startswith("Your referral CC-TEST-0001 had already reached")
    with db.connect() as conn:
        row = conn.execute(select(Referral)).one()
        kinds = conn.execute(select(Delivery.c.kind, Delivery.c.status)).all()
    assert row.erasure_requested_at is not None
    assert (row.channel, row.user_id) == (None, None)  # they are not messaged again
    assert sorted(kinds) == [("erasure", "pending"), ("referral", "done")]
    assert count(db, Conversation) == 0
    assert convs.referrals.for_person("telegram", USER) == []


def test_purge_keeps_each_kind_of_data_only_as_long_as_it_says(
    convs: Conversations, db: SAEngine, barbara: list[dict[str, Any]]
) -> None:
    drive(convs, [*barbara, *DETAILS, {"choose": "yes"}])
    closed_at = AT + timedelta(days=2)
    change_status(convs.engine, convs.referrals, "CC-TEST-0001", "closed", at=closed_at, by="t")
    convs.referrals.take_notices("telegram", closed_at)
    assert convs.referrals.purge(closed_at + timedelta(days=6)) == {
        "closed_referral": 0, "delivery_attempt": 0, "sent_notice": 0}  # fmt: skip
    assert convs.referrals.purge(closed_at + timedelta(days=8))["sent_notice"] == 1
    assert convs.referrals.purge(closed_at + timedelta(days=31))["closed_referral"] == 1
    assert count(db, Referral) == count(db, Delivery) == count(db, ReferralEvent) == 0


def test_an_open_referral_is_never_purged(
    convs: Conversations, db: SAEngine, barbara: list[dict[str, Any]]
) -> None:
    drive(convs, [*barbara, *DETAILS, {"choose": "yes"}])
    assert convs.referrals.purge(AT + timedelta(days=3650))["closed_referral"] == 0
    assert count(db, Referral) == 1


def test_key_rotation_moves_every_value_to_the_new_key(
    engine: Engine, db: SAEngine, barbara: list[dict[str, Any]]
) -> None:
    old, new = fixed_cipher(), Cipher.generate_key()
    engine.new_reference = counting_references()
    convs = Conversations(engine, ConversationStore(db), channel="telegram", cipher=old)
    drive(convs, [*barbara, *DETAILS])  # a session holding details
    other = Conversations(engine, ConversationStore(db), channel="terminal", cipher=old)
    drive(other, [*barbara, *DETAILS, {"choose": "yes"}])  # a referral
    both = Cipher([new, *[k for k in ["dGVzdC1rZXktZm9yLWNhcmVyY2hlY2stdGVzdHMtMDE="]]])
    assert ConversationStore(db).rotate(both) == 2
    assert convs.referrals.rotate(both) == 1
    only_new = Cipher([new])
    moved = Conversations(engine, ConversationStore(db), channel="telegram", cipher=only_new)
    assert moved.turn(USER, parse('{"text": "help"}', AT + timedelta(hours=1))).session.private
    assert moved.referrals.record("CC-TEST-0001")["person"]["name"] == "Zebedee"
    with db.connect() as conn:
        conn.execute(update(Referral).values(payload=old.encrypt("{}")))  # an old-key value
        conn.commit()
    from bot.storage.crypto import CannotDecrypt

    with pytest.raises(CannotDecrypt):
        moved.referrals.record("CC-TEST-0001")


def test_a_refused_consent_stores_nothing_but_the_anonymous_outcome(
    convs: Conversations, db: SAEngine, barbara: list[dict[str, Any]]
) -> None:
    turn = drive(convs, [*barbara, *DETAILS, {"choose": "no"}])
    assert turn.session.state.outcome == "carer"
    assert count(db, Referral) == count(db, Delivery) == count(db, Notice) == 0
    stored = convs.store.load("telegram", USER)
    assert stored is not None
    state = fixed_cipher().decrypt(stored.state)  # encrypted: Barbara's own words are in it
    assert "Zebedee" not in state and "496 0999" not in state
    assert json.loads(state)["referral"] == {}
