"""The webhook route on its own: the secret, bad bodies, and a caller that leaves mid-request."""

from __future__ import annotations

import json
import logging
import socket
import time
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from telegram import Bot

from bot.adapters.telegram.webhook import SECRET_HEADER, webhook_route
from bot.testing.telegram.server import BackgroundServer

UPDATE = {"update_id": 7, "message": {"message_id": 1, "date": 0, "text": "hi",
          "chat": {"id": 42, "type": "private"}, "from": {"id": 42, "is_bot": False,
                                                          "first_name": "A"}}}  # fmt: skip


class Recorder:
    """Stands in for PTB's Application: the bot to parse with, and the updates processed."""

    def __init__(self) -> None:
        self.bot = Bot("123:ABC")
        self.processed: list[int] = []

    async def process_update(self, update: Any) -> None:
        self.processed.append(update.update_id)


@pytest.fixture
def hook() -> Any:
    recorder = Recorder()
    app = Starlette(routes=[webhook_route(recorder, "/hook", "s3cret")])  # type: ignore[arg-type]
    with BackgroundServer(app) as server:
        yield server.url, recorder


def test_only_updates_with_the_secret_are_processed(hook: Any) -> None:
    url, recorder = hook
    assert httpx.post(f"{url}/hook", json=UPDATE).status_code == 403
    wrong = httpx.post(f"{url}/hook", json=UPDATE, headers={SECRET_HEADER: "guess"})
    assert wrong.status_code == 403
    bad = httpx.post(f"{url}/hook", content=b"not json", headers={SECRET_HEADER: "s3cret"})
    assert bad.status_code == 400
    good = httpx.post(f"{url}/hook", json=UPDATE, headers={SECRET_HEADER: "s3cret"})
    assert good.status_code == 200 and recorder.processed == [7]


def test_a_caller_that_leaves_mid_request_changes_nothing(
    hook: Any, caplog: pytest.LogCaptureFixture
) -> None:
    url, recorder = hook
    host, port = url.removeprefix("http://").split(":")
    body = json.dumps(UPDATE).encode()
    head = (f"POST /hook HTTP/1.1\r\nHost: {host}\r\n{SECRET_HEADER}: s3cret\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")  # fmt: skip
    with caplog.at_level(logging.INFO):
        with socket.create_connection((host, int(port))) as half:
            half.sendall(head.encode() + body[:10])  # then it goes
        time.sleep(0.3)
        again = httpx.post(f"{url}/hook", json=UPDATE, headers={SECRET_HEADER: "s3cret"})
    assert again.status_code == 200 and recorder.processed == [7]  # only the whole delivery
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
