"""Conversation rows: read one, write one, with an optimistic version against lost updates.

Statements are built once (with bind parameters), so a turn pays only for executing them.
A turn reads and writes on one connection (see ``ConversationStore.connection``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.storage.models import Conversation

_WHO = (Conversation.channel == bindparam("p_channel"), Conversation.user_id == bindparam("p_user"))
_LOAD = select(Conversation.id, Conversation.state, Conversation.version).where(*_WHO)
_CREATE = insert(Conversation).values(
    channel=bindparam("p_channel"),
    user_id=bindparam("p_user"),
    state=bindparam("p_state"),
    version=1,
    created_at=bindparam("p_at"),
    updated_at=bindparam("p_at"),
)
_UPDATE = (
    update(Conversation)
    .where(*_WHO, Conversation.version == bindparam("p_version"))
    .values(state=bindparam("p_state"), version=bindparam("p_next"), updated_at=bindparam("p_at"))
)
_FORGET = delete(Conversation).where(*_WHO)


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

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """One pooled connection for a whole turn: its read and its write."""
        with self.db.connect() as conn:
            yield conn

    def load(self, channel: str, user_id: str, conn: Connection | None = None) -> Stored | None:
        """The stored conversation, or None if this person has none."""
        if conn is None:
            with self.connection() as own:
                return self.load(channel, user_id, own)
        row = conn.execute(_LOAD, {"p_channel": channel, "p_user": user_id}).first()
        conn.commit()  # end the read at once: the write below is a transaction of its own
        return None if row is None else Stored(row.id, row.state, row.version)

    def save(
        self,
        channel: str,
        user_id: str,
        state: str,
        *,
        version: int | None,
        at: datetime,
        conn: Connection | None = None,
    ) -> int:
        """Write the session in one committed statement; return the new version.

        ``version`` is the version that was read (None for a new conversation). If another
        turn has saved in between, nothing is written and ConcurrentUpdate is raised.
        """
        if conn is None:
            with self.connection() as own:
                return self.save(channel, user_id, state, version=version, at=at, conn=own)
        who = {"p_channel": channel, "p_user": user_id, "p_state": state, "p_at": at}
        try:
            if version is None:
                conn.execute(_CREATE, who)
            else:
                result = conn.execute(_UPDATE, who | {"p_version": version, "p_next": version + 1})
                if result.rowcount != 1:
                    raise ConcurrentUpdate(channel)
            conn.commit()
        except IntegrityError as exc:  # someone else created this conversation first
            conn.rollback()
            raise ConcurrentUpdate(channel) from exc
        except BaseException:
            conn.rollback()
            raise
        return 1 if version is None else version + 1

    def forget(self, channel: str, user_id: str) -> bool:
        """Erase the conversation; True if there was one."""
        with self.db.begin() as conn:
            result = conn.execute(_FORGET, {"p_channel": channel, "p_user": user_id})
        return result.rowcount > 0

    def count(self) -> int:
        """How many conversations are stored."""
        with self.db.connect() as conn:
            return int(conn.execute(select(func.count(Conversation.id))).scalar_one())
