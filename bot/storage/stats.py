"""Anonymous statistics: each run through a flow as one row, and the counts people may see.

A turn that begins, completes or refers a run updates its row in the same transaction (most
turns write nothing here); where a run stopped is written when it ends (a restart, or the
purge of its conversation). The row holds no person and no conversation: only the channel,
language, Easy Read, source, age band, a coarse area, how far the run got, and its outcome.
Counts under ``SMALLEST`` are never shown (they could point at someone in a small place).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.engine import Event, ReferralRequested, Session
from bot.storage.db import as_utc
from bot.storage.models import Referral, ReferralEvent, Screening

SMALLEST = 5
"""The smallest count the statistics show; fewer is shown as "fewer than 5"."""


_COLUMNS = (
    "run", "flow", "channel", "started_on", "language", "easy_read", "source",
    "age_band", "area", "last_node", "answered", "outcome", "roles", "referred",
)  # fmt: skip
_KEPT = ("run", "started_on", "referred")
"""Columns an update leaves alone (referred is only ever switched on)."""
_UPSERTS: dict[str, Any] = {}


def _upsert(dialect_name: str) -> Any:
    """The insert-or-update statement, built once per dialect with bound parameters."""
    if dialect_name not in _UPSERTS:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        stmt = dialect.insert(Screening).values({c: bindparam(f"p_{c}") for c in _COLUMNS})
        table = Screening.c
        changes: dict[str, Any] = {c: stmt.excluded[c] for c in _COLUMNS if c not in _KEPT}
        changes["referred"] = or_(table.referred, stmt.excluded.referred)
        _UPSERTS[dialect_name] = stmt.on_conflict_do_update(index_elements=["run"], set_=changes)
    return _UPSERTS[dialect_name]


@dataclass(frozen=True)
class Before:
    """Where a run stood before a turn: enough to tell whether the turn changes a count."""

    run: str
    node: str
    answered: int
    done: bool


def before(session: Session | None) -> Before | None:
    """The run as it stood before the turn (None for a new conversation)."""
    if session is None:
        return None
    s = session.state
    return Before(s.run, s.node, len(s.answers), s.outcome is not None)


def record(
    conn: Connection,
    previous: Before | None,
    session: Session,
    events: tuple[Event, ...],
    channel: str,
) -> None:
    """Count what the turn changed, on ``conn``: a run begun, ended, completed or referred.

    Most turns change no count and write nothing here. Where a run stopped is written when it
    ends: on a restart, or when its conversation is purged (``stopped``).
    """
    state = session.state
    if not state.run:
        return
    new_run = previous is None or previous.run != state.run
    if new_run and previous is not None and previous.run and not previous.done:
        stopped(conn, previous.run, previous.node, previous.answered)
    referred = any(isinstance(e, ReferralRequested) for e in events)
    finished = state.outcome is not None and (new_run or previous is None or not previous.done)
    if new_run or finished or referred:
        _write(conn, session, channel, referred)


def stopped(conn: Connection, run: str, node: str, answered: int) -> None:
    """Record where a run that never reached an outcome stopped."""
    conn.execute(
        update(Screening)
        .where(Screening.c.run == run, Screening.c.outcome.is_(None))
        .values(last_node=node, answered=answered)
    )


def _write(conn: Connection, session: Session, channel: str, referred: bool) -> None:
    state, flow = session.state, session.flow
    results = state.results
    area = results.get(flow.area_result) if flow.area_result else None
    age = results.get(flow.age_result) if flow.age_result else None
    values = {
        "p_run": state.run, "p_flow": flow.id, "p_channel": channel,
        "p_started_on": state.started_at.date(), "p_language": state.language,
        "p_easy_read": state.easy_read, "p_source": state.source,
        "p_age_band": None if age is None else str(age),
        "p_area": None if area is None else str(area)[:64],
        "p_last_node": state.node if state.outcome else "", "p_answered": len(state.answers),
        "p_outcome": state.outcome, "p_roles": " ".join(state.roles), "p_referred": referred,
    }  # fmt: skip
    conn.execute(_upsert(conn.dialect.name), values)


def forget(conn: Connection, run: str) -> None:
    """Delete a run's row (the person asked to be forgotten)."""
    conn.execute(delete(Screening).where(Screening.c.run == run))


@dataclass(frozen=True)
class Tally:
    """Counts by label, with the small ones held back."""

    shown: list[tuple[str, int]]
    hidden: int
    """How many labels had a count under SMALLEST (their counts are not shown)."""

    @classmethod
    def of(cls, counts: Counter[str]) -> Tally:
        """The tally of ``counts``, biggest first."""
        shown = [(k, n) for k, n in counts.most_common() if n >= SMALLEST]
        return cls(shown, sum(1 for n in counts.values() if n < SMALLEST))


class Statistics:
    """The aggregated, anonymous numbers of the statistics page."""

    def __init__(self, db: Engine) -> None:
        self.db = db

    def _rows(self, since: date | None) -> list[Any]:
        query = select(Screening)
        if since is not None:
            query = query.where(Screening.c.started_on >= since)
        with self.db.connect() as conn:
            return list(conn.execute(query).all())

    def summary(self, since: date | None = None) -> dict[str, Any]:
        """Every count the page shows."""
        rows = self._rows(since)
        done = [r for r in rows if r.outcome]

        def tally(values: list[Any]) -> Tally:
            return Tally.of(Counter(str(v) for v in values if v))

        return {
            "started": _small(len(rows)), "completed": _small(len(done)),
            "referred": _small(sum(1 for r in rows if r.referred)),
            "outcomes": tally([r.outcome for r in done]),
            "roles": tally([role for r in done for role in r.roles.split()]),
            "languages": tally([_language(r) for r in rows]),
            "ages": tally([r.age_band for r in rows]), "areas": tally([r.area for r in rows]),
            "sources": tally([r.source for r in rows]),
            "stopped_at": tally([r.last_node for r in rows if not r.outcome and r.last_node]),
            "first_contact_days": self._first_contact_days(),
        }  # fmt: skip

    def _first_contact_days(self) -> float | None:
        """Median days from a referral to the organisation saying it has been in touch."""
        with self.db.connect() as conn:
            rows = conn.execute(
                select(Referral.c.created_at, func.min(ReferralEvent.c.at))
                .join(ReferralEvent, ReferralEvent.c.referral_id == Referral.c.id)
                .where(ReferralEvent.c.status == "contacted")
                .group_by(Referral.c.id, Referral.c.created_at)
            ).all()
        if len(rows) < SMALLEST:
            return None
        days = sorted((as_utc(b) - as_utc(a)).total_seconds() / 86400 for a, b in rows)
        return round(days[len(days) // 2], 1)


def _small(n: int) -> int | None:
    """``n``, or None where it is under SMALLEST (shown as "fewer than 5")."""
    return n if n >= SMALLEST else None


def _language(row: Any) -> str:
    return f"{row.language} (Easy Read)" if row.easy_read else str(row.language)
