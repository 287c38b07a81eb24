"""The referral conversation: offer, details, review, consent, and what is recorded."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.adapters.jsonl import parse
from bot.engine import (
    Choose,
    Engine,
    Event,
    MessageCreated,
    ReferralDeclined,
    ReferralRequested,
    Session,
    Text,
)
from bot.engine import referral_texts as rt
from bot.engine.reference import FORMAT, counting_references, new_reference
from bot.engine.referral_steps import ASKS
from bot.engine.render import EXPLAIN

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
Persona = Callable[[str], list[dict[str, Any]]]


def texts(events: list[Event]) -> list[str]:
    return [e.text for e in events if isinstance(e, MessageCreated)]


def play(engine: Engine, inputs: list[dict[str, Any]], language: str = "en") -> Session:
    engine.new_reference = counting_references()
    session = engine.new_session(at=AT, language=language)
    session.start()
    at = AT
    for raw in inputs:
        at += timedelta(minutes=1)
        session.resume(parse(json.dumps(raw), at))
        session = engine.load_session(session.to_json())  # every step through JSON
    return session


def step(session: Session, *inputs: str | tuple[str]) -> list[Event]:
    """Answer with typed text (a str) or a tap (a one-item tuple)."""
    events: list[Event] = []
    for inp in inputs:
        at = session.state.updated_at + timedelta(minutes=1)
        if isinstance(inp, tuple):
            events = session.resume(Choose(at, inp[0]))
        else:
            events = session.resume(Text(at, inp))
    return events


@pytest.fixture
def barbara(engine: Engine, persona: Persona) -> Session:
    """Barbara (69, Rutland), at the offer of the carers' service."""
    session = play(engine, persona("barbara_looks_after_her_mum_eleanor"))
    assert session.referral_step == "offer"
    return session


def test_the_offer_names_the_organisation_and_its_promise(barbara: Session) -> None:
    asked = barbara.current()[0]
    assert isinstance(asked, MessageCreated)
    assert "Carers' support service for Leicester, Leicestershire and Rutland" in asked.text
    assert "We aim to get in touch within 5 working days." in asked.text
    assert [o.id for o in asked.options] == ["yes", "no", EXPLAIN]


def test_nobody_local_means_national_routes_and_no_offer(engine: Engine, persona: Persona) -> None:
    session = play(engine, persona("daughter_cares_for_mum_from_far_away"))
    assert session.state.outcome == "carer"
    assert session.referral_step is None
    assert session.state.referral == {}


def test_the_whole_way_to_a_referral(barbara: Session) -> None:
    step(barbara, "yes", "Barbara", "phone", "0116 496 0123", ("morning",), ("no",))
    step(barbara, ("en",), ("large_print",))
    assert barbara.referral_step == "confirm"
    assert barbara.private  # the details are personal: the host encrypts this session
    review = texts(barbara.current())[0]
    for shown in (
        "Name: Barbara",
        "Phone: 0116 496 0123",
        "A good time: Morning",
        "Do not leave a message",
        "Large print",
        "How often do you help them?",
    ):
        assert shown in review
    events = step(barbara, ("yes",))
    sent = [e for e in events if isinstance(e, ReferralRequested)]
    assert len(sent) == 1
    assert sent[0].reference == "CC-TEST-0001"
    assert "Your reference is CC-TEST-0001" in texts(events)[0]
    record = sent[0].record
    assert record["person"]["phone"] == "+441164960123"  # E.164, as stored
    assert record["person"]["safe_to_leave_message"] is False
    assert record["person"]["communication_needs"] == "Large print"
    assert record["consent"]["version"] == rt.CONSENT_VERSION
    assert record["consent"]["to"] == "llr_carers_support"
    assert record["consent"]["given_at"] == barbara.state.updated_at.isoformat()
    assert record["screening"]["outcome"] == "carer"
    assert barbara.state.referral == {}  # the details left with the referral
    assert barbara.referral_step is None


def test_a_bad_phone_number_or_address_is_asked_again(barbara: Session) -> None:
    events = step(barbara, "yes", "Barbara", "phone", "12345")
    assert texts(events)[0].startswith("Sorry, that does not look like a phone number")
    assert barbara.referral_step == "phone"
    step(barbara, "back", ("email",))
    events = step(barbara, "barbara at example dot org")
    assert texts(events)[0].startswith("Sorry, that does not look like an e-mail address")
    step(barbara, "Barbara@Example.ORG")
    assert barbara.state.referral["email"] == "Barbara@example.org"


@pytest.mark.parametrize("name", ["", "R2D2", "x" * 61, "   "])
def test_a_name_needs_letters_and_no_digits(barbara: Session, name: str) -> None:
    step(barbara, "yes")
    events = step(barbara, name) if name.strip() else step(barbara, "12")
    assert barbara.referral_step == "name"
    assert any("Sorry" in t for t in texts(events))


def test_no_at_the_consent_sends_nothing_and_keeps_nothing(barbara: Session) -> None:
    step(barbara, "yes", "Barbara", ("here",), ("any",), ("en",), ("none",))
    events = step(barbara, ("no",))
    assert ReferralDeclined("consent") in events
    assert not any(isinstance(e, ReferralRequested) for e in events)
    assert barbara.state.referral == {}
    assert "Barbara" not in barbara.to_json()


def test_no_to_the_offer_shares_nothing(barbara: Session) -> None:
    events = step(barbara, ("no",))
    assert ReferralDeclined("offer") in events
    assert "Nothing has been shared" in texts(events)[0]


