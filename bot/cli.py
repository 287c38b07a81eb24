"""The ``carercheck`` command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot import logs
from bot.cli_config import add_parsers as add_config_parsers
from bot.cli_dashboard import add_parsers as add_dashboard_parsers
from bot.cli_orgs import add_parsers as add_orgs_parsers
from bot.cli_referrals import NO_KEY, add_parsers, load_cipher
from bot.cli_serve import WEBHOOK_UNGUARDED, run_telegram_webhook, telegram_application
from bot.cli_serve import add_parsers as add_serve_parsers
from bot.config import Config, ConfigError
from bot.content import build_engine, load_flows
from bot.engine import FlowError
from bot.startup import settle

log = logging.getLogger("carercheck")


def now() -> datetime:
    """The wall clock, in UTC: adapters hand it to the engine with every input."""
    return datetime.now(UTC)


def _chat(args: argparse.Namespace, cfg: Config) -> int:
    from bot.adapters import jsonl, terminal  # noqa: PLC0415 - only the chat needs them
    from bot.storage import Conversations, ConversationStore, connect, upgrade  # noqa: PLC0415

    engine = build_engine(cfg.flows_dir, cfg.locales_dir)
    db = connect(cfg.database_url)
    upgrade(db)
    cipher = load_cipher(cfg, demo=True)
    conversations = Conversations(engine, ConversationStore(db), channel="terminal", cipher=cipher)
    conversations.purge(now())
    driver = jsonl if args.jsonl else terminal
    language = args.lang or cfg.default_language
    driver.run(
        conversations,
        args.user,
        sys.stdin,
        sys.stdout,
        clock=now,
        language=language,
        source=args.source,
        ask=args.lang is None and not args.jsonl,  # a person at a terminal chooses
    )
    return 0


def _telegram_problem(args: argparse.Namespace, cfg: Config) -> str | None:
    """Why the Telegram bot cannot start with these settings, or None."""
    if cfg.telegram_bot_token is None:
        return (
            "no Telegram bot token: set TELEGRAM_BOT_TOKEN (in the environment or .env) "
            "to the token BotFather gave you"
        )
    if args.webhook and cfg.telegram_webhook_url is None:
        return "no webhook URL: set CARERCHECK_TELEGRAM_WEBHOOK_URL to the public https URL"
    if args.webhook and cfg.telegram_webhook_secret is None:
        return WEBHOOK_UNGUARDED
    return None


def _telegram(args: argparse.Namespace, cfg: Config) -> int:
    from bot.storage import connect, upgrade  # noqa: PLC0415

    problem = _telegram_problem(args, cfg)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    cipher = load_cipher(cfg)
    if cipher is None:  # a real service never stores contact details unencrypted
        print(NO_KEY, file=sys.stderr)
        return 2
    engine = build_engine(cfg.flows_dir, cfg.locales_dir)
    db = connect(cfg.database_url)
    upgrade(db)
    application = telegram_application(cfg, engine, db, cipher)
    if args.webhook:  # with /healthz, /readyz and /metrics on the same port
        run_telegram_webhook(cfg, application, db)
    else:
        _run_polling(application, cfg)
    return 0


def _run_polling(application: Any, cfg: Config) -> None:
    from bot.adapters.telegram.app import ALLOWED_UPDATES  # noqa: PLC0415

    settle()
    application.run_polling(
        allowed_updates=ALLOWED_UPDATES, drop_pending_updates=cfg.telegram_drop_pending_updates
    )


def _flows_check(args: argparse.Namespace, cfg: Config) -> int:
    flows, services, problems = load_flows(cfg.flows_dir)
    sources = organisations = 0
    if not problems:
        try:
            engine = build_engine(cfg.flows_dir, cfg.locales_dir)
            sources = len(engine.sources)
            organisations = len(engine.organisations)
        except FlowError as exc:
            problems = exc.problems
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    nodes = sum(len(f.nodes) for f in flows)
    print(
        f"ok: {len(flows)} flow(s), {nodes} nodes, {len(services)} services, {sources} sources, "
        f"{organisations} organisations"
    )
    return 0


def _flows_diagram(args: argparse.Namespace, cfg: Config) -> int:
    from bot.diagram import draw  # noqa: PLC0415 - graphviz is only needed here

    flows, _, _ = load_flows(cfg.flows_dir)
    found = [f for f in flows if f.id == args.flow]
    if not found:
        known = ", ".join(sorted(f.id for f in flows)) or "none"
        print(f"unknown flow {args.flow!r} (known: {known})", file=sys.stderr)
        return 2
    out = draw(found[0], Path(args.output))
    print(f"wrote {out}")
    return 0


def _db(args: argparse.Namespace, cfg: Config) -> int:
    from bot.storage import connect, migrate  # noqa: PLC0415

    db = connect(cfg.database_url)
    if args.action == "purge":
        from bot.storage import Conversations, ConversationStore  # noqa: PLC0415

        engine = build_engine(cfg.flows_dir, cfg.locales_dir)
        deleted = Conversations(engine, ConversationStore(db), channel="any").purge(now())
        print(f"deleted {deleted} conversation(s) kept past their time")
        return 0
    if args.action == "upgrade":
        migrate.upgrade(db, args.revision or "head")
    elif args.action == "downgrade":
        migrate.downgrade(db, args.revision or "base")
    print(f"database at revision {migrate.current(db) or 'none'}")
    return 0


def _i18n(args: argparse.Namespace, cfg: Config) -> int:
    from bot.i18n import tools  # noqa: PLC0415 - only translators' tools need it
    from bot.i18n.languages import SUPPORTED  # noqa: PLC0415

    root = Path(__file__).resolve().parent.parent
    locales = cfg.locales_dir
    easy = sorted(p.name for p in locales.glob("*@easyread") if p.is_dir())
    codes = args.lang or [lang.code for lang in SUPPORTED] + easy
    present = [c for c in codes if tools.po_path(locales, c).exists()]
    if args.action == "extract":
        tools.extract(root, locales / tools.TEMPLATE)
        print(f"wrote {locales / tools.TEMPLATE}")
    elif args.action == "update":
        for path in tools.update(locales, codes):
            print(f"updated {path}")
    elif args.action == "compile":
        for path in tools.compile_all(locales, present):
            print(f"wrote {path}")
    else:
        return _i18n_stats(locales, codes)
    return 0


def _i18n_stats(locales: Path, codes: list[str]) -> int:
    from bot.i18n import tools  # noqa: PLC0415

    print(f"{'language':<10}{'translated':>12}{'fuzzy':>8}{'machine-drafted':>17}{'reviewed':>10}")
    incomplete = 0
    for code in codes:
        if not tools.po_path(locales, code).exists():
            print(f"{code:<10}{'no catalog':>12}")
            incomplete += 1
            continue
        st = tools.stats(locales, code)
        incomplete += st.translated < st.total
        print(
            f"{code:<10}{st.percent:>11.1f}%{st.fuzzy:>8}{st.machine_drafted:>17}{st.reviewed:>10}"
        )
    return 1 if incomplete else 0


def _easyread(args: argparse.Namespace, cfg: Config) -> int:
    from bot.adapters.cards import Cards, every_card, missing_glyphs  # noqa: PLC0415

    engine = build_engine(cfg.flows_dir, cfg.locales_dir)
    cards = Cards(cfg.cards_dir, cfg.fonts_dir)
    drawn, problems = 0, 0
    for picture, text, language in every_card(engine):
        if args.lang and language not in args.lang:
            continue
        missing = missing_glyphs(text, cfg.fonts_dir, language)
        if missing:
            problems += 1
            print(f"{language}: no glyph for {''.join(sorted(missing))!r} in {text[:40]!r}")
        cards.card(picture, text, language)
        drawn += 1
    print(f"{drawn} cards in {cfg.cards_dir}")
    return 1 if problems else 0


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="carercheck", description="Am I a carer? screening bot")
    sub = p.add_subparsers(dest="cmd", required=True)
    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--lang", default=None, help="language code, e.g. en")
    chat.add_argument("--user", default="local", help="who is chatting (resume by reusing it)")
    chat.add_argument("--jsonl", action="store_true", help="JSON lines in and out, for programs")
    chat.add_argument(
        "--source", default=None, help="a referral source id, as a deep link gives (src_<id>)"
    )
    chat.set_defaults(fn=_chat)
    telegram = sub.add_parser("telegram", help="run the Telegram bot (long polling)")
    telegram.add_argument(
        "--webhook", action="store_true", help="serve a webhook instead (see the README's config)"
    )
    telegram.set_defaults(fn=_telegram)
    flows = sub.add_parser("flows", help="check or draw flows").add_subparsers(
        dest="flows_cmd", required=True
    )
    flows.add_parser("check", help="validate every flow").set_defaults(fn=_flows_check)
    diagram = flows.add_parser("diagram", help="draw a flow as SVG (needs Graphviz)")
    diagram.add_argument("flow")
    diagram.add_argument("-o", "--output", required=True)
    diagram.set_defaults(fn=_flows_diagram)
    db = sub.add_parser(
        "db", help="database migrations; purge deletes conversations kept past their time"
    )
    db.add_argument("action", choices=["upgrade", "downgrade", "current", "purge"])
    db.add_argument("revision", nargs="?")
    db.set_defaults(fn=_db)
    add_parsers(sub)
    add_dashboard_parsers(sub)
    add_orgs_parsers(sub)
    add_serve_parsers(sub)
    add_config_parsers(sub)
    easyread = sub.add_parser("easyread", help="Easy Read picture cards")
    easyread.add_argument("action", choices=["cards"], help="cards: draw every card now")
    easyread.add_argument("--lang", nargs="*", help="only these languages")
    easyread.set_defaults(fn=_easyread)
    i18n = sub.add_parser("i18n", help="translation catalogs (Babel)")
    i18n.add_argument(
        "action",
        choices=["extract", "update", "compile", "stats"],
        help="extract: write the template; update: merge it into each language's PO; "
        "compile: write .mo files; stats: how far each language has got",
    )
    i18n.add_argument("--lang", nargs="*", help="language codes (default: every supported one)")
    i18n.set_defaults(fn=_i18n)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``carercheck`` command."""
    args = parser().parse_args(argv)
    if hasattr(args, "config_fn"):  # config check reads the settings its own way
        return int(args.config_fn(args))
    try:
        cfg = Config.load()
    except ConfigError as exc:
        print(f"{exc} (carercheck config check lists every problem)", file=sys.stderr)
        return 2
    if cfg.log_format not in logs.FORMATS:
        print(f"CARERCHECK_LOG_FORMAT is text or json, not {cfg.log_format!r}", file=sys.stderr)
        return 2
    logs.configure(cfg.log_level, cfg.log_format)
    try:
        code: int = args.fn(args, cfg)
    except FlowError as exc:
        print(exc, file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
