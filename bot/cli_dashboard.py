"""``carercheck dashboard | users | tokens | orgs``: the dashboard and its accounts."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from bot.cli_referrals import NO_KEY, load_cipher, now
from bot.config import Config

COOKIES_UNSIGNABLE = (
    "no dashboard secret: set CARERCHECK_DASHBOARD_SECRET to a long random string (it signs "
    "the session cookies)"
)


def _dashboard(args: argparse.Namespace, cfg: Config) -> int:
    import uvicorn  # noqa: PLC0415 - only the dashboard serves HTTP

    from bot.adapters.dashboard import build_dashboard  # noqa: PLC0415
    from bot.content import build_engine  # noqa: PLC0415
    from bot.storage import connect, upgrade  # noqa: PLC0415

    cipher = load_cipher(cfg)
    if cipher is None or cfg.dashboard_secret is None:
        print(NO_KEY if cipher is None else COOKIES_UNSIGNABLE, file=sys.stderr)
        return 2
    db = connect(cfg.database_url)
    upgrade(db)
    app = build_dashboard(
        build_engine(cfg.flows_dir, cfg.locales_dir), db, cipher,
        cfg.dashboard_secret.reveal(), https_only=not cfg.dashboard_insecure_cookies,
        chat_frame_ancestors=cfg.chat_frame_ancestors,
        cards=_cards(cfg),
    )  # fmt: skip
    uvicorn.run(
        app, host=cfg.dashboard_listen, port=cfg.dashboard_port, log_level="warning",
        proxy_headers=True, forwarded_allow_ips=cfg.dashboard_trusted_proxies,
    )  # fmt: skip
    return 0


def _cards(cfg: Config) -> Any:
    """The web chat's Easy Read cards, or None when the Noto fonts are not installed."""
    from bot.adapters.cards import LATIN, Cards  # noqa: PLC0415

    return Cards(cfg.cards_dir, cfg.fonts_dir) if (cfg.fonts_dir / LATIN).exists() else None


def _users(args: argparse.Namespace, cfg: Config) -> int:
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


def _orgs(args: argparse.Namespace, cfg: Config) -> int:
    from bot.content import build_engine  # noqa: PLC0415

    for org in build_engine(cfg.flows_dir, cfg.locales_dir).organisations.values():
        ways = ", ".join(["inbox", *(d.method for d in org.delivery)])
        example = " (example details)" if org.example else ""
        print(f"{org.id}: {org.name}{example}; delivery: {ways}")
    return 0


def add_parsers(sub: Any) -> None:
    """Add the dashboard, users and orgs commands to the ``carercheck`` parser."""
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
    users.set_defaults(fn=_users)
    tokens = sub.add_parser("tokens", help="API tokens for an organisation's own systems")
    tokens.add_argument("action", choices=["add", "revoke"])
    tokens.add_argument("--org", required=True, help="the organisation id")
    tokens.add_argument("--name", required=True, help="what the token is for")
    tokens.set_defaults(fn=_tokens)
    orgs = sub.add_parser("orgs", help="organisations (from flows/organisations/*.yaml)")
    orgs.add_argument("action", choices=["list"])
    orgs.set_defaults(fn=_orgs)
