"""The HTTP processes for real: ``carercheck serve`` answers the Telegram webhook, the dashboard
and the operations routes on one port, logs JSON, and on SIGTERM in the middle of a turn finishes
it, then exits 0; ``dashboard`` and ``worker`` serve the operations routes too."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.storage import ConversationStore, connect
from bot.storage.crypto import Cipher
from bot.testing.processes import free_port, listening, wait_until
from bot.testing.telegram import FakeBotApi
from bot.testing.workers import SERVICE_ENV

ROOT = Path(__file__).resolve().parent.parent
TOKEN, SECRET, USER = "123:ABC", "serve-s3cret", 4711


def carercheck(tmp_path: Path, command: str, **settings: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARERCHECK_")}
    env |= SERVICE_ENV | {
        "PYTHONPATH": str(ROOT),
        "CARERCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "CARERCHECK_ENCRYPTION_KEYS": Cipher.generate_key(),
        **settings,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", command],
        cwd=tmp_path,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def serve(tmp_path: Path, api: FakeBotApi, port: int) -> subprocess.Popen[str]:
    settings = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "CARERCHECK_TELEGRAM_API_URL": api.base_url,
        "CARERCHECK_TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/tg-hook",
        "CARERCHECK_TELEGRAM_WEBHOOK_SECRET": SECRET,
        "CARERCHECK_DASHBOARD_PORT": str(port),
        "CARERCHECK_DASHBOARD_SECRET": "a-long-random-dashboard-secret",
        "CARERCHECK_WORKER_EVERY_SECONDS": "0.2",
        "CARERCHECK_LOG_FORMAT": "json",
        "CARERCHECK_LOG_LEVEL": "INFO",
    }
    return carercheck(tmp_path, "serve", **settings)


def post(api: FakeBotApi, url: str, update: dict[str, Any], secret: str = SECRET) -> int:
    return api.post_update(url, update, secret_token=secret)


def tap(api: FakeBotApi, option: str) -> dict[str, Any]:
    last = api.sent(USER)[-1]
    rows = last["reply_markup"]["inline_keyboard"]
    data = next(b["callback_data"] for row in rows for b in row
                if b["callback_data"].endswith(f":{option}"))  # fmt: skip
    return api.tap(USER, last["message_id"], data)


def sends(api: FakeBotApi) -> int:
    return sum(1 for name, _ in api.calls if name == "sendMessage")


@pytest.mark.slow
def test_serve_answers_on_one_port_and_finishes_a_turn_in_flight_on_sigterm(
    tmp_path: Path,
) -> None:
    port = free_port()
    root, hook = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/tg-hook"
    with FakeBotApi(token=TOKEN) as api:
        proc = serve(tmp_path, api, port)
        try:
            wait_until(
                lambda: api.webhook is not None and listening(port), "the webhook", proc, timeout=20
            )
            assert api.webhook is not None and api.webhook["secret_token"] == SECRET
            assert httpx.get(f"{root}/healthz").status_code == 200
            assert httpx.get(f"{root}/readyz").json() == {"status": "ready"}
            login = httpx.get(f"{root}/login")
            assert login.status_code == 200 and 'type="password"' in login.text

            start = api.send_text(USER, "/start")
            assert post(api, hook, start, secret="wrong") == 403
            assert api.sent(USER) == []
            assert post(api, hook, start) == 200  # only once processed: the reply is out
            assert api.sent(USER)[-1]["text"].startswith("Which language")
            assert post(api, hook, tap(api, "en")) == 200
            metrics = httpx.get(f"{root}/metrics").text
            assert 'carercheck_turns_total{channel="telegram"} 1.0' in metrics
            assert 'carercheck_referrals{status="new"} 0.0' in metrics

            # The next turn's reply is slow to send; SIGTERM arrives while it is on its way.
            api.delay("sendMessage", 2.0)
            before, answered = sends(api), {}
            easy_read = tap(api, "no")
            thread = threading.Thread(
                target=lambda: answered.update(code=post(api, hook, easy_read))
            )
            thread.start()
            wait_until(lambda: sends(api) > before, "the reply to be on its way", proc, timeout=20)
            proc.send_signal(signal.SIGTERM)
            stopped_at = time.monotonic()
            time.sleep(0.5)
            assert not listening(port)  # no new requests, while the turn in flight goes on
            _, err = proc.communicate(timeout=15)
            took = time.monotonic() - stopped_at
            thread.join(timeout=5)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        api.assert_clean()
    assert proc.returncode == 0, err
    assert took < 8, took
    assert answered == {"code": 200}
    assert sends(api) > before + 1 and api.sent(USER)[-1]["reply_markup"]  # all of the reply
    db = connect(f"sqlite:///{tmp_path / 'serve.db'}")
    stored = ConversationStore(db).load("telegram", str(USER))
    assert stored is not None and stored.version == 3  # /start, the language, Easy Read
    db.dispose()
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= line.keys() for line in lines)


@pytest.mark.slow
def test_serve_without_a_webhook_url_polls(tmp_path: Path) -> None:
    port = free_port()
    with FakeBotApi(token=TOKEN, max_poll=0.2) as api:
        settings = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "CARERCHECK_TELEGRAM_API_URL": api.base_url,
            "CARERCHECK_DASHBOARD_PORT": str(port),
            "CARERCHECK_DASHBOARD_SECRET": "a-long-random-dashboard-secret",
        }
        proc = carercheck(tmp_path, "serve", **settings)
        try:
            wait_until(lambda: listening(port), "the port", proc, timeout=20)
            api.send_text(USER, "/start")
            wait_until(lambda: bool(api.sent(USER)), "the first reply", proc, timeout=20)
            assert api.allowed_updates == ["message", "callback_query"]
            assert api.webhook is None
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=15)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        api.assert_clean()
    assert proc.returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("command", ["dashboard", "worker"])
def test_dashboard_and_worker_serve_the_operations_routes(tmp_path: Path, command: str) -> None:
    port = free_port()
    settings = {
        "CARERCHECK_DASHBOARD_SECRET": "a-long-random-dashboard-secret",
        "CARERCHECK_DASHBOARD_PORT": str(port),
        "CARERCHECK_WORKER_PORT": str(port),
    }
    proc = carercheck(tmp_path, command, **settings)
    try:
        wait_until(lambda: listening(port), "the port", proc, timeout=20)
        root = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{root}/healthz").status_code == 200
        assert httpx.get(f"{root}/readyz").json() == {"status": "ready"}
        assert "carercheck_delivery_attempts" in httpx.get(f"{root}/metrics").text
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
