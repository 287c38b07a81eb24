"""/healthz, /readyz and /metrics over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
from prometheus_client import REGISTRY
from sqlalchemy import Engine as SAEngine
from starlette.applications import Starlette

from bot.adapters.ops import ops_routes
from bot.engine import Engine, Text
from bot.storage import Conversations, ConversationStore, connect
from bot.storage.migrate import downgrade, upgrade
from bot.testing.telegram import BackgroundServer

NAMES = [
    "carercheck_turns_total",
    "carercheck_turn_seconds_bucket",
    "carercheck_delivery_attempts",
    "carercheck_translation_fallbacks",
    "carercheck_referrals",
]


def get(db: SAEngine, path: str) -> httpx.Response:
    with BackgroundServer(Starlette(routes=ops_routes(db))) as server:
        return httpx.get(server.url + path, timeout=10)


def test_a_migrated_database_is_alive_and_ready(db: SAEngine) -> None:
    assert get(db, "/healthz").status_code == 200
    ready = get(db, "/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


def test_an_unmigrated_database_is_alive_but_not_ready(tmp_path: Path) -> None:
    fresh = connect(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert get(fresh, "/healthz").status_code == 200
    ready = get(fresh, "/readyz")
    assert ready.status_code == 503
    assert ready.json()["reason"].startswith("database at migration none, not ")
    upgrade(fresh)
    downgrade(fresh, "-1")  # one migration behind: still not ready
    assert get(fresh, "/readyz").status_code == 503
    upgrade(fresh)
    assert get(fresh, "/readyz").status_code == 200
    fresh.dispose()


def test_an_unreachable_database_is_not_ready_and_the_reason_names_no_secret() -> None:
    away = connect("postgresql+psycopg://carercheck:hunter2@127.0.0.1:1/carercheck")
    ready = get(away, "/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"status": "not ready", "reason": "database unreachable"}
    scraped = get(away, "/metrics")  # metrics still come, without the database's part
    assert scraped.status_code == 200 and "carercheck_turns_total" in scraped.text
    away.dispose()


def turns(channel: str) -> float:
    return REGISTRY.get_sample_value("carercheck_turns_total", {"channel": channel}) or 0.0


def test_metrics_name_everything_and_count_a_turn(db: SAEngine, engine: Engine) -> None:
    convs = Conversations(engine, ConversationStore(db), channel="ops_test")
    at = datetime.now(UTC)
    convs.open("u1", at=at, language="en")
    before = turns("ops_test")
    convs.turn("u1", Text(at, "I am 30"))
    assert turns("ops_test") == before + 1
    scraped = get(db, "/metrics")
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    for name in NAMES:
        assert name in scraped.text, name
    assert f'carercheck_turns_total{{channel="ops_test"}} {before + 1}' in scraped.text
    assert 'carercheck_turn_seconds_bucket{channel="ops_test",le="0.001"}' in scraped.text
    assert 'carercheck_referrals{status="new"} 0.0' in scraped.text
