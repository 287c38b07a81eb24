"""Anonymous statistics: each run through a flow as one row, and the counts people may see.

A turn's write updates its run's row in the same transaction. The row holds no person and no
conversation: only the channel, language, Easy Read, source, age band, a coarse area, how far
the run got, and its outcome. Counts under ``SMALLEST`` are never shown (they could point at
someone in a small place).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.engine import Event, ReferralRequested, Session
from bot.storage.models import Referral, ReferralEvent, Screening

SMALLEST = 5
"""The smallest count the statistics show; fewer is shown as "fewer than 5"."""


def record(conn: Connection, session: Session, events: tuple[Event, ...], channel: str) -> None:
    """Write (or update) the row of the session's current run, on ``conn``."""
    state, flow = session.state, session.flow
    if not state.run:
        return
    results = state.results
    area = results.get(flow.area_result) if flow.area_result else None
    values = {
        "run": state.run, "flow": flow.id, "channel": channel,
        "started_on": state.started_at.date(), "language": state.language,
        "easy_read": state.easy_read, "source": state.source,
        "age_band": str(results[flow.age_result]) if flow.age_result in results else None,
        "area": str(area)[:64] if area is not None else None,
        "last_node": state.node, "answered": len(state.answers), "outcome": state.outcome,
        "roles": " ".join(state.roles),
        "referred": any(isinstance(e, ReferralRequested) for e in events),
    }  # fmt: skip
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    changing = {k: v for k, v in values.items() if k not in ("run", "started_on", "referred")}
    stmt = dialect.insert(Screening).values(**values)
    if values["referred"]:
        changing["referred"] = True
    conn.execute(stmt.on_conflict_do_update(index_elements=["run"], set_=changing))


def forget(conn: Connection, run: str) -> None:
    """Delete a run's row (the person asked to be forgotten)."""
    conn.execute(delete(Screening).where(Screening.run == run))


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
            query = query.where(Screening.started_on >= since)
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
            "stopped_at": tally([r.last_node for r in rows if not r.outcome]),
            "first_contact_days": self._first_contact_days(),
        }  # fmt: skip

    def _first_contact_days(self) -> float | None:
        """Median days from a referral to the organisation saying it has been in touch."""
        with self.db.connect() as conn:
            rows = conn.execute(
                select(Referral.created_at, func.min(ReferralEvent.at))
                .join(ReferralEvent, ReferralEvent.referral_id == Referral.id)
                .where(ReferralEvent.status == "contacted")
                .group_by(Referral.id, Referral.created_at)
            ).all()
        if len(rows) < SMALLEST:
            return None
        days = sorted((_aware(b) - _aware(a)).total_seconds() / 86400 for a, b in rows)
        return round(days[len(days) // 2], 1)


def _small(n: int) -> int | None:
    """``n``, or None where it is under SMALLEST (shown as "fewer than 5")."""
    return n if n >= SMALLEST else None


def _language(row: Any) -> str:
    return f"{row.language} (Easy Read)" if row.easy_read else str(row.language)


def _aware(moment: datetime) -> datetime:
    """SQLite gives times back without their zone; every time stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
