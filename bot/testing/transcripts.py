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
from bot.engine import Command, Engine, Session
from bot.engine.limits import MAX_INPUT_CHARS
from bot.engine.reference import counting_references
from bot.engine.text import clean
from bot.storage import Conversations, ConversationStore, connect, upgrade
from bot.testing.keys import fixed_cipher

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


def run(
    engine: Engine, golden: Golden, language: str, db_url: str, *, easy_read: bool = False
) -> list[dict[str, Any]]:
    """Play a golden's inputs in ``language``; return the steps as the protocol shows them.

    Goldens are written in English. In another language, words typed in English that chose an
    option or a command are played as that choice or command (see ``neutral_inputs``); numbers,
    postcodes and people's own words are typed as written.
    """
    db = connect(db_url)
    upgrade(db)
    conversations = Conversations(
        engine, ConversationStore(db), channel="golden", cipher=fixed_cipher()
    )
    user = f"golden-{golden.path.stem}-{language}"
    at = START
    opened = conversations.open(user, at=at, language=language)
    if easy_read:
        opened = conversations.turn(user, Command(at, "easyread"))
    steps = [{"in": None, "out": json.loads(line(opened.events, opened.session))}]
    inputs = golden.inputs if language == "en" else _neutral(engine, golden)
    engine.new_reference = counting_references()  # the same references in every language
    for raw in inputs:
        at += STEP
        turn = conversations.turn(user, parse(json.dumps(raw), at))
        steps.append({"in": raw, "out": json.loads(line(turn.events, turn.session))})
    db.dispose()
    return steps


_NEUTRAL: dict[tuple[int, Path], list[dict[str, Any]]] = {}


def _neutral(engine: Engine, golden: Golden) -> list[dict[str, Any]]:
    """``neutral_inputs``, worked out once per golden, not once per language."""
    key = (id(engine), golden.path)
    if key not in _NEUTRAL:
        _NEUTRAL[key] = neutral_inputs(engine, golden)
    return _NEUTRAL[key]


def neutral_inputs(engine: Engine, golden: Golden) -> list[dict[str, Any]]:
    """The golden's inputs with English words replaced by what they meant in English.

    A typed "my mum" that chose the option ``parent`` becomes ``{"choose": "parent"}``, and a
    typed "back" becomes ``{"command": "back"}``. Words that raise an alarm, numbers,
    postcodes and free answers stay as typed.
    """
    session = engine.new_session(at=START)
    session.start()
    at, out = START, []
    for raw in golden.inputs:
        at += STEP
        out.append(_meaning(session, raw))
        session.resume(parse(json.dumps(raw), at))
    return out


def _meaning(session: Session, raw: dict[str, Any]) -> dict[str, Any]:
    text = raw.get("text")
    if not isinstance(text, str):
        return raw
    cleaned = clean(text, MAX_INPUT_CHARS)
    if session._alarm(cleaned) or cleaned.startswith("/"):
        return raw
    understood = session._understand(cleaned)
    if understood is None:
        return raw
    kind, value = understood
    options = {o.id for o in session.node.options}
    if kind == "command":
        return {"command": str(value)}
    if kind in ("pick_many", "check_in", "referral") or (kind == "answer" and value in options):
        return {"choose": list(value) if isinstance(value, tuple) else value}
    return raw
