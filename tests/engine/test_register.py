"""Easy Read is a register: it switches at any question and keeps every answer."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.engine import Command, Engine, MessageCreated, Text

AT = datetime(2026, 1, 1, tzinfo=UTC)


def texts(events: list) -> list[str]:
    return [e.text for e in events if isinstance(e, MessageCreated)]


def test_easyread_switches_the_register_and_back_keeping_answers(tiny_engine: Engine) -> None:
    session = tiny_engine.new_session(at=AT)
    session.start()
    session.resume(Text(AT, "yes"))
    on = session.resume(Command(AT, "easyread"))
    assert texts(on)[0] == "OK. I will use easy words and pictures. Type easyread to change this."
    assert session.state.easy_read and session.state.answers == [("hello", "yes")]
    assert tiny_engine.load_session(session.to_json()).state.easy_read
    off = session.resume(Text(AT, "easy read"))
    assert texts(off)[0] == "OK. I will use the usual words. Type easyread to change this."
    assert not session.state.easy_read
