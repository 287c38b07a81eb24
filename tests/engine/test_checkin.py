"""Checking in again later: the offer after an outcome, yes and no, the check-in, forgetting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.content import build_engine
from bot.engine import (
    CheckInCancelled,
    CheckInScheduled,
    Choose,
    Command,
    Engine,
    ForgetRequested,
    MessageCreated,
    OutcomeReached,
    Session,
    SessionRestarted,
    Text,
)

AT = datetime(2026, 1, 1, tzinfo=UTC)
DUE = AT + timedelta(days=91)
FLOWS = Path(__file__).resolve().parent.parent / "data" / "checkin"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return build_engine(FLOWS)


def texts(events: list) -> list[str]:
    return [e.text for e in events if isinstance(e, MessageCreated)]


def at_offer(engine: Engine) -> tuple[Session, list]:
    session = engine.new_session(at=AT)
    session.start()
    session.resume(Text(AT, "yes"))
    return session, session.resume(Text(AT, "40"))


def test_the_offer_comes_after_the_outcome_as_a_question(engine: Engine) -> None:
    session, events = at_offer(engine)
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("OutcomeReached") < len(kinds) - 1
    offer = events[-1]
    assert isinstance(offer, MessageCreated) and offer.kind == "question"
    assert offer.text == (
        "Would you like me to send you a message in about 3 months, "
        "to go through these questions again?"
    )
    assert [o.id for o in offer.options] == ["yes", "no"]
    assert session.state.check_in_due is None  # nothing is kept before a yes


@pytest.mark.parametrize("answer", [Choose(AT, "yes"), Text(AT, "yes please"), Text(AT, "1")])
def test_a_yes_records_when_to_check_in(engine: Engine, answer) -> None:
    session, _ = at_offer(engine)
    events = session.resume(answer)
    assert CheckInScheduled(DUE) in events
    assert "I will send you a message in about 3 months" in texts(events)[-1]
    assert session.state.check_in_due == DUE
    assert session.done
    assert session.current()[0].options[0].id == "restart"  # the usual "finished" message


@pytest.mark.parametrize("answer", [Choose(AT, "no"), Text(AT, "no thanks"), Text(AT, "2")])
def test_a_no_records_nothing(engine: Engine, answer) -> None:
    session, _ = at_offer(engine)
    events = session.resume(answer)
    assert CheckInCancelled() in events
    assert session.state.check_in_due is None
    assert texts(events) == [
        "That is fine. You can come back and answer the questions again at any time."
    ]


def test_anything_else_at_the_offer_asks_again(engine: Engine) -> None:
    session, events = at_offer(engine)
    again = session.resume(Text(AT, "purple"))
    assert texts(again)[0].startswith("Sorry, I did not understand that.")
    assert texts(again)[-1] == events[-1].text
    assert session.state.awaiting == "check_in"
    forged = session.resume(Choose(AT, "maybe", prompt=session.state.asked))
    assert texts(forged)[0] == (
        "That choice does not belong to this question. Here is the question again."
    )
    stale = session.resume(Choose(AT, "yes", prompt=1))
    assert texts(stale)[0].startswith("That question has moved on.")
    assert session.state.check_in_due is None


def test_the_offer_survives_a_save_and_reload(engine: Engine) -> None:
    session, events = at_offer(engine)
    reloaded = engine.load_session(session.to_json())
    assert reloaded.reopen()[-1].text == events[-1].text
    reloaded.resume(Text(AT, "yes"))
    again = engine.load_session(reloaded.to_json())
    assert again.state.check_in_due == DUE


def test_back_at_the_offer_goes_back_to_the_last_question(engine: Engine) -> None:
    session, _ = at_offer(engine)
    events = session.resume(Command(AT, "back"))
    assert texts(events)[-1].endswith("How old are you?")
    assert session.state.awaiting is None and session.state.outcome is None


def test_when_it_falls_due_the_questions_start_again_and_the_date_is_used_up(
    engine: Engine,
) -> None:
    session, _ = at_offer(engine)
    session.resume(Text(AT, "yes"))
    assert not session.check_in_falls_due(DUE - timedelta(seconds=1))
    assert session.check_in_falls_due(DUE)
    events = session.check_in(DUE)
    assert events[0] == SessionRestarted("check_in")
    assert texts(events)[0].startswith("Hello again. Some time ago you asked me to check in")
    asked = events[-1]
    assert isinstance(asked, MessageCreated)
    assert asked.text == "Shall we go through the questions now?"
    assert [o.label for o in asked.options] == [
        "Yes, let's start", "No. Please do not message me again"]  # fmt: skip
    assert session.state.answers == [] and session.state.outcome is None
    assert session.state.check_in_due is None
    started = session.resume(Choose(DUE, "yes", asked.prompt))
    assert texts(started)[-1].endswith("Does someone need your help?")


@pytest.mark.parametrize("inp", [Choose(DUE, "no"), Text(DUE, "no"), Text(DUE, "2")])
def test_opting_out_at_the_check_in_is_one_tap_and_forgets_them(engine: Engine, inp) -> None:
    session, _ = at_offer(engine)
    session.resume(Text(AT, "yes"))
    session.check_in(DUE)
    events = session.resume(inp)
    assert events[0] == ForgetRequested()


def test_a_message_after_the_date_gets_the_check_in_first(engine: Engine) -> None:
    session, _ = at_offer(engine)
    session.resume(Text(AT, "yes"))
    events = session.resume(Text(DUE + timedelta(days=3), "hello"))
    assert texts(events)[0].startswith("Hello again.")
    assert session.state.check_in_due is None


def test_restarting_keeps_the_check_in_the_person_asked_for(engine: Engine) -> None:
    session, _ = at_offer(engine)
    session.resume(Text(AT, "yes"))
    session.resume(Command(AT, "restart"))
    assert session.state.check_in_due == DUE


def test_a_later_no_cancels_an_earlier_yes(engine: Engine) -> None:
    session, _ = at_offer(engine)
    session.resume(Text(AT, "yes"))
    session.resume(Command(AT, "restart"))
    session.resume(Text(AT, "yes"))
    session.resume(Text(AT, "40"))
    session.resume(Text(AT, "no"))
    assert session.state.check_in_due is None


@pytest.mark.parametrize(
    "inp", [Command(AT, "forget"), Text(AT, "/forget"), Text(AT, "forget"), Text(AT, "Forget me")]
)
def test_forget_asks_the_host_to_erase_everything(engine: Engine, inp) -> None:
    session, _ = at_offer(engine)
    session.resume(Text(AT, "yes"))
    events = session.resume(inp)
    assert events[0] == ForgetRequested()
    assert texts(events) == [
        "I have deleted your answers, and I will not message you again. "
        "If you send me a message, we will start again from the beginning."
    ]


def test_forget_after_the_date_is_not_swallowed_by_the_check_in(engine: Engine) -> None:
    session, _ = at_offer(engine)
    session.resume(Text(AT, "yes"))
    assert session.resume(Text(DUE, "/forget"))[0] == ForgetRequested()


def test_an_outcome_without_the_action_offers_nothing(engine: Engine) -> None:
    session = engine.new_session(at=AT)
    session.start()
    events = session.resume(Text(AT, "no"))
    assert isinstance(events[-1], OutcomeReached)
    assert session.state.awaiting is None and session.done
