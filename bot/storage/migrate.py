"""Alembic migrations, run from code: ``carercheck db upgrade`` and the tests use the same path.

Alembic (with Mako and its modules for every dialect, about 11 MB in a process) is imported
only to migrate. A process whose database is already at :data:`HEAD` never loads it: where the
database stands is read from Alembic's version table with one query, and the newest revision
is the constant :data:`HEAD`, which a test checks against Alembic's own head.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, column, inspect, select, table

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0008"
"""The newest revision in ``migrations/versions``: change it with every new migration."""
VERSION_TABLE = "alembic_version"
"""Where Alembic records the revision a database is at (its default name)."""
_VERSIONS = table(VERSION_TABLE, column("version_num"))


def alembic_config(db: Engine) -> Config:
    """An Alembic config pointing at our migrations and at ``db``'s connection."""
    from alembic.config import Config  # noqa: PLC0415 - only migrating needs Alembic

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = db
    return cfg


def upgrade(db: Engine, revision: str = "head") -> None:
    """Bring the database up to ``revision`` (default: the newest; nothing to do if it is)."""
    if revision == "head" and is_current(db):
        return
    from alembic import command  # noqa: PLC0415

    command.upgrade(alembic_config(db), revision)


def downgrade(db: Engine, revision: str) -> None:
    """Take the database down to ``revision`` ("base" removes every table)."""
    from alembic import command  # noqa: PLC0415

    command.downgrade(alembic_config(db), revision)


def current(db: Engine) -> str | None:
    """The revision the database is at, or None before the first migration.

    Several revisions at once (branches, which carercheck does not make) come joined by commas,
    so they never equal :data:`HEAD`.
    """
    with db.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        found = conn.execute(select(_VERSIONS.c.version_num)).scalars().all()
    return ",".join(sorted(found)) or None


def is_current(db: Engine) -> bool:
    """Whether the database is at the newest revision."""
    return current(db) == HEAD
