"""``carercheck worker | keys | purge | referrals``: referrals, encryption and retention."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

from bot.config import Config
from bot.startup import settle
from bot.storage.crypto import Cipher

log = logging.getLogger("carercheck")

DEMO_WARNING = (
    "no encryption key is configured (CARERCHECK_ENCRYPTION_KEYS), so this terminal demo made "
    "one in {path}. Anyone who can read that file can read the data: never run a real service "
    "this way."
)
NO_KEY = (
    "no encryption key: set CARERCHECK_ENCRYPTION_KEYS (make one with: carercheck keys "
    "generate). carercheck stores contact details only encrypted."
)


def now() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(UTC)


def load_cipher(cfg: Config, *, demo: bool = False) -> Cipher | None:
    """The configured keys; for the demo a key file it makes if needed; else None."""
    if cfg.encryption_keys:
        return Cipher([k.reveal() for k in cfg.encryption_keys])
    if not demo:
        return None
    path = cfg.key_file
    if not path.exists():
        path.write_text(Cipher.generate_key() + "\n", encoding="ascii")
        os.chmod(path, 0o600)
    print(DEMO_WARNING.format(path=path), file=sys.stderr)
    return Cipher([path.read_text(encoding="ascii").strip()])


def _services(cfg: Config) -> tuple[Any, Any, Any]:
    from bot.content import build_engine  # noqa: PLC0415
    from bot.storage import connect, upgrade  # noqa: PLC0415

    engine = build_engine(cfg.flows_dir, cfg.locales_dir)
    db = connect(cfg.database_url)
    upgrade(db)
    return engine, db, load_cipher(cfg)


def build_worker(cfg: Config, engine: Any, db: Any, cipher: Cipher) -> Any:
    """The delivery worker with every sender these settings allow (e-mail needs SMTP)."""
    from bot.referrals.senders import EmailSender, Sender, Smtp, WebhookSender  # noqa: PLC0415
    from bot.referrals.worker import Backoff, Worker  # noqa: PLC0415
    from bot.storage.outbox import Outbox  # noqa: PLC0415

    senders: dict[str, Sender] = {"webhook": WebhookSender(cfg.webhook_secrets)}
    if cfg.smtp_host:
        smtp = Smtp(cfg.smtp_host, cfg.smtp_port, cfg.smtp_username, cfg.smtp_password,
                    cfg.smtp_starttls, cfg.smtp_from)  # fmt: skip
        senders["email"] = EmailSender(smtp, cfg.dashboard_url, engine.organisations)
    else:
        log.warning("CARERCHECK_SMTP_HOST is not set: e-mail deliveries wait until it is")
    backoff = Backoff(
        cfg.delivery_backoff_seconds, cfg.delivery_backoff_max_seconds, cfg.delivery_max_attempts
    )
    return Worker(Outbox(db, cipher), senders, now, backoff=backoff)


@contextlib.asynccontextmanager
async def worker_running(worker: Any, every: float) -> AsyncIterator[None]:
    """The worker delivering in the background; on leaving it stops after its current batch."""
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop, every))
    try:
        yield
    finally:
        stop.set()
        await task


def _worker(args: argparse.Namespace, cfg: Config) -> int:
    engine, db, cipher = _services(cfg)
    if cipher is None:
        print(NO_KEY, file=sys.stderr)
        return 2
    worker = build_worker(cfg, engine, db, cipher)
    if args.once:
        print(f"tried {asyncio.run(worker.run_once())} deliveries")
        return 0
    if cfg.worker_port is not None:  # health checks and metrics on a port of its own
        from bot.cli_http import app_with_ops, run_http  # noqa: PLC0415

        def lifespan(app: Any) -> AbstractAsyncContextManager[None]:
            return worker_running(worker, cfg.worker_every_seconds)

        run_http(app_with_ops(db, [], lifespan), cfg.worker_listen, cfg.worker_port)
        return 0
    settle()
    asyncio.run(_run_until_stopped(lambda stop: worker.run(stop, cfg.worker_every_seconds)))
    return 0


async def _run_until_stopped(run: Callable[[asyncio.Event], Any]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run(stop)


def _keys(args: argparse.Namespace, cfg: Config) -> int:
    if args.action == "generate":
        print(Cipher.generate_key())
        return 0
    from bot.storage import ConversationStore, connect  # noqa: PLC0415
    from bot.storage.referrals import ReferralStore  # noqa: PLC0415

    cipher = load_cipher(cfg)
    if cipher is None:
        print(NO_KEY, file=sys.stderr)
        return 2
    db = connect(cfg.database_url)
    conversations = ConversationStore(db).rotate(cipher)
    referrals = ReferralStore(db, cipher, {}).rotate(cipher)
    print(f"re-encrypted {conversations} conversation(s) and {referrals} referral value(s)")
    print("every value now opens with the first key; the others can be removed")
    return 0


def _purge(args: argparse.Namespace, cfg: Config) -> int:
    from bot.storage import Conversations, ConversationStore  # noqa: PLC0415
    from bot.storage.passwords import Passwords  # noqa: PLC0415
    from bot.storage.webchat import WebTranscript  # noqa: PLC0415

    engine, db, cipher = _services(cfg)
    at = now()
    conversations = Conversations(engine, ConversationStore(db), channel="any", cipher=cipher)
    deleted = conversations.purge(at)
    counts = conversations.referrals.purge(at)
    counts["web_chat_message"] = WebTranscript(db, cipher).purge(at - conversations.kept_for)
    counts["password_reset_link"] = Passwords(db).purge(at)
    print(f"deleted {deleted} conversation(s) kept past their time")
    for name, n in counts.items():
        print(f"deleted {n} {name.replace('_', ' ')}(s) kept past their time")
    return 0


def _referrals(args: argparse.Namespace, cfg: Config) -> int:
    from bot.referrals.desk import change_status  # noqa: PLC0415
    from bot.storage.referrals import ReferralStore  # noqa: PLC0415

    engine, db, cipher = _services(cfg)
    store = ReferralStore(db, cipher, engine.organisations)
    if args.action == "show":
        print(json.dumps(store.record(args.reference), ensure_ascii=False, indent=2))
        return 0
    told = change_status(
        engine, store, args.reference, args.status, at=now(), by="command line", note=args.note
    )
    print(f"{args.reference} is now {args.status}; the person will be told:")
    for text in told:
        print(f"  {text}")
    return 0


def add_parsers(sub: Any) -> None:
    """Add the referral, key and retention commands to the ``carercheck`` parser."""
    worker = sub.add_parser("worker", help="deliver referrals (e-mail, webhooks), with retries")
    worker.add_argument("--once", action="store_true", help="one round, then stop")
    worker.set_defaults(fn=_worker)
    keys = sub.add_parser("keys", help="encryption keys: generate one, or rotate data to the first")
    keys.add_argument("action", choices=["generate", "rotate"])
    keys.set_defaults(fn=_keys)
    purge = sub.add_parser("purge", help="delete every kind of data kept past its time")
    purge.set_defaults(fn=_purge)
    referrals = sub.add_parser("referrals", help="look at a referral, or change its status")
    ref_sub = referrals.add_subparsers(dest="action", required=True)
    show = ref_sub.add_parser("show", help="the referral as the organisation gets it")
    show.add_argument("reference")
    status = ref_sub.add_parser("status", help="set the status; the person is told")
    status.add_argument("reference")
    status.add_argument("status", choices=["new", "acknowledged", "contacted", "closed"])
    status.add_argument("--note", default=None, help="a message for the person")
    referrals.set_defaults(fn=_referrals)
