"""What an organisation does with a referral (dashboard, API, command line): status and notes.

A change of status, or a note, is stored with the referral's history and queued as a message
to the person on their channel, in their language and register.
"""

from __future__ import annotations

from datetime import datetime

from bot.engine import Engine
from bot.engine.notices import ReferralView, news
from bot.storage.referrals import STATUSES, ReferralStore


def change_status(
    engine: Engine,
    referrals: ReferralStore,
    reference: str,
    status: str,
    *,
    at: datetime,
    by: str,
    note: str | None = None,
) -> list[str]:
    """Set the referral's status (and note); return what the person will be told."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    view, who = referrals.person(reference)
    changed = ReferralView(
        view.reference, view.organisation, view.organisation_id, status, view.erasure_requested
    )
    tell: list[str] = []
    if who is not None:
        tr = engine.translator(who.language, who.easy_read)
        tell = news(tr, changed, note) if status != view.status or note else []
    referrals.set_status(reference, status, at=at, by=by, note=note, tell=tell)
    return tell
