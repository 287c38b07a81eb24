"""What a person is told about their referrals, outside the conversation's own questions.

The host knows the referrals (they are stored, not in the session); the engine words the
messages, in the person's language and register: the answer to ``status``, what ``forget``
could and could not recall, and the news when the organisation acts on a referral.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine import referral_texts as rt
from bot.engine.events import NOTICE, MessageCreated
from bot.engine.render import say
from bot.i18n import Msg, Translator

STATUS_WORDS: dict[str, Msg] = {
    "new": rt.STATUS_SENT,
    "acknowledged": rt.STATUS_RECEIVED,
    "contacted": rt.STATUS_CONTACTED,
    "closed": rt.STATUS_CLOSED,
}
NEWS: dict[str, Msg] = {
    "acknowledged": rt.NOTICE_RECEIVED,
    "contacted": rt.NOTICE_CONTACTED,
    "closed": rt.NOTICE_CLOSED,
}
"""The message a status change sends the person (a change back to "new" sends none)."""


@dataclass(frozen=True)
class ReferralView:
    """A referral as the person may see it: no details, only where it stands."""

    reference: str
    organisation: str
    """The organisation's name in English (the source text); it is translated here."""
    organisation_id: str
    status: str
    erasure_requested: bool = False


def _org(tr: Translator, view: ReferralView) -> str:
    return tr.pgettext(f"organisations/{view.organisation_id}", view.organisation)


def status_messages(tr: Translator, views: Sequence[ReferralView]) -> list[MessageCreated]:
    """The answer to ``status``: each referral and where it stands, or that there is none."""
    if not views:
        return [MessageCreated(say(tr, rt.STATUS_NONE), NOTICE)]
    lines = []
    for v in views:
        where = rt.STATUS_ERASE if v.erasure_requested else STATUS_WORDS[v.status]
        status = say(tr, where)
        lines.append(
            say(tr, rt.STATUS_LINE, reference=v.reference, organisation=_org(tr, v), status=status)
        )
    return [MessageCreated("\n".join(lines), NOTICE)]


def forget_messages(
    tr: Translator, recalled: Sequence[ReferralView], delivered: Sequence[ReferralView]
) -> list[MessageCreated]:
    """What ``forget`` did with the person's referrals: deleted, or reached the organisation."""
    said = [
        say(tr, rt.FORGOTTEN_RECALLED, reference=v.reference, organisation=_org(tr, v))
        for v in recalled
    ]
    said += [
        say(tr, rt.FORGOTTEN_DELIVERED, reference=v.reference, organisation=_org(tr, v))
        for v in delivered
    ]
    return [MessageCreated(text, NOTICE) for text in said]


def news(tr: Translator, view: ReferralView, note: str | None = None) -> list[str]:
    """What the person is told when the organisation changes the status or writes a note."""
    values = {"reference": view.reference, "organisation": _org(tr, view)}
    said = [say(tr, NEWS[view.status], **values)] if view.status in NEWS else []
    if note:
        said.append(say(tr, rt.NOTICE_NOTE, note=note, **values))
    return said
