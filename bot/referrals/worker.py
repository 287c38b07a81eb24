"""The delivery worker: claims due deliveries, sends each by its method, retries, gives up.

Failures retry with exponential backoff and jitter (``Backoff``). Every attempt is stored
(``delivery_attempts``) and logged with its outcome and no personal data. After the last
attempt a delivery is dead-lettered: the dashboard shows it, and the log gets an alert.
Several workers can run at once (see ``bot.storage.outbox``). Attempts are counted in
``carercheck_delivery_attempts`` by method and result.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import metrics
from bot.referrals.senders import DeliveryFailed, Sender
from bot.storage.outbox import Job, Outbox

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Backoff:
    """Wait ``base * 2**(n-1)`` seconds after the n-th failure, at most ``cap``, jittered.

    The jitter keeps half the wait and draws the rest at random ("equal jitter"), so many
    deliveries that failed together do not all come back at the same moment.
    """

    base: float = 30.0
    cap: float = 3600.0
    max_attempts: int = 15
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failures in a row."""
        full = float(min(self.cap, self.base * 2.0 ** max(0, failures - 1)))
        return full / 2 + self.rng.uniform(0, full / 2)

    def retry_at(self, at: datetime, failures: int) -> datetime | None:
        """When to try again, or None when no attempt is left."""
        if failures >= self.max_attempts:
            return None
        return at + timedelta(seconds=self.delay(failures))


class Worker:
    """Delivers the outbox, one batch at a time."""

    def __init__(
        self,
        outbox: Outbox,
        senders: Mapping[str, Sender],
        clock: Clock,
        *,
        backoff: Backoff | None = None,
        name: str | None = None,
        batch: int = 20,
        lease: float = 300.0,
    ) -> None:
        self.outbox = outbox
        self.senders = senders
        self.clock = clock
        self.backoff = backoff or Backoff()
        self.name = name or f"{socket.gethostname()}:{id(self):x}"
        self.batch = batch
        self.lease = lease

    async def run_once(self) -> int:
        """Claim the due deliveries and send them; how many were tried."""
        jobs = await asyncio.to_thread(
            self.outbox.claim,
            self.name,
            self.clock(),
            limit=self.batch,
            lease=self.lease,
            methods=tuple(self.senders),
        )
        for job in jobs:
            await self._deliver(job)
        return len(jobs)

    async def run(self, stop: asyncio.Event, every: float) -> None:
        """Deliver until ``stop`` is set, looking for due deliveries every ``every`` seconds."""
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:  # the database went away for a moment: try again next round
                log.exception("delivery round failed")
                busy = 0
            if busy < self.batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=every)

    async def _deliver(self, job: Job) -> None:
        started = time.perf_counter()
        sender = self.senders.get(job.method)
        try:
            if sender is None:
                raise DeliveryFailed(f"{job.method}: not configured on this worker")
            detail = await sender.send(job, self.clock())
        except DeliveryFailed as exc:
            await self._failed(job, str(exc), started)
            return
        except Exception as exc:  # a bug in a sender must not stop the other deliveries
            log.exception("sender raised", extra={"delivery": job.id})
            await self._failed(job, f"{job.method}: {type(exc).__name__}", started)
            return
        ms = int((time.perf_counter() - started) * 1000)
        kept = await asyncio.to_thread(self.outbox.succeeded, job, self.clock(), detail, ms)
        metrics.delivery_attempt(job.method, "delivered")
        log.info(
            "delivered",
            extra={"reference": job.reference, "delivery": job.id, "method": job.method,
                   "kind": job.kind, "attempt": job.attempts + 1, "detail": detail,
                   "claim_kept": kept},
        )  # fmt: skip

    async def _failed(self, job: Job, detail: str, started: float) -> None:
        ms = int((time.perf_counter() - started) * 1000)
        at = self.clock()
        retry_at = self.backoff.retry_at(at, job.attempts + 1)
        await asyncio.to_thread(self.outbox.failed, job, at, detail, ms, retry_at=retry_at)
        metrics.delivery_attempt(job.method, "failed" if retry_at else "gave_up")
        log.warning(
            "delivery failed",
            extra={"reference": job.reference, "delivery": job.id, "method": job.method,
                   "kind": job.kind, "attempt": job.attempts + 1, "detail": detail,
                   "retry_at": retry_at.isoformat() if retry_at else None},
        )  # fmt: skip
