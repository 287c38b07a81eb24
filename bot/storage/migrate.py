"""Alembic migrations, run from code: ``carercheck db upgrade`` and the tests use the same path."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(db: Engine) -> Config:
    """An Alembic config pointing at our migrations and at ``db``'s connection."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = db
    return cfg


def upgrade(db: Engine, revision: str = "head") -> None:
    """Bring the database up to ``revision`` (default: the newest)."""
    command.upgrade(alembic_config(db), revision)


def downgrade(db: Engine, revision: str) -> None:
    """Take the database down to ``revision`` ("base" removes every table)."""
    command.downgrade(alembic_config(db), revision)


def current(db: Engine) -> str | None:
    """The revision the database is at, or None before the first migration."""
    with db.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_current(db: Engine) -> bool:
    """Whether the database is at the newest revision."""
    head = ScriptDirectory.from_config(alembic_config(db)).get_current_head()
    return current(db) == head
