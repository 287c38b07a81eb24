from __future__ import annotations

from pathlib import Path

from bot.config import Config, Secret, read_dotenv


def test_defaults_need_nothing_configured(tmp_path: Path) -> None:
    cfg = Config.load(environ={}, dotenv=tmp_path / "missing.env")
    assert cfg.database_url == "sqlite:///carercheck.db"
    assert cfg.flows_dir.name == "flows"
    assert cfg.default_language == "en"
    assert cfg.log_format == "text"
    assert cfg.worker_port is None  # the worker serves no HTTP unless asked


def test_operations_settings(tmp_path: Path) -> None:
    environ = {"CARERCHECK_LOG_FORMAT": "JSON", "CARERCHECK_WORKER_PORT": "9102",
               "CARERCHECK_WORKER_LISTEN": "0.0.0.0"}  # fmt: skip
    cfg = Config.load(environ=environ, dotenv=tmp_path / "missing.env")
    assert (cfg.log_format, cfg.worker_port, cfg.worker_listen) == ("json", 9102, "0.0.0.0")


def test_environment_beats_dotenv_beats_default(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\n\nCARERCHECK_DATABASE_URL='sqlite:///from-file.db'\n"
        "CARERCHECK_LOG_LEVEL=INFO\nnot a setting\n",
        encoding="utf-8",
    )
    cfg = Config.load(environ={"CARERCHECK_LOG_LEVEL": "DEBUG"}, dotenv=dotenv)
    assert cfg.database_url == "sqlite:///from-file.db"
    assert cfg.log_level == "DEBUG"


def test_read_dotenv_ignores_junk(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text('A=1\n  B = "two"  \n#C=3\nD\n', encoding="utf-8")
    assert read_dotenv(dotenv) == {"A": "1", "B": "two"}


def test_secrets_never_show_themselves() -> None:
    secret = Secret("hunter2")
    assert "hunter2" not in repr(secret)
    assert "hunter2" not in str(secret)
    assert "hunter2" not in f"{secret}"
    assert secret.reveal() == "hunter2"


def test_telegram_settings_env_then_dotenv_and_the_token_stays_secret(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "TELEGRAM_BOT_TOKEN=from-file\nCARERCHECK_TELEGRAM_API_URL=http://x/bot\n", encoding="utf-8"
    )
    cfg = Config.load(environ={"CARERCHECK_TELEGRAM_BOT_TOKEN": "123:env"}, dotenv=dotenv)
    assert cfg.telegram_bot_token is not None
    assert cfg.telegram_bot_token.reveal() == "123:env"
    assert "123:env" not in repr(cfg)
    assert cfg.telegram_api_url == "http://x/bot"
    from_file = Config.load(environ={}, dotenv=dotenv).telegram_bot_token
    assert from_file is not None and from_file.reveal() == "from-file"
    none = Config.load(environ={}, dotenv=tmp_path / "missing.env")
    assert none.telegram_bot_token is None and none.telegram_api_url is None


def test_telegram_webhook_settings(tmp_path: Path) -> None:
    missing = tmp_path / "missing.env"
    defaults = Config.load(environ={}, dotenv=missing)
    assert defaults.telegram_webhook_url is None
    assert defaults.telegram_webhook_secret is None
    assert defaults.telegram_webhook_listen == "127.0.0.1"
    assert defaults.telegram_webhook_port == 8443
    assert defaults.telegram_drop_pending_updates is False
    cfg = Config.load(
        environ={
            "CARERCHECK_TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg-hook",
            "CARERCHECK_TELEGRAM_WEBHOOK_SECRET": "s3cret",
            "CARERCHECK_TELEGRAM_WEBHOOK_LISTEN": "0.0.0.0",
            "CARERCHECK_TELEGRAM_WEBHOOK_PORT": "8080",
            "CARERCHECK_TELEGRAM_DROP_PENDING_UPDATES": "Yes",
        },
        dotenv=missing,
    )
    assert cfg.telegram_webhook_url == "https://bot.example.org/tg-hook"
    assert cfg.telegram_webhook_secret is not None
    assert cfg.telegram_webhook_secret.reveal() == "s3cret"
    assert "s3cret" not in repr(cfg)
    assert (cfg.telegram_webhook_listen, cfg.telegram_webhook_port) == ("0.0.0.0", 8080)
    assert cfg.telegram_drop_pending_updates is True
    for value, expected in [("1", True), ("true", True), ("0", False), ("no", False)]:
        env = {"CARERCHECK_TELEGRAM_DROP_PENDING_UPDATES": value}
        assert Config.load(environ=env, dotenv=missing).telegram_drop_pending_updates is expected


def test_check_in_interval(tmp_path: Path) -> None:
    missing = tmp_path / "missing.env"
    assert Config.load(environ={}, dotenv=missing).check_in_every_seconds == 900.0
    env = {"CARERCHECK_CHECK_IN_EVERY_SECONDS": "60"}
    assert Config.load(environ=env, dotenv=missing).check_in_every_seconds == 60.0


def test_the_telegram_rate_limit_is_telegrams_unless_set(tmp_path: Path) -> None:
    missing = tmp_path / "missing.env"
    assert Config.load(environ={}, dotenv=missing).telegram_rate_limit == 30.0
    shared = {"CARERCHECK_TELEGRAM_RATE_LIMIT": "15"}  # two workers share Telegram's 30
    assert Config.load(environ=shared, dotenv=missing).telegram_rate_limit == 15.0
    off = {"CARERCHECK_TELEGRAM_RATE_LIMIT": "0"}
    assert Config.load(environ=off, dotenv=missing).telegram_rate_limit == 0.0
