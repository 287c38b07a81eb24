from __future__ import annotations

from pathlib import Path

from bot.config import Config, Secret, read_dotenv


def test_defaults_need_nothing_configured(tmp_path: Path) -> None:
    cfg = Config.load(environ={}, dotenv=tmp_path / "missing.env")
    assert cfg.database_url == "sqlite:///carercheck.db"
    assert cfg.flows_dir.name == "flows"
    assert cfg.default_language == "en"


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
