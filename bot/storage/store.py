"""Conversation rows: read one, write one, with an optimistic version against lost updates.

Statements are built once (with bind parameters), so a turn pays only for executing them.
A turn reads and writes on one connection (see ``ConversationStore.connection``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.storage.crypto import Cipher
from bot.storage.models import Conversation

_WHO = (
    Conversation.c.channel == bindparam("p_channel"),
    Conversation.c.user_id == bindparam("p_user"),
)
_LOAD = select(Conversation.c.id, Conversation.c.state, Conversation.c.version).where(*_WHO)
_CREATE = insert(Conversation).values(
    channel=bindparam("p_channel"),
    user_id=bindparam("p_user"),
    state=bindparam("p_state"),
    version=1,
    created_at=bindparam("p_at"),
    updated_at=bindparam("p_at"),
    check_in_at=bindparam("p_check_in"),
)
_UPDATE = (
    update(Conversation)
    .where(*_WHO, Conversation.c.version == bindparam("p_version"))
    .values(
        state=bindparam("p_state"),
        version=bindparam("p_next"),
        updated_at=bindparam("p_at"),
        check_in_at=bindparam("p_check_in"),
    )
)
_DUE = (
    select(Conversation.c.user_id)
    .where(
        Conversation.c.channel == bindparam("p_channel"),
        Conversation.c.check_in_at <= bindparam("p_at"),
    )
    .order_by(Conversation.c.check_in_at)
    .limit(bindparam("p_limit"))
)
_FORGET = delete(Conversation).where(*_WHO)
_LEFT = (  # left alone since p_before, and not waiting for a check-in
    Conversation.c.updated_at < bindparam("p_before"),
    Conversation.c.check_in_at.is_(None),
)
_EXPIRED = select(Conversation.c.id, Conversation.c.state).where(*_LEFT)
_PURGE = delete(Conversation).where(*_LEFT)


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
        check_in_at: datetime | None = None,
        conn: Connection | None = None,
        also: Callable[[Connection], object] | None = None,
    ) -> int:
        """Write the session in one committed statement; return the new version.

        ``version`` is the version that was read (None for a new conversation). If another
        turn has saved in between, nothing is written and ConcurrentUpdate is raised.
        ``check_in_at`` is when the person asked to be messaged again, if they did.
        ``also`` writes more in the same transaction (a referral and its outbox rows).
        """
        if conn is None:
            with self.connection() as own:
                return self.save(
                    channel,
                    user_id,
                    state,
                    version=version,
                    at=at,
                    check_in_at=check_in_at,
                    conn=own,
                    also=also,
                )
        who = {
            "p_channel": channel,
            "p_user": user_id,
            "p_state": state,
            "p_at": at,
            "p_check_in": check_in_at,
        }
        try:
            if version is None:
                conn.execute(_CREATE, who)
            else:
                result = conn.execute(_UPDATE, who | {"p_version": version, "p_next": version + 1})
                if result.rowcount != 1:
                    raise ConcurrentUpdate(channel)
            if also is not None:
                also(conn)
            conn.commit()
        except IntegrityError as exc:  # someone else created it first (or took the reference)
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

    def purge(
        self, before: datetime, ending: Callable[[Connection, str, int], None] | None = None
    ) -> int:
        """Delete conversations untouched since ``before`` with no check-in to wait for.

        ``ending`` sees each one first (its state and row id), in the same transaction.
        """
        with self.db.begin() as conn:
            if ending is not None:
                for row in conn.execute(_EXPIRED, {"p_before": before}):
                    ending(conn, row.state, row.id)
            return conn.execute(_PURGE, {"p_before": before}).rowcount

    def due(self, channel: str, at: datetime, limit: int = 100) -> list[str]:
        """Users of ``channel`` whose check-in falls due by ``at``, the longest waiting first."""
        with self.db.connect() as conn:
            rows = conn.execute(_DUE, {"p_channel": channel, "p_at": at, "p_limit": limit})
            return [row.user_id for row in rows]

    def rotate(self, cipher: Cipher) -> int:
        """Re-encrypt every encrypted conversation with the first key; how many changed."""
        changed = 0
        with self.db.begin() as conn:
            rows = conn.execute(select(Conversation.c.id, Conversation.c.state)).all()
            for row in rows:
                if Cipher.encrypted(row.state):
                    conn.execute(
                        update(Conversation)
                        .where(Conversation.c.id == row.id)
                        .values(state=cipher.rotate(row.state))
                    )
                    changed += 1
        return changed

    def count(self) -> int:
        """How many conversations are stored."""
        with self.db.connect() as conn:
            return int(conn.execute(select(func.count(Conversation.c.id))).scalar_one())
