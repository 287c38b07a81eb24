"""Database connections: SQLite gets WAL and a busy timeout; other databases come as they are."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def as_utc(moment: datetime) -> datetime:
    """A stored time with its zone: SQLite gives times back without one, and all are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def connect(url: str, *, sqlite_synchronous: str = "NORMAL") -> Engine:
    """A SQLAlchemy engine for ``url``. SQLite runs in WAL mode, as the embedded default."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})
    sync = sqlite_synchronous.upper()
    if sync not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ValueError(f"unknown SQLite synchronous setting {sqlite_synchronous!r}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        if parsed.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={sync}")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return engine
