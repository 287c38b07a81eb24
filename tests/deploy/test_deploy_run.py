"""Every command deploy/ runs, started for real with settings made from deploy/.env.example.

The settings are filled in as deploy/README.md says (a database, keys, secrets, a mail server
and the organisations' webhook secret); Telegram is the fake Bot API.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from test_deploy_files import DEPLOY, ENTRYPOINTS, entrypoint_param

from bot.storage.crypto import Cipher
from bot.testing.processes import free_port
from bot.testing.telegram import FakeBotApi
from bot.testing.workers import SERVICE_ENV

CARERCHECK = str(Path(sys.executable).with_name("carercheck"))
TOKEN = "123:ABC"
HOOK = "https://carers.example.org/telegram-webhook"


def fill(example: str, values: dict[str, str]) -> str:
    """The example with these settings set (commented-out ones uncommented)."""
    lines = []
    for line in example.splitlines():
        name = line.lstrip("#").partition("=")[0]
        lines.append(f"{name}={values.pop(name)}" if "=" in line and name in values else line)
    assert values == {}, f"not in .env.example: {sorted(values)}"
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a ``.env`` made from the example, as an operator fills it in; migrated."""
    folder = tmp_path_factory.mktemp("deployment")
    values = {
        "CARERCHECK_DATABASE_URL": f"sqlite:///{folder / 'carercheck.db'}",
        "CARERCHECK_CARDS_DIR": str(folder / "cards"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "CARERCHECK_TELEGRAM_WEBHOOK_URL": HOOK,
        "CARERCHECK_TELEGRAM_WEBHOOK_SECRET": secrets.token_urlsafe(32),
        "CARERCHECK_ENCRYPTION_KEYS": Cipher.generate_key(),
        "CARERCHECK_DASHBOARD_URL": "https://carers.example.org",
        "CARERCHECK_DASHBOARD_SECRET": secrets.token_urlsafe(32),
        "CARERCHECK_SMTP_HOST": "127.0.0.1",
        "CARERCHECK_WEBHOOK_SECRET_LLR_YOUNG_CARERS": secrets.token_urlsafe(32),
    }
    example = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    (folder / ".env").write_text(fill(example, values), encoding="utf-8")
    done = run(folder, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert "database at revision" in done.stdout
    return folder


def clean_env(**env: str) -> dict[str, str]:
    """This process's environment without settings, what the image sets, and ``env`` on top."""
    return (
        {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("CARERCHECK_") and k != "TELEGRAM_BOT_TOKEN"
        }
        | SERVICE_ENV
        | env
    )


def run(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``carercheck ARGS`` in ``folder`` (so it reads its .env), to the end."""
    return subprocess.run(
        [CARERCHECK, *args],
        cwd=folder,
        env=clean_env(**env),
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_config_check_of_the_filled_in_example(deployment: Path) -> None:
    fresh = {"CARERCHECK_DATABASE_URL": f"sqlite:///{deployment / 'other.db'}"}
    args = ["config", "check", "--for", "serve", "--connect"]
    done = run(deployment, *args, **fresh)
    assert done.returncode == 1
    assert "problem: CARERCHECK_DATABASE_URL: no database file there yet" in done.stdout
    done = run(deployment, *args)
    assert done.returncode == 0, done.stdout
    assert "ok: the settings for carercheck serve look right" in done.stdout


class Started:
    """A long-running command; stopped with SIGTERM as systemd and Docker stop it."""

    def __init__(self, command: tuple[str, ...], folder: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [CARERCHECK, *command],
            cwd=folder,
            env=clean_env(**env),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def wait_until(self, ready: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if self.proc.poll() is not None:
                _, err = self.proc.communicate()
                raise AssertionError(f"it exited ({self.proc.returncode}) before {what}:\n{err}")
            assert time.monotonic() < deadline, f"gave up waiting for {what}"
            time.sleep(0.1)

    def stop(self) -> tuple[int, str]:
        """SIGTERM (a kill if it lingers); the exit code and what it wrote to stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate(timeout=10)
        return self.proc.returncode, err


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as fake:
        yield fake
        fake.assert_clean()


@pytest.mark.slow
@pytest.mark.parametrize("command", [entrypoint_param(c) for c in sorted(ENTRYPOINTS)])
def test_each_command_deploy_runs_starts(
    command: tuple[str, ...], deployment: Path, api: FakeBotApi
) -> None:
    port = str(free_port())
    env = {"CARERCHECK_TELEGRAM_API_URL": api.base_url, "CARERCHECK_DASHBOARD_PORT": port}
    env["CARERCHECK_TELEGRAM_WEBHOOK_PORT"] = hook_port = str(free_port())
    env["CARERCHECK_WORKER_PORT"] = worker_port = str(free_port())
    if command in (("db", "upgrade"), ("purge",)):
        done = run(deployment, *command, **env)
        assert done.returncode == 0, done.stderr
        assert ("database at revision" if command[0] == "db" else "deleted") in done.stdout
        return
    if command == ("worker",):
        once = run(deployment, "worker", "--once", **env)
        assert once.returncode == 0, once.stderr
        assert "tried 0 deliveries" in once.stdout
    started = Started(command, deployment, env)
    try:
        if command == ("dashboard",):
            started.wait_until(lambda: answers(f"http://127.0.0.1:{port}/login"), "/login")
            assert answers(f"http://127.0.0.1:{port}/healthz")
        elif command == ("telegram", "--webhook"):
            started.wait_until(lambda: api.webhook is not None, "setWebhook")
            assert api.webhook is not None and api.webhook["url"] == HOOK
            started.wait_until(lambda: answers(f"http://127.0.0.1:{hook_port}/healthz"), "/healthz")
        elif command == ("serve",):
            started.wait_until(lambda: answers(f"http://127.0.0.1:{port}/healthz"), "/healthz")
        else:  # the worker runs until it is stopped, with its health port
            started.wait_until(
                lambda: answers(f"http://127.0.0.1:{worker_port}/healthz"), "/healthz"
            )
            assert started.proc.poll() is None
    finally:
        code, err = started.stop()
    assert code in (0, -signal.SIGTERM), err
