"""``carercheck serve`` (everything a small site needs, in one process) and the Telegram webhook.

``serve`` runs the organisations' dashboard and web chat, the Telegram bot (on a webhook when
``CARERCHECK_TELEGRAM_WEBHOOK_URL`` is set, else long polling) and the referral delivery
worker, with ``/healthz``, ``/readyz`` and ``/metrics``, all on the dashboard's port. At scale
the same parts run apart: ``carercheck telegram [--webhook]``, ``worker`` and ``dashboard``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from bot.cli_dashboard import COOKIES_UNSIGNABLE, cards, dashboard_app
from bot.cli_http import app_with_ops, run_http
from bot.cli_referrals import NO_KEY, build_worker, load_cipher, now, worker_running
from bot.config import Config
from bot.storage.crypto import Cipher

log = logging.getLogger("carercheck")

WEBHOOK_UNGUARDED = (
    "no webhook secret: set CARERCHECK_TELEGRAM_WEBHOOK_SECRET; "
    "carercheck never runs a webhook that anyone could post to"
)


def telegram_application(cfg: Config, engine: Any, db: Any, cipher: Cipher) -> Any:
    """The Telegram bot (a PTB Application) for the "telegram" channel; needs the token."""
    from bot.adapters.telegram import build_application  # noqa: PLC0415 - only this needs PTB
    from bot.storage import Conversations, ConversationStore  # noqa: PLC0415

    assert cfg.telegram_bot_token is not None
    conversations = Conversations(engine, ConversationStore(db), channel="telegram", cipher=cipher)
    return build_application(
        cfg.telegram_bot_token.reveal(),
        cfg.telegram_api_url,
        conversations,
        clock=now,
        check_in_every=cfg.check_in_every_seconds,
        cards=cards(cfg),
        rate_limit=cfg.telegram_rate_limit,
    )


def webhook_path(cfg: Config) -> str:
    """The path of the webhook URL, which is where Telegram's POSTs arrive."""
    assert cfg.telegram_webhook_url is not None
    return urlsplit(cfg.telegram_webhook_url).path or "/"


def telegram_parts(cfg: Config, application: Any) -> tuple[list[Any], Any]:
    """The webhook route (none when polling) and what starts and stops the bot."""
    from bot.adapters.telegram.webhook import running, webhook_route  # noqa: PLC0415

    url = cfg.telegram_webhook_url
    secret = cfg.telegram_webhook_secret.reveal() if cfg.telegram_webhook_secret else None
    routes = [] if url is None or secret is None else [
        webhook_route(application, webhook_path(cfg), secret, cfg.telegram_turns_at_once)
    ]  # fmt: skip
    started = running(
        application,
        webhook_url=url,
        secret=secret,
        drop_pending_updates=cfg.telegram_drop_pending_updates,
    )
    return routes, started


def run_telegram_webhook(cfg: Config, application: Any, db: Any) -> None:
    """``carercheck telegram --webhook``: the webhook and the operations routes on one port."""
    routes, started = telegram_parts(cfg, application)
    app = app_with_ops(db, routes, lambda app: started)
    run_http(app, cfg.telegram_webhook_listen, cfg.telegram_webhook_port)


def _problem(cfg: Config, cipher: Cipher | None) -> str | None:
    """Why ``serve`` cannot start with these settings, or None."""
    if cipher is None:
        return NO_KEY
    if cfg.dashboard_secret is None:
        return COOKIES_UNSIGNABLE
    if cfg.telegram_webhook_url is not None and cfg.telegram_webhook_secret is None:
        return WEBHOOK_UNGUARDED
    return None


def _serve(args: argparse.Namespace, cfg: Config) -> int:
    from bot.content import build_engine  # noqa: PLC0415
    from bot.storage import connect, upgrade  # noqa: PLC0415

    cipher = load_cipher(cfg)
    problem = _problem(cfg, cipher)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    assert cipher is not None
    engine = build_engine(cfg.flows_dir, cfg.locales_dir)
    db = connect(cfg.database_url)
    upgrade(db)
    worker = build_worker(cfg, engine, db, cipher)
    routes: list[Any] = []
    bot: Any = contextlib.nullcontext()
    if cfg.telegram_bot_token is None:
        log.warning("TELEGRAM_BOT_TOKEN is not set: serving without the Telegram bot")
    else:
        routes, bot = telegram_parts(cfg, telegram_application(cfg, engine, db, cipher))

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        async with bot, worker_running(worker, cfg.worker_every_seconds):
            yield  # on leaving: the worker stops after its batch, then the bot

    app = app_with_ops(db, [*routes, dashboard_app(cfg, engine, db, cipher)], lifespan)
    run_http(
        app, cfg.dashboard_listen, cfg.dashboard_port, trusted_proxies=cfg.dashboard_trusted_proxies
    )
    return 0


def add_parsers(sub: Any) -> None:
    """Add the ``serve`` command to the ``carercheck`` parser."""
    serve = sub.add_parser(
        "serve", help="the dashboard, web chat, Telegram bot and delivery worker in one process"
    )
    serve.set_defaults(fn=_serve)
