"""The reply to the newest keyed input, kept so that a repeated delivery gets it again.

A host that answers a delivery only after saving the turn and sending its messages (a
Telegram webhook) may be stopped in between: the delivery comes again, and the turn must not
be applied twice. Its messages are kept in the session as plain JSON, for that input only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.engine.events import SAY, Event, MessageCreated, OptionView, StatusRequested
from bot.engine.state import KeptReply


def keep(
    key: str, events: Sequence[Event], current: Sequence[Event], *, private: bool
) -> KeptReply:
    """The messages among ``events`` as kept for ``key``; only messages, never side effects.

    A reply that is only the current question (``current``), as most are, is kept as a mark
    rather than again. A reply the host completes (the answer to ``status``) is not kept: a
    repeat of it gets the current question.
    """
    if any(isinstance(e, StatusRequested) for e in events):
        return KeptReply(key)
    messages = [e for e in events if isinstance(e, MessageCreated)]
    if messages == [e for e in current if isinstance(e, MessageCreated)]:
        return KeptReply(key, current=True)
    return KeptReply(key, tuple(_encode(m) for m in messages), private and bool(messages))


def reply(
    kept: KeptReply | None, key: str, current: Callable[[], list[Event]]
) -> tuple[MessageCreated, ...]:
    """The messages kept for ``key``; none if another input came since (or none were kept)."""
    if kept is None or kept.key != key:
        return ()
    if kept.current:
        return tuple(e for e in current() if isinstance(e, MessageCreated))
    return tuple(_decode(m) for m in kept.messages)


def _encode(message: MessageCreated) -> dict[str, Any]:
    """A message as JSON, leaving out what has its default."""
    data: dict[str, Any] = {"text": message.text}
    if message.kind != SAY:
        data["kind"] = message.kind
    if message.options:
        data["options"] = [[o.id, o.label] for o in message.options]
    for name, value in (
        ("node", message.node),
        ("prompt", message.prompt),
        ("progress", None if message.progress is None else list(message.progress)),
        ("picture", message.picture),
    ):
        if value is not None:
            data[name] = value
    return data


def _decode(data: dict[str, Any]) -> MessageCreated:
    """A message back from its JSON (checked when the session was read)."""
    progress = data.get("progress")
    return MessageCreated(
        data["text"],
        data.get("kind", SAY),
        tuple(OptionView(i, label) for i, label in data.get("options", ())),
        data.get("node"),
        data.get("prompt"),
        None if progress is None else (progress[0], progress[1]),
        data.get("picture"),
    )
