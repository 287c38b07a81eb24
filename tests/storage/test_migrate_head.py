"""Where a database stands is read without Alembic; migrating still goes through Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine as SAEngine
from sqlalchemy import text

from bot.storage import connect
from bot.storage.migrate import HEAD, alembic_config, current, downgrade, is_current, upgrade

ROOT = Path(__file__).resolve().parents[2]


def test_head_is_alembics_newest_revision(db: SAEngine) -> None:
    newest = ScriptDirectory.from_config(alembic_config(db)).get_current_head()
    assert newest == HEAD, f"a new migration: set HEAD in bot/storage/migrate.py to {newest!r}"


def test_current_reads_the_version_table_as_alembic_does(db: SAEngine) -> None:
    from alembic.runtime.migration import MigrationContext

    def alembics() -> str | None:
        with db.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    assert current(db) == alembics() == HEAD
    downgrade(db, "0005")
    assert current(db) == alembics() == "0005"
    assert not is_current(db)
    downgrade(db, "base")
    assert current(db) is None
    assert alembics() is None
    upgrade(db)
    assert is_current(db)


def test_several_revisions_at_once_are_not_head(db: SAEngine) -> None:
    with db.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0007')"))
    assert current(db) == f"0007,{HEAD}"
    assert not is_current(db)
    with db.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version WHERE version_num = '0007'"))


def test_a_database_at_head_is_upgraded_without_importing_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'at-head.db'}"
    db = connect(url)
    upgrade(db)
    db.dispose()
    check = (
        "import sys; from bot.storage import connect, upgrade; upgrade(connect(sys.argv[1])); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", check, url],
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"
