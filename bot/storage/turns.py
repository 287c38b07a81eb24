"""One turn: load the conversation, let the engine resume it, save it in one write."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from bot.engine import Command, CorruptSession, Engine, Event, Input, Session
from bot.storage.store import ConcurrentUpdate, ConversationStore, Stored

log = logging.getLogger(__name__)

RETRIES = 3


@dataclass(frozen=True)
class Turn:
    """What a turn produced: the events to show and the session as saved."""

    events: list[Event]
    session: Session
    version: int


class Conversations:
    """Conversations of one channel. Every turn is committed before its reply is shown."""

    def __init__(self, engine: Engine, store: ConversationStore, channel: str) -> None:
        self.engine = engine
        self.store = store
        self.channel = channel

    def open(self, user_id: str, *, at: datetime, language: str | None = None) -> Turn:
        """Where this person's conversation stands: a saved one shown again, or a new one."""
        with self.store.connection() as conn:
            for _ in range(RETRIES):
                stored = self.store.load(self.channel, user_id, conn)
                session = self._read(stored.state, stored.id) if stored else None
                if session is not None and stored is not None:
                    return Turn(session.reopen(), session, stored.version)
                session = self.engine.new_session(at=at, language=language or "en")
                events = (session.damaged() if stored else []) + session.start()
                try:
                    version = self._save(user_id, session, stored, at, conn)
                except ConcurrentUpdate:
                    continue
                return Turn(events, session, version)
        raise ConcurrentUpdate(self.channel)

    def turn(self, user_id: str, inp: Input, *, language: str | None = None) -> Turn:
        """Resume this person's conversation with ``inp`` and save it before returning."""
        with self.store.connection() as conn:
            for _ in range(RETRIES):
                stored = self.store.load(self.channel, user_id, conn)
                session, events = self._resume(stored, inp, language)
                try:
                    saved = self._save(user_id, session, stored, inp.at, conn)
                except ConcurrentUpdate:
                    continue  # another turn for this person won: apply ours to what it saved
                return Turn(events, session, saved)
        raise ConcurrentUpdate(self.channel)

    def _resume(
        self, stored: Stored | None, inp: Input, language: str | None
    ) -> tuple[Session, list[Event]]:
        session = self._read(stored.state, stored.id) if stored else None
        if session is not None:
            return session, session.resume(inp)
        session = self.engine.new_session(at=inp.at, language=language or "en")
        events = (session.damaged() if stored else []) + session.start()
        if isinstance(inp, Command):  # e.g. a language chosen before anything else
            events += session.resume(inp)
        return session, events

    def forget(self, user_id: str) -> bool:
        """Erase this person's conversation."""
        return self.store.forget(self.channel, user_id)

    def _read(self, state: str, row_id: int) -> Session | None:
        try:
            return self.engine.load_session(state)
        except CorruptSession as exc:
            log.warning(
                "conversation row unreadable, starting a fresh conversation",
                extra={"row": row_id, "channel": self.channel, "reason": str(exc)},
            )
            return None

    def _save(
        self, user_id: str, session: Session, stored: Stored | None, at: datetime, conn: Connection
    ) -> int:
        version = stored.version if stored else None
        return self.store.save(
            self.channel, user_id, session.to_json(), version=version, at=at, conn=conn
        )
