"""The Telegram bot inside a Starlette app: the webhook route, and starting and stopping PTB.

This is python-telegram-bot's "custom webhook" pattern: our own ASGI server receives Telegram's
POSTs, so the same port can serve health checks, metrics and the dashboard. Telegram gets its
200 only after the update has been processed, that is after the turn is saved and the reply
sent; after a crash Telegram sends the update again and the turn is not lost (a repeated
update is recognised and not applied twice, and gets the reply its first delivery made). So
does an update whose reply Telegram itself failed to take (a timeout, a 5xx, flood control):
the route answers 500, and Telegram delivers it again.
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
from telegram.ext import Application, ContextTypes

from bot.adapters.telegram.app import ALLOWED_UPDATES
from bot.adapters.telegram.handlers import telegram_trouble

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name
App = Application[Any, Any, Any, Any, Any, Any]
FAILED_KEPT = 1000
"""Update ids remembered as failed until their handling returns (at most updates in flight)."""


def webhook_route(application: App, path: str, secret: str, at_once: int = 4) -> Route:
    """POST ``path``: an update from Telegram, taken only with the right secret token.

    At most ``at_once`` updates are processed at a time; the others wait their turn (and the
    reply to Telegram waits with them). Without a bound, 40 people at once meant 40 turns
    sharing one CPU and a p99 near 2 s; with 4, it stayed near 0.5 s (bench/scale.py).
    """
    expected = secret.encode()
    turns = asyncio.Semaphore(at_once)
    failed = _Failures()
    application.add_error_handler(failed.note)

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
        if failed.take(update.update_id):
            return Response(status_code=500)  # Telegram delivers it again; it is not re-applied
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"])


class _Failures:
    """PTB's error handler for the webhook: which updates Telegram should deliver again.

    PTB hands a handler's exception to its error handlers and returns as if all went well.
    Telegram's own trouble while the reply was sent (a timeout, a 5xx, flood control) is
    noted, so that the route answers 500; any other error is logged and the update answered
    200, as delivering it again would fail again.
    """

    def __init__(self) -> None:
        self._ids: set[int] = set()

    async def note(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if telegram_trouble(error) and isinstance(update, Update):
            log.warning("Telegram failed a call for an update: asking for it again",
                        extra={"error": type(error).__name__})  # fmt: skip
            if len(self._ids) < FAILED_KEPT:
                self._ids.add(update.update_id)
            return
        log.error("handling an update failed", exc_info=error)

    def take(self, update_id: int) -> bool:
        """Whether handling this update hit Telegram's trouble (forgotten once asked)."""
        if update_id in self._ids:
            self._ids.discard(update_id)
            return True
        return False


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
