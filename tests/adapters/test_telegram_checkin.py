"""Telegram sends check-ins when they fall due, once; /forget erases the conversation."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine as SAEngine

from bot.adapters.telegram import build_application
from bot.content import build_engine
from bot.engine import Engine, Text
from bot.storage import Conversations, ConversationStore, connect, upgrade
from bot.testing.telegram import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent.parent
TOKEN = "123:ABC"
USER = 42
AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DUE = AT + timedelta(days=91)


@pytest.fixture(scope="module")
def checkin_engine() -> Engine:
    return build_engine(ROOT / "tests" / "data" / "checkin")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[SAEngine]:
    database = connect(f"sqlite:///{tmp_path / 'tg.db'}")
    upgrade(database)
    yield database
    database.dispose()


def conversations(engine: Engine, db: SAEngine) -> Conversations:
    return Conversations(engine, ConversationStore(db), channel="telegram")


def agree_to_a_check_in(convs: Conversations, user: int = USER) -> None:
    convs.open(str(user), at=AT)
    for text in ("yes", "40", "yes"):
        convs.turn(str(user), Text(AT, text))


async def wait_until(predicate: Any, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "gave up waiting"
        await asyncio.sleep(0.02)


async def test_two_workers_send_a_due_check_in_exactly_once(
    api: FakeBotApi, checkin_engine: Engine, db: SAEngine
) -> None:
    agree_to_a_check_in(conversations(checkin_engine, db))
    apps = [
        build_application(
            TOKEN, api.base_url, conversations(checkin_engine, db), lambda: DUE, check_in_every=0.05
        )
        for _ in range(2)
    ]
    for app in apps:
        await app.initialize()
        await app.start()
    try:
        await wait_until(lambda: len(api.sent(USER)) >= 2)
        await asyncio.sleep(0.3)  # several more rounds of both jobs
    finally:
        for app in apps:
            await app.stop()
            await app.shutdown()
    sent = [m["text"] for m in api.sent(USER)]
    assert sum(t.startswith("Hello again.") for t in sent) == 1
    assert sent[-1] == "Shall we go through the questions now?"
    buttons = [b["text"] for row in api.sent(USER)[-1]["reply_markup"]["inline_keyboard"]
               for b in row]  # fmt: skip
    assert buttons == ["Yes, let's start", "No. Please do not message me again"]
    assert conversations(checkin_engine, db).due_check_ins(DUE + timedelta(days=1)) == []


async def test_nothing_is_sent_before_the_date(
    api: FakeBotApi, checkin_engine: Engine, db: SAEngine
) -> None:
    agree_to_a_check_in(conversations(checkin_engine, db))
    convs = conversations(checkin_engine, db)
    app = build_application(TOKEN, api.base_url, convs, lambda: AT, check_in_every=0.05)
    async with app:
        await app.start()
        await asyncio.sleep(0.3)
        await app.stop()
    assert api.sent(USER) == []


async def test_forget_erases_the_conversation(
    api: FakeBotApi, checkin_engine: Engine, db: SAEngine
) -> None:
    convs = conversations(checkin_engine, db)
    agree_to_a_check_in(convs)
    app = build_application(TOKEN, api.base_url, convs, lambda: AT)
    async with app:
        api.send_text(USER, "/forget")
        for update in await app.bot.get_updates(offset=0, timeout=0):
            await app.process_update(update)
    assert api.sent(USER)[-1]["text"].startswith("I have deleted your answers")
    assert convs.store.load("telegram", str(USER)) is None
    assert convs.due_check_ins(DUE) == []
