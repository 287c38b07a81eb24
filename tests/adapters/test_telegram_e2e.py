"""Whole screenings over real HTTP: polling and webhook, English, Arabic, Easy Read with photos.

The webhook is carercheck's own route (``webhook_route``) served by uvicorn, as deployed.

A person taps the first real answer of every question (and Done at "choose all that fit")
until the outcome. The fake Bot API checks every request against the Bot API spec.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette

from bot.adapters.cards import LATIN, Cards
from bot.adapters.telegram import build_application
from bot.adapters.telegram.app import ALLOWED_UPDATES
from bot.adapters.telegram.webhook import webhook_route
from bot.content import build_engine
from bot.engine import Engine
from bot.engine.render import FSI, PDI
from bot.storage import Conversations, ConversationStore, connect, upgrade
from bot.testing.processes import free_port
from bot.testing.telegram import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent.parent
FONTS = Path("/usr/share/fonts/truetype/noto")
TOKEN = "123:ABC"
USER = 77
SECRET = "e2e-secret"
Send = Callable[..., Awaitable[None]]
"""Delivers an update; in webhook mode, ``status=`` is the answer the route must give."""


@pytest.fixture(scope="module")
def real_engine() -> Engine:
    return build_engine(ROOT / "flows", ROOT / "locales")


@asynccontextmanager
async def running(
    mode: str, api: FakeBotApi, engine: Engine, tmp_path: Path
) -> AsyncIterator[Send]:
    """The bot running in ``mode`` ("polling" or "webhook"); yields how to deliver updates."""
    db = connect(f"sqlite:///{tmp_path / 'e2e.db'}")
    upgrade(db)
    convs = Conversations(engine, ConversationStore(db), channel="telegram")
    cards = Cards(tmp_path / "cards", FONTS) if (FONTS / LATIN).exists() else None
    app = build_application(TOKEN, api.base_url, convs, cards=cards)
    serving = None
    async with app:
        assert app.updater is not None
        if mode == "polling":
            await app.updater.start_polling(poll_interval=0, allowed_updates=ALLOWED_UPDATES)
            send: Send = _queued
        else:
            port = free_port()
            url = f"http://127.0.0.1:{port}/hook"
            await app.bot.set_webhook(url, secret_token=SECRET, allowed_updates=ALLOWED_UPDATES)
            serving = await _serve(Starlette(routes=[webhook_route(app, "/hook", SECRET)]), port)

            async def send(update: dict[str, Any], status: int = 200) -> None:
                await asyncio.to_thread(_post, api, url, update, status)  # this loop serves

        await app.start()
        try:
            yield send
        finally:
            if serving is not None:
                server, task = serving
                server.should_exit = True
                await task
            if app.updater.running:
                await app.updater.stop()
            await app.stop()
    db.dispose()


async def _serve(app: Starlette, port: int) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    """``app`` served by uvicorn on this event loop, once it listens."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    return server, task


async def _queued(update: dict[str, Any], status: int = 200) -> None:
    """Polling: the fake's queue already holds the update; the bot fetches it."""


def _post(api: FakeBotApi, url: str, update: dict[str, Any], status: int) -> None:
    assert api.post_update(url, update, secret_token=SECRET) == status


