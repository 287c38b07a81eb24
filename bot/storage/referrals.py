"""Referrals: stored with their outbox in one transaction, their status, forgetting, purging.

The record is encrypted (``crypto``); the columns beside it hold only what the inbox needs to
list and route referrals without opening them (organisation, status, age band, outcome).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, or_, select, update

from bot.engine.events import ReferralRequested
from bot.engine.limits import RETENTION_DAYS
from bot.engine.notices import ReferralView
from bot.engine.organisations import Organisation
from bot.storage.crypto import Cipher, seal, unseal
from bot.storage.models import Delivery, DeliveryAttempt, Notice, Referral, ReferralEvent

STATUSES = ("new", "acknowledged", "contacted", "closed")
"""new: in the organisation's inbox, not picked up yet. closed: finished with."""
REFERRAL, ERASURE = "referral", "erasure"


@dataclass(frozen=True)
class Person:
    """Where a referral's person is reached, and how they read."""

    channel: str
    user_id: str
    language: str
    easy_read: bool


class UnknownReferral(LookupError):
    """No referral has this reference."""


class ReferralStore:
    """Reads and writes referrals, their outbox rows, history and notices."""

    def __init__(
        self, db: Engine, cipher: Cipher | None, organisations: Mapping[str, Organisation]
    ) -> None:
        self.db = db
        self.cipher = cipher
        self.organisations = organisations

    # -- creating -------------------------------------------------------------------------------

    def create(
        self, conn: Connection, event: ReferralRequested, person: Person, at: datetime
    ) -> int:
        """Insert the referral and its outbox rows on ``conn``; the caller commits them together."""
        org = self.organisations[event.organisation]
        record = dict(event.record)
        details = record.get("person", {})
        row = conn.execute(
            insert(Referral)
            .values(
                reference=event.reference,
                organisation=org.id,
                status="new",
                channel=person.channel,
                user_id=person.user_id,
                language=person.language,
                easy_read=person.easy_read,
                payload=seal(self.cipher, json.dumps(record, ensure_ascii=False)),
                age_band=details.get("age_band"),
                outcome=record.get("screening", {}).get("outcome"),
                young=bool(details.get("under_16")),
                consent_version=record["consent"]["version"],
                consent_at=at,
                created_at=at,
                updated_at=at,
            )
            .returning(Referral.c.id)
        ).scalar_one()
        self._enqueue(conn, row, org, REFERRAL, at)
        conn.execute(
            insert(ReferralEvent).values(referral_id=row, at=at, status="new", by="person")
        )
        return int(row)

    def _enqueue(
        self, conn: Connection, row: int, org: Organisation, kind: str, at: datetime
    ) -> None:
        for way in org.delivery:
            conn.execute(
                insert(Delivery).values(
                    referral_id=row,
                    kind=kind,
                    method=way.method,
                    target=way.target,
                    secret_name=way.secret,
                    status="pending",
                    attempts=0,
                    next_attempt_at=at,
                    created_at=at,
                )
            )

    # -- reading --------------------------------------------------------------------------------

    def for_person(self, channel: str, user_id: str) -> list[ReferralView]:
        """The person's referrals, oldest first."""
        with self.db.connect() as conn:
            rows = conn.execute(
                select(Referral)
                .where(Referral.c.channel == channel, Referral.c.user_id == user_id)
                .order_by(Referral.c.id)
            ).all()
        return [self._view(r) for r in rows]

    def _view(self, row: Any) -> ReferralView:
        org = self.organisations.get(row.organisation)
        name = org.name if org else row.organisation
        erasure = row.erasure_requested_at is not None
        return ReferralView(row.reference, name, row.organisation, row.status, erasure)

    def record(self, reference: str) -> dict[str, Any]:
        """The referral's record, decrypted (for the organisation's inbox and the worker)."""
        with self.db.connect() as conn:
            payload = conn.execute(
                select(Referral.c.payload).where(Referral.c.reference == reference)
            ).scalar_one_or_none()
        if payload is None:
            raise UnknownReferral(reference)
        data: dict[str, Any] = json.loads(unseal(self.cipher, payload))
        return data

    def person(self, reference: str) -> tuple[ReferralView, Person | None]:
        """Where the referral stands and whom to tell (None once they asked to be forgotten)."""
        with self.db.connect() as conn:
            row = conn.execute(select(Referral).where(Referral.c.reference == reference)).first()
        if row is None:
            raise UnknownReferral(reference)
        who = None
        if row.channel and row.user_id:
            who = Person(row.channel, row.user_id, row.language, row.easy_read)
        return self._view(row), who

    # -- changing -------------------------------------------------------------------------------

    def set_status(
        self,
        reference: str,
        status: str,
        *,
        at: datetime,
        by: str,
        note: str | None = None,
        tell: list[str] | None = None,
    ) -> None:
        """Change the status (with an optional note) and queue ``tell`` for the person."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        _, who = self.person(reference)
        values: dict[str, Any] = {"status": status, "updated_at": at}
        if status == "closed":
            values["closed_at"] = at
        with self.db.begin() as conn:
            row = conn.execute(
                update(Referral)
                .where(Referral.c.reference == reference)
                .values(**values)
                .returning(Referral.c.id)
            ).scalar_one()
            sealed = seal(self.cipher, note) if note else None
            conn.execute(
                insert(ReferralEvent).values(
                    referral_id=row, at=at, status=status, note=sealed, by=by
                )
            )
            for text in tell or []:
                if who is not None:
                    self._notice(conn, row, who, text, at)

    def _notice(self, conn: Connection, row: int, who: Person, text: str, at: datetime) -> None:
        conn.execute(
            insert(Notice).values(
                channel=who.channel,
                user_id=who.user_id,
                text=seal(self.cipher, text),
                referral_id=row,
                created_at=at,
            )
        )

    def mark_viewed(self, reference: str, at: datetime) -> None:
        """Someone at the organisation opened it: it can no longer be recalled."""
        with self.db.begin() as conn:
            conn.execute(
                update(Referral)
                .where(Referral.c.reference == reference, Referral.c.viewed_at.is_(None))
                .values(viewed_at=at)
            )

    def forget(
        self, channel: str, user_id: str, at: datetime
    ) -> tuple[list[ReferralView], list[ReferralView]]:
        """Erase what can be erased; returns (deleted, already with the organisation).

        A referral nobody at the organisation has had yet (not opened in the inbox, no e-mail
        or webhook accepted or being sent) is deleted with its outbox. One they have had is
        theirs to delete: it is marked, the organisation is told by each of its delivery
        methods, and the link to the person is cut, so they are not messaged again.
        """
        recalled: list[ReferralView] = []
        delivered: list[ReferralView] = []
        with self.db.begin() as conn:
            rows = conn.execute(
                select(Referral).where(Referral.c.channel == channel, Referral.c.user_id == user_id)
            ).all()
            for row in rows:
                view = self._view(row)
                if self._recallable(conn, row, at):
                    conn.execute(delete(Referral).where(Referral.c.id == row.id))
                    recalled.append(view)
                    continue
                delivered.append(view)
                conn.execute(
                    update(Referral)
                    .where(Referral.c.id == row.id)
                    .values(erasure_requested_at=at, updated_at=at, channel=None, user_id=None)
                )
                conn.execute(
                    insert(ReferralEvent).values(
                        referral_id=row.id, at=at, status=row.status, by="person: erasure"
                    )
                )
                org = self.organisations.get(row.organisation)
                if org is not None:
                    self._enqueue(conn, row.id, org, ERASURE, at)
            conn.execute(
                delete(Notice).where(Notice.c.channel == channel, Notice.c.user_id == user_id)
            )
        return recalled, delivered

    def _recallable(self, conn: Connection, row: Any, at: datetime) -> bool:
        if row.delivered_at or row.viewed_at or row.status != "new":
            return False
        sending = conn.execute(
            select(Delivery.c.id).where(
                Delivery.c.referral_id == row.id,
                or_(Delivery.c.status == "done", Delivery.c.claimed_until > at),
            )
        ).first()
        return sending is None

    # -- notices to people ----------------------------------------------------------------------

    def take_notices(
        self, channel: str, at: datetime, *, user_id: str | None = None, limit: int = 100
    ) -> list[tuple[str, str]]:
        """Notices waiting for this channel's people (or one person), as (user id, text).

        Each is marked sent before it is handed out, so two workers never both send it.
        """
        taken: list[tuple[str, str]] = []
        where = [Notice.c.channel == channel, Notice.c.sent_at.is_(None)]
        if user_id is not None:
            where.append(Notice.c.user_id == user_id)
        with self.db.connect() as conn:
            rows = conn.execute(
                select(Notice.c.id, Notice.c.user_id, Notice.c.text)
                .where(*where)
                .order_by(Notice.c.id)
                .limit(limit)
            ).all()
            for row in rows:
                won = conn.execute(
                    update(Notice)
                    .where(Notice.c.id == row.id, Notice.c.sent_at.is_(None))
                    .values(sent_at=at)
                ).rowcount
                conn.commit()
                if won == 1:
                    taken.append((row.user_id, unseal(self.cipher, row.text)))
        return taken

    # -- retention ------------------------------------------------------------------------------

    def purge(self, at: datetime) -> dict[str, int]:
        """Delete what is past its retention period (``RETENTION_DAYS``); counts per class."""
        days = RETENTION_DAYS
        with self.db.begin() as conn:
            closed = conn.execute(
                delete(Referral).where(
                    Referral.c.closed_at < at - timedelta(days=days["closed_referral"])
                )
            ).rowcount
            attempts = conn.execute(
                delete(DeliveryAttempt).where(
                    DeliveryAttempt.c.at < at - timedelta(days=days["delivery_attempt"])
                )
            ).rowcount
            notices = conn.execute(
                delete(Notice).where(Notice.c.sent_at < at - timedelta(days=days["sent_notice"]))
            ).rowcount
        return {"closed_referral": closed, "delivery_attempt": attempts, "sent_notice": notices}

    def rotate(self, cipher: Cipher) -> int:
        """Re-encrypt every referral, note and notice with the first key; how many changed."""
        changed = 0
        with self.db.begin() as conn:
            for table, column in (
                (Referral, Referral.c.payload),
                (ReferralEvent, ReferralEvent.c.note),
                (Notice, Notice.c.text),
            ):
                for row_id, value in conn.execute(select(table.c.id, column)).all():
                    if value and Cipher.encrypted(value):
                        conn.execute(
                            update(table)
                            .where(table.c.id == row_id)
                            .values({column.key: cipher.rotate(value)})
                        )
                        changed += 1
        return changed
