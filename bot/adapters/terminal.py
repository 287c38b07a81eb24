"""Chat in the terminal: numbered options, type the number or the words."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from datetime import datetime
from typing import IO

from bot.adapters.pictures import picture_name
from bot.engine import Event, MessageCreated, Text
from bot.storage import Conversations

Clock = Callable[[], datetime]
PROMPT = "> "
SAVED = "\nYour answers are saved. Run the same command again to carry on from here."


def render(events: list[Event], width: int | None = None) -> str:
    """Messages as terminal text: each message a paragraph, options numbered.

    With a ``width``, lines are wrapped between words to fit the terminal.
    """
    parts: list[str] = []
    for event in events:
        if not isinstance(event, MessageCreated):
            continue
        lines = [f"[picture: {picture_name(event.picture)}]"] if event.picture else []
        lines += [_wrap(line, width, "") for line in event.text.split("\n")]
        lines += [
            _wrap(f"  {i}. {opt.label}", width, "     ")
            for i, opt in enumerate(event.options, start=1)
        ]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _wrap(line: str, width: int | None, indent: str) -> str:
    if width is None or len(line) <= width:
        return line
    return textwrap.fill(line, width, subsequent_indent=indent, break_long_words=False)


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
    """Chat until the person leaves (end of input or Ctrl-C). Each turn is saved first."""
    width = min(shutil.get_terminal_size().columns, 100) - 1 if stdout.isatty() else None
    opened = conversations.open(user_id, at=clock(), language=language, source=source, ask=ask)
    _show(stdout, render(opened.events, width))
    _news(conversations, user_id, stdout, clock)
    try:
        while True:
            stdout.write(PROMPT)
            stdout.flush()
            raw = stdin.readline()
            if not raw:
                break
            turn = conversations.turn(user_id, Text(clock(), raw.rstrip("\n")), language=language)
            _show(stdout, render(turn.events, width))
            _news(conversations, user_id, stdout, clock)
    except KeyboardInterrupt:
        pass
    stdout.write(SAVED + "\n")
    stdout.flush()


def _news(conversations: Conversations, user_id: str, stdout: IO[str], clock: Clock) -> None:
    """Show this person's referral news (a status change, a note) that came in meanwhile."""
    referrals = conversations.referrals
    for _, text in referrals.take_notices(conversations.channel, clock(), user_id=user_id):
        _show(stdout, text)


def _show(stdout: IO[str], text: str) -> None:
    stdout.write(text + "\n\n")
    stdout.flush()
