"""Conversation rows: read one, write one, with an optimistic version against lost updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.storage.models import Conversation


class ConcurrentUpdate(RuntimeError):
    """Another turn saved this conversation first; the caller reloads and tries again."""


@dataclass(frozen=True)
class Stored:
    """A conversation row as read: the session JSON and its version."""

    id: int
    state: str
    version: int


class ConversationStore:
    """Reads and writes the ``conversations`` table. One statement per write."""

    def __init__(self, db: Engine) -> None:
        self.db = db

    def load(self, channel: str, user_id: str) -> Stored | None:
        """The stored conversation, or None if this person has none."""
        query = select(Conversation.id, Conversation.state, Conversation.version).where(
            Conversation.channel == channel, Conversation.user_id == user_id
        )
        with self.db.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else Stored(row.id, row.state, row.version)

    def save(
        self, channel: str, user_id: str, state: str, *, version: int | None, at: datetime
    ) -> int:
        """Write the session in one committed statement; return the new version.

        ``version`` is the version that was read (None for a new conversation). If another
        turn has saved in between, nothing is written and ConcurrentUpdate is raised.
        """
        with self.db.begin() as conn:
            if version is None:
                stmt = insert(Conversation).values(
                    channel=channel,
                    user_id=user_id,
                    state=state,
                    version=1,
                    created_at=at,
                    updated_at=at,
                )
                try:
                    conn.execute(stmt)
                except IntegrityError as exc:  # someone else created this conversation first
                    raise ConcurrentUpdate(channel) from exc
                return 1
            result = conn.execute(
                update(Conversation)
                .where(
                    Conversation.channel == channel,
                    Conversation.user_id == user_id,
                    Conversation.version == version,
                )
                .values(state=state, version=version + 1, updated_at=at)
            )
            if result.rowcount != 1:
                raise ConcurrentUpdate(channel)
            return version + 1

    def forget(self, channel: str, user_id: str) -> bool:
        """Erase the conversation; True if there was one."""
        with self.db.begin() as conn:
            result = conn.execute(
                delete(Conversation).where(
                    Conversation.channel == channel, Conversation.user_id == user_id
                )
            )
        return result.rowcount > 0

    def count(self) -> int:
        """How many conversations are stored."""
        with self.db.connect() as conn:
            return int(conn.execute(select(func.count(Conversation.id))).scalar_one())
