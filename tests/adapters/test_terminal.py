from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from bot.adapters import terminal
from bot.engine import Engine, MessageCreated, OptionView
from bot.storage import Conversations, ConversationStore, connect, upgrade

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def chat(engine: Engine, db_path: Path, typed: str) -> str:
    db = connect(f"sqlite:///{db_path}")
    upgrade(db)
    convs = Conversations(engine, ConversationStore(db), channel="terminal")
    out = io.StringIO()
    terminal.run(convs, "u1", io.StringIO(typed), out, clock=lambda: AT)
    db.dispose()
    return out.getvalue()


def test_options_are_numbered() -> None:
    msg = MessageCreated(
        "Pick one", "question", (OptionView("a", "Apple"), OptionView("b", "Pear"))
    )
    assert terminal.render([msg]) == "Pick one\n  1. Apple\n  2. Pear"


def test_type_the_number_or_the_words(tiny_engine: Engine, tmp_path: Path) -> None:
    screen = chat(tiny_engine, tmp_path / "db", "1\nforty\n40\n")
    assert "Does someone need your help?\n  1. Yes\n  2. No\n  3. I don't understand" in screen
    assert "Please type a number, like 42." in screen
    assert "You said Yes. You are 40. You are a carer." in screen
    assert screen.rstrip().endswith(terminal.SAVED.strip())


def test_words_work_too(tiny_engine: Engine, tmp_path: Path) -> None:
    screen = chat(tiny_engine, tmp_path / "db", "nope\n")
    assert "Thank you." in screen


def test_ctrl_c_leaves_the_answers_saved(tiny_engine: Engine, tmp_path: Path) -> None:
    class CtrlC(io.StringIO):
        def readline(self, *args: object) -> str:  # type: ignore[override]
            raise KeyboardInterrupt

    db = connect(f"sqlite:///{tmp_path / 'db'}")
    upgrade(db)
    convs = Conversations(tiny_engine, ConversationStore(db), channel="terminal")
    convs.open("u1", at=AT)
    out = io.StringIO()
    terminal.run(convs, "u1", CtrlC(), out, clock=lambda: AT)
    assert "Your answers are saved" in out.getvalue()
    db.dispose()


def test_long_lines_wrap_between_words_when_a_width_is_given() -> None:
    msg = MessageCreated(
        "Is there someone in your life who needs extra help because of an illness?",
        "question",
        (OptionView("a", "Yes, there is someone who needs a lot of help every day"),),
    )
    screen = terminal.render([msg], width=30)
    assert all(len(line) <= 30 for line in screen.splitlines())
    assert "  1. Yes, there is someone who\n     needs" in screen
    assert terminal.render([msg]).splitlines()[0] == msg.text


def test_easy_read_shows_the_pictures_name() -> None:
    shown = terminal.render([MessageCreated("How often?", "question", picture="1F4C5")])
    assert shown.splitlines()[0] == "[picture: calendar]"