async def replies(api: FakeBotApi, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
    """Wait for ``count`` messages to USER in all, until a question (buttons) ends them or the
    bot falls quiet; return them all."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    seen, quiet_since = -1, loop.time()
    while loop.time() < deadline:
        sent = api.sent(USER)
        if len(sent) != seen:
            seen, quiet_since = len(sent), loop.time()
        if len(sent) >= count and (sent[-1].get("reply_markup") or loop.time() - quiet_since > 2.0):
            break
        await asyncio.sleep(0.02)
    return api.sent(USER)


def choice(message: dict[str, Any]) -> str | None:
    """The button to tap: Skip where offered, Done once something is ticked, else the first."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    buttons = [(b["text"], b["callback_data"]) for row in rows for b in row]
    ticked = any(label.startswith("✓ ") for label, _ in buttons)
    for _, data in buttons:
        if data.endswith(":_done") and ticked:
            return str(data)
    answers = [d for _, d in buttons if not d.endswith((":_explain", ":_done", ":restart"))]
    skip = [d for d in answers if d.endswith(":skip")]
    found = (skip or answers or [None])[0]
    return None if found is None else str(found)


async def screening(api: FakeBotApi, send: Send, language: str, easy_read: str) -> list[Any]:
    """/start, the language, Easy Read or not, then the first answer everywhere to the end."""
    await send(api.send_text(USER, "/start"))
    sent = await replies(api, 1)
    plan = [f":{language}", f":{easy_read}"]
    for _ in range(60):
        last = sent[-1]
        rows = (last.get("reply_markup") or {}).get("inline_keyboard", [])
        data = [b["callback_data"] for row in rows for b in row]
        wanted = plan.pop(0) if plan else None
        tap = next((d for d in data if wanted and d.endswith(wanted)), None) or choice(last)
        if tap is None:
            return sent
        before = len(sent)
        await send(api.tap(USER, last["message_id"], tap))
        sent = await replies(api, before + 1)
    raise AssertionError("the screening did not end")


def words(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_whole_screening_in_english(mode: str, real_engine: Engine, tmp_path: Path) -> None:
    with FakeBotApi(token=TOKEN, max_poll=0.2) as api:
        async with running(mode, api, real_engine, tmp_path) as send:
            sent = await screening(api, send, "en", "no")
        api.assert_clean()
    said = [words(m) for m in sent]
    assert any(s.startswith("Question 1 of") for s in said)
    assert any("young carer" in s for s in said)  # the first answers: a child who helps
    assert any(s.startswith("Places that can help") for s in said)
    assert said[-1].startswith("Thank you. I will send you a message in about 6 months")


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_whole_screening_in_arabic(mode: str, real_engine: Engine, tmp_path: Path) -> None:
    with FakeBotApi(token=TOKEN, max_poll=0.2) as api:
        async with running(mode, api, real_engine, tmp_path) as send:
            sent = await screening(api, send, "ar", "no")
        api.assert_clean()
    said = [words(m) for m in sent]
    arabic = [s for s in said if any("\u0600" <= c <= "\u06ff" for c in s)]
    assert len(arabic) >= len(said) - 1  # only the language question's own names are not
    labels = [
        b["text"]
        for name, params in api.calls
        if name in ("sendMessage", "sendPhoto") and params.get("reply_markup")
        for row in params["reply_markup"]["inline_keyboard"]
        for b in row
    ]
    assert len(labels) > 30
    assert all(any("\u0600" <= c <= "\u06ff" for c in label) for label in labels[-20:])
    services = next(s for s in said if "999" in s or FSI in s)
    assert FSI in services and PDI in services  # phone numbers and names isolated


@pytest.mark.skipif(not (FONTS / LATIN).exists(), reason="Noto fonts are not installed")
async def test_a_whole_screening_in_easy_read_sends_cards(
    real_engine: Engine, tmp_path: Path
) -> None:
    with FakeBotApi(token=TOKEN, max_poll=0.2) as api:
        async with running("polling", api, real_engine, tmp_path) as send:
            sent = await screening(api, send, "ur", "yes")
        api.assert_clean()
    photos = [m for m in sent if m.get("photo")]
    assert len(photos) >= 10  # every question and the outcome
    assert all(m.get("caption") for m in photos)
    assert len({p["photo"][-1]["file_id"] for p in photos}) <= len(photos)
    assert list((tmp_path / "cards").glob("*.png"))


async def test_a_reply_telegram_failed_to_take_comes_whole_when_it_delivers_again(
    real_engine: Engine, tmp_path: Path
) -> None:
    """Telegram answers "Bad Gateway" to the reply's first message: the webhook answers 500,
    Telegram delivers the update again, and the person gets the whole reply, once."""
    with FakeBotApi(token=TOKEN) as api:
        async with running("webhook", api, real_engine, tmp_path) as send:
            await send(api.send_text(USER, "/start"))
            for wanted in (":en", ":no"):  # English, no Easy Read: its reply is several messages
                question = (await replies(api, len(api.sent(USER))))[-1]
                rows = question["reply_markup"]["inline_keyboard"]
                data = next(b["callback_data"] for row in rows for b in row
                            if b["callback_data"].endswith(wanted))  # fmt: skip
                before = len(api.sent(USER))
                tap = api.tap(USER, question["message_id"], data)
                if wanted == ":no":
                    api.refuse("sendMessage", "Bad Gateway", 502)
                    await send(tap, status=500)
                    assert len(api.sent(USER)) == before  # nothing reached the person
                await send(tap)
                sent = await replies(api, before + 1)
            reply = [words(m) for m in sent[before:]]
            calls = [name for name, _ in api.calls].count("answerCallbackQuery")
        api.assert_clean()
    assert len(reply) >= 2 and sent[-1].get("reply_markup")  # what it says, then a question
    assert len(set(reply)) == len(reply)  # each message once
    assert calls == 3  # each tap acknowledged: the first, and the failed one twice
