"""Golden transcripts: inputs in, messages and outcome out, in every language.

Each step goes through the real storage path: the conversation is loaded from the database,
resumed, and saved, so every golden also tests persistence (as goflow's runner serialises the
session before every resume). Outputs use the JSON-lines protocol, so goldens pin it too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.adapters.jsonl import line, parse
from bot.engine import Engine
from bot.storage import Conversations, ConversationStore, connect, upgrade

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
STEP = timedelta(minutes=1)


@dataclass(frozen=True)
class Golden:
    """One golden file: a flow, a description, inputs, and expected steps per language."""

    path: Path
    flow: str
    description: str
    inputs: list[dict[str, Any]]
    transcripts: dict[str, list[dict[str, Any]]]
    expect: dict[str, Any] | None = None
    """What the persona must end with, written by hand: result, roles, flags, signposts."""

    @classmethod
    def read(cls, path: Path) -> Golden:
        """Read a golden file."""
        data = json.loads(path.read_text(encoding="utf-8"))
        transcripts = data.get("transcripts", {})
        return cls(
            path, data["flow"], data["description"], data["inputs"], transcripts, data.get("expect")
        )

    def write(self, transcripts: dict[str, list[dict[str, Any]]]) -> None:
        """Rewrite the file with new expected transcripts (review the diff like code)."""
        data: dict[str, Any] = {"flow": self.flow, "description": self.description}
        if self.expect is not None:
            data["expect"] = self.expect
        data |= {"inputs": self.inputs, "transcripts": transcripts}
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        self.path.write_text(text, encoding="utf-8")


def goldens(directory: Path) -> Iterator[Golden]:
    """Every ``*.json`` golden under ``directory``, sorted by path."""
    for path in sorted(directory.rglob("*.json")):
        yield Golden.read(path)


def run(engine: Engine, golden: Golden, language: str, db_url: str) -> list[dict[str, Any]]:
    """Play a golden's inputs in ``language``; return the steps as the protocol shows them."""
    db = connect(db_url)
    upgrade(db)
    conversations = Conversations(engine, ConversationStore(db), channel="golden")
    user = f"golden-{golden.path.stem}-{language}"
    at = START
    opened = conversations.open(user, at=at, language=language)
    steps = [{"in": None, "out": json.loads(line(opened.events, opened.session))}]
    for raw in golden.inputs:
        at += STEP
        turn = conversations.turn(user, parse(json.dumps(raw), at))
        steps.append({"in": raw, "out": json.loads(line(turn.events, turn.session))})
    db.dispose()
    return steps
