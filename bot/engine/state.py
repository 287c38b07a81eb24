"""The mutable state of one conversation, and its JSON form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from bot.engine.limits import MAX_ANSWERS, SESSION_FORMAT

T = TypeVar("T")

Value = str | int | tuple[str, ...]
"""An answer: an option id, a number, or the option ids picked at a "choose all that fit"."""

WAITING = "waiting"
DONE = "done"
STOPPED = "stopped"
STATUSES = frozenset({WAITING, DONE, STOPPED})
MESSAGE_FIELDS = frozenset({"text", "kind", "options", "node", "prompt", "progress", "picture"})
"""The fields of a kept message; one left out has its default (see ``MessageCreated``)."""


class CorruptSession(ValueError):
    """A stored session that cannot be read: wrong format version, or damaged."""


@dataclass(frozen=True)
class KeptReply:
    """The messages that answered the input with ``key``, as JSON (see ``bot.engine.redelivery``).

    ``private``: they may show personal details (the host stores the session encrypted).
    ``current``: the reply was the current question, and is shown again rather than kept.
    """

    key: str
    messages: tuple[dict[str, Any], ...] = ()
    private: bool = False
    current: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form."""
        return {
            "key": self.key,
            "messages": list(self.messages),
            "private": self.private,
            "current": self.current,
        }

    @classmethod
    def from_dict(cls, data: Any) -> KeptReply:
        """Read it back; TypeError, KeyError or ValueError if it is damaged."""
        messages = tuple(_message(m) for m in data["messages"])
        return cls(_str(data["key"]), messages, _bool(data["private"]), _bool(data["current"]))


