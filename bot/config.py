"""The one place that reads the environment: the environment, then ``.env``, then the default."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.settings import CHECKOUT, SETTINGS, Setting

PREFIX = "CARERCHECK_"
CHECKOUT_DIR = Path(__file__).resolve().parent.parent


class Secret:
    """A value that never shows itself in logs, reprs or tracebacks."""

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself; call only where it is used."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__


def read_dotenv(path: Path) -> dict[str, str]:
    """``KEY=value`` lines of a ``.env`` file (comments and blank lines ignored)."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


@dataclass(frozen=True)
class Config:
    """Every setting carercheck has; each is defined once, in ``bot.settings.SETTINGS``."""

    database_url: str
    flows_dir: Path
    locales_dir: Path
    default_language: str
    log_level: str
    log_format: str = "text"
    """``text`` lines for people or ``json`` lines for a log collector."""
    telegram_bot_token: Secret | None = None
    telegram_api_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: Secret | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = 8443
    telegram_drop_pending_updates: bool = False
    telegram_rate_limit: float = 30.0
    telegram_turns_at_once: int = 4
    """Messages a second this process may send; Telegram allows a bot about 30 in all, so with
    N workers give each 30/N. 0: no limit (only against a fake Bot API, for benchmarks)."""
    check_in_every_seconds: float = 900.0
    cards_dir: Path = Path("carercheck-cards")
    fonts_dir: Path = Path("/usr/share/fonts/truetype/noto")
    encryption_keys: tuple[Secret, ...] = ()
    """Fernet keys, newest first: the first encrypts, every one decrypts."""
    key_file: Path = Path("carercheck.key")
    """Where the terminal demo keeps the key it makes when none is configured."""
    dashboard_url: str = "http://127.0.0.1:8080"
    dashboard_secret: Secret | None = None
    """Signs the dashboard's session cookies; ``carercheck dashboard`` needs it."""
    dashboard_listen: str = "127.0.0.1"
    dashboard_port: int = 8080
    dashboard_trusted_proxies: str = "127.0.0.1"
    """The proxies whose X-Forwarded-For the dashboard believes (uvicorn's forwarded_allow_ips)."""
    dashboard_insecure_cookies: bool = False
    """Send the session cookie over plain HTTP too (only for trying it out on this machine)."""
    chat_frame_ancestors: str = "'self'"
    """Sites that may show the web chat in a frame (CSP frame-ancestors syntax)."""
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: Secret | None = None
    smtp_starttls: bool = True
    smtp_from: str = "carercheck@localhost"
    delivery_max_attempts: int = 15
    delivery_backoff_seconds: float = 30.0
    delivery_backoff_max_seconds: float = 3600.0
    worker_every_seconds: float = 5.0
    worker_listen: str = "127.0.0.1"
    worker_port: int | None = None
    """The worker's port for /healthz, /readyz and /metrics; None serves no HTTP."""
    webhook_secrets: dict[str, Secret] = field(default_factory=dict)
    """Every ``CARERCHECK_WEBHOOK_SECRET_*`` setting, by its full name (organisations name them)."""

    @classmethod
    def load(cls, environ: dict[str, str] | None = None, dotenv: Path | None = None) -> Config:
        """Read settings from ``environ`` (default: the process), then ``.env``, then defaults.

        Raises:
            ConfigError: A setting's text cannot be read (such as a port that is not a number).
        """
        return cls.from_raw(RawSettings.read(environ, dotenv))

    @classmethod
    def from_raw(cls, raw: RawSettings) -> Config:
        """The settings from their text; ConfigError names the first that cannot be read."""
        values = {s.field: parse(s, raw.values[s.name]) for s in SETTINGS if not s.family}
        return cls(**values, webhook_secrets=dict(raw.webhook_secrets))


class ConfigError(ValueError):
    """A setting whose text cannot be read (``carercheck config check`` lists every one)."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


@dataclass(frozen=True)
class RawSettings:
    """Each setting's text as found: the environment, then ``.env``, then its default.

    Attributes:
        values: The text of every setting in ``bot.settings.SETTINGS``, by name.
        given: Every ``CARERCHECK_*`` name (and alias) set to something, in either place.
        webhook_secrets: Every ``CARERCHECK_WEBHOOK_SECRET_*`` that is set, by its full name.
    """

    values: dict[str, str]
    given: frozenset[str]
    webhook_secrets: dict[str, Secret]

    @classmethod
    def read(cls, environ: dict[str, str] | None = None, dotenv: Path | None = None) -> RawSettings:
        """Read ``environ`` (default: the process) and ``dotenv`` (default: ``./.env``)."""
        env = dict(os.environ) if environ is None else environ
        file_values = read_dotenv(dotenv if dotenv is not None else Path(".env"))
        sources = (env, file_values)
        aliases = {a for s in SETTINGS for a in (s.name, *s.aliases)}
        family = next(s.prefix for s in SETTINGS if s.family)
        return cls(
            values={s.name: _text(s, sources) for s in SETTINGS if not s.family},
            given=frozenset(
                k for src in sources for k, v in src.items() if v and _ours(k, aliases)
            ),
            webhook_secrets={
                key: Secret(value)
                for source in (file_values, env)
                for key, value in source.items()
                if key.startswith(family) and value
            },
        )


def _ours(name: str, aliases: set[str]) -> bool:
    return name.startswith(PREFIX) or name in aliases


def _text(setting: Setting, sources: tuple[dict[str, str], ...]) -> str:
    """A setting's text: the first place that sets it (aliases first), else its default."""
    for source in sources:
        for name in (*setting.aliases, setting.name):
            if source.get(name):
                return source[name]
    return setting.default.replace(CHECKOUT, str(CHECKOUT_DIR))


def parse(setting: Setting, text: str) -> Any:
    """A setting's value from its text; ConfigError when the text cannot be read."""
    try:
        value = _PARSERS[setting.kind](text)
    except ValueError:
        raise ConfigError(setting.name, _WANTED[setting.kind]) from None
    if setting.choices and value not in setting.choices:
        same = [c for c in setting.choices if c.casefold() == str(value).strip().casefold()]
        if not same:  # json or JSON, info or INFO: the same choice
            raise ConfigError(setting.name, f"must be one of {', '.join(setting.choices)}")
        value = same[0]
    return value


def _optional_int(value: str) -> int | None:
    return int(value) if value.strip() else None


def _keys(value: str) -> tuple[Secret, ...]:
    return tuple(Secret(k.strip()) for k in value.split(",") if k.strip())


def _flag(value: str) -> bool:
    """A yes/no setting: 1, true or yes (any case) mean yes; anything else means no."""
    return value.strip().lower() in {"1", "true", "yes"}


def _optional_secret(value: str) -> Secret | None:
    return Secret(value) if value else None


_PARSERS: dict[str, Callable[[str], Any]] = {
    "text": str,
    "optional": lambda v: v or None,
    "int": int,
    "optional_int": _optional_int,
    "seconds": float,
    "rate": float,
    "flag": _flag,
    "path": Path,
    "secret": _optional_secret,
    "keys": _keys,
    "url": lambda v: v.rstrip("/"),
}
_WANTED = {
    "int": "not a whole number: write digits, such as 8080",
    "optional_int": "not a whole number: write digits, such as 9100, or leave it empty",
    "seconds": "not a number of seconds: write a number, such as 30 or 0.5",
    "rate": "not a number a second: write a number, such as 30 or 15, or 0 for no limit",
}
