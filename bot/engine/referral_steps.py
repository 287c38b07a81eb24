"""The referral questions as data: wording, help, options, what a typed answer may be."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine import referral_texts as rt
from bot.i18n import Msg

REFERRAL = "referral:"
"""``awaiting`` of a referral question is this prefix and the step id."""
YOUNG_AGE = "under_16"
"""The age band that gets the wording written for under-16s."""


@dataclass(frozen=True)
class Ask:
    """One referral question. ``typed``: it takes typed words as well as its options."""

    text: Msg
    help: Msg
    options: tuple[tuple[str, Msg], ...] = ()
    typed: bool = False
    picture: str | None = None
    young_text: Msg | None = None
    young_help: Msg | None = None


YES_NO = (("yes", rt.YES_PLEASE), ("no", rt.NO_THANKS))

ASKS: dict[str, Ask] = {
    "offer": Ask(rt.OFFER, rt.OFFER_HELP, YES_NO, picture="1F91D",
                 young_text=rt.OFFER_YOUNG, young_help=rt.OFFER_YOUNG_HELP),
    "name": Ask(rt.NAME, rt.NAME_HELP, typed=True, picture="1F464"),
    "how": Ask(rt.HOW, rt.HOW_HELP,
               (("phone", rt.HOW_PHONE), ("email", rt.HOW_EMAIL), ("here", rt.HOW_HERE)),
               picture="1F4DE"),
    "phone": Ask(rt.PHONE, rt.PHONE_HELP, typed=True, picture="1F4F1"),
    "email": Ask(rt.EMAIL, rt.EMAIL_HELP, typed=True, picture="1F4E7"),
    "time": Ask(rt.TIME, rt.TIME_HELP,
                (("morning", rt.TIME_MORNING), ("afternoon", rt.TIME_AFTERNOON),
                 ("evening", rt.TIME_EVENING), ("any", rt.TIME_ANY)),
                picture="1F552"),
    "safe": Ask(rt.SAFE, rt.SAFE_HELP, (("yes", rt.SAFE_YES), ("no", rt.SAFE_NO)), picture="1F512"),
    "other": Ask(rt.OTHER, rt.OTHER_HELP, (("skip", rt.SKIP),), typed=True, picture="1F465"),
    "language": Ask(rt.LANGUAGE, rt.LANGUAGE_HELP,
                    (("bsl", rt.LANGUAGE_BSL), ("other", rt.LANGUAGE_OTHER)), picture="1F5E3"),
    "language_which": Ask(rt.LANGUAGE_WHICH, rt.LANGUAGE_WHICH_HELP, typed=True, picture="1F5E3"),
    "needs": Ask(rt.NEEDS, rt.NEEDS_HELP,
                 (("none", rt.NEEDS_NONE), ("easy_read", rt.NEEDS_EASY),
                  ("large_print", rt.NEEDS_LARGE), ("someone", rt.NEEDS_SOMEONE)),
                 typed=True, picture="1F453"),
    "confirm": Ask(rt.CONSENT, rt.CONSENT_HELP,
                   (("yes", rt.CONSENT_YES), ("change", rt.CONSENT_CHANGE), ("no", rt.CONSENT_NO)),
                   picture="2705", young_text=rt.CONSENT_YOUNG),
    "change": Ask(rt.CHANGE, rt.CHANGE_HELP, picture="270F"),
}  # fmt: skip
