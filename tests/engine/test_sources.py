"""Referral sources from deep links: recorded, and their area answers the area question."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.engine import Choose, Command, Engine, FlowError, MessageCreated, Session, Text
from bot.engine.sources import Source, parse_sources

AT = datetime(2026, 1, 1, tzinfo=UTC)


def questions(events: list) -> list[str]:
    return [e.text for e in events if isinstance(e, MessageCreated) and e.options]


def to_needs(engine: Engine, source: str | None) -> tuple[Session, list]:
    session = engine.new_session(at=AT, source=source)
    session.start()
    session.resume(Choose(AT, "start"))
    session.resume(Choose(AT, "for_myself"))
    return session, session.resume(Text(AT, "40"))


def test_a_source_with_an_area_answers_the_area_question(engine: Engine) -> None:
    session, events = to_needs(engine, "leicester_gp")
    assert session.state.source == "leicester_gp"
    assert session.state.results["area"] == "leicester"
    assert session.state.node == "needs_help"
    assert questions(events)[-1].startswith("Question 3 of 12\n")
    assert ("area", "leicester") not in session.state.answers


def test_without_a_source_the_area_is_asked(engine: Engine) -> None:
    session, events = to_needs(engine, None)
    assert session.state.source is None and session.state.node == "area"
    assert questions(events)[-1].startswith("Question 3 of 13\n")


def test_an_unknown_or_area_less_source(engine: Engine) -> None:
    unknown, _ = to_needs(engine, "no_such_place")
    assert unknown.state.source is None and unknown.state.node == "area"
    poster, _ = to_needs(engine, "poster")
    assert poster.state.source == "poster" and poster.state.node == "area"


def test_back_restart_and_reload_keep_the_preset(engine: Engine) -> None:
    session, _ = to_needs(engine, "rutland_library")
    back = session.resume(Command(AT, "back"))
    assert session.state.node == "age_band", questions(back)
    session.resume(Text(AT, "40"))
    assert session.state.node == "needs_help"
    reloaded = engine.load_session(session.to_json())
    assert reloaded.state.preset == {"area": "rutland"}
    reloaded.resume(Command(AT, "restart"))
    assert reloaded.state.source == "rutland_library"
    assert reloaded.state.preset == {"area": "rutland"}


def test_sources_are_validated() -> None:
    good = parse_sources(
        'spec_version: "1.0"\nsources:\n  - {id: a_b, name: A, area: LE1, example: true}\n', "x"
    )
    assert good == [Source("a_b", "A", "le1", True)]
    bad = (
        'spec_version: "1.0"\nsources:\n'
        "  - {id: Bad-Id, name: A}\n"
        "  - {id: ok, name: ''}\n"
        "  - {id: ok2, name: B, colour: red}\n"
        "  - {id: ok3, name: C, example: sometimes}\n"
    )
    with pytest.raises(FlowError) as err:
        parse_sources(bad, "sources/x.yaml")
    messages = [str(p) for p in err.value.problems]
    assert len(messages) == 4
    assert any("Bad-Id" in m and "1-40 of a-z" in m for m in messages)


def test_an_area_no_service_knows_is_refused(engine: Engine) -> None:
    with pytest.raises(FlowError, match="no postcode district or place"):
        Engine(
            engine.flows.values(),
            engine.services.values(),
            sources=[Source("x", "X", "atlantis")],
        )
