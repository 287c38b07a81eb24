"""The machine driver: one JSON object per line in, exactly one JSON object per line out.

Input lines: ``{"text": "..."}``, ``{"choose": "<option id>"}`` or
``{"command": "back|restart|help|stop|language|urgent|status|..."}`` (``"lang": "cy"`` may go with
``language``). On start, one line shows where the conversation stands. See the README.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

from bot.engine import (
    COMMANDS,
    Choose,
    ChooseMany,
    Command,
    Event,
    Input,
    MessageCreated,
    ReferralRequested,
    Session,
    Text,
)
from bot.storage import Conversations

Clock = Callable[[], datetime]


def messages(events: list[Event]) -> list[dict[str, Any]]:
    """The messages among ``events``, in the protocol's shape."""
    shown = []
    for e in events:
        if isinstance(e, MessageCreated):
            message: dict[str, Any] = {"text": e.text}
            message["options"] = [{"id": o.id, "label": o.label} for o in e.options]
            if e.picture is not None:  # Easy Read
                message["picture"] = e.picture
            shown.append(message)
    return shown


def line(events: list[Event], session: Session, error: str | None = None) -> str:
    """One output line: messages, the node, whether it is done, the outcome, any check-in."""
    outcome = session.outcome()
    out: dict[str, Any] = {
        "messages": messages(events),
        "node": session.state.node,
        "done": session.done,
        "outcome": outcome.to_dict() if outcome else None,
    }
    if session.state.check_in_due is not None:  # the person asked to be messaged again
        out["check_in"] = session.state.check_in_due.isoformat()
    sent = [e for e in events if isinstance(e, ReferralRequested)]
    if sent:  # the person agreed: the referral is stored and on its way
        out["referral"] = {"reference": sent[0].reference, "organisation": sent[0].organisation}
    if error:
        out["error"] = error
    return json.dumps(out, ensure_ascii=False)


def parse(raw: str, at: datetime) -> Input:
    """An input line as an engine input; ValueError says what is wrong with it."""
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValueError("not JSON") from exc
    if not isinstance(data, dict) or len(set(data) & {"text", "choose", "command"}) != 1:
        raise ValueError('expected one of "text", "choose" or "command"')
    if "text" in data and isinstance(data["text"], str):
        return Text(at, data["text"])
    prompt = data.get("prompt") if isinstance(data.get("prompt"), int) else None
    if "choose" in data and isinstance(data["choose"], str):
        return Choose(at, data["choose"], prompt)
    choices = data.get("choose")
    if isinstance(choices, list) and all(isinstance(o, str) for o in choices):
        return ChooseMany(at, tuple(choices), prompt)
    if data.get("command") in COMMANDS:
        lang = data.get("lang")
        return Command(at, data["command"], lang if isinstance(lang, str) else None)
    raise ValueError(f"unknown command; expected one of {', '.join(COMMANDS)}")


def run(
    conversations: Conversations,
    user_id: str,
    stdin: IO[str],
    stdout: IO[str],
    *,
    clock: Clock,
    language: str | None = None,
    source: str | None = None,
    ask: bool = False,
) -> None:
    """Drive one conversation from ``stdin`` until it ends (EOF)."""
    opened = conversations.open(user_id, at=clock(), language=language, source=source, ask=ask)
    session = opened.session
    _write(stdout, line(opened.events, session))
    for raw in stdin:
        if not raw.strip():
            continue
        try:
            inp = parse(raw, clock())
        except ValueError as exc:
            _write(stdout, line([], session, error=str(exc)))
            continue
        turn = conversations.turn(user_id, inp, language=language)
        session = turn.session
        _write(stdout, line(turn.events, session))


def _write(stdout: IO[str], text: str) -> None:
    stdout.write(text + "\n")
    stdout.flush()
