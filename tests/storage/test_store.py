from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine as SAEngine
from sqlalchemy import event, inspect, text

from bot.storage import ConcurrentUpdate, ConversationStore, connect
from bot.storage.migrate import current, downgrade, is_current, upgrade

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_save_and_load_round_trip(db: SAEngine) -> None:
    store = ConversationStore(db)
    assert store.load("terminal", "u1") is None
    assert store.save("terminal", "u1", '{"a": 1}', version=None, at=AT) == 1
    stored = store.load("terminal", "u1")
    assert stored is not None
    assert (stored.state, stored.version) == ('{"a": 1}', 1)
    assert store.save("terminal", "u1", '{"a": 2}', version=1, at=AT) == 2
    again = store.load("terminal", "u1")
    assert again is not None
    assert (again.state, again.version) == ('{"a": 2}', 2)


def test_one_row_per_channel_and_user(db: SAEngine) -> None:
    store = ConversationStore(db)
    store.save("terminal", "u1", "{}", version=None, at=AT)
    store.save("telegram", "u1", "{}", version=None, at=AT)
    store.save("terminal", "u2", "{}", version=None, at=AT)
    assert store.count() == 3
    with pytest.raises(ConcurrentUpdate):
        store.save("terminal", "u1", "{}", version=None, at=AT)
    assert store.count() == 3


def test_stale_version_is_refused_and_changes_nothing(db: SAEngine) -> None:
    store = ConversationStore(db)
    store.save("terminal", "u1", "first", version=None, at=AT)
    store.save("terminal", "u1", "second", version=1, at=AT)
    with pytest.raises(ConcurrentUpdate):
        store.save("terminal", "u1", "lost update", version=1, at=AT)
    stored = store.load("terminal", "u1")
    assert stored is not None
    assert (stored.state, stored.version) == ("second", 2)


def test_forget_erases_the_row(db: SAEngine) -> None:
    store = ConversationStore(db)
    store.save("terminal", "u1", "{}", version=None, at=AT)
    assert store.forget("terminal", "u1") is True
    assert store.load("terminal", "u1") is None
    assert store.forget("terminal", "u1") is False


def test_a_save_is_one_write_statement(db: SAEngine) -> None:
    store = ConversationStore(db)
    store.save("terminal", "u1", "{}", version=None, at=AT)
    writes: list[str] = []

    @event.listens_for(db, "before_cursor_execute")
    def record(conn, cursor, statement, params, context, executemany):
        if statement.split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    store.save("terminal", "u1", "{}", version=1, at=AT)
    event.remove(db, "before_cursor_execute", record)
    assert len(writes) == 1


def test_migrations_go_up_and_down(db: SAEngine) -> None:
    assert is_current(db)
    assert "conversations" in inspect(db).get_table_names()
    downgrade(db, "base")
    assert current(db) is None
    assert "conversations" not in inspect(db).get_table_names()
    upgrade(db)
    assert current(db) == "0001"


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:
    db = connect(f"sqlite:///{tmp_path / 'wal.db'}")
    with db.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    db.dispose()


def test_sqlite_synchronous_setting_is_checked(tmp_path) -> None:
    with pytest.raises(ValueError, match="synchronous"):
        connect(f"sqlite:///{tmp_path / 'x.db'}", sqlite_synchronous="sometimes")
    db = connect(f"sqlite:///{tmp_path / 'full.db'}", sqlite_synchronous="full")
    with db.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    db.dispose()
