"""How carercheck's HTTP processes run: uvicorn, the operations routes, a clean SIGTERM.

On SIGTERM (or Ctrl-C) the server stops listening, lets requests in flight finish (a webhook
request is a whole turn: saved, reply sent) for up to GRACE_SECONDS, runs the app's shutdown
(the bot and the delivery worker stop after what they are doing) and the process exits 0.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from types import FrameType
from typing import Any

import uvicorn
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from bot.startup import settle

GRACE_SECONDS = 25
"""How long requests in flight may take to finish after SIGTERM (within the usual 30 s that
process managers wait before they kill)."""

Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]


class _Server(uvicorn.Server):
    """uvicorn, exiting 0 after a clean shutdown (uvicorn raises the signal again instead)."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Shut down cleanly; a second Ctrl-C stops waiting."""
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        self.should_exit = True


def app_with_ops(db: Engine, routes: Sequence[BaseRoute], lifespan: Lifespan | None = None) -> Any:
    """A Starlette app: ``/healthz``, ``/readyz`` and ``/metrics`` first, then ``routes``."""
    from bot.adapters.ops import ops_routes  # noqa: PLC0415 - only HTTP processes need it

    return Starlette(routes=[*ops_routes(db), *routes], lifespan=lifespan)


def run_http(app: Any, host: str, port: int, *, trusted_proxies: str | None = None) -> None:
    """Serve ``app`` until SIGTERM or Ctrl-C, then shut down cleanly (see the module).

    ``trusted_proxies``: addresses whose X-Forwarded-For is believed (the client's address
    counts for sign-in throttling); None believes nobody's.
    """
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=trusted_proxies is not None,
        forwarded_allow_ips=trusted_proxies or "",
        log_config=None,  # carercheck's own logging (text or JSON), set up in main()
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=GRACE_SECONDS,
        lifespan="on",
    )
    settle()
    _Server(config).run()
