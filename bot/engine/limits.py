"""Named limits of the engine. Change them here, never inline."""

from typing import Final

SPEC_VERSIONS: Final = frozenset({"1.0"})
"""Flow ``spec_version`` values this engine can read."""

SESSION_FORMAT: Final = 1
"""Version of the serialised session; older or newer rows start a fresh conversation."""

MAX_INPUT_CHARS: Final = 2000
"""Free text longer than this is cut before matching (the rest cannot be an answer)."""

MAX_PASSING_NODES: Final = 100
"""Passing nodes visited in one turn before the engine gives up on a routing loop."""

MAX_ID_CHARS: Final = 40
"""Longest flow, node or option id: ids travel in button data, which Telegram caps at 64 bytes."""

MAX_SIGNPOSTS: Final = 5
"""Most places to get help shown at the end: a short list people can act on."""

MAX_ANSWERS: Final = 500
"""Answers kept in one session; a longer session is a runaway and is refused."""
RECENT_KEYS = 32
"""Input keys remembered per conversation, to ignore a retried delivery."""

RETENTION_DAYS: Final = {
    "closed_referral": 30,
    "delivery_attempt": 90,
    "sent_notice": 7,
}
"""How long each class of data is kept (``carercheck purge`` deletes it after that).

closed_referral: a referral, after its organisation closed it. delivery_attempt: the log of
each delivery try (no personal data in it). sent_notice: a message to a person, once sent.
Conversations are kept as long as their flow says (``expire_after_minutes``); a referral not
yet closed is kept until it is.
"""
