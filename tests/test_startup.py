"""Start-up ends by freezing what it built, so full garbage collections stay short."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from bot import cli_http
from bot.startup import settle


@pytest.fixture
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test run itself is not a server: leave its collector as it was


def test_settle_freezes_every_object_start_up_made(thawed: None) -> None:
    built = [{"node": n} for n in range(1000)]  # what start-up built and keeps
    settle()
    assert gc.get_freeze_count() >= len(built)
    assert not any(gc.is_tracked(x) and x in gc.get_objects(2) for x in built[:3])


def test_a_server_settles_just_before_it_serves(
    thawed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen_when_serving: list[int] = []

    def run(self: Any) -> None:
        frozen_when_serving.append(gc.get_freeze_count())

    monkeypatch.setattr(cli_http._Server, "run", run)
    cli_http.run_http(object(), "127.0.0.1", 0)
    assert frozen_when_serving and frozen_when_serving[0] > 0