@dataclass
class RunState:
    """Where a conversation stands. Everything in it round-trips through JSON."""

    flow: str
    language: str
    node: str
    started_at: datetime
    updated_at: datetime
    status: str = WAITING
    awaiting: str | None = None
    answers: list[tuple[str, Value]] = field(default_factory=list)
    results: dict[str, Value] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    signposts: list[str] = field(default_factory=list)
    picked: list[str] = field(default_factory=list)
    """Options picked so far at a "choose all that fit" question, before Done."""
    alarms: list[str] = field(default_factory=list)
    """Flags raised by crisis words; kept when answers are replayed or the flow restarts."""
    referral_offered: bool = False
    referral: dict[str, str] = field(default_factory=dict)
    """The referral details given so far (step id to answer). Personal: the host encrypts a
    session holding any (see ``Session.private``), and they go when the referral is sent or
    declined."""
    check_in_offer: int | None = None
    """Days until a check-in, when the outcome offers one (asked after the outcome)."""
    check_in_due: datetime | None = None
    """When the person asked to be messaged again; kept across restarts until it is used."""
    easy_read: bool = False
    setup: bool = False
    """Whether the start questions (language, Easy Read) are still being asked."""
    """Whether the person chose Easy Read: short sentences, everyday words, pictures."""
    source: str | None = None
    """Where the person came from (a deep link's source id), for anonymous statistics."""
    preset: dict[str, Value] = field(default_factory=dict)
    """Results known before they are asked (the area of a deep link's source): not asked."""
    recent_keys: list[str] = field(default_factory=list)
    """Keys of the last inputs (see ``Input.key``), newest last."""
    last_reply: KeptReply | None = None
    """The messages that answered the newest keyed input, for a repeated delivery of it."""
    outcome: str | None = None
    run: str = ""
    """A random id of this run through the flow (a new one on each restart): anonymous
    statistics are kept under it, never under who the person is."""
    asked: int = 0
    turns: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form of this state."""
        return {
            "format": SESSION_FORMAT,
            "flow": self.flow,
            "language": self.language,
            "node": self.node,
            "started_at": self.started_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "status": self.status,
            "awaiting": self.awaiting,
            "answers": [[n, _json(v)] for n, v in self.answers],
            "results": {k: _json(v) for k, v in self.results.items()},
            "picked": list(self.picked),
            "roles": list(self.roles),
            "flags": list(self.flags),
            "signposts": list(self.signposts),
            "alarms": list(self.alarms),
            "referral_offered": self.referral_offered,
            "referral": dict(self.referral),
            "check_in_offer": self.check_in_offer,
            "check_in_due": None if self.check_in_due is None else self.check_in_due.isoformat(),
            "easy_read": self.easy_read,
            "setup": self.setup,
            "source": self.source,
            "preset": {k: _json(v) for k, v in self.preset.items()},
            "recent_keys": list(self.recent_keys),
            "last_reply": None if self.last_reply is None else self.last_reply.to_dict(),
            "outcome": self.outcome,
            "run": self.run,
            "asked": self.asked,
            "turns": self.turns,
        }

    @classmethod
    def from_dict(cls, data: Any) -> RunState:
        """Read a state back; raise CorruptSession on any sign of damage."""
        try:
            if not isinstance(data, dict) or data.get("format") != SESSION_FORMAT:
                raise CorruptSession("unknown session format")
            state = cls(
                flow=_str(data["flow"]),
                language=_str(data["language"]),
                node=_str(data["node"]),
                started_at=_time(data["started_at"]),
                updated_at=_time(data["updated_at"]),
                status=_str(data["status"]),
                awaiting=None if data["awaiting"] is None else _str(data["awaiting"]),
                answers=[(_str(n), _value(v)) for n, v in data["answers"]],
                results={_str(k): _value(v) for k, v in data["results"].items()},
                roles=[_str(r) for r in data["roles"]],
                flags=[_str(f) for f in data["flags"]],
                signposts=[_str(s) for s in data["signposts"]],
                alarms=[_str(a) for a in data.get("alarms", [])],
                picked=[_str(p) for p in data.get("picked", [])],
                referral_offered=_bool(data["referral_offered"]),
                referral={_str(k): _str(v) for k, v in data.get("referral", {}).items()},
                check_in_offer=_maybe(_int, data.get("check_in_offer")),
                check_in_due=_maybe(_time, data.get("check_in_due")),
                easy_read=_bool(data.get("easy_read", False)),
                setup=_bool(data.get("setup", False)),
                source=_maybe(_str, data.get("source")),
                preset={_str(k): _value(v) for k, v in data.get("preset", {}).items()},
                recent_keys=[_str(k) for k in data.get("recent_keys", [])],
                last_reply=_maybe(KeptReply.from_dict, data.get("last_reply")),
                outcome=None if data["outcome"] is None else _str(data["outcome"]),
                run=_str(data.get("run", "")),
                asked=_int(data["asked"]),
                turns=_int(data["turns"]),
            )
        except CorruptSession:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CorruptSession(f"damaged session: {type(exc).__name__}") from exc
        if state.status not in STATUSES or len(state.answers) > MAX_ANSWERS:
            raise CorruptSession("session values out of range")
        return state


def _message(data: Any) -> dict[str, Any]:
    """A kept message (see ``bot.engine.redelivery``), checked field by field."""
    if not isinstance(data, dict) or not set(data) <= MESSAGE_FIELDS:
        raise ValueError("not a kept message")
    message: dict[str, Any] = {"text": _str(data["text"])}
    for name in ("kind", "node", "picture"):
        if name in data:
            message[name] = _str(data[name])
    if "prompt" in data:
        message["prompt"] = _int(data["prompt"])
    if "options" in data:
        message["options"] = [[_str(i), _str(label)] for i, label in data["options"]]
    if "progress" in data:
        done, total = data["progress"]
        message["progress"] = [_int(done), _int(total)]
    return message


def _maybe(read: Callable[[Any], T], value: Any) -> T | None:
    return None if value is None else read(value)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _json(value: Value) -> str | int | list[str]:
    return list(value) if isinstance(value, tuple) else value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected a whole number")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def _time(value: Any) -> datetime:
    moment = datetime.fromisoformat(_str(value))
    if moment.tzinfo is None:
        raise ValueError("a time without a time zone")
    return moment


def _value(value: Any) -> Value:
    if isinstance(value, list):
        return tuple(_str(v) for v in value)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError("expected a string, a whole number or a list of strings")
    return value