def test_change_something_asks_that_item_again_then_shows_it_all(barbara: Session) -> None:
    step(barbara, "yes", "Barbara", ("phone",), "0116 496 0123", ("morning",), ("yes",))
    step(barbara, ("en",), ("none",), ("change",))
    asked = barbara.current()[0]
    assert isinstance(asked, MessageCreated)
    assert [o.id for o in asked.options][:-1] == [
        "name",
        "how",
        "time",
        "safe",
        "language",
        "needs",
    ]
    step(barbara, ("how",), ("here",))
    assert barbara.referral_step == "confirm"
    assert "phone" not in barbara.state.referral  # the old number went with the old way
    step(barbara, ("change",), ("name",), "Babs")
    assert barbara.referral_step == "confirm"
    assert "Name: Babs" in texts(barbara.current())[0]


def test_back_goes_one_referral_question_back_and_from_the_offer_to_the_questions(
    barbara: Session,
) -> None:
    step(barbara, "yes", "Barbara")
    step(barbara, "back")
    assert barbara.referral_step == "name"
    step(barbara, "back", "back")
    assert barbara.referral_step is None
    assert barbara.state.outcome is None  # back at the last question of the screening


def test_help_and_urgent_work_at_every_referral_question(barbara: Session) -> None:
    step(barbara, "yes")
    for name in ("help", "urgent"):
        events = step(barbara, name)
        assert barbara.referral_step == "name"
        assert events
    help_text = texts(step(barbara, (EXPLAIN,)))[0]
    assert help_text.startswith("This is the name they will use")
    urgent = texts(step(barbara, "urgent"))
    assert "999" in urgent[0]


def test_a_stale_tap_is_refused_and_the_question_shown_again(barbara: Session) -> None:
    old = barbara.state.asked
    step(barbara, "yes", "Barbara")
    events = barbara.resume(Choose(AT + timedelta(days=1), "yes", old))
    assert texts(events)[0].startswith("That question has moved on")
    assert barbara.referral_step == "how"


def test_under_16s_get_their_own_wording_and_the_service_sees_the_age_band(
    engine: Engine, persona: Persona
) -> None:
    mia = play(engine, persona("girl_13_helps_her_dad_wash"))
    assert "They help young people who look after someone." in texts(mia.current())[0]
    step(mia, ("yes",), "Mia", ("here",), ("evening",), ("en",), ("none",))
    review = texts(mia.current())[0]
    assert "They will see that you are under 16." in review
    assert "so they can get in touch with you? They will see" in review
    sent = next(e for e in step(mia, ("yes",)) if isinstance(e, ReferralRequested))
    assert sent.organisation == "llr_young_carers"
    assert sent.record["person"]["under_16"] is True
    assert sent.record["person"]["age_band"] == "under_16"


def test_mutual_caring_names_both_and_asks_for_joined_up_support(
    engine: Engine, persona: Persona
) -> None:
    inputs = persona("elsie_and_christine_help_each_other")[:-2]
    elsie = play(engine, inputs)
    step(elsie, ("yes",), "Elsie", ("here",), ("any",))
    assert elsie.referral_step == "other"
    step(elsie, "Christine", ("other",), "Gujarati", "I need my daughter with me")
    record = next(e for e in step(elsie, ("yes",)) if isinstance(e, ReferralRequested)).record
    assert record["other_person"] == {"name": "Christine", "joint_assessment": True}
    assert record["person"]["language"] == "Gujarati"
    assert record["person"]["interpreter"] is True
    assert record["person"]["communication_needs"] == "I need my daughter with me"


def test_the_organisation_reads_it_in_english_whatever_the_person_reads(
    engine: Engine, persona: Persona
) -> None:
    from bot.testing.transcripts import Golden, neutral_inputs

    golden = Golden.read(
        engine_root() / "tests/goldens/screening/barbara_looks_after_her_mum_eleanor.json"
    )
    welsh = play(engine, neutral_inputs(engine, golden), language="cy")
    step(welsh, ("yes",), "Barbara", ("here",), ("any",), ("cy",), ("none",))
    review = texts(welsh.current())[0]
    assert "Cymraeg" in review
    record = next(e for e in step(welsh, ("yes",)) if isinstance(e, ReferralRequested)).record
    questions = [a["question"] for a in record["screening"]["answers"]]
    assert "How old are you?" in questions
    assert record["person"]["language"] == "Welsh"
    assert record["consent"]["language"] == "cy"
    assert record["consent"]["wording"] != record["consent"]["wording_en"]


def engine_root() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


CONSENT_WORDING = (rt.OFFER, rt.OFFER_YOUNG, rt.OFFER_HELP, rt.OFFER_YOUNG_HELP, rt.SUMMARY,
                   rt.CONSENT, rt.CONSENT_YOUNG, rt.CONSENT_HELP, rt.SENT)  # fmt: skip
PINNED = {"2026-11-22": "21a330115085ac90"}


def test_the_consent_wording_is_pinned_to_its_version() -> None:
    """Change the wording, and CONSENT_VERSION must change with it (and this pin)."""
    digest = hashlib.sha256("\n".join(m.text for m in CONSENT_WORDING).encode()).hexdigest()
    assert PINNED.get(rt.CONSENT_VERSION) == digest[:16], (rt.CONSENT_VERSION, digest[:16])


def test_every_referral_question_has_help_and_an_easy_read_picture() -> None:
    for step_id, ask in ASKS.items():
        assert ask.help.text, step_id
        assert ask.picture, step_id


def test_references_are_easy_to_read_out() -> None:
    made = {new_reference() for _ in range(200)}
    assert len(made) == 200
    assert all(FORMAT.fullmatch(r) for r in made)
    assert not any(c in r[3:] for r in made for c in "ILOU")
