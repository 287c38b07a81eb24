"""The Telegram bot inside a Starlette app: the webhook route, and starting and stopping PTB.

This is python-telegram-bot's "custom webhook" pattern: our own ASGI server receives Telegram's
POSTs, so the same port can serve health checks, metrics and the dashboard. Telegram gets its
200 only after the update has been processed, that is after the turn is saved and the reply
sent; after a crash Telegram sends the update again and the turn is not lost (a repeated
update is recognised and not applied twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.adapters.telegram.app import ALLOWED_UPDATES

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name
App = Application[Any, Any, Any, Any, Any, Any]


def webhook_route(application: App, path: str, secret: str, at_once: int = 4) -> Route:
    """POST ``path``: an update from Telegram, taken only with the right secret token.

    At most ``at_once`` updates are processed at a time; the others wait their turn (and the
    reply to Telegram waits with them). Without a bound, 40 people at once meant 40 turns
    sharing one CPU and a p99 near 2 s; with 4, it stayed near 0.5 s (bench/scale.py).
    """
    expected = secret.encode()
    turns = asyncio.Semaphore(at_once)

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook call without the right secret token refused")
            return Response(status_code=403)
        try:
            data = await request.json()
            update = Update.de_json(data, application.bot) if isinstance(data, dict) else None
        except ClientDisconnect:  # Telegram gave up on this delivery: it will send it again
            log.info("webhook caller left before sending the whole update")
            return Response(status_code=400)
        except (ValueError, KeyError, TypeError):
            update = None
        if update is None:
            return Response(status_code=400)
        async with turns:
            await application.process_update(update)  # the turn is saved and the reply sent
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"])


@contextlib.asynccontextmanager
async def running(
    application: App,
    *,
    webhook_url: str | None = None,
    secret: str | None = None,
    drop_pending_updates: bool = False,
) -> AsyncIterator[None]:
    """The bot started: on a webhook at ``webhook_url`` (set with Telegram), else polling.

    On leaving, polling stops fetching, updates already fetched are finished, running jobs
    end, and the bot shuts down.
    """
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    updater: Any = application.updater
    if webhook_url is not None:
        await application.bot.set_webhook(
            webhook_url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=drop_pending_updates,
        )
    else:
        await updater.start_polling(
            allowed_updates=ALLOWED_UPDATES, drop_pending_updates=drop_pending_updates
        )
    await application.start()
    try:
        yield
    finally:
        if updater is not None and updater.running:
            await updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
