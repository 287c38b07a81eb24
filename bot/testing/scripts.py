"""Golden personas as scripts of taps and typing, with what the engine alone makes of them.

A :class:`Script` is a golden persona's inputs as a person gives them on Telegram (/start,
English, no Easy Read, then the persona's taps and typed answers), with the answers the engine
keeps, the questions it shows, the messages it sends for each step and the referrals it makes.
``bot.testing.people`` plays scripts against webhook workers and checks them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.adapters.telegram.render import outgoing
from bot.engine import (
    Choose,
    Command,
    Engine,
    Event,
    Input,
    ReferralRequested,
    Session,
    StatusRequested,
    Text,
)
from bot.engine.state import WAITING

Json = dict[str, Any]
SKIPPED = ("easy_read", "forget", "language")
"""Personas using these are left out: Easy Read sends cards, forget erases the conversation."""


@dataclass(frozen=True)
class Step:
    """One thing a person does: tap a button, tick an option, or type words or a /command.

    ``kind`` is ``tap`` (a button, by option id), ``tick`` (an option of a "choose all that
    fit" question: tapping it twice unticks it) or ``type``.
    """

    kind: str
    value: str


@dataclass(frozen=True)
class Script:
    """A persona's steps, and what the engine alone makes of them."""

    name: str
    steps: tuple[Step, ...]
    answers: list[Any]
    questions: list[str]
    """The text of each question shown (a message with buttons), first showing only."""
    again: list[str]
    """What showing the question again gives at the end (the finished conversation's message)."""
    replies: tuple[int | None, ...]
    """For each step, how many messages answer it (None: it depends on storage, as status)."""
    raced: tuple[int, ...]
    """For each step, how many messages answer the same tap made again at once."""
    referrals: int


def steps_of(inputs: Iterable[Json]) -> list[Step]:
    """Golden inputs as taps and typing; a list of choices is ticked one by one, then Done."""
    steps = [Step("type", "/start"), Step("tap", "en"), Step("tap", "no")]
    for raw in inputs:
        if "text" in raw:
            steps.append(Step("type", str(raw["text"])))
        elif "command" in raw:
            steps.append(Step("type", f"/{raw['command']}"))
        elif isinstance(raw["choose"], list):
            steps += [Step("tick", str(option)) for option in raw["choose"]]
            steps.append(Step("tap", "_done"))
        else:
            steps.append(Step("tap", str(raw["choose"])))
    return steps


def _as_input(step: Step, at: datetime, asked: int) -> Input:
    if step.kind in ("tap", "tick"):
        return Choose(at, step.value, asked)
    if step.value.startswith("/"):
        name, _, arg = step.value[1:].partition(" ")
        return Command(at, name.lower(), arg or None)
    return Text(at, step.value)


def _questions(events: list[Event]) -> list[str]:
    return [o.text for o in outgoing(events) if o.reply_markup is not None]


def script(engine: Engine, path: Path) -> Script:
    """The persona at ``path`` as a script, played once through the engine for its expectations."""
    steps = steps_of(json.loads(path.read_text(encoding="utf-8"))["inputs"])
    at = datetime.now(UTC)
    session = engine.new_session(at=at, language="en", ask=True)
    events = session.start()
    shown, referrals = _questions(events), 0
    replies: list[int | None] = [len(outgoing(events))]
    raced: list[int] = [0]
    kept = steps[:1]
    for step in steps[1:]:
        if step == Step("tap", "_done") and not _picking(session):
            continue  # an option that stands alone answered the question: no Done to tap
        if _ticks(session, step):  # tapped twice, a tick is taken back: never raced
            step = Step("tick", step.value)  # noqa: PLW2901
        kept.append(step)
        tapped = _as_input(step, at, session.state.asked)
        events = session.resume(tapped)
        again = engine.load_session(session.to_json()).resume(tapped)  # the same tap, too late
        raced.append(len(outgoing(again)))
        shown += _questions(events)
        status = any(isinstance(e, StatusRequested) for e in events)
        replies.append(None if status else len(outgoing(events)))
        referrals += sum(isinstance(e, ReferralRequested) for e in events)
    answers = engine.load_session(session.to_json()).state.answers
    return Script(
        path.stem,
        tuple(kept),
        answers,
        first_showing(shown),
        _questions(session.current()),
        tuple(replies),
        tuple(raced),
        referrals,
    )


def _picking(session: Session) -> bool:
    """Whether the session waits at a "choose all that fit" question."""
    waiting = session.state.status == WAITING and not session.state.awaiting
    return waiting and session.node.multiple


def _ticks(session: Session, step: Step) -> bool:
    """Whether ``step`` ticks an option of a "choose all that fit" question."""
    return step.kind == "tap" and _picking(session) and session.node.option(step.value) is not None


def scripts(engine: Engine, folder: Path) -> list[Script]:
    """Every persona in ``folder`` that a webhook run can play (see :data:`SKIPPED`)."""
    found = []
    for path in sorted(folder.glob("*.json")):
        inputs = json.dumps(json.loads(path.read_text(encoding="utf-8"))["inputs"])
        if not any(word in inputs for word in SKIPPED):
            found.append(script(engine, path))
    return found


def first_showing(texts: Iterable[str]) -> list[str]:
    """Each text once, where it first came."""
    return list(dict.fromkeys(texts))
