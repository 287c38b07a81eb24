"""The outbox: deliveries claimed by one worker at a time, their attempts, retries, dead letters.

A worker claims due rows by writing its claim token and a lease on them. On PostgreSQL the
rows are picked ``FOR UPDATE SKIP LOCKED`` and then claimed in the same transaction, so
workers never wait on each other or take the same row. (Not as one ``UPDATE ... WHERE id IN
(SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)``: PostgreSQL may run that subquery more than once
and claim far more than n rows.) SQLite runs one writing statement at a time, so there a
single ``UPDATE`` that checks the rows are still due is safe. A
claim whose lease ran out (its worker died) is due again: delivery is at least once, and the
receiver sees the same ``Idempotency-Key`` (see ``bot.referrals.webhook``).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, insert, or_, select, update

from bot.storage.crypto import Cipher, unseal
from bot.storage.models import Delivery, DeliveryAttempt, Referral

log = logging.getLogger(__name__)

PENDING, DONE, DEAD = "pending", "done", "dead"


@dataclass(frozen=True)
class Job:
    """One claimed delivery, with what the sender needs."""

    id: int
    claim: str
    reference: str
    organisation: str
    kind: str
    method: str
    target: str
    secret_name: str | None
    attempts: int
    created_at: datetime
    record: dict[str, Any]


def _due(at: datetime) -> Any:
    return and_(
        Delivery.c.status == PENDING,
        Delivery.c.next_attempt_at <= at,
        or_(Delivery.c.claimed_until.is_(None), Delivery.c.claimed_until < at),
    )


class Outbox:
    """Claims, completes and retries deliveries."""

    def __init__(self, db: Engine, cipher: Cipher | None) -> None:
        self.db = db
        self.cipher = cipher
        self._skip_locked = db.dialect.name == "postgresql"

    def claim(
        self,
        worker: str,
        at: datetime,
        *,
        limit: int = 20,
        lease: float = 300.0,
        methods: Collection[str] | None = None,
    ) -> list[Job]:
        """Claim up to ``limit`` due deliveries for ``lease`` seconds.

        ``methods``: only deliveries this worker can send (e-mail waits for a worker with SMTP).
        """
        token = f"{worker[:40]}:{uuid.uuid4().hex[:16]}"
        due = _due(at) if methods is None else and_(_due(at), Delivery.c.method.in_(methods))
        pick = select(Delivery.c.id).where(due).order_by(Delivery.c.next_attempt_at).limit(limit)
        claim = {"claimed_by": token, "claimed_until": at + timedelta(seconds=lease)}
        with self.db.begin() as conn:
            if self._skip_locked:  # PostgreSQL: lock the picked rows; others skip them
                ids = conn.execute(pick.with_for_update(skip_locked=True)).scalars().all()
                if ids:
                    conn.execute(update(Delivery).where(Delivery.c.id.in_(ids)).values(**claim))
            else:  # SQLite: one writing statement at a time, so this one is atomic
                conn.execute(
                    update(Delivery)
                    .where(Delivery.c.id.in_(pick.scalar_subquery()), due)
                    .values(**claim)
                    .execution_options(synchronize_session=False)
                )
        with self.db.connect() as conn:
            rows = conn.execute(
                select(Delivery, Referral.c.reference, Referral.c.organisation, Referral.c.payload)
                .join(Referral, Referral.c.id == Delivery.c.referral_id)
                .where(Delivery.c.claimed_by == token)
                .order_by(Delivery.c.id)
            ).all()
        return [self._job(row, token) for row in rows]

    def _job(self, row: Any, token: str) -> Job:
        record = json.loads(unseal(self.cipher, row.payload))
        return Job(
            row.id, token, row.reference, row.organisation, row.kind, row.method, row.target,
            row.secret_name, row.attempts, row.created_at, record,
        )  # fmt: skip

    def succeeded(self, job: Job, at: datetime, detail: str, duration_ms: int) -> bool:
        """Record a delivery the receiver accepted; False if the claim was lost meanwhile."""
        with self.db.begin() as conn:
            won = conn.execute(
                update(Delivery)
                .where(Delivery.c.id == job.id, Delivery.c.claimed_by == job.claim)
                .values(
                    status=DONE,
                    done_at=at,
                    attempts=Delivery.c.attempts + 1,
                    claimed_by=None,
                    claimed_until=None,
                    last_error=None,
                )
            ).rowcount
            self._attempt(conn, job, at, ok=True, detail=detail, duration_ms=duration_ms)
            if job.kind == "referral":
                conn.execute(
                    update(Referral)
                    .where(Referral.c.reference == job.reference, Referral.c.delivered_at.is_(None))
                    .values(delivered_at=at)
                )
        return won == 1

    def failed(
        self, job: Job, at: datetime, detail: str, duration_ms: int, *, retry_at: datetime | None
    ) -> None:
        """Record a failed try: due again at ``retry_at``, or dead (None: no tries left)."""
        values: dict[str, Any] = {
            "attempts": Delivery.c.attempts + 1,
            "claimed_by": None,
            "claimed_until": None,
            "last_error": detail[:300],
        }
        if retry_at is None:
            values["status"] = DEAD
        else:
            values["next_attempt_at"] = retry_at
        with self.db.begin() as conn:
            conn.execute(
                update(Delivery)
                .where(Delivery.c.id == job.id, Delivery.c.claimed_by == job.claim)
                .values(**values)
            )
            self._attempt(conn, job, at, ok=False, detail=detail, duration_ms=duration_ms)
        if retry_at is None:
            log.error(
                "ALERT: delivery dead-lettered after %d attempts",
                job.attempts + 1,
                extra={
                    "reference": job.reference,
                    "delivery": job.id,
                    "method": job.method,
                    "organisation": job.organisation,
                },
            )

    def _attempt(
        self, conn: Any, job: Job, at: datetime, *, ok: bool, detail: str, duration_ms: int
    ) -> None:
        conn.execute(
            insert(DeliveryAttempt).values(
                delivery_id=job.id,
                at=at,
                ok=ok,
                detail=detail[:300],
                worker=job.claim[:64],
                duration_ms=duration_ms,
            )
        )

    def counts(self) -> dict[str, int]:
        """How many deliveries are pending, done and dead."""
        with self.db.connect() as conn:
            rows = conn.execute(select(Delivery.c.status)).scalars().all()
        return {s: rows.count(s) for s in (PENDING, DONE, DEAD)}

    def retry_dead(self, reference: str, at: datetime) -> int:
        """Put a referral's dead deliveries back in the queue (after the receiver is fixed)."""
        with self.db.begin() as conn:
            ids = select(Referral.c.id).where(Referral.c.reference == reference).scalar_subquery()
            return conn.execute(
                update(Delivery)
                .where(Delivery.c.referral_id == ids, Delivery.c.status == DEAD)
                .values(status=PENDING, next_attempt_at=at, attempts=0)
            ).rowcount
