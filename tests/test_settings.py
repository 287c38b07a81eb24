"""The settings table: Config reads exactly it, and the README and .env.example are made from it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli_config import env_example, table
from bot.config import Config, ConfigError, RawSettings
from bot.settings import ROLES, SETTINGS, setting

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}
"""Names in .env.example that only deploy/compose.yaml reads (not carercheck settings)."""


def test_every_config_field_has_one_setting() -> None:
    fields = [f.name for f in dataclasses.fields(Config)]
    assert sorted(fields) == sorted(s.field for s in SETTINGS)
    names = [n for s in SETTINGS for n in (s.name, *s.aliases)]
    assert len(names) == len(set(names))
    assert all(set(s.needed_by) <= set(ROLES) for s in SETTINGS)
    assert all(s.example and s.description for s in SETTINGS)


def test_loaded_defaults_are_the_config_defaults(tmp_path: Path) -> None:
    cfg = Config.load(environ={}, dotenv=tmp_path / "missing.env")
    for f in dataclasses.fields(Config):
        if f.default is not dataclasses.MISSING:
            assert getattr(cfg, f.name) == f.default, f.name
    assert cfg.flows_dir == ROOT / "flows"
    assert cfg.locales_dir == ROOT / "locales"
    assert (cfg.log_format, cfg.worker_port) == ("text", None)


def test_log_format_worker_port_and_trusted_proxies(tmp_path: Path) -> None:
    env = {
        "CARERCHECK_LOG_FORMAT": "json",
        "CARERCHECK_WORKER_PORT": "9100",
        "CARERCHECK_DASHBOARD_TRUSTED_PROXIES": "172.30.64.0/24",
    }
    cfg = Config.load(environ=env, dotenv=tmp_path / "missing.env")
    assert (cfg.log_format, cfg.worker_port) == ("json", 9100)
    assert cfg.dashboard_trusted_proxies == "172.30.64.0/24"


def test_a_number_that_is_not_one_names_the_setting_not_the_value(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.load(environ={"CARERCHECK_SMTP_PORT": "hunter2"}, dotenv=tmp_path / "x.env")
    assert caught.value.name == "CARERCHECK_SMTP_PORT"
    assert "hunter2" not in str(caught.value)


def test_a_setting_with_a_few_allowed_values_takes_only_those(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CARERCHECK_LOG_LEVEL: must be one of DEBUG, INFO"):
        Config.load(environ={"CARERCHECK_LOG_LEVEL": "loud"}, dotenv=tmp_path / "x.env")
    same = Config.load(environ={"CARERCHECK_LOG_LEVEL": "info"}, dotenv=tmp_path / "x.env")
    assert same.log_level == "INFO"  # any case names the same choice


def test_a_command_with_an_unreadable_setting_says_which(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CARERCHECK_DASHBOARD_PORT", "eighty")
    assert main(["orgs", "list"]) == 2
    err = capsys.readouterr().err
    assert "CARERCHECK_DASHBOARD_PORT" in err and "config check" in err


def test_raw_settings_see_aliases_the_family_and_unknown_names(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "CARERCHECK_WEBHOOK_SECRET_A=from-file\nCARERCHECK_TYPO=1\n", encoding="utf-8"
    )
    raw = RawSettings.read({"TELEGRAM_BOT_TOKEN": "1:x", "PATH": "/bin"}, dotenv)
    assert raw.values["TELEGRAM_BOT_TOKEN"] == "1:x"
    assert raw.given == {"TELEGRAM_BOT_TOKEN", "CARERCHECK_WEBHOOK_SECRET_A", "CARERCHECK_TYPO"}
    assert raw.webhook_secrets["CARERCHECK_WEBHOOK_SECRET_A"].reveal() == "from-file"
    assert setting("CARERCHECK_WEBHOOK_SECRET_A").family
    assert setting("CARERCHECK_TELEGRAM_BOT_TOKEN").name == "TELEGRAM_BOT_TOKEN"
    with pytest.raises(KeyError):
        setting("CARERCHECK_TYPO")


def test_the_readme_table_is_the_one_the_settings_make() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(
        r"<!-- config table: [^\n]*-->\n(.*?)<!-- end of config table -->", readme, re.S
    )
    assert found, "the README lost its config table markers"
    assert found.group(1) == table(), "run: carercheck config table, and paste it into README.md"
    for s in SETTINGS:
        assert f"| `{s.name}` |" in found.group(1)


def test_env_example_is_the_one_the_settings_make() -> None:
    text = (ROOT / "deploy" / ".env.example").read_text(encoding="utf-8")
    assert text == env_example(), "run: carercheck config env > deploy/.env.example"


def test_env_example_lists_exactly_the_settings() -> None:
    text = (ROOT / "deploy" / ".env.example").read_text(encoding="utf-8")
    names = re.findall(r"^#?([A-Z][A-Z0-9_]+)=", text, re.M)
    assert len(names) == len(set(names))
    prefix = next(s.prefix for s in SETTINGS if s.family)
    family = [n for n in names if n.startswith(prefix)]
    assert len(family) == 1
    expected = {s.name for s in SETTINGS if not s.family} | set(family) | COMPOSE_ONLY
    assert set(names) == expected
    for s in SETTINGS:
        if s.secret and not s.family:  # secrets are there to fill in, never with a value
            assert re.search(rf"^{s.name}=$", text, re.M), s.name
