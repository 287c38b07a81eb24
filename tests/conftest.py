"""Shared fixtures. With CARERCHECK_REQUIRE_ALL=1 (CI) a skipped test is a failed test."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine as SAEngine
from sqlalchemy import text

from bot.content import build_engine
from bot.engine import Engine
from bot.storage import connect
from bot.storage.migrate import downgrade, upgrade

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_ALL = os.environ.get("CARERCHECK_REQUIRE_ALL") == "1"
BASE_POSTGRES_URL = os.environ.get(
    "CARERCHECK_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test"
)
SCHEMA = f"carercheck_test_{os.getpid()}_{secrets.token_hex(3)}"
"""Each test run works in a schema of its own, so two runs on one server never meet."""
POSTGRES_URL = (
    f"{BASE_POSTGRES_URL}{'&' if '?' in BASE_POSTGRES_URL else '?'}options=-csearch_path%3D{SCHEMA}"
)
_schema_made = False


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden transcripts")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CARERCHECK_REQUIRE_ALL=1: {report.longrepr}"


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The real flows and services."""
    return build_engine(ROOT / "flows", ROOT / "locales")


@pytest.fixture(scope="session")
def tiny_engine() -> Engine:
    """A four-node flow for engine behaviour that must not depend on content."""
    return build_engine(ROOT / "tests" / "data" / "flows")


def _postgres() -> SAEngine:
    """The test run's own schema on the PostgreSQL test server (made on first use)."""
    global _schema_made  # noqa: PLW0603 - one schema per run, made once
    if not _schema_made:
        base = connect(BASE_POSTGRES_URL)
        try:
            with base.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"'))
        except Exception as exc:
            pytest.skip(f"PostgreSQL not reachable at {BASE_POSTGRES_URL}: {type(exc).__name__}")
        finally:
            base.dispose()
        _schema_made = True
    return connect(POSTGRES_URL)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this run's PostgreSQL schema."""
    if not _schema_made:
        return
    base = connect(BASE_POSTGRES_URL)
    with base.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
    base.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SAEngine]:
    """A migrated database: a SQLite file, or the PostgreSQL test database (emptied after)."""
    if request.param == "sqlite":
        database = connect(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        database = _postgres()
        downgrade(database, "base")
    upgrade(database)
    yield database
    if request.param == "postgresql":
        downgrade(database, "base")
    database.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of this run's PostgreSQL schema, emptied before and after (for other processes)."""
    database = _postgres()
    downgrade(database, "base")
    yield POSTGRES_URL
    downgrade(database, "base")
    database.dispose()


PERSONAS = ROOT / "tests" / "goldens" / "screening"


@pytest.fixture(scope="session")
def persona() -> Callable[[str], list[dict[str, Any]]]:
    """A golden persona's inputs, by file name without ``.json``."""

    def inputs(name: str) -> list[dict[str, Any]]:
        data = json.loads((PERSONAS / f"{name}.json").read_text(encoding="utf-8"))
        return list(data["inputs"])

    return inputs
