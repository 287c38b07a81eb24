"""Engine events as Telegram messages, and button data back into engine inputs.

Each ``MessageCreated`` is one ``sendMessage``. A question's options become an inline keyboard,
one button per row, whose callback data is ``"<prompt>:<option id>"`` so that a tap on an old
question's button can be recognised as stale.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters.cards import card_text
from bot.engine import Event, MessageCreated

MAX_CALLBACK_BYTES = 64
MAX_TEXT_CHARS = 4096
_CALLBACK = re.compile(r"(\d{1,9}):([A-Za-z0-9_.\-]{1,50})")


MAX_CAPTION_CHARS = 1024
KEYBOARDS = 1024
"""Keyboards kept built: the same question at the same point looks the same for everyone."""


@dataclass(frozen=True)
class Outgoing:
    """One message to send: its text and, for a question, its keyboard.

    With a ``picture`` (Easy Read) it is a photo: the card shows the picture and ``card_text``,
    and ``text`` is its caption (empty when the text is too long for one and follows apart).
    """

    text: str
    reply_markup: InlineKeyboardMarkup | None = None
    picture: str | None = None
    card_text: str = ""


def callback_data(prompt: int | None, option_id: str) -> str:
    """The callback data of an option's button.

    Args:
        prompt: The question's prompt number (0 when the engine gives none).
        option_id: The option's stable id.

    Returns:
        ``"<prompt>:<option id>"``, at most 64 bytes as Telegram requires.
    """
    data = f"{prompt or 0}:{option_id}"
    assert len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES, data
    return data


def parse_callback(data: str | None) -> tuple[int, str] | None:
    """The (prompt, option id) in a button's callback data, or None if it is malformed.

    Callback data comes back from the client, so anything not shaped exactly like
    :func:`callback_data` output is treated as forged.
    """
    if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return None
    found = _CALLBACK.fullmatch(data)
    if found is None:
        return None
    return int(found.group(1)), found.group(2)


def keyboard(event: MessageCreated) -> InlineKeyboardMarkup | None:
    """The inline keyboard for a question's options, one button per row; None without options."""
    if not event.options:
        return None
    return _keyboard(event.prompt or 0, tuple((o.label, o.id) for o in event.options))


@functools.lru_cache(maxsize=KEYBOARDS)
def _keyboard(prompt: int, options: tuple[tuple[str, str], ...]) -> InlineKeyboardMarkup:
    """One keyboard, built once and shared: PTB's keyboards cannot be changed once made."""
    rows = [
        [InlineKeyboardButton(label, callback_data=callback_data(prompt, id_))]
        for label, id_ in options
    ]
    return InlineKeyboardMarkup(rows)


def _chunks(text: str) -> list[str]:
    """``text`` cut into pieces Telegram accepts (1-4096 characters), between lines if possible."""
    pieces: list[str] = []
    rest = text.strip() or "…"
    while len(rest) > MAX_TEXT_CHARS:
        cut = rest.rfind("\n", 0, MAX_TEXT_CHARS)
        cut = cut if cut > 0 else MAX_TEXT_CHARS
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n") or "…"
    return [*pieces, rest]


def outgoing(events: list[Event]) -> list[Outgoing]:
    """The messages to send for ``events``; a question's keyboard goes on its last part."""
    out: list[Outgoing] = []
    for event in events:
        if not isinstance(event, MessageCreated):
            continue
        if event.picture is not None:
            card = card_text(event)
            if len(event.text.strip()) <= MAX_CAPTION_CHARS:
                out.append(Outgoing(event.text.strip(), keyboard(event), event.picture, card))
                continue
            out.append(Outgoing("", None, event.picture, card))
        pieces = _chunks(event.text)
        out += [Outgoing(piece) for piece in pieces[:-1]]
        out.append(Outgoing(pieces[-1], keyboard(event)))
    return out


def tapped_label(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    """The label of the button with callback ``data`` in ``markup``, or None if it has none."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
