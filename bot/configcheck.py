"""``carercheck config check``: will this deployment's settings work for what it runs?

Every finding names a setting and says what to do; none shows a value (most are secrets, and
a database URL can hold a password). A fatal finding fails the check; a warning does not.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from bot.config import Config, ConfigError, RawSettings, parse
from bot.engine.organisations import Organisation
from bot.settings import BOT, ROLES, SETTINGS, Setting, setting

COMMANDS = {
    "serve": "carercheck serve",
    "telegram": "carercheck telegram",
    "telegram-webhook": "carercheck telegram --webhook",
    "worker": "carercheck worker",
    "dashboard": "carercheck dashboard",
    "chat": "carercheck chat",
}
DELIVERS = ("worker", "serve")
"""Roles that deliver referrals by e-mail and webhook."""
PICTURES = (*BOT, "dashboard")
"""Roles that draw Easy Read cards (the web chat is the dashboard's)."""
FLAGS = {"", "1", "true", "yes", "0", "false", "no"}
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
SHORTEST_DASHBOARD_SECRET = 32


@dataclass(frozen=True)
class Finding:
    """Something wrong (``fatal``) or worth a look with one setting, and what to do."""

    setting: str
    message: str
    fatal: bool = True

    def line(self) -> str:
        """The finding as one line of output."""
        return f"{'problem' if self.fatal else 'warning'}: {self.setting}: {self.message}"


def role_for(argv: Sequence[str]) -> str | None:
    """The role of a ``carercheck`` command line (without ``carercheck``), or None."""
    if not argv:
        return None
    if argv[0] == "telegram":
        return "telegram-webhook" if "--webhook" in argv else "telegram"
    return argv[0] if argv[0] in ROLES else None


def needed(role: str, organisations: Iterable[Organisation]) -> dict[str, str]:
    """The settings ``role`` cannot run without, with why, for these organisations."""
    command = COMMANDS[role]
    found = {s.name: f"{command} needs it" for s in SETTINGS if role in s.needed_by}
    if role not in DELIVERS:
        return found
    for org in organisations:
        for way in org.delivery:
            if way.method == "webhook" and way.secret:
                found[way.secret] = f"organisation {org.id} signs its webhook with it"
            if way.method == "email":
                found.setdefault("CARERCHECK_SMTP_HOST", f"organisation {org.id} takes e-mail")
    return found


def check(raw: RawSettings, role: str | None, *, connect: bool = False) -> list[Finding]:
    """Everything wrong with these settings for ``role`` (None: only what is set)."""
    findings = [f for s in SETTINGS if not s.family for f in _readable(s, raw.values[s.name])]
    findings += _unknown(raw)
    unreadable = {f.setting for f in findings if f.fatal}
    cfg = Config.from_raw(
        replace(raw, values={s.name: s.default if s.name in unreadable else raw.values[s.name]
                             for s in SETTINGS if not s.family})
    )  # fmt: skip
    organisations, content = _content(cfg)
    findings += content + _values(cfg)
    if role is not None:
        findings += _needed(raw, cfg, role, organisations) + _machine(cfg, role)
    return findings + _database(cfg, role, connect=connect)


def _readable(s: Setting, text: str) -> list[Finding]:
    try:
        value = parse(s, text)
    except ConfigError as exc:
        return [Finding(s.name, exc.problem)]
    if s.kind == "flag" and text.strip().lower() not in FLAGS:
        return [Finding(s.name, "not understood: write yes or no")]
    if s.port and value is not None and not 0 < value < 65536:
        return [Finding(s.name, "not a port: write a number from 1 to 65535")]
    if s.kind in ("int", "seconds") and value <= 0:
        return [Finding(s.name, "must be more than 0")]
    if s.kind == "rate" and value < 0:
        return [Finding(s.name, "must be 0 (no limit) or more")]
    if s.kind == "url" and urlsplit(value).scheme not in ("http", "https"):
        return [Finding(s.name, "not a web address: write it like https://inbox.example.org")]
    return []


def _unknown(raw: RawSettings) -> list[Finding]:
    found = []
    for name in sorted(raw.given):
        try:
            setting(name)
        except KeyError:
            found.append(Finding(name, "not a carercheck setting (misspelt?)", fatal=False))
    return found


def _content(cfg: Config) -> tuple[list[Organisation], list[Finding]]:
    """The organisations, or why the flows or catalogs do not load."""
    from bot.content import build_engine  # noqa: PLC0415 - loading flows takes a moment
    from bot.engine import FlowError  # noqa: PLC0415

    findings = []
    if not cfg.locales_dir.is_dir():
        findings.append(
            Finding("CARERCHECK_LOCALES_DIR", "not a folder: point it at carercheck's locales/")
        )
    try:
        engine = build_engine(cfg.flows_dir, cfg.locales_dir)
    except FlowError as exc:
        why = f"the flows do not load ({len(exc.problems)} problem(s)): run carercheck flows check"
        return [], [*findings, Finding("CARERCHECK_FLOWS_DIR", why)]
    if not engine.catalogs.supports(cfg.default_language):
        speaks = ", ".join(engine.catalogs.languages())
        findings.append(Finding("CARERCHECK_DEFAULT_LANGUAGE", f"must be one of {speaks}"))
    return list(engine.organisations.values()), findings


def _values(cfg: Config) -> list[Finding]:
    """Settings that are set but will not work."""
    found = [
        Finding(
            "CARERCHECK_ENCRYPTION_KEYS",
            f"key {n} of {len(cfg.encryption_keys)} is not a Fernet key: make one with "
            "carercheck keys generate",
        )
        for n, key in enumerate(cfg.encryption_keys, start=1)
        if not _fernet(key.reveal())
    ]
    url = cfg.telegram_webhook_url
    if url is not None and not (urlsplit(url).scheme == "https" and urlsplit(url).hostname):
        found.append(
            Finding(
                "CARERCHECK_TELEGRAM_WEBHOOK_URL",
                "Telegram posts only to https: write it like https://bot.example.org/telegram-webhook",
            )
        )
    secret = cfg.telegram_webhook_secret
    if secret is not None and not WEBHOOK_SECRET.fullmatch(secret.reveal()):
        found.append(
            Finding(
                "CARERCHECK_TELEGRAM_WEBHOOK_SECRET",
                "Telegram takes 1 to 256 of A-Z a-z 0-9 _ - only: "
                + setting("CARERCHECK_TELEGRAM_WEBHOOK_SECRET").make,
            )
        )
    dashboard = cfg.dashboard_secret
    if dashboard is not None and len(dashboard.reveal()) < SHORTEST_DASHBOARD_SECRET:
        found.append(
            Finding(
                "CARERCHECK_DASHBOARD_SECRET",
                f"too short to be safe ({SHORTEST_DASHBOARD_SECRET} characters or more): "
                + setting("CARERCHECK_DASHBOARD_SECRET").make,
            )
        )
    if (cfg.smtp_username is None) != (cfg.smtp_password is None):
        missing = "PASSWORD" if cfg.smtp_password is None else "USERNAME"
        found.append(
            Finding(f"CARERCHECK_SMTP_{missing}", "set the SMTP login's name and password both")
        )
    return found


def _fernet(key: str) -> bool:
    from bot.storage.crypto import Cipher  # noqa: PLC0415 - cryptography only where needed

    try:
        Cipher([key])
    except ValueError:
        return False
    return True


def _needed(
    raw: RawSettings, cfg: Config, role: str, organisations: list[Organisation]
) -> list[Finding]:
    """Settings ``role`` cannot run without that are not set."""
    wanted = needed(role, organisations)
    if role == "serve" and cfg.telegram_webhook_url is not None:
        wanted["CARERCHECK_TELEGRAM_WEBHOOK_SECRET"] = "a webhook needs it"  # noqa: S105 - a reason
    found = []
    for name, why in wanted.items():
        value = cfg.webhook_secrets.get(name) if setting(name).family else raw.values[name]
        if not value:
            found.append(Finding(name, f"not set, and {why}: {setting(name).make}"))
    return found


def _machine(cfg: Config, role: str) -> list[Finding]:
    """Warnings about this machine: fonts, Graphviz, a cookie sent over plain HTTP."""
    found = []
    if role in PICTURES and not (cfg.fonts_dir / "NotoSans-Regular.ttf").is_file():
        found.append(
            Finding(
                "CARERCHECK_FONTS_DIR",
                "no Noto fonts there, so Easy Read goes without pictures: "
                "apt-get install fonts-noto-core",
                fatal=False,
            )
        )
    if role in ("dashboard", "serve") and shutil.which("dot") is None:
        found.append(
            Finding(
                "graphviz",
                "no dot program, so the flows page has no diagrams: apt-get install graphviz",
                fatal=False,
            )
        )
    if role in ("dashboard", "serve") and cfg.dashboard_insecure_cookies:
        found.append(
            Finding(
                "CARERCHECK_DASHBOARD_INSECURE_COOKIES",
                "sign-ins travel over plain HTTP: use it only on your own machine",
                fatal=False,
            )
        )
    return found


def _database(cfg: Config, role: str | None, *, connect: bool) -> list[Finding]:
    """Whether the URL names a database carercheck can use; with ``connect``, a migrated one."""
    from sqlalchemy.engine import make_url  # noqa: PLC0415
    from sqlalchemy.exc import ArgumentError  # noqa: PLC0415

    name = "CARERCHECK_DATABASE_URL"
    try:
        url = make_url(cfg.database_url)
    except ArgumentError:
        return [Finding(name, "not a database URL: write it like " + setting(name).example)]
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        return [Finding(name, "carercheck keeps its data in SQLite or PostgreSQL only")]
    try:
        url.get_dialect().import_dbapi()
    except ImportError:
        return [Finding(name, f"no {backend} driver: pip install 'carercheck[postgres]'")]
    found = []
    if backend == "sqlite" and role not in (None, "chat") and not _absolute(url.database):
        found.append(
            Finding(
                name,
                "a relative SQLite path depends on the working folder: "
                "write it like sqlite:////var/lib/carercheck/carercheck.db",
                fatal=False,
            )
        )
    return found + (_migrated(cfg.database_url) if connect else [])


def _absolute(database: str | None) -> bool:
    return database is not None and database.startswith("/")


def _migrated(database_url: str) -> list[Finding]:
    """Whether the database answers, and is at the newest migration."""
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    from bot.storage import connect  # noqa: PLC0415
    from bot.storage.migrate import is_current  # noqa: PLC0415

    name = "CARERCHECK_DATABASE_URL"
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and _missing_file(url.database):
        return [Finding(name, "no database file there yet: run carercheck db upgrade")]
    db = connect(database_url)
    try:
        current = is_current(db)
    except Exception as exc:  # any failure to connect is the finding
        return [Finding(name, f"cannot connect ({type(exc).__name__}): is the server running?")]
    finally:
        db.dispose()
    return (
        []
        if current
        else [Finding(name, "not migrated to this version: run carercheck db upgrade")]
    )


def _missing_file(database: str | None) -> bool:
    return bool(database) and database != ":memory:" and not Path(str(database)).exists()
