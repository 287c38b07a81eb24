"""An organisation's referral inbox: every query is scoped to the organisation asking.

A reference that belongs to another organisation reads exactly like one that does not exist,
so nobody can learn another organisation's references by trying them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, exists, select

from bot.storage.crypto import Cipher, unseal
from bot.storage.db import as_utc
from bot.storage.models import Delivery, DeliveryAttempt, Referral, ReferralEvent

DEAD = "dead"
FILTERS = ("new", "acknowledged", "contacted", "closed", DEAD)
"""What the inbox can show: a status, or the referrals with a dead-lettered delivery."""


@dataclass(frozen=True)
class InboxRow:
    """A referral as the inbox lists it: nothing personal."""

    reference: str
    status: str
    created_at: datetime
    age_band: str | None
    outcome: str | None
    young: bool
    dead: bool
    viewed: bool
    erasure_requested: bool


@dataclass(frozen=True)
class ReferralPage:
    """Everything the detail page shows, decrypted."""

    row: InboxRow
    record: dict[str, Any]
    deliveries: list[dict[str, Any]]
    history: list[dict[str, Any]]


def _dead() -> Any:
    return exists().where(Delivery.c.referral_id == Referral.c.id, Delivery.c.status == DEAD)


class Inbox:
    """Referrals of one organisation at a time."""

    def __init__(self, db: Engine, cipher: Cipher | None) -> None:
        self.db = db
        self.cipher = cipher

    def rows(
        self, organisation: str, *, show: str | None = None, search: str = "", limit: int = 200
    ) -> list[InboxRow]:
        """The organisation's referrals, newest first, by status or dead letters, or a reference."""
        query = select(Referral, _dead().label("dead")).where(
            Referral.c.organisation == organisation
        )
        if show == DEAD:
            query = query.where(_dead())
        elif show in FILTERS:
            query = query.where(Referral.c.status == show)
        if search.strip():
            query = query.where(Referral.c.reference.contains(search.strip().upper()))
        with self.db.connect() as conn:
            found = conn.execute(query.order_by(Referral.c.id.desc()).limit(limit)).all()
        return [_row(r, r.dead) for r in found]

    def has(self, organisation: str, reference: str) -> bool:
        """Whether this organisation has a referral with this reference (nothing decrypted)."""
        with self.db.connect() as conn:
            found = conn.execute(
                select(Referral.c.id).where(
                    Referral.c.organisation == organisation, Referral.c.reference == reference
                )
            ).first()
        return found is not None

    def page(self, organisation: str, reference: str) -> ReferralPage | None:
        """The referral's page, or None if this organisation has no such referral."""
        with self.db.connect() as conn:
            found = conn.execute(
                select(Referral, _dead().label("dead")).where(
                    Referral.c.organisation == organisation, Referral.c.reference == reference
                )
            ).first()
            if found is None:
                return None
            referral = found
            deliveries = conn.execute(
                select(Delivery)
                .where(Delivery.c.referral_id == referral.id)
                .order_by(Delivery.c.id)
            ).all()
            attempts = conn.execute(
                select(DeliveryAttempt)
                .join(Delivery, Delivery.c.id == DeliveryAttempt.c.delivery_id)
                .where(Delivery.c.referral_id == referral.id)
                .order_by(DeliveryAttempt.c.id)
            ).all()
            events = conn.execute(
                select(ReferralEvent)
                .where(ReferralEvent.c.referral_id == referral.id)
                .order_by(ReferralEvent.c.id)
            ).all()
        record = json.loads(unseal(self.cipher, referral.payload))
        tried = [
            {"method": d.method, "kind": d.kind, "status": d.status, "attempts": d.attempts,
             "last_error": d.last_error,
             "tries": [(a.at, a.ok, a.detail) for a in attempts if a.delivery_id == d.id]}
            for d in deliveries
        ]  # fmt: skip
        history = [
            {"at": e.at, "status": e.status, "by": e.by,
             "note": unseal(self.cipher, e.note) if e.note else None}
            for e in events
        ]  # fmt: skip
        return ReferralPage(_row(referral, found.dead), record, tried, history)

    def export(self, organisation: str) -> list[dict[str, Any]]:
        """Every referral of the organisation with the details it may see, for a CSV file."""
        with self.db.connect() as conn:
            found = conn.execute(
                select(Referral)
                .where(Referral.c.organisation == organisation)
                .order_by(Referral.c.id)
            ).all()
        return [
            {
                "row": _row(r, False),
                "record": json.loads(unseal(self.cipher, r.payload)),
            }
            for r in found
        ]


def _row(r: Any, dead: bool) -> InboxRow:
    return InboxRow(
        r.reference, r.status, as_utc(r.created_at), r.age_band, r.outcome, bool(r.young),
        bool(dead), r.viewed_at is not None, r.erasure_requested_at is not None,
    )  # fmt: skip
