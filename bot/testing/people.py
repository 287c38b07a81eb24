"""Simulated people doing whole screenings on Telegram, against webhook workers and a fake Bot API.

A :class:`Script` is a golden persona's inputs as a person gives them on Telegram (/start, English,
no Easy Read, then the persona's taps and typed answers), with what the engine alone makes of
them: the answers kept, the questions shown and the referrals made. A :class:`Person` plays a
script through :class:`~bot.testing.workers.Telegram` and watches what the bot sends to their
chat; :func:`problems` compares what was stored and sent with the script's expectations.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.adapters.telegram.render import outgoing
from bot.engine import (
    Choose,
    Command,
    Engine,
    Event,
    Input,
    ReferralRequested,
    Session,
    StatusRequested,
    Text,
)
from bot.engine.state import WAITING
from bot.storage import Conversations
from bot.testing.telegram import FakeBotApi
from bot.testing.workers import Telegram

Json = dict[str, Any]
SKIPPED = ("easy_read", "forget", "language")
"""Personas using these are left out: Easy Read sends cards, forget erases the conversation."""


@dataclass(frozen=True)
class Step:
    """One thing a person does: ``tap`` a button (by option id), ``tick`` one at a "choose all
    that fit" question (tapping it twice unticks it), or ``type`` words or a /command."""

    kind: str
    value: str


@dataclass(frozen=True)
class Script:
    """A persona's steps, and what the engine alone makes of them."""

    name: str
    steps: tuple[Step, ...]
    answers: list[Any]
    questions: list[str]
    """The text of each question shown (a message with buttons), first showing only."""
    again: list[str]
    """What showing the question again gives at the end (the finished conversation's message)."""
    replies: tuple[int | None, ...]
    """For each step, how many messages answer it (None: it depends on storage, as status)."""
    raced: tuple[int, ...]
    """For each step, how many messages answer the same tap made again at once."""
    referrals: int


def steps_of(inputs: Iterable[Json]) -> list[Step]:
    """Golden inputs as taps and typing; a list of choices is ticked one by one, then Done."""
    steps = [Step("type", "/start"), Step("tap", "en"), Step("tap", "no")]
    for raw in inputs:
        if "text" in raw:
            steps.append(Step("type", str(raw["text"])))
        elif "command" in raw:
            steps.append(Step("type", f"/{raw['command']}"))
        elif isinstance(raw["choose"], list):
            steps += [Step("tick", str(option)) for option in raw["choose"]]
            steps.append(Step("tap", "_done"))
        else:
            steps.append(Step("tap", str(raw["choose"])))
    return steps


def _as_input(step: Step, at: datetime, asked: int) -> Input:
    if step.kind in ("tap", "tick"):
        return Choose(at, step.value, asked)
    if step.value.startswith("/"):
        name, _, arg = step.value[1:].partition(" ")
        return Command(at, name.lower(), arg or None)
    return Text(at, step.value)


def _questions(events: list[Event]) -> list[str]:
    return [o.text for o in outgoing(events) if o.reply_markup is not None]


def script(engine: Engine, path: Path) -> Script:
    """The persona at ``path`` as a script, played once through the engine for its expectations."""
    steps = steps_of(json.loads(path.read_text(encoding="utf-8"))["inputs"])
    at = datetime.now(UTC)
    session = engine.new_session(at=at, language="en", ask=True)
    events = session.start()
    shown, replies, referrals = _questions(events), [len(outgoing(events))], 0
    raced: list[int] = [0]
    for number, step in enumerate(steps[1:], start=1):
        if _ticks(session, step):  # tapped twice, a tick is taken back: never raced
            steps[number] = Step("tick", step.value)
        tapped = _as_input(step, at, session.state.asked)
        events = session.resume(tapped)
        again = engine.load_session(session.to_json()).resume(tapped)  # the same tap, too late
        raced.append(len(outgoing(again)))
        shown += _questions(events)
        status = any(isinstance(e, StatusRequested) for e in events)
        replies.append(None if status else len(outgoing(events)))
        referrals += sum(isinstance(e, ReferralRequested) for e in events)
    answers = engine.load_session(session.to_json()).state.answers
    return Script(
        path.stem,
        tuple(steps),
        answers,
        _first(shown),
        _questions(session.current()),
        tuple(replies),
        tuple(raced),
        referrals,
    )


