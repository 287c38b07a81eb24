"""Chat in the terminal: numbered options, type the number or the words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import IO

from bot.engine import Event, MessageCreated, Text
from bot.storage import Conversations

Clock = Callable[[], datetime]
PROMPT = "> "
SAVED = "\nYour answers are saved. Run the same command again to carry on from here."


def render(events: list[Event]) -> str:
    """Messages as terminal text: each message a paragraph, options numbered."""
    parts: list[str] = []
    for event in events:
        if not isinstance(event, MessageCreated):
            continue
        lines = [event.text]
        lines += [f"  {i}. {opt.label}" for i, opt in enumerate(event.options, start=1)]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def run(
    conversations: Conversations,
    user_id: str,
    stdin: IO[str],
    stdout: IO[str],
    *,
    clock: Clock,
    language: str | None = None,
) -> None:
    """Chat until the person leaves (end of input or Ctrl-C). Each turn is saved first."""
    opened = conversations.open(user_id, at=clock(), language=language)
    _show(stdout, render(opened.events))
    try:
        while True:
            stdout.write(PROMPT)
            stdout.flush()
            raw = stdin.readline()
            if not raw:
                break
            turn = conversations.turn(user_id, Text(clock(), raw.rstrip("\n")), language=language)
            _show(stdout, render(turn.events))
    except KeyboardInterrupt:
        pass
    stdout.write(SAVED + "\n")
    stdout.flush()


def _show(stdout: IO[str], text: str) -> None:
    stdout.write(text + "\n\n")
    stdout.flush()
