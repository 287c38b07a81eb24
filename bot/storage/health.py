"""What the operations endpoints ask the database: is it ready; referrals in each status.

Answers name no secrets: never the database URL, never an error's own text (a driver's message
can hold the host, the user or a query's parameters), only what kind of problem it is.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.storage.inbox import DEAD, FILTERS
from bot.storage.migrate import current
from bot.storage.models import Referral

log = logging.getLogger(__name__)


def readiness_problem(db: Engine, head: str | None) -> str | None:
    """Why the service cannot serve yet (database unreachable, or not at ``head``), or None."""
    try:
        at = current(db)
    except SQLAlchemyError as exc:
        log.warning("database unreachable", extra={"error": type(exc).__name__})
        return "database unreachable"
    if at != head:
        return f"database at migration {at or 'none'}, not {head}: run carercheck db upgrade"
    return None


def referral_counts(db: Engine) -> dict[str, int]:
    """How many referrals there are in each status (every status, with none as 0)."""
    query = select(Referral.c.status, func.count()).group_by(Referral.c.status)
    with db.connect() as conn:
        found = {status: int(n) for status, n in conn.execute(query).all()}
    return {status: 0 for status in FILTERS if status != DEAD} | found
