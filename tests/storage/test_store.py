from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine as SAEngine
from sqlalchemy import event, inspect, text

from bot.storage import ConcurrentUpdate, ConversationStore, connect
from bot.storage.migrate import current, downgrade, is_current, upgrade
from bot.storage.models import metadata

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
    assert current(db) == "0008"
    tables = set(inspect(db).get_table_names())
    assert {"referrals", "deliveries", "delivery_attempts", "referral_events", "notices"} <= tables
    assert {"users", "login_attempts", "audit_log"} <= tables
    downgrade(db, "0003")
    assert "users" not in inspect(db).get_table_names()
    downgrade(db, "0002")
    assert "referrals" not in inspect(db).get_table_names()
    upgrade(db)


def test_each_migration_keeps_the_rows_and_adds_or_drops_its_column(db: SAEngine) -> None:
    downgrade(db, "0001")
    assert "check_in_at" not in {c["name"] for c in inspect(db).get_columns("conversations")}
    with db.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO conversations (channel, user_id, state, version, created_at, "
                "updated_at) VALUES ('terminal', 'u1', '{}', 1, :at, :at)"
            ),
            {"at": AT},
        )
    upgrade(db, "0002")
    assert "check_in_at" in {c["name"] for c in inspect(db).get_columns("conversations")}
    assert ConversationStore(db).load("terminal", "u1") is not None
    downgrade(db, "0001")
    assert ConversationStore(db).load("terminal", "u1") is not None
    upgrade(db)


def test_the_tables_match_the_migrations(db: SAEngine) -> None:
    with db.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_due_check_ins_are_listed_longest_waiting_first(db: SAEngine) -> None:
    store = ConversationStore(db)
    later = datetime(2026, 7, 1, tzinfo=UTC)
    store.save("telegram", "late", "{}", version=None, at=AT, check_in_at=later)
    store.save("telegram", "early", "{}", version=None, at=AT, check_in_at=AT)
    store.save("telegram", "never", "{}", version=None, at=AT)
    store.save("terminal", "other", "{}", version=None, at=AT, check_in_at=AT)
    assert store.due("telegram", AT) == ["early"]
    assert store.due("telegram", later) == ["early", "late"]
    assert store.due("telegram", later, limit=1) == ["early"]
    store.save("telegram", "early", "{}", version=1, at=later, check_in_at=None)
    assert store.due("telegram", later) == ["late"]


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
