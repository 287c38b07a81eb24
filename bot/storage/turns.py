"""One turn: load the conversation, let the engine resume it, save it in one write."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection

from bot import metrics
from bot.engine import (
    Command,
    CorruptSession,
    Engine,
    Event,
    ForgetRequested,
    Input,
    InputRepeated,
    ReferralRequested,
    Session,
    StatusRequested,
)
from bot.engine.notices import forget_messages, status_messages
from bot.storage import stats
from bot.storage.crypto import CannotDecrypt, Cipher, seal, unseal
from bot.storage.lastsaves import LastSaves
from bot.storage.referrals import Person, ReferralStore
from bot.storage.store import ConcurrentUpdate, ConversationStore, Stored

log = logging.getLogger(__name__)

RETRIES = 3
ERASED = 0
"""The version of a turn after which the conversation no longer exists (forget)."""


@dataclass(frozen=True)
class Turn:
    """What a turn produced: the events to show and the session as saved."""

    events: list[Event]
    session: Session
    version: int


Decision = Turn | tuple[Session, list[Event]] | None
"""What a step decides: a turn to return as it is, a session to save with its events, or None."""
Step = Callable[[Stored | None, Session | None], Decision]


class Conversations:
    """Conversations of one channel. Every turn is committed before its reply is shown."""

    def __init__(
        self,
        engine: Engine,
        store: ConversationStore,
        channel: str,
        *,
        cipher: Cipher | None = None,
    ) -> None:
        self.engine = engine
        self.store = store
        self.channel = channel
        self.cipher = cipher
        """Encrypts sessions holding personal details, and referrals; None: they are refused."""
        self.referrals = ReferralStore(store.db, cipher, engine.organisations)
        self._saved = LastSaves()
        """The rows this process saved last. A turn starts from one without reading; its
        guarded UPDATE fails if any other turn saved or deleted the row since, and then it
        reads and tries again, as after any lost race."""

    def open(
        self,
        user_id: str,
        *,
        at: datetime,
        language: str | None = None,
        source: str | None = None,
        ask: bool = False,
    ) -> Turn:
        """Where this person's conversation stands: a saved one shown again, or a new one.

        For a new one only: ``source`` is a referral source id (from a deep link), and ``ask``
        begins with the language (``language`` suggested) and Easy Read questions.
        """

        def step(stored: Stored | None, session: Session | None) -> Decision:
            if session is None or stored is None:
                return self._new(stored, at, language, source, ask)
            if session.check_in_falls_due(at):  # they came back before we messaged them
                return session, session.check_in(at)
            return Turn(session.reopen(), session, stored.version)  # nothing to write

        turn = self._commit(user_id, at, step)
        assert turn is not None  # every step above decides on a turn
        return turn

    def turn(self, user_id: str, inp: Input, *, language: str | None = None) -> Turn:
        """Resume this person's conversation with ``inp`` and save it before returning.

        Each turn is counted, with its time, in ``carercheck_turns`` and
        ``carercheck_turn_seconds`` (by channel).
        """
        started = time.perf_counter()
        turn = self._turn(user_id, inp, language)
        metrics.turn_done(self.channel, time.perf_counter() - started)
        return turn

    def _turn(self, user_id: str, inp: Input, language: str | None) -> Turn:

        def step(stored: Stored | None, session: Session | None) -> Decision:
            if session is None:
                session, events = self._new(stored, inp.at, language)
                if isinstance(inp, Command):  # e.g. a language chosen before anything else
                    events += session.resume(inp)
                if inp.key is not None:  # a repeat gets all of it again
                    session.answered(inp.key, events)
            else:
                events = session.resume(inp)
            if any(isinstance(e, InputRepeated) for e in events) and stored is not None:
                return Turn(events, session, stored.version)  # a retried delivery: no write
            if any(isinstance(e, ForgetRequested) for e in events):
                return Turn(self._forget(user_id, session, events, inp.at), session, ERASED)
            return session, events

        turn = self._commit(user_id, inp.at, step)
        assert turn is not None
        if any(isinstance(e, StatusRequested) for e in turn.events):
            return replace(turn, events=self._status(user_id, turn))
        return turn

    def _forget(
        self, user_id: str, session: Session, events: list[Event], at: datetime
    ) -> list[Event]:
        """Erase the person: their referrals where still possible, then their conversation."""
        recalled, delivered = self.referrals.forget(self.channel, user_id, at)
        self._saved.take(user_id)
        self.store.forget(self.channel, user_id)
        with self.store.db.begin() as conn:  # not even the anonymous count of this run is kept
            stats.forget(conn, session.state.run)
        tr = self.engine.translator(session.state.language, session.state.easy_read)
        return [*events, *forget_messages(tr, recalled, delivered)]

    def _status(self, user_id: str, turn: Turn) -> list[Event]:
        """The turn's events with the answer to ``status`` in place of the request."""
        state = turn.session.state
        tr = self.engine.translator(state.language, state.easy_read)
        views = self.referrals.for_person(self.channel, user_id)
        events: list[Event] = []
        for event in turn.events:
            events += status_messages(tr, views) if isinstance(event, StatusRequested) else [event]
        return events

    def check_in(self, user_id: str, at: datetime) -> Turn | None:
        """Start this person's check-in if it is still due, and save it before returning.

        Several workers may try the same person at once: the one whose save wins sends the
        check-in; the others read it back as no longer due and get None.
        """

        def step(stored: Stored | None, session: Session | None) -> Decision:
            if session is None or not session.check_in_falls_due(at):
                return None
            return session, session.check_in(at)

        return self._commit(user_id, at, step)

    def _commit(self, user_id: str, at: datetime, step: Step) -> Turn | None:
        """Load, let ``step`` decide, save what it decided; on a lost race, again.

        The first try starts from this process's own last save of the row, if it has one. A
        decision that writes nothing is only trusted from a fresh read.
        """
        with self.store.connection() as conn:
            for attempt in range(RETRIES + 1):
                stored = self._saved.take(user_id) if attempt == 0 else None
                cached = stored is not None
                if not cached:
                    stored = self.store.load(self.channel, user_id, conn)
                session = self._read(stored.state, stored.id) if stored else None
                previous = stats.before(session)  # the step changes the session in place
                decided = step(stored, session)
                if decided is None or isinstance(decided, Turn):
                    if cached and not (isinstance(decided, Turn) and decided.version == ERASED):
                        continue  # what was kept may be old: decide again on a fresh read
                    return decided
                new, events = decided
                try:
                    version, text = self._save(
                        user_id, new, stored, at, conn, events=tuple(events), previous=previous
                    )
                except ConcurrentUpdate:
                    continue  # another turn for this person won: apply ours to what it saved
                self._keep(user_id, stored, version, text)
                return Turn(events, new, version)
        raise ConcurrentUpdate(self.channel)

    def _keep(self, user_id: str, stored: Stored | None, version: int, text: str) -> None:
        """Remember the row just saved (a new row's id is not needed: it is only logged)."""
        self._saved.put(user_id, Stored(stored.id if stored else 0, text, version))

    def _new(
        self,
        stored: Stored | None,
        at: datetime,
        language: str | None,
        source: str | None = None,
        ask: bool = False,
    ) -> tuple[Session, list[Event]]:
        """A new conversation, saying so if it replaces one that could not be read."""
        session = self.engine.new_session(at=at, language=language or "en", source=source, ask=ask)
        return session, (session.damaged() if stored else []) + session.start()

    def purge(self, at: datetime) -> int:
        """Delete every conversation (of any channel) left longer than its flow keeps one.

        People are told their answers go after this time. A conversation waiting for a
        check-in the person asked for is kept until then. Returns how many were deleted.
        """
        return self.store.purge(at - self.kept_for, self._ended)

    @property
    def kept_for(self) -> timedelta:
        """How long a conversation left alone is kept (the longest any flow says)."""
        return timedelta(minutes=max(f.expire_after_minutes for f in self.engine.flows.values()))

    def _ended(self, conn: Connection, state: str, row_id: int) -> None:
        """A conversation about to be purged: where its run stopped is counted first."""
        session = self._read(state, row_id)
        if session is not None and session.state.outcome is None:
            s = session.state
            stats.stopped(conn, s.run, s.node, len(s.answers))

    def due_check_ins(self, at: datetime, limit: int = 100) -> list[str]:
        """People of this channel whose check-in falls due by ``at``, the longest waiting first."""
        return self.store.due(self.channel, at, limit)

    def session(self, user_id: str) -> Session | None:
        """This person's conversation as stored (None if there is none, or it is unreadable)."""
        stored = self.store.load(self.channel, user_id)
        return None if stored is None else self._read(stored.state, stored.id)

    def forget(self, user_id: str) -> bool:
        """Erase this person's conversation."""
        self._saved.take(user_id)
        return self.store.forget(self.channel, user_id)

    def _read(self, state: str, row_id: int) -> Session | None:
        try:
            return self.engine.load_session(unseal(self.cipher, state))
        except (CorruptSession, CannotDecrypt) as exc:
            log.warning(
                "conversation row unreadable, starting a fresh conversation",
                extra={"row": row_id, "channel": self.channel, "reason": str(exc)},
            )
            return None

    def _save(
        self,
        user_id: str,
        session: Session,
        stored: Stored | None,
        at: datetime,
        conn: Connection,
        *,
        events: tuple[Event, ...] = (),
        previous: stats.Before | None = None,
    ) -> tuple[int, str]:
        """Save the session (encrypted if it holds personal details) and any referral made.

        Returns:
            The new version, and the text saved.
        """
        version = stored.version if stored else None
        text = session.to_json()
        if session.private:
            text = seal(self.cipher, text)
        requested = [e for e in events if isinstance(e, ReferralRequested)]
        state = session.state
        person = Person(self.channel, user_id, state.language, state.easy_read)

        def also(c: Connection) -> None:
            for event in requested:
                self.referrals.create(c, event, person, at)
            stats.record(c, previous, session, events, self.channel)

        saved = self.store.save(
            self.channel,
            user_id,
            text,
            version=version,
            at=at,
            check_in_at=state.check_in_due,
            conn=conn,
            also=also,
        )
        return saved, text