def _ticks(session: Session, step: Step) -> bool:
    """Whether ``step`` ticks an option of a "choose all that fit" question."""
    waiting = session.state.status == WAITING and not session.state.awaiting
    if step.kind != "tap" or not waiting or not session.node.multiple:
        return False
    return session.node.option(step.value) is not None


def scripts(engine: Engine, folder: Path) -> list[Script]:
    """Every persona in ``folder`` that a webhook run can play (see :data:`SKIPPED`)."""
    found = []
    for path in sorted(folder.glob("*.json")):
        inputs = json.dumps(json.loads(path.read_text(encoding="utf-8"))["inputs"])
        if not any(word in inputs for word in SKIPPED):
            found.append(script(engine, path))
    return found


def _first(texts: Iterable[str]) -> list[str]:
    """Each text once, where it first came."""
    return list(dict.fromkeys(texts))


@dataclass
class Inbox:
    """What the bot has sent one chat: (when it arrived, the message as sent)."""

    messages: list[tuple[float, Json]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)


class Inboxes:
    """Every chat's inbox, filled from the fake Bot API's thread onto this event loop."""

    def __init__(self, api: FakeBotApi) -> None:
        self._loop = asyncio.get_running_loop()
        self.chats: dict[int, Inbox] = {}
        api.observers.append(self._observe)

    def __getitem__(self, chat_id: int) -> Inbox:
        return self.chats.setdefault(chat_id, Inbox())

    def _observe(self, chat_id: int, message: Json) -> None:
        self._loop.call_soon_threadsafe(self._put, chat_id, time.monotonic(), message)

    def _put(self, chat_id: int, at: float, message: Json) -> None:
        inbox = self[chat_id]
        inbox.messages.append((at, message))
        inbox.arrived.set()


@dataclass
class Counts:
    """What happened on the way, over every person."""

    steps: int = 0
    duplicates: int = 0
    races: int = 0
    lost: int = 0
    """Updates answered 200 that no worker ever applied (the person did it again)."""
    silent: int = 0
    """Updates applied whose reply never came (the person sent /start to see the question)."""
    latencies: list[float] = field(default_factory=list)


