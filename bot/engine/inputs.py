"""What a person can send: free text, a chosen option, or a global command."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

COMMANDS = (
    "back",
    "restart",
    "help",
    "stop",
    "language",
    "urgent",
    "forget",
    "privacy",
    "easyread",
    "status",
)


@dataclass(frozen=True)
class Input:
    """Base class of inputs; ``at`` is when it was sent (the engine reads no clock).

    ``key`` identifies a delivery (a Telegram update id, say): an input whose key the
    conversation has seen recently is a repeat and changes nothing.
    """

    at: datetime
    key: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Text(Input):
    """Typed text, matched against the current question."""

    text: str


@dataclass(frozen=True)
class Choose(Input):
    """A tapped button or a chosen option id. ``prompt`` ties it to the question it belongs to."""

    option: str
    prompt: int | None = None


@dataclass(frozen=True)
class ChooseMany(Input):
    """Several options at once for a pick-all question: picked and done in one go."""

    options: tuple[str, ...]
    prompt: int | None = None


@dataclass(frozen=True)
class Command(Input):
    """A global command; ``arg`` carries the language code for ``language``."""

    name: str
    arg: str | None = None
