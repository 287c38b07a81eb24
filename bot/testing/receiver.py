"""A real webhook receiver on loopback, for tests: it checks what a real receiver must.

It verifies the ``Carercheck-Signature`` header (refusing a bad one with 401), keeps each
``Idempotency-Key`` once (a repeat is answered 200 and counted, not stored again), and can be
made to fail: the first ``fail_first`` calls, or whenever ``down()`` says so, get a 503.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from bot.referrals.signing import HEADER, verify


class WebhookReceiver:
    """Receives signed webhooks at ``url`` until stopped (use it as a context manager)."""

    def __init__(
        self,
        secret: str,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        fail_first: int = 0,
        down: Callable[[], bool] = lambda: False,
        delay: float = 0.0,
    ) -> None:
        self.secret = secret
        self.clock = clock
        self.fail_first = fail_first
        self.down = down
        self.delay = delay
        """Seconds each answer takes (a slow receiver keeps several workers busy at once)."""
        self.calls = 0
        self.failed = 0
        self.duplicates = 0
        self.bad_signatures = 0
        self.received: dict[str, dict[str, Any]] = {}
        self.keys_seen: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Where to POST."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/carercheck/referrals"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _take(self, body: bytes, signature: str, key: str) -> int:
        now = int(self.clock().timestamp())
        with self._lock:
            self.calls += 1
            self.keys_seen.append(key)
            if not verify(self.secret, body, signature, now):
                self.bad_signatures += 1
                return 401
            if self.calls <= self.fail_first or self.down():
                self.failed += 1
                return 503
            if key in self.received:
                self.duplicates += 1
                return 200
            self.received[key] = json.loads(body)
            return 200

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                time.sleep(receiver.delay)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver._take(
                    body, self.headers.get(HEADER, ""), self.headers.get("Idempotency-Key", "")
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return  # quiet: the tests read the counters

        return Handler
