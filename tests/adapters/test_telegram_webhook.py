"""The webhook route on its own: the secret, bad bodies, a caller that leaves mid-request, and
what a failed update answers."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
import warnings
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.adapters.telegram.webhook import SECRET_HEADER, webhook_route
from bot.testing.telegram.server import BackgroundServer

UPDATE = {"update_id": 7, "message": {"message_id": 1, "date": 0, "text": "hi",
          "chat": {"id": 42, "type": "private"}, "from": {"id": 42, "is_bot": False,
                                                          "first_name": "A"}}}  # fmt: skip


class Recorder:
    """Stands in for PTB's Application: the bot to parse with, and the updates processed.

    Like PTB's, it hands an error (``fails``, raised by the handler) to its error handlers.
    """

    def __init__(self, takes: float = 0.0) -> None:
        self.bot = Bot("123:ABC")
        self.processed: list[int] = []
        self.takes, self.now, self.most = takes, 0, 0
        self.fails: Exception | None = None
        self.error_handlers: list[Any] = []

    def add_error_handler(self, callback: Any) -> None:
        self.error_handlers.append(callback)

    async def process_update(self, update: Any) -> None:
        self.now += 1
        self.most = max(self.most, self.now)
        await asyncio.sleep(self.takes)
        self.processed.append(update.update_id)
        self.now -= 1
        if self.fails is not None:
            for callback in self.error_handlers:
                await callback(update, SimpleNamespace(error=self.fails))


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


def test_at_most_so_many_updates_are_worked_on_at_once(tmp_path: Any) -> None:
    recorder = Recorder(takes=0.05)
    app = Starlette(routes=[webhook_route(recorder, "/hook", "s3cret", at_once=2)])  # type: ignore[arg-type]

    async def deliver_ten(url: str) -> list[int]:
        async with httpx.AsyncClient() as client:
            posts = [client.post(f"{url}/hook", json=UPDATE | {"update_id": i},
                                 headers={SECRET_HEADER: "s3cret"}) for i in range(10)]  # fmt: skip
            return [r.status_code for r in await asyncio.gather(*posts)]

    with BackgroundServer(app) as server:
        codes = asyncio.run(deliver_ten(server.url))
    assert codes == [200] * 10  # each answered once its update was processed
    assert sorted(recorder.processed) == list(range(10)) and recorder.most == 2


def flood_control() -> RetryAfter:
    with warnings.catch_warnings():  # PTB warns of the type retry_after will have one day
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return RetryAfter(timedelta(seconds=3))


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (TimedOut, 500),
        (lambda: NetworkError("Bad Gateway"), 500),
        (flood_control, 500),
        (lambda: BadRequest("Message is too long"), 200),
        (lambda: KeyError("a bug"), 200),
    ],
)
def test_an_update_telegram_failed_is_asked_for_again_and_no_other(
    hook: Any, error: Callable[[], Exception], code: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram's own trouble: it delivers again, and the turn is not applied twice (storage).
    Anything else would fail the same way again: 200, and the error logged."""
    url, recorder = hook
    recorder.fails = error()
    with caplog.at_level(logging.INFO):
        first = httpx.post(f"{url}/hook", json=UPDATE, headers={SECRET_HEADER: "s3cret"})
    assert first.status_code == code
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (errors == []) == (code == 500)
    recorder.fails = None
    again = httpx.post(f"{url}/hook", json=UPDATE, headers={SECRET_HEADER: "s3cret"})
    assert again.status_code == 200 and recorder.processed == [7, 7]
