"""Bot API objects as Telegram sends them, and the users' side of the fake server.

Each factory returns a plain dict shaped like the Bot API type of the same name, with the
required fields and the optional ones a bot usually reads, so a client library can parse it.
:class:`Chats` holds the chats, the bot's messages and the queue of updates from users.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Any

Json = dict[str, Any]
"""A Bot API object as decoded JSON."""

BOT_USERNAME = "carercheck_test_bot"


def now() -> int:
    """Return the current Unix time in whole seconds, as Telegram dates are."""
    return int(time.time())


def bot_user(bot_id: int, username: str = BOT_USERNAME) -> Json:
    """Build the User that getMe returns for the bot.

    Args:
        bot_id: The bot's id, the number before the colon in its token.
        username: The bot's username, without the at sign.

    Returns:
        A User with ``is_bot`` true and the capabilities getMe reports.
    """
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": "Carercheck Test",
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def user(user_id: int, language_code: str = "en") -> Json:
    """Build a human User with a made-up first name."""
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": f"User{user_id}",
        "language_code": language_code,
    }


def chat(chat_id: int, chat_type: str = "private") -> Json:
    """Build a Chat: private chats carry a first name, others a title.

    Args:
        chat_id: The chat's id; a private chat's id is the user's id.
        chat_type: One of private, group, supergroup or channel.

    Returns:
        A Chat object.
    """
    if chat_type == "private":
        return {"id": chat_id, "type": chat_type, "first_name": f"User{chat_id}"}
    return {"id": chat_id, "type": chat_type, "title": f"Test {chat_type} {chat_id}"}


def command_entities(text: str) -> list[Json]:
    """Mark a leading ``/command`` as Telegram does, so command handlers see it."""
    if not text.startswith("/"):
        return []
    length = len(text.split(maxsplit=1)[0])
    return [{"type": "bot_command", "offset": 0, "length": length}]


def message(message_id: int, sender: Json | None, in_chat: Json, **content: Any) -> Json:
    """Build a Message; ``content`` holds its text, caption, sticker, photo or reply_markup.

    Args:
        message_id: The message's id, unique within its chat.
        sender: The User who sent it (omitted for channel posts).
        in_chat: The Chat it was sent in.
        **content: Further Message fields; None values are left out.

    Returns:
        A Message object.
    """
    built: Json = {"message_id": message_id, "date": now(), "chat": in_chat}
    if sender is not None:
        built["from"] = sender
    built.update({key: value for key, value in content.items() if value is not None})
    return built


def text_message(message_id: int, sender: Json, in_chat: Json, text: str) -> Json:
    """Build a text Message from a user, with bot_command entities for commands."""
    return message(message_id, sender, in_chat, text=text, entities=command_entities(text) or None)


def sticker_message(message_id: int, sender: Json, in_chat: Json, emoji: str = "👍") -> Json:
    """Build a Message carrying a regular static sticker."""
    sticker = {
        "file_id": f"sticker-{message_id}",
        "file_unique_id": f"s{message_id}",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
    }
    return message(message_id, sender, in_chat, sticker=sticker)


def photo_sizes(file_id: str) -> list[Json]:
    """Build the PhotoSize list Telegram returns for an uploaded photo: small and large."""
    return [
        {"file_id": f"{file_id}-s", "file_unique_id": f"{file_id}s", "width": 90, "height": 90},
        {"file_id": file_id, "file_unique_id": f"{file_id}m", "width": 800, "height": 800},
    ]


def callback_query(query_id: str, sender: Json, on_message: Json, data: str) -> Json:
    """Build the CallbackQuery sent when a user taps an inline button with ``data``."""
    return {
        "id": query_id,
        "from": sender,
        "message": on_message,
        "chat_instance": f"instance-{on_message['chat']['id']}",
        "data": data,
    }


def callback_data(markup: Json | None) -> list[str]:
    """List the callback_data of every inline button in a reply_markup, in order."""
    rows = (markup or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row if "callback_data" in button]


def as_returned(stored: Json) -> Json:
    """Copy a stored message as Telegram returns it: only inline keyboards are echoed."""
    returned = copy.deepcopy(stored)
    if "inline_keyboard" not in (returned.get("reply_markup") or {}):
        returned.pop("reply_markup", None)
    return returned


class Chats:
    """The users' side of a fake Bot API: chats, messages and the queue of pending updates.

    The test thread acts as users while the server thread answers the bot, so all state is
    guarded by one lock; a condition on it wakes getUpdates long polls when an update arrives.
    Methods starting with ``_`` expect the caller to hold ``_lock``.
    """

    def __init__(self, me: Json) -> None:
        self.me = me
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._queue: list[Json] = []
        self._last_update_id = 10_000
        self._last_query_id = 0
        self._messages: dict[int, list[Json]] = {}
        self._message_ids: dict[int, int] = {}
        self._chats: dict[int, Json] = {}
        self._stopping = False
        self.observers: list[Callable[[int, Json], None]] = []
        """Called with (chat id, message) for each message the bot sends, as it is stored; they
        run in the server's thread, holding its lock, so they must be quick."""

    def enqueue(self, update: Json) -> Json:
        """Queue an update for the bot, giving it the next update_id; return a copy of it."""
        with self._arrived:
            self._last_update_id += 1
            queued = {**copy.deepcopy(update), "update_id": self._last_update_id}
            self._queue.append(queued)
            self._arrived.notify_all()
        return copy.deepcopy(queued)

    def send_text(
        self,
        user_id: int,
        text: str,
        chat_type: str = "private",
        chat_id: int | None = None,
        language_code: str = "en",
    ) -> Json:
        """Have a user send a text message (to a private chat with the bot by default).

        Args:
            user_id: The sender's id.
            text: The message text; a leading ``/command`` gets a bot_command entity.
            chat_type: The type of chat it is sent in.
            chat_id: The chat's id; the user's id for private chats, its negation otherwise.
            language_code: The language the user's Telegram app is set to.

        Returns:
            The queued Update.
        """
        with self._lock:
            sent = self._user_message(user_id, chat_type, chat_id)
            sender = {**sent["from"], "language_code": language_code}
            found = text_message(sent["message_id"], sender, sent["chat"], text)
        return self.enqueue({"message": found})

    def send_sticker(
        self, user_id: int, chat_type: str = "private", chat_id: int | None = None
    ) -> Json:
        """Have a user send a sticker; return the queued Update."""
        with self._lock:
            sent = self._user_message(user_id, chat_type, chat_id)
            found = sticker_message(sent["message_id"], sent["from"], sent["chat"])
        return self.enqueue({"message": found})

    def tap(self, user_id: int, message_id: int, data: str, chat_id: int | None = None) -> Json:
        """Have a user tap the inline button with callback ``data`` on a message the bot sent.

        Raises:
            ValueError: If the bot sent no such message, or it has no such button.
        """
        with self._lock:
            tapped = self._find(user_id if chat_id is None else chat_id, message_id)
            if tapped is None or data not in callback_data(tapped.get("reply_markup")):
                raise ValueError(f"no button with callback_data {data!r} on message {message_id}")
            self._last_query_id += 1
            query = callback_query(
                str(self._last_query_id), user(user_id), as_returned(tapped), data
            )
        return self.enqueue({"callback_query": query})

    def sent(self, chat_id: int) -> list[Json]:
        """The messages the bot sent to a chat, in order, as they are now (after edits)."""
        with self._lock:
            return copy.deepcopy(self._messages.get(chat_id, []))

    def take_updates(self, offset: int, limit: int, timeout: float) -> list[Json]:
        """Confirm updates before ``offset``, then wait up to ``timeout`` s for pending ones.

        Args:
            offset: The first update_id to return; negative counts back from the newest.
            limit: The most updates to return.
            timeout: How long to wait when no update is pending.

        Returns:
            Copies of up to ``limit`` pending updates, oldest first.
        """
        deadline = time.monotonic() + timeout
        with self._arrived:
            if offset < 0:
                self._queue = self._queue[offset:]
            elif offset > 0:
                self._queue = [u for u in self._queue if u["update_id"] >= offset]
            while not self._queue and not self._stopping:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._arrived.wait(left)
            return copy.deepcopy(self._queue[:limit])

    def stop_waiting(self) -> None:
        """Wake every long poll and make later ones return at once, before shutting down."""
        with self._arrived:
            self._stopping = True
            self._arrived.notify_all()

    def _user_message(self, user_id: int, chat_type: str, chat_id: int | None) -> Json:
        """Register the chat and return the skeleton (id, sender, chat) of a user's message."""
        if chat_id is None:
            chat_id = user_id if chat_type == "private" else -user_id
        self._chats[chat_id] = chat(chat_id, chat_type)
        return message(self._next_message_id(chat_id), user(user_id), self._chats[chat_id])

    def _next_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _bot_message(self, chat_id: int, **content: Any) -> Json:
        """Store a message from the bot and return it as Telegram would."""
        in_chat = self._chats.get(chat_id) or chat(chat_id, "private" if chat_id > 0 else "group")
        stored = message(self._next_message_id(chat_id), self.me, in_chat, **content)
        self._messages.setdefault(chat_id, []).append(stored)
        for observer in self.observers:
            observer(chat_id, copy.deepcopy(stored))
        return as_returned(stored)

    def _find(self, chat_id: int, message_id: int) -> Json | None:
        """The stored message the bot sent to a chat with this id, or None."""
        found = (m for m in self._messages.get(chat_id, []) if m["message_id"] == message_id)
        return next(found, None)