@dataclass
class Person:
    """One person playing a script. ``duplicate`` and ``race`` are chances per step."""

    user_id: int
    script: Script
    api: FakeBotApi
    inboxes: Inboxes
    telegram: Telegram
    counts: Counts
    rng: random.Random
    duplicate: float = 0.0
    """Chance that a step's update is delivered to two workers at once."""
    race: float = 0.0
    """Chance that a tap is tapped twice at once (two updates, same button)."""
    conversations: Conversations | None = None
    """To tell a lost update from a silent one; without it, a reply that never comes fails."""
    quiet: float = 0.1
    patience: float = 3.0

    @property
    def inbox(self) -> Inbox:
        """What the bot has sent this person."""
        return self.inboxes[self.user_id]

    async def play(self) -> None:
        """Every step of the script, each once its reply has come."""
        for number, step in enumerate(self.script.steps):
            await self.step(step, number)

    async def step(self, step: Step, number: int) -> None:
        """Do step ``number`` of the script, and wait for its reply.

        After the first step, its update may go to two workers at once (``duplicate``: the
        second gets the question again) or a tap may be tapped twice (``race``: the second is
        told the question has moved on, and gets it again).
        """
        replies, rough = self.script.replies[number], number > 0
        mark, started = len(self.inbox.messages), time.monotonic()
        update = self._update(step)
        sends, extra = [self.telegram.deliver(update)], []
        if rough and len(self.telegram.workers) > 1 and self.rng.random() < self.duplicate:
            first, second = self.rng.sample(list(self.telegram.workers), 2)
            sends[0].close()  # not sent: it goes to both workers instead
            sends = [self.telegram.deliver(update, first), self.telegram.deliver(update, second)]
            self.counts.duplicates += 1
            replies = None if replies is None else replies + 1
        elif rough and step.kind == "tap" and self.rng.random() < self.race:
            extra.append(self._update(step))
            sends.append(self.telegram.deliver(extra[-1]))
            self.counts.races += 1
            replies = None if replies is None else replies + self.script.raced[number]
        await asyncio.gather(*sends)
        self.counts.steps += 1
        await self._settle(mark, step, update, replies, rough=len(sends) > 1, extra=extra)
        new = self.inbox.messages[mark:]
        if new:
            self.counts.latencies.append(new[min(len(new), replies or len(new)) - 1][0] - started)

    async def _settle(
        self,
        mark: int,
        step: Step,
        update: Json,
        replies: int | None,
        *,
        rough: bool = False,
        extra: Sequence[Json] = (),
    ) -> None:
        """Wait for the step's ``replies`` messages (None: any, then quiet for a while).

        After a rough step, also until every update of it is in the stored conversation. When
        the reply does not come within ``patience`` seconds, see :meth:`_recover`.
        """
        since = time.monotonic()
        while True:
            new = self.inbox.messages[mark:]
            now = time.monotonic()
            if replies is None:
                enough = bool(new) and now - new[-1][0] >= 5 * self.quiet
            else:
                enough = len(new) >= replies
            if enough and (not rough or await self._recorded([update, *extra])):
                return
            if now - since > self.patience and not enough:
                update = await self._recover(step, update)
                mark, since, replies, extra = len(self.inbox.messages), time.monotonic(), None, ()
                continue
            self.inbox.arrived.clear()
            try:
                await asyncio.wait_for(self.inbox.arrived.wait(), timeout=self.quiet)
            except TimeoutError:
                pass

    async def _recorded(self, updates: Iterable[Json]) -> bool:
        """Whether every one of ``updates`` has been taken into the stored conversation."""
        if self.conversations is None:
            return True
        session = await asyncio.to_thread(self.conversations.session, str(self.user_id))
        keys = set(session.state.recent_keys) if session else set()
        return all(str(u["update_id"]) in keys for u in updates)

    async def _recover(self, step: Step, update: Json) -> Json:
        """No question came: do it again if it was lost, else ask for the question (/start)."""
        if self.conversations is None:
            raise AssertionError(f"user {self.user_id}: no reply to {step}")
        if await self._recorded([update]):
            self.counts.silent += 1
            await self.telegram.deliver(self.api.send_text(self.user_id, "/start"))
            return update
        self.counts.lost += 1
        again = self._update(step)
        await self.telegram.deliver(again)
        return again

    def _update(self, step: Step) -> Json:
        """The update for ``step``: typed words, or a tap on the newest message offering it."""
        if step.kind == "type":
            return self.api.send_text(self.user_id, step.value)
        for message in reversed(self.api.sent(self.user_id)):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            found = [b["callback_data"] for row in rows for b in row]
            found = [d for d in found if d.endswith(f":{step.value}")]
            if found:
                return self.api.tap(self.user_id, message["message_id"], found[0])
        raise AssertionError(f"user {self.user_id}: no {step.value!r} button to tap")

    def questions(self) -> list[str]:
        """The text of each question this person was shown, first showing only."""
        shown = [m for _, m in self.inbox.messages if m.get("reply_markup")]
        return _first(str(m.get("text") or m.get("caption")) for m in shown)


def problems(person: Person, conversations: Conversations) -> list[str]:
    """How what was stored and sent for ``person`` differs from their script, if it does."""
    who = f"user {person.user_id} ({person.script.name})"
    found = []
    session = conversations.session(str(person.user_id))
    answers = session.state.answers if session else None
    if answers != person.script.answers:
        found.append(f"{who}: answers {answers} instead of {person.script.answers}")
    expected = person.script.questions
    shown = [q for q in person.questions() if q in expected or q not in person.script.again]
    if shown != expected:
        found.append(f"{who}: shown {shown} instead of {expected}")
    referrals = len(conversations.referrals.for_person("telegram", str(person.user_id)))
    if referrals != person.script.referrals:
        found.append(f"{who}: {referrals} referrals instead of {person.script.referrals}")
    return found
