"""Events the engine returns. The host carries them out; the engine itself does no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.engine.state import Value

SAY = "say"
QUESTION = "question"
REPROMPT = "reprompt"
HELP = "help"
NOTICE = "notice"
SIGNPOSTS = "signposts"
URGENT = "urgent"


@dataclass(frozen=True)
class OptionView:
    """An option as shown: stable id and the label in the person's language."""

    id: str
    label: str


@dataclass(frozen=True)
class Event:
    """Base class of every engine event."""


@dataclass(frozen=True)
class MessageCreated(Event):
    """A message to show. ``options`` are set when it asks a question."""

    text: str
    kind: str = SAY
    options: tuple[OptionView, ...] = ()
    node: str | None = None
    prompt: int | None = None
    progress: tuple[int, int] | None = None
    picture: str | None = None
    """In Easy Read, the picture that goes with it (emoji code points, see ``Node.picture``)."""


@dataclass(frozen=True)
class ResultChanged(Event):
    """An answer or computed result was saved."""

    name: str
    value: Value


@dataclass(frozen=True)
class RoleAdded(Event):
    """A carer role was recognised."""

    role: str


@dataclass(frozen=True)
class FlagRaised(Event):
    """A flag (such as safeguarding) was raised."""

    flag: str


@dataclass(frozen=True)
class Signposted(Event):
    """A service was added to the person's list of places to get help."""

    service: str


@dataclass(frozen=True)
class ReferralOffered(Event):
    """The flow offers a referral; the host asks for consent before anything is shared."""

    flow: str


@dataclass(frozen=True)
class ReferralRequested(Event):
    """The person agreed to the referral: the host stores it and delivers it.

    ``record`` is what the organisation gets, with the consent (see ``referral_record``). It
    holds personal details: it must never be logged.
    """

    reference: str
    organisation: str
    record: Mapping[str, Any] = field(repr=False, compare=False)
    at: datetime | None = None


@dataclass(frozen=True)
class ReferralDeclined(Event):
    """The person said no (``at``: "offer" or "consent"); the details they gave are gone."""

    at: str


@dataclass(frozen=True)
class StatusRequested(Event):
    """The person asked where their referrals are; the host answers from its records."""


@dataclass(frozen=True)
class CheckInScheduled(Event):
    """The person asked to be messaged again at ``due``; the host sends it then."""

    due: datetime


@dataclass(frozen=True)
class CheckInCancelled(Event):
    """The person said no to a check-in (or changed their mind)."""


@dataclass(frozen=True)
class InputRepeated(Event):
    """The input's key was seen before (a delivery retried): nothing changed.

    ``reply`` holds the messages that answered the first delivery, when the input is the newest
    keyed one and its reply was kept (see ``bot.engine.redelivery``); else it is empty, and the
    host shows the current question again.
    """

    reply: tuple[MessageCreated, ...] = ()


@dataclass(frozen=True)
class ForgetRequested(Event):
    """The person asked for their data to be erased; the host deletes it instead of saving."""


@dataclass(frozen=True)
class ServiceRef:
    """A signposted service in an outcome: id and name in the person's language."""

    id: str
    name: str


@dataclass(frozen=True)
class Outcome:
    """What the screening concluded."""

    result: str
    roles: tuple[str, ...]
    flags: tuple[str, ...]
    signposts: tuple[ServiceRef, ...]
    referral: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The outcome as the JSON-lines protocol shows it."""
        return {
            "result": self.result,
            "roles": list(self.roles),
            "flags": list(self.flags),
            "signposts": [{"id": s.id, "name": s.name} for s in self.signposts],
            "referral": self.referral,
        }


@dataclass(frozen=True)
class OutcomeReached(Event):
    """The flow ended with an outcome."""

    outcome: Outcome


@dataclass(frozen=True)
class LanguageChanged(Event):
    """The person chose another language."""

    language: str


@dataclass(frozen=True)
class SessionRestarted(Event):
    """The conversation started again: ``reason`` is command, expired or corrupt."""

    reason: str


@dataclass(frozen=True)
class SessionStopped(Event):
    """The person stopped; answers are kept until the session expires."""
