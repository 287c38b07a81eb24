"""``carercheck telegram --webhook`` as real processes, and updates delivered the way Telegram does.

A :class:`WebhookWorker` is the command itself in a process of its own, configured only through
its environment, so tests and benchmarks drive it exactly as a deployment does. A
:class:`Telegram` delivers updates to one worker or another over HTTP and, like Telegram, sends
an update again until some worker answers it with 200.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from bot.testing.keys import TEST_KEY
from bot.testing.processes import free_port

TOKEN = "123:ABC"  # noqa: S105 - the fake Bot API's made-up token
SECRET = "workers-webhook-secret"  # noqa: S105 - made up, for loopback only
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent
SERVICE_ENV = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072", "PYTHONOPTIMIZE": "2"}
"""What deploy/Dockerfile and the systemd units run carercheck with: glibc's allocator settings,
and Python without docstrings and asserts (``-OO``)."""


class WebhookWorker:
    """One ``carercheck telegram --webhook`` process on a port of its own, output to a file.

    Args:
        name: Names its log file.
        workdir: Where it runs and writes its log (and any Easy Read cards).
        api_url: The Bot API base URL (a fake one).
        database_url: The database every worker shares.
        rate_limit: ``CARERCHECK_TELEGRAM_RATE_LIMIT`` (0: no limit, as a fake has none).
        extra_env: More settings.
    """

    def __init__(
        self,
        name: str,
        workdir: Path,
        api_url: str,
        database_url: str,
        *,
        rate_limit: float = 0,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        """Where Telegram would post its updates."""
        self.env = {  # nothing of this process's environment: only these settings
            "PYTHONPATH": str(PACKAGE_ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "CARERCHECK_DATABASE_URL": database_url,
            "CARERCHECK_TELEGRAM_API_URL": api_url,
            "CARERCHECK_TELEGRAM_WEBHOOK_URL": self.url,
            "CARERCHECK_TELEGRAM_WEBHOOK_SECRET": SECRET,
            "CARERCHECK_TELEGRAM_WEBHOOK_PORT": str(self.port),
            "CARERCHECK_TELEGRAM_RATE_LIMIT": str(rate_limit),
            "CARERCHECK_ENCRYPTION_KEYS": TEST_KEY,
            "CARERCHECK_CARDS_DIR": str(workdir / "cards"),
            **SERVICE_ENV,
        } | (extra_env or {})
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[str] | None = None
        self.starts = 0

    @property
    def pid(self) -> int:
        """The running process's id."""
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        """Start the process (again, after a kill); :meth:`wait_ready` waits for it to serve."""
        self._log = self.log_path.open("a", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "telegram", "--webhook"],
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.starts += 1

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Return once the webhook answers HTTP; raise if the process exits or takes too long."""
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"worker {self.name} exited ({self.proc.returncode}):\n{self.log()}"
                )
            try:
                httpx.get(self.url, timeout=1.0)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"worker {self.name} did not start:\n{self.log()}") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no clean-up and no goodbye; what was committed is all there is."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self._close()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
        self.kill()

    def _close(self) -> None:
        if self.proc is not None:
            self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log(self) -> str:
        """Everything the process has written (both runs, after a restart)."""
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""


@dataclass
class Telegram:
    """Delivers updates to the workers' webhooks as Telegram does: again until one answers 200.

    Each attempt goes to a worker picked at random (as behind a load balancer). An attempt that
    gets no answer, or an answer other than 200, counts as a retry.
    """

    workers: Sequence[WebhookWorker]
    client: httpx.AsyncClient
    rng: random.Random = field(default_factory=random.Random)
    pause: float = 0.05
    """Seconds between attempts (Telegram waits longer; a test cannot)."""
    timeout: float = 10.0
    """Seconds an attempt may take before it counts as unanswered."""
    deliveries: int = 0
    retries: int = 0

    async def deliver(
        self, update: dict[str, Any], to: WebhookWorker | None = None
    ) -> tuple[WebhookWorker, int]:
        """POST ``update`` (first to ``to``, if given) until a worker answers 200.

        Returns:
            The worker that answered 200, and which start of it (see ``WebhookWorker.starts``).
        """
        self.deliveries += 1
        target = to
        while True:
            worker = target or self.rng.choice(self.workers)
            target, generation = None, worker.starts  # the process this request goes to
            try:
                response = await self.client.post(
                    worker.url, json=update, headers={SECRET_HEADER: SECRET}, timeout=self.timeout
                )
                if response.status_code == 200:
                    return worker, generation
            except httpx.TransportError:
                pass
            self.retries += 1
            await asyncio.sleep(self.pause)
