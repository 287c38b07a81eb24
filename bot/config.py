"""The one place that reads the environment: the environment, then ``.env``, then the default."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "CARERCHECK_"


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
    """Every setting carercheck has. Document new ones in the README's config table."""

    database_url: str
    flows_dir: Path
    locales_dir: Path
    default_language: str
    log_level: str
    telegram_bot_token: Secret | None = None
    telegram_api_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: Secret | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = 8443
    telegram_drop_pending_updates: bool = False
    telegram_rate_limit: float = 30.0
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
    dashboard_insecure_cookies: bool = False
    chat_frame_ancestors: str = "'self'"
    """Sites that may show the web chat in a frame (CSP frame-ancestors syntax)."""
    """Send the session cookie over plain HTTP too (only for trying it out on this machine)."""
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
    webhook_secrets: dict[str, Secret] = field(default_factory=dict)
    """Every ``CARERCHECK_WEBHOOK_SECRET_*`` setting, by its full name (organisations name them)."""

    @classmethod
    def load(cls, environ: dict[str, str] | None = None, dotenv: Path | None = None) -> Config:
        """Read settings from ``environ`` (default: the process), then ``.env``, then defaults."""
        env = dict(os.environ) if environ is None else environ
        file_values = read_dotenv(dotenv if dotenv is not None else Path(".env"))

        def get(name: str, default: str) -> str:
            key = PREFIX + name
            return env.get(key) or file_values.get(key) or default

        root = Path(__file__).resolve().parent.parent
        return cls(
            database_url=get("DATABASE_URL", "sqlite:///carercheck.db"),
            flows_dir=Path(get("FLOWS_DIR", str(root / "flows"))),
            locales_dir=Path(get("LOCALES_DIR", str(root / "locales"))),
            default_language=get("DEFAULT_LANGUAGE", "en"),
            log_level=get("LOG_LEVEL", "WARNING"),
            telegram_bot_token=_secret(env, file_values, "TELEGRAM_BOT_TOKEN"),
            telegram_api_url=get("TELEGRAM_API_URL", "") or None,
            telegram_webhook_url=get("TELEGRAM_WEBHOOK_URL", "") or None,
            telegram_webhook_secret=_optional_secret(get("TELEGRAM_WEBHOOK_SECRET", "")),
            telegram_webhook_listen=get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
            telegram_webhook_port=int(get("TELEGRAM_WEBHOOK_PORT", "8443")),
            telegram_drop_pending_updates=_flag(get("TELEGRAM_DROP_PENDING_UPDATES", "")),
            telegram_rate_limit=float(get("TELEGRAM_RATE_LIMIT", "30")),
            check_in_every_seconds=float(get("CHECK_IN_EVERY_SECONDS", "900")),
            cards_dir=Path(get("CARDS_DIR", "carercheck-cards")),
            fonts_dir=Path(get("FONTS_DIR", "/usr/share/fonts/truetype/noto")),
            encryption_keys=tuple(
                Secret(k.strip()) for k in get("ENCRYPTION_KEYS", "").split(",") if k.strip()
            ),
            key_file=Path(get("KEY_FILE", "carercheck.key")),
            dashboard_url=get("DASHBOARD_URL", "http://127.0.0.1:8080").rstrip("/"),
            dashboard_secret=_optional_secret(get("DASHBOARD_SECRET", "")),
            dashboard_listen=get("DASHBOARD_LISTEN", "127.0.0.1"),
            dashboard_port=int(get("DASHBOARD_PORT", "8080")),
            dashboard_insecure_cookies=_flag(get("DASHBOARD_INSECURE_COOKIES", "")),
            chat_frame_ancestors=get("CHAT_FRAME_ANCESTORS", "'self'"),
            smtp_host=get("SMTP_HOST", "") or None,
            smtp_port=int(get("SMTP_PORT", "587")),
            smtp_username=get("SMTP_USERNAME", "") or None,
            smtp_password=_optional_secret(get("SMTP_PASSWORD", "")),
            smtp_starttls=_flag(get("SMTP_STARTTLS", "yes")),
            smtp_from=get("SMTP_FROM", "carercheck@localhost"),
            delivery_max_attempts=int(get("DELIVERY_MAX_ATTEMPTS", "15")),
            delivery_backoff_seconds=float(get("DELIVERY_BACKOFF_SECONDS", "30")),
            delivery_backoff_max_seconds=float(get("DELIVERY_BACKOFF_MAX_SECONDS", "3600")),
            worker_every_seconds=float(get("WORKER_EVERY_SECONDS", "5")),
            webhook_secrets={
                key: Secret(value)
                for source in (file_values, env)
                for key, value in source.items()
                if key.startswith(PREFIX + "WEBHOOK_SECRET_") and value
            },
        )


def _flag(value: str) -> bool:
    """A yes/no setting: 1, true or yes (any case) mean yes; anything else means no."""
    return value.strip().lower() in {"1", "true", "yes"}


def _optional_secret(value: str) -> Secret | None:
    return Secret(value) if value else None


def _secret(env: dict[str, str], file_values: dict[str, str], name: str) -> Secret | None:
    """A secret read as ``CARERCHECK_<name>`` or plain ``<name>``: environment, then ``.env``."""
    for source in (env, file_values):
        value = source.get(PREFIX + name) or source.get(name)
        if value:
            return Secret(value)
    return None
