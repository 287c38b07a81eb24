"""``carercheck dashboard | users | tokens``: the dashboard and its accounts."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from typing import Any

from bot.cli_referrals import NO_KEY, load_cipher, now
from bot.config import Config
from bot.storage.crypto import Cipher

log = logging.getLogger("carercheck")

COOKIES_UNSIGNABLE = (
    "no dashboard secret: set CARERCHECK_DASHBOARD_SECRET to a long random string (it signs "
    "the session cookies)"
)


def _dashboard(args: argparse.Namespace, cfg: Config) -> int:
    from bot.cli_http import app_with_ops, run_http  # noqa: PLC0415 - only the dashboard serves
    from bot.content import build_engine  # noqa: PLC0415
    from bot.storage import connect, upgrade  # noqa: PLC0415

    cipher = load_cipher(cfg)
    if cipher is None or cfg.dashboard_secret is None:
        print(NO_KEY if cipher is None else COOKIES_UNSIGNABLE, file=sys.stderr)
        return 2
    db = connect(cfg.database_url)
    upgrade(db)
    dashboard = dashboard_app(cfg, build_engine(cfg.flows_dir, cfg.locales_dir), db, cipher)
    run_http(
        app_with_ops(db, [dashboard]), cfg.dashboard_listen, cfg.dashboard_port,
        trusted_proxies=cfg.dashboard_trusted_proxies,
    )  # fmt: skip
    return 0


def dashboard_app(cfg: Config, engine: Any, db: Any, cipher: Cipher) -> Any:
    """The dashboard (and web chat), mounted at ``/``; needs ``cfg.dashboard_secret``."""
    from starlette.routing import Mount  # noqa: PLC0415

    from bot.adapters.dashboard import build_dashboard  # noqa: PLC0415

    assert cfg.dashboard_secret is not None
    app = build_dashboard(
        engine, db, cipher, cfg.dashboard_secret.reveal(),
        https_only=not cfg.dashboard_insecure_cookies,
        chat_frame_ancestors=cfg.chat_frame_ancestors,
        cards=cards(cfg),
    )  # fmt: skip
    return Mount("/", app=app)


def cards(cfg: Config) -> Any:
    """Easy Read cards, or None (and a warning) when the Noto fonts are not installed."""
    from bot.adapters.cards import LATIN, Cards  # noqa: PLC0415 - Pillow only where needed

    if not (cfg.fonts_dir / LATIN).exists():
        log.warning(
            "Noto fonts not found, Easy Read is sent without pictures",
            extra={"fonts_dir": str(cfg.fonts_dir)},
        )
        return None
    return Cards(cfg.cards_dir, cfg.fonts_dir)


def _users(args: argparse.Namespace, cfg: Config) -> int:
    return _reset(args, cfg) if args.action == "reset" else _add_user(args, cfg)


def _reset(args: argparse.Namespace, cfg: Config) -> int:
    """Print a one-time link for the account to set a new password."""
    from bot.storage import connect, upgrade  # noqa: PLC0415
    from bot.storage.accounts import AccountStore  # noqa: PLC0415
    from bot.storage.passwords import RESET_LIFETIME, Passwords  # noqa: PLC0415

    db = connect(cfg.database_url)
    upgrade(db)
    account = AccountStore(db).find(args.email)
    token = Passwords(db).make_reset(account.id, None, now()) if account else None
    if token is None:
        address = args.email.strip().lower()
        print(f"no account that can sign in has the address {address}", file=sys.stderr)
        return 2
    print(f"{cfg.dashboard_url}/reset/{token}")
    hours = int(RESET_LIFETIME.total_seconds() // 3600)
    print(f"give it to them yourself: it works once, for {hours} hours", file=sys.stderr)
    return 0


def _add_user(args: argparse.Namespace, cfg: Config) -> int:
    from bot.content import build_engine  # noqa: PLC0415
    from bot.storage import connect, upgrade  # noqa: PLC0415
    from bot.storage.accounts import AccountError, AccountStore  # noqa: PLC0415

    organisations = build_engine(cfg.flows_dir, cfg.locales_dir).organisations
    if args.org is not None and args.org not in organisations:
        known = ", ".join(sorted(organisations)) or "none"
        print(f"unknown organisation {args.org!r} (known: {known})", file=sys.stderr)
        return 2
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password (12 characters or more): ")
    db = connect(cfg.database_url)
    upgrade(db)
    try:
        account = AccountStore(db).add(
            args.email,
            args.name,
            organisation=args.org,
            role=args.role,
            password=password,
            at=now(),
        )
    except AccountError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"added {account.email} ({account.role}{', ' + args.org if args.org else ''})")
    return 0


def _tokens(args: argparse.Namespace, cfg: Config) -> int:
    from bot.content import build_engine  # noqa: PLC0415
    from bot.storage import connect, upgrade  # noqa: PLC0415
    from bot.storage.tokens import TokenStore  # noqa: PLC0415

    if args.org not in build_engine(cfg.flows_dir, cfg.locales_dir).organisations:
        print(f"unknown organisation {args.org!r}", file=sys.stderr)
        return 2
    db = connect(cfg.database_url)
    upgrade(db)
    tokens = TokenStore(db)
    if args.action == "revoke":
        print(f"revoked {tokens.revoke(args.org, args.name)} token(s)")
        return 0
    print(tokens.add(args.org, args.name, now()))
    print("keep it safe: it is shown only this once", file=sys.stderr)
    return 0


def add_parsers(sub: Any) -> None:
    """Add the dashboard, users and tokens commands to the ``carercheck`` parser."""
    dashboard = sub.add_parser("dashboard", help="serve the organisations' dashboard")
    dashboard.set_defaults(fn=_dashboard)
    users = sub.add_parser("users", help="dashboard accounts")
    users_sub = users.add_subparsers(dest="action", required=True)
    add = users_sub.add_parser("add", help="add an account (asks for the password)")
    add.add_argument("email")
    add.add_argument("--name", required=True)
    add.add_argument("--org", default=None, help="the organisation id (none for system_admin)")
    add.add_argument("--role", choices=["worker", "org_admin", "system_admin"], default="worker")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    reset = users_sub.add_parser("reset", help="print a one-time link to set a new password")
    reset.add_argument("email")
    users.set_defaults(fn=_users)
    tokens = sub.add_parser("tokens", help="API tokens for an organisation's own systems")
    tokens.add_argument("action", choices=["add", "revoke"])
    tokens.add_argument("--org", required=True, help="the organisation id")
    tokens.add_argument("--name", required=True, help="what the token is for")
    tokens.set_defaults(fn=_tokens)
