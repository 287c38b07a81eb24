"""Sending a request looks for no module: a failed import searches every path, every time.

httpcore, under httpx (python-telegram-bot's client, and the delivery worker's), imports
sniffio for each lock it makes. Without sniffio installed, each of those imports failed after
looking in every folder on ``sys.path``: about 20 a turn, some 4 ms of CPU.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

import httpx

from bot.testing.telegram import FakeBotApi

TOKEN = "123:ABC"


class Watch:
    """A finder that finds nothing and remembers what was looked for."""

    def __init__(self) -> None:
        self.sought: list[str] = []

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        self.sought.append(name)
        return None


async def _requests(url: str, n: int) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(n):
            response = await client.post(url, json={})
            assert response.status_code == 200


def test_requests_over_httpx_import_nothing() -> None:
    with FakeBotApi(token=TOKEN) as api:
        url = f"{api.base_url}{TOKEN}/getMe"
        asyncio.run(_requests(url, 2))  # whatever the first requests import for good
        watch = Watch()
        sys.meta_path.insert(0, watch)
        try:
            asyncio.run(_requests(url, 20))
        finally:
            sys.meta_path.remove(watch)
    assert watch.sought == []
