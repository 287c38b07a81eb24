"""``carercheck config check | table | env``: the settings, checked and documented.

``table`` prints the README's configuration table and ``env`` prints ``deploy/.env.example``,
both from ``bot.settings.SETTINGS``; tests fail when either file differs from what they print.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

from bot.config import RawSettings
from bot.settings import ROLES, SETTINGS, Setting

ENV_HEADER = """\
# carercheck's settings: every one, with its default. Made by `carercheck config env`; the
# README's configuration table says the same. Copy it to .env (beside compose.yaml, or to
# /etc/carercheck/carercheck.env for systemd), fill in what you need, and keep it private:
# it holds secrets. Lines starting with # keep the default; an empty value means the
# default too. Then run `carercheck config check`.
"""
ENV_FOOTER = """\
# Only for deploy/compose.yaml: the password of the PostgreSQL it runs (the containers get a
# CARERCHECK_DATABASE_URL with it).
# To set it, {random}
POSTGRES_PASSWORD=
"""


def table() -> str:
    """The configuration table, in Markdown."""
    rows = [
        "| variable | default | example | needed by | what it is |",
        "|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        needed = ", ".join(f"`{r}`" for r in s.needed_by)
        if s.needed_when:
            needed = f"{needed}; {s.needed_when}" if needed else s.needed_when
        cells = [f"`{s.name}`", _default(s), _words_or_code(s.example), needed, s.description]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"


def _default(s: Setting) -> str:
    if s.shown_default:
        return s.shown_default
    return f"`{s.default}`" if s.default else "none"


def _words_or_code(text: str) -> str:
    return text if " " in text else f"`{text}`"


def env_example() -> str:
    """``deploy/.env.example``: every setting, empty, with what it is and how to make it."""
    from bot.settings import RANDOM  # noqa: PLC0415

    blocks = [ENV_HEADER]
    for s in SETTINGS:
        lines = textwrap.wrap(s.description.replace("`", ""), 94)
        default = s.shown_default.replace("`", "") or s.default or "none"
        facts = "A secret: no default." if s.secret else f"Default: {default}  Example: {s.example}"
        lines += textwrap.wrap(facts, 94, break_on_hyphens=False, break_long_words=False)
        if s.needed_by or s.needed_when:
            who = ", ".join(s.needed_by)
            who = f"{who}; {s.needed_when}" if who and s.needed_when else who or s.needed_when
            lines += textwrap.wrap(f"Needed by: {who}.", 94)
        if s.make:
            lines.append(f"To set it, {s.make}")  # a command is never broken
        blocks.append("".join(f"# {line}\n" for line in lines) + _assignment(s))
    blocks.append(ENV_FOOTER.format(random=RANDOM))
    return "\n".join(blocks)


def _assignment(s: Setting) -> str:
    """``NAME=`` for a setting to fill in; ``#NAME=default`` for one with a default.

    A setting with a default stays commented out, so an empty line never hides a value the
    container image or the systemd unit gives it.
    """
    if s.family:
        return f"{s.example}=\n"
    if s.default and not s.shown_default:
        return f"#{s.name}={s.default}\n"
    return f"#{s.name}=\n" if s.default else f"{s.name}=\n"


def _check(args: argparse.Namespace) -> int:
    from bot.configcheck import COMMANDS, check  # noqa: PLC0415

    findings = check(RawSettings.read(), args.role, connect=args.connect)
    for finding in findings:
        print(finding.line())
    what = f"for {COMMANDS[args.role]}" if args.role else "that are set"
    if any(f.fatal for f in findings):
        print(f"{sum(f.fatal for f in findings)} problem(s) in the settings {what}")
        return 1
    print(f"ok: the settings {what} look right")
    return 0


def _print(text: str) -> int:
    sys.stdout.write(text)
    return 0


def add_parsers(sub: Any) -> None:
    """Add ``config check | table | env`` to the ``carercheck`` parser."""
    config = sub.add_parser("config", help="check the settings, or print their documentation")
    config_sub = config.add_subparsers(dest="action", required=True)
    check = config_sub.add_parser(
        "check", help="what is missing or wrong in the settings (environment, then .env)"
    )
    check.add_argument(
        "--for",
        dest="role",
        choices=ROLES,
        default=None,
        help="what this process runs (default: check only the settings that are set)",
    )
    check.add_argument(
        "--connect", action="store_true", help="also connect to the database: is it migrated?"
    )
    check.set_defaults(config_fn=_check)
    config_sub.add_parser("table", help="the README's table of settings").set_defaults(
        config_fn=lambda _args: _print(table())
    )
    config_sub.add_parser("env", help="deploy/.env.example: every setting").set_defaults(
        config_fn=lambda _args: _print(env_example())
    )
