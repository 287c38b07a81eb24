"""Every setting carercheck reads, as data: the one table ``bot.config`` loads and documents.

``Config.load`` reads each of these (the environment, then ``.env``, then ``default``);
``carercheck config table`` prints the README's table from them, ``carercheck config env``
prints ``deploy/.env.example``, and ``carercheck config check`` checks a deployment against
``needed_by``. Tests keep all three in step with this module.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("serve", "telegram", "telegram-webhook", "worker", "dashboard", "chat")
"""What a process runs, for ``config check --for``: a command (``telegram --webhook`` is
``telegram-webhook``; ``chat`` is the terminal chat)."""

BOT = ("serve", "telegram", "telegram-webhook")
REFERRALS = ("serve", "telegram", "telegram-webhook", "worker", "dashboard")
"""Every role that stores or reads referrals: they need the encryption keys."""

CHECKOUT = "{checkout}"
"""Stands, in a default, for the directory carercheck was installed from."""


@dataclass(frozen=True)
class Setting:
    """One setting.

    Attributes:
        name: The environment variable (``<NAME>`` marks a family of them).
        field: The ``Config`` field it fills.
        kind: How its text is read: ``text``, ``optional`` (empty means none), ``int``,
            ``optional_int``, ``seconds``, ``flag`` (1, true or yes), ``path``, ``secret``,
            ``keys`` (comma-separated secrets) or ``url``.
        default: The text used when it is not set ("" for none).
        example: A value a deployment might use.
        description: What it is, for the table and ``.env.example``.
        needed_by: Roles that refuse to run without it.
        needed_when: Roles that need it only sometimes, and when (for the table).
        make: How to get a value ("make one with: ...", "use ..."), for settings someone
            has to make or look up.
        shown_default: How the table shows the default, when ``default`` would mislead.
        aliases: Other names for it, tried before ``name``.
        choices: The values it may take, if only some.
        port: Whether it is a TCP port (1 to 65535).
    """

    name: str
    field: str
    kind: str
    default: str
    example: str
    description: str
    needed_by: tuple[str, ...] = ()
    needed_when: str = ""
    make: str = ""
    shown_default: str = ""
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    port: bool = False

    @property
    def secret(self) -> bool:
        """Whether its value must never be shown."""
        return self.kind in ("secret", "keys")

    @property
    def family(self) -> bool:
        """Whether it stands for every variable starting with :attr:`prefix`."""
        return "<" in self.name

    @property
    def prefix(self) -> str:
        """The part of the name before ``<NAME>``."""
        return self.name.split("<", 1)[0]


FERNET = "make one with: carercheck keys generate"
EVERYWHERE = "0.0.0.0"  # noqa: S104 - an example: in a container, listen on every address
RANDOM_COMMAND = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
RANDOM = "make one with: " + RANDOM_COMMAND

SETTINGS: tuple[Setting, ...] = (
    Setting("CARERCHECK_DATABASE_URL", "database_url", "text", "sqlite:///carercheck.db",
            "postgresql+psycopg://carercheck:PASSWORD@db:5432/carercheck",
            "Where conversations and referrals are kept (a SQLAlchemy URL: SQLite or "
            "PostgreSQL). `carercheck db upgrade` migrates it."),
    Setting("CARERCHECK_FLOWS_DIR", "flows_dir", "path", f"{CHECKOUT}/flows",
            "/opt/carercheck/flows", "The flows, services, sources and organisations.",
            shown_default="`flows/` in the checkout"),
    Setting("CARERCHECK_LOCALES_DIR", "locales_dir", "path", f"{CHECKOUT}/locales",
            "/opt/carercheck/locales", "The translation catalogs.",
            shown_default="`locales/` in the checkout"),
    Setting("CARERCHECK_DEFAULT_LANGUAGE", "default_language", "text", "en", "cy",
            "The language before a person chooses one."),
    Setting("CARERCHECK_LOG_LEVEL", "log_level", "text", "WARNING", "INFO",
            "How much carercheck logs. Libraries that log message text stay at WARNING; "
            "logs never hold names, contacts or what people wrote.",
            choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    Setting("CARERCHECK_LOG_FORMAT", "log_format", "text", "text", "json",
            "`text` lines for people, or `json` lines for a log collector.",
            choices=("text", "json")),
    Setting("TELEGRAM_BOT_TOKEN", "telegram_bot_token", "secret", "", "123456:ABC-DEF…",
            "The Telegram bot's token (also read as `CARERCHECK_TELEGRAM_BOT_TOKEN`).",
            needed_by=BOT, make="use the token BotFather gives you for the bot (/newbot)",
            aliases=("CARERCHECK_TELEGRAM_BOT_TOKEN",)),
    Setting("CARERCHECK_TELEGRAM_API_URL", "telegram_api_url", "optional", "",
            "http://127.0.0.1:8081/bot",
            "A Bot API server other than Telegram's own (`https://api.telegram.org/bot`)."),
    Setting("CARERCHECK_TELEGRAM_WEBHOOK_URL", "telegram_webhook_url", "optional", "",
            "https://bot.example.org/telegram-webhook",
            "The public https URL Telegram posts updates to; the bot serves its path and "
            "registers it with Telegram when it starts.",
            needed_by=("telegram-webhook",), needed_when="serve, to take updates by webhook",
            make="use the public https URL of the bot's webhook, such as "
            "https://bot.example.org/telegram-webhook"),
    Setting("CARERCHECK_TELEGRAM_WEBHOOK_SECRET", "telegram_webhook_secret", "secret", "",
            "a long random string",
            "Telegram sends it with every update; the webhook refuses updates without it "
            "(`A-Z a-z 0-9 _ -`, 1 to 256 characters).",
            needed_by=("telegram-webhook",), needed_when="serve, with a webhook URL",
            make=RANDOM),
    Setting("CARERCHECK_TELEGRAM_WEBHOOK_LISTEN", "telegram_webhook_listen", "text",
            "127.0.0.1", EVERYWHERE, "The address `telegram --webhook` listens on."),
    Setting("CARERCHECK_TELEGRAM_WEBHOOK_PORT", "telegram_webhook_port", "int", "8443", "8080",
            "The port `telegram --webhook` listens on (put HTTPS in front of it).", port=True),
    Setting("CARERCHECK_TELEGRAM_DROP_PENDING_UPDATES", "telegram_drop_pending_updates",
            "flag", "no", "yes", "Skip the updates sent while the bot was down."),
    Setting("CARERCHECK_TELEGRAM_RATE_LIMIT", "telegram_rate_limit", "rate", "30", "15",
            "Messages a second each bot process sends at most (Telegram allows about 30 for "
            "the whole bot: with N webhook workers, give each 30/N; 0: no limit)."),
    Setting("CARERCHECK_TELEGRAM_TURNS_AT_ONCE", "telegram_turns_at_once", "int", "4", "8",
            "Webhook updates a bot process works on at once; more wait (a bound keeps each "
            "turn quick under load: see bench/README.md)."),
    Setting("CARERCHECK_CHECK_IN_EVERY_SECONDS", "check_in_every_seconds", "seconds", "900",
            "60", "How often the Telegram bot sends check-ins that have fallen due and "
            "deletes conversations kept past their time."),
    Setting("CARERCHECK_CARDS_DIR", "cards_dir", "path", "carercheck-cards",
            "/var/cache/carercheck/cards", "Where Easy Read picture cards are kept once drawn."),
    Setting("CARERCHECK_FONTS_DIR", "fonts_dir", "path", "/usr/share/fonts/truetype/noto",
            "/usr/local/share/fonts/noto",
            "The Noto fonts (Debian's `fonts-noto-core`); without them Easy Read is sent "
            "without pictures."),
    Setting("CARERCHECK_ENCRYPTION_KEYS", "encryption_keys", "keys", "",
            "NEWKEY,OLDKEY",
            "Fernet keys, newest first: the first encrypts, every one decrypts (see "
            "`docs/referrals.md` for rotating them).",
            needed_by=REFERRALS, make=FERNET),
    Setting("CARERCHECK_KEY_FILE", "key_file", "path", "carercheck.key", "demo.key",
            "Where the terminal demo keeps the key it makes when no key is set."),
    Setting("CARERCHECK_DASHBOARD_URL", "dashboard_url", "url", "http://127.0.0.1:8080",
            "https://inbox.example.org",
            "The dashboard's public address: the link in referral e-mails, and the site the "
            "proxy in `deploy/` serves."),
    Setting("CARERCHECK_DASHBOARD_SECRET", "dashboard_secret", "secret", "",
            "a long random string", "Signs the dashboard's session cookies (32 characters "
            "or more).", needed_by=("serve", "dashboard"), make=RANDOM),
    Setting("CARERCHECK_DASHBOARD_LISTEN", "dashboard_listen", "text", "127.0.0.1", EVERYWHERE,
            "The address the dashboard (and `serve`) listens on."),
    Setting("CARERCHECK_DASHBOARD_PORT", "dashboard_port", "int", "8080", "8000",
            "The port the dashboard (and `serve`) listens on (put HTTPS in front of it).",
            port=True),
    Setting("CARERCHECK_DASHBOARD_TRUSTED_PROXIES", "dashboard_trusted_proxies", "text",
            "127.0.0.1", "172.30.64.0/24",
            "Addresses or networks of the HTTPS proxy in front of the dashboard, comma-separated: "
            "their X-Forwarded-For names the client (sign-in throttling counts per client)."),
    Setting("CARERCHECK_DASHBOARD_INSECURE_COOKIES", "dashboard_insecure_cookies", "flag",
            "no", "yes", "Send the session cookie over plain HTTP too: only to try the "
            "dashboard on this machine."),
    Setting("CARERCHECK_CHAT_FRAME_ANCESTORS", "chat_frame_ancestors", "text", "'self'",
            "https://carers.example.org",
            "Sites that may show the web chat in a frame (CSP `frame-ancestors`).",
            shown_default="`'self'` (only the dashboard's own site)"),
    Setting("CARERCHECK_SMTP_HOST", "smtp_host", "optional", "", "smtp.example.org",
            "The mail server that sends referral e-mails; without it e-mail deliveries wait.",
            needed_when="worker and serve, when an organisation takes referrals by e-mail",
            make="use your mail server's name, such as smtp.example.org"),
    Setting("CARERCHECK_SMTP_PORT", "smtp_port", "int", "587", "25",
            "The mail server's port.", port=True),
    Setting("CARERCHECK_SMTP_USERNAME", "smtp_username", "optional", "", "carercheck",
            "The mail server login, if it needs one."),
    Setting("CARERCHECK_SMTP_PASSWORD", "smtp_password", "secret", "", "the login's password",
            "The mail server login's password.", make="use the password of the mail login"),
    Setting("CARERCHECK_SMTP_STARTTLS", "smtp_starttls", "flag", "yes", "no",
            "Encrypt the mail connection with STARTTLS (`no` only for a relay on this "
            "machine)."),
    Setting("CARERCHECK_SMTP_FROM", "smtp_from", "text", "carercheck@localhost",
            "referrals@carers.example.org", "The sender of referral e-mails."),
    Setting("CARERCHECK_WEBHOOK_SECRET_<NAME>", "webhook_secrets", "secret", "",
            "CARERCHECK_WEBHOOK_SECRET_LLR_YOUNG_CARERS",
            "The signing secret a webhook in `flows/organisations/` names (one setting each).",
            needed_when="worker and serve, for each organisation webhook that names it",
            make="use the secret agreed with the organisation, or " + RANDOM_COMMAND),
    Setting("CARERCHECK_DELIVERY_MAX_ATTEMPTS", "delivery_max_attempts", "int", "15", "20",
            "Tries before a delivery is set aside as failed."),
    Setting("CARERCHECK_DELIVERY_BACKOFF_SECONDS", "delivery_backoff_seconds", "seconds", "30",
            "60", "The wait after the first failed try (it doubles each time)."),
    Setting("CARERCHECK_DELIVERY_BACKOFF_MAX_SECONDS", "delivery_backoff_max_seconds",
            "seconds", "3600", "7200", "The longest wait between tries."),
    Setting("CARERCHECK_WORKER_EVERY_SECONDS", "worker_every_seconds", "seconds", "5", "2",
            "How often an idle worker looks for deliveries that are due."),
    Setting("CARERCHECK_WORKER_LISTEN", "worker_listen", "text", "127.0.0.1", EVERYWHERE,
            "The address the worker's health and metrics port listens on."),
    Setting("CARERCHECK_WORKER_PORT", "worker_port", "optional_int", "", "9100",
            "A port for the worker's `/healthz`, `/readyz` and `/metrics` (none: no HTTP).",
            port=True),
)  # fmt: skip


def setting(name: str) -> Setting:
    """The setting called ``name`` (a family's members find their family)."""
    for s in SETTINGS:
        if s.name == name or name in s.aliases or (s.family and name.startswith(s.prefix)):
            return s
    raise KeyError(name)
