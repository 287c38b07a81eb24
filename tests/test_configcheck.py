"""``carercheck config check``: for each role, what a good and a bad deployment hear."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from sqlalchemy import Engine as SAEngine

from bot.cli import main
from bot.config import RawSettings
from bot.configcheck import Finding, check, role_for
from bot.storage.crypto import Cipher
from bot.storage.migrate import downgrade, upgrade

KEY = Cipher.generate_key()
TOKEN = "TELEGRAM_BOT_TOKEN"
KEYS = "CARERCHECK_ENCRYPTION_KEYS"
HOOK_URL = "CARERCHECK_TELEGRAM_WEBHOOK_URL"
HOOK_SECRET = "CARERCHECK_TELEGRAM_WEBHOOK_SECRET"
DASHBOARD_SECRET = "CARERCHECK_DASHBOARD_SECRET"
SMTP = "CARERCHECK_SMTP_HOST"
ORG_SECRET = "CARERCHECK_WEBHOOK_SECRET_LLR_YOUNG_CARERS"  # flows/organisations/llr.yaml
NEEDS = {
    "serve": {TOKEN, KEYS, DASHBOARD_SECRET, SMTP, ORG_SECRET},
    "telegram": {TOKEN, KEYS},
    "telegram-webhook": {TOKEN, KEYS, HOOK_URL, HOOK_SECRET},
    "worker": {KEYS, SMTP, ORG_SECRET},
    "dashboard": {KEYS, DASHBOARD_SECRET},
    "chat": set(),
}
"""What each role cannot run without, with the shipped organisations (one takes e-mail, one a
webhook); ``serve`` polls when it has no webhook URL."""
VALUES = {
    TOKEN: "123456:ABC-token-value",
    KEYS: KEY,
    HOOK_URL: "https://bot.example.org/telegram-webhook",
    HOOK_SECRET: "hook_secret-value",
    DASHBOARD_SECRET: secrets.token_urlsafe(32),
    SMTP: "smtp.example.org",
    ORG_SECRET: "org-secret-value",
}


@pytest.fixture
def base(tmp_path: Path) -> dict[str, str]:
    """Settings every role shares: an absolute SQLite file, and no catalogs (quicker to load)."""
    (tmp_path / "locales").mkdir()
    return {
        "CARERCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'carercheck.db'}",
        "CARERCHECK_LOCALES_DIR": str(tmp_path / "locales"),
    }


def run(env: dict[str, str], role: str | None, *, connect: bool = False) -> list[Finding]:
    return check(RawSettings.read(env, Path("/nonexistent/.env")), role, connect=connect)


def fatal(findings: list[Finding]) -> set[str]:
    return {f.setting for f in findings if f.fatal}


@pytest.mark.parametrize("role", sorted(NEEDS))
def test_each_role_runs_with_what_it_needs_and_names_each_missing_one(
    role: str, base: dict[str, str]
) -> None:
    needed = {name: VALUES[name] for name in NEEDS[role]}
    assert fatal(run(base | needed, role)) == set()
    for name in needed:
        findings = run(base | {k: v for k, v in needed.items() if k != name}, role)
        assert fatal(findings) == {name}
        assert "not set" in next(f.message for f in findings if f.setting == name)


def test_serve_with_a_webhook_url_needs_its_secret(base: dict[str, str]) -> None:
    serve = base | {name: VALUES[name] for name in NEEDS["serve"]}
    assert fatal(run(serve | {HOOK_URL: VALUES[HOOK_URL]}, "serve")) == {HOOK_SECRET}
    assert fatal(run(serve | {HOOK_URL: VALUES[HOOK_URL], HOOK_SECRET: "s"}, "serve")) == set()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CARERCHECK_SMTP_PORT", "five-eight-seven"),
        ("CARERCHECK_DASHBOARD_PORT", "70000"),
        ("CARERCHECK_WORKER_PORT", "0"),
        ("CARERCHECK_WORKER_EVERY_SECONDS", "-1"),
        ("CARERCHECK_DELIVERY_BACKOFF_SECONDS", "soon"),
        ("CARERCHECK_LOG_LEVEL", "chatty"),
        ("CARERCHECK_LOG_FORMAT", "xml"),
        ("CARERCHECK_TELEGRAM_DROP_PENDING_UPDATES", "ture"),
        ("CARERCHECK_DASHBOARD_URL", "carers-inbox.test"),
        ("CARERCHECK_DEFAULT_LANGUAGE", "xx"),
        (KEYS, f"{KEY},not-a-fernet-key"),
        (HOOK_URL, "http://bot.example.org/telegram-webhook"),
        (HOOK_SECRET, "has spaces!"),
        (DASHBOARD_SECRET, "tiny-secret-1"),
        ("CARERCHECK_SMTP_USERNAME", "carercheck"),
        ("CARERCHECK_FLOWS_DIR", "/nonexistent/flows"),
        ("CARERCHECK_DATABASE_URL", "not a url"),
        ("CARERCHECK_DATABASE_URL", "mysql://db/carercheck"),
    ],
)
def test_a_wrong_value_is_named_without_showing_it(
    name: str, value: str, base: dict[str, str]
) -> None:
    env = base | {name: value}
    if name == "CARERCHECK_DEFAULT_LANGUAGE":
        del env["CARERCHECK_LOCALES_DIR"]  # the real catalogs
    findings = run(env, None)
    wanted = "CARERCHECK_SMTP_PASSWORD" if name == "CARERCHECK_SMTP_USERNAME" else name
    assert fatal(findings) == {wanted}
    assert all(value not in f.line() for f in findings)
    if name == KEYS:
        assert "key 2 of 2" in findings[0].message


def test_every_unreadable_setting_is_listed_at_once(base: dict[str, str]) -> None:
    env = base | {"CARERCHECK_SMTP_PORT": "x", "CARERCHECK_DASHBOARD_PORT": "y", KEYS: "z"}
    assert fatal(run(env, "dashboard")) == {
        "CARERCHECK_SMTP_PORT",
        "CARERCHECK_DASHBOARD_PORT",
        KEYS,
        DASHBOARD_SECRET,
    }


def test_warnings_do_not_fail(base: dict[str, str]) -> None:
    env = base | {
        "CARERCHECK_DATABSE_URL": "sqlite:///typo.db",
        "CARERCHECK_DATABASE_URL": "sqlite:///relative.db",
        "CARERCHECK_DASHBOARD_INSECURE_COOKIES": "yes",
        "CARERCHECK_FONTS_DIR": "/nonexistent/fonts",
        KEYS: KEY,
        DASHBOARD_SECRET: VALUES[DASHBOARD_SECRET],
    }
    findings = run(env, "dashboard")
    assert fatal(findings) == set()
    assert {f.setting for f in findings} >= {
        "CARERCHECK_DATABSE_URL",
        "CARERCHECK_DATABASE_URL",
        "CARERCHECK_DASHBOARD_INSECURE_COOKIES",
        "CARERCHECK_FONTS_DIR",
    }


def test_connect_finds_a_missing_and_an_unmigrated_sqlite_database(
    base: dict[str, str], tmp_path: Path
) -> None:
    findings = run(base, "chat", connect=True)
    assert fatal(findings) == {"CARERCHECK_DATABASE_URL"}
    assert "db upgrade" in findings[0].message
    assert not (tmp_path / "carercheck.db").exists()  # checking made no database


def test_connect_on_a_migrated_database_and_after_a_downgrade(
    db: SAEngine, base: dict[str, str]
) -> None:
    env = base | {"CARERCHECK_DATABASE_URL": db.url.render_as_string(hide_password=False)}
    assert fatal(run(env, None, connect=True)) == set()
    downgrade(db, "base")
    try:
        findings = run(env, None, connect=True)
        assert fatal(findings) == {"CARERCHECK_DATABASE_URL"}
        assert "not migrated" in findings[0].message
    finally:
        upgrade(db)


def test_an_unreachable_server_is_named_without_its_password(base: dict[str, str]) -> None:
    url = "postgresql+psycopg://carercheck:pw-hunter2@127.0.0.1:1/carercheck?connect_timeout=2"
    findings = run(base | {"CARERCHECK_DATABASE_URL": url}, None, connect=True)
    assert fatal(findings) == {"CARERCHECK_DATABASE_URL"}
    assert "cannot connect" in findings[0].message
    assert "pw-hunter2" not in findings[0].line()


def test_role_for_a_command_line() -> None:
    assert role_for(["telegram", "--webhook"]) == "telegram-webhook"
    assert role_for(["telegram"]) == "telegram"
    assert role_for(["worker", "--once"]) == "worker"
    assert role_for(["db", "upgrade"]) is None


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """The process's own environment, cleared of settings, in an empty folder."""
    import os

    for name in list(os.environ):
        if name.startswith("CARERCHECK_") or name == TOKEN:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_the_command_reads_env_and_dotenv_and_exits_0_or_1(
    environment: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "locales").mkdir()
    lines = [f"{KEYS}={KEY}", "CARERCHECK_LOCALES_DIR=locales"]
    (tmp_path / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["config", "check", "--for", "dashboard"]) == 1
    out = capsys.readouterr().out
    assert f"problem: {DASHBOARD_SECRET}: not set" in out
    assert "1 problem(s) in the settings for carercheck dashboard" in out
    assert KEY not in out
    environment.setenv(DASHBOARD_SECRET, VALUES[DASHBOARD_SECRET])
    assert main(["config", "check", "--for", "dashboard"]) == 0
    out = capsys.readouterr().out
    assert "ok: the settings for carercheck dashboard look right" in out
    assert VALUES[DASHBOARD_SECRET] not in out and KEY not in out


def test_the_command_never_prints_a_secret(
    environment: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "locales").mkdir()
    bad = {
        "CARERCHECK_LOCALES_DIR": "locales",
        TOKEN: "123:tok-en",
        KEYS: "key-one,key-two",
        HOOK_URL: "http://user:pass-word@bot.example.org/hook",
        HOOK_SECRET: "bad secret!",
        DASHBOARD_SECRET: "short-secret",
        "CARERCHECK_SMTP_PASSWORD": "smtp-pass-word",
        ORG_SECRET: "org-secret",
        "CARERCHECK_DATABASE_URL": "postgresql+psycopg://u:db-pass-word@127.0.0.1:1/x",
    }
    for name, value in bad.items():
        environment.setenv(name, value)
    assert main(["config", "check", "--for", "serve", "--connect"]) == 1
    out = capsys.readouterr()
    for name, value in bad.items():
        if name != "CARERCHECK_LOCALES_DIR":
            assert value not in out.out + out.err, name
    assert out.out.count("problem:") >= 5
