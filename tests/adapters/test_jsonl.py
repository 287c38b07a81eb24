from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters import jsonl
from bot.engine import Choose, Command, Engine, Text
from bot.storage import Conversations, ConversationStore, connect, upgrade

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
KEYS = {"messages", "node", "done", "outcome"}


def drive(engine: Engine, db_path: Path, lines: list[str], user: str = "u1") -> list[dict]:
    db = connect(f"sqlite:///{db_path}")
    upgrade(db)
    convs = Conversations(engine, ConversationStore(db), channel="terminal")
    out = io.StringIO()
    jsonl.run(convs, user, io.StringIO("\n".join(lines) + "\n"), out, clock=lambda: AT)
    db.dispose()
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_line_at_start_then_exactly_one_per_input(tiny_engine: Engine, tmp_path: Path) -> None:
    inputs = ['{"choose": "yes"}', '{"text": "I am 40"}']
    out = drive(tiny_engine, tmp_path / "db", inputs)
    assert len(out) == 1 + len(inputs)
    assert all(set(line) == KEYS for line in out)
    assert out[0]["messages"][-1] == {
        "text": "Question 1 of 2\nDoes someone need your help?",
        "options": [
            {"id": "yes", "label": "Yes"},
            {"id": "no", "label": "No"},
            {"id": "_explain", "label": "I don't understand"},
        ],
    }
    assert out[1]["node"] == "age"
    assert out[2]["done"] is True
    assert out[2]["outcome"] == {
        "result": "carer",
        "roles": ["adult_carer"],
        "flags": [],
        "signposts": [{"id": "gp", "name": "Your GP"}],
        "referral": None,
    }


def test_bad_lines_get_one_error_line_and_change_nothing(
    tiny_engine: Engine, tmp_path: Path
) -> None:
    inputs = ["not json", '{"nothing": 1}', '{"command": "dance"}', '{"text": 5}', "[1, 2]"]
    out = drive(tiny_engine, tmp_path / "db", inputs)
    assert len(out) == 1 + len(inputs)
    for line in out[1:]:
        assert line["error"]
        assert line["messages"] == []
        assert line["node"] == "hello"
    assert '"text", "choose" or "command"' in out[2]["error"]
    assert "unknown command" in out[3]["error"]


def test_blank_lines_are_ignored(tiny_engine: Engine, tmp_path: Path) -> None:
    out = drive(tiny_engine, tmp_path / "db", ["", "   ", '{"choose": "no"}'])
    assert len(out) == 2
    assert out[1]["outcome"]["result"] == "not_carer"


def test_commands_and_language_argument(tiny_engine: Engine, tmp_path: Path) -> None:
    out = drive(
        tiny_engine,
        tmp_path / "db",
        ['{"command": "help"}', '{"command": "language", "lang": "en"}', '{"command": "stop"}'],
    )
    assert out[1]["messages"][0]["text"].startswith("Is there a person who could not manage")
    assert out[2]["messages"][0]["text"] == "OK, I will use English now."
    assert out[3]["done"] is True


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"text": "hi"}', Text(AT, "hi")),
        ('{"choose": "yes"}', Choose(AT, "yes")),
        ('{"choose": "yes", "prompt": 3}', Choose(AT, "yes", 3)),
        ('{"command": "back"}', Command(AT, "back")),
        ('{"command": "language", "lang": "cy"}', Command(AT, "language", "cy")),
    ],
)
def test_parse(raw: str, expected: object) -> None:
    assert jsonl.parse(raw, AT) == expected


def test_a_second_run_resumes_where_the_first_stopped(tiny_engine: Engine, tmp_path: Path) -> None:
    drive(tiny_engine, tmp_path / "db", ['{"choose": "yes"}'])
    again = drive(tiny_engine, tmp_path / "db", [])
    assert again[0]["node"] == "age"
    assert [m["text"] for m in again[0]["messages"]] == [
        "Welcome back. Here is where we were.",
        "Question 2 of 2\nHow old are you?",
    ]
