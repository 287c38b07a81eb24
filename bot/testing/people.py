"""Simulated people doing whole screenings on Telegram, against webhook workers and a fake Bot API.

A :class:`Person` plays a :class:`~bot.testing.scripts.Script` through
:class:`~bot.testing.workers.Telegram` and watches what the bot sends to their chat;
:func:`problems` compares what was stored and sent with the script's expectations.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.storage import Conversations
from bot.testing.scripts import Script, Step, first_showing
from bot.testing.telegram import FakeBotApi
from bot.testing.workers import Telegram, WebhookWorker

Json = dict[str, Any]
STUCK = 60.0
"""Seconds a reply may take while the worker that took the update lives; more fails the run."""


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
    """Seconds between looks at the inbox; five of them without a message end a reply of
    unknown length (the answer to ``status``)."""
    patience: float = 0.5
    """Seconds to wait for a reply before asking whether its worker was killed meanwhile."""
    _takers: list[tuple[WebhookWorker, int]] = field(default_factory=list)
    _running: list[tuple[WebhookWorker, int]] = field(default_factory=list)
    """Every worker and its start count when the step's update was first sent: a worker
    killed since may have taken it first, applied it and died mid-reply before a retry went
    to another (which then sends the whole reply again, or only the current question when the
    update is no longer the newest, or the reply was the answer to ``status``)."""
    _since: float = 0.0

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
        second gets the same reply again) or a tap may be tapped twice (``race``: the second is
        told the question has moved on, and gets it again).
        """
        replies, rough = self.script.replies[number], number > 0
        once = replies
        mark, started = len(self.inbox.messages), time.monotonic()
        update = self._update(step)
        self._running = [(w, w.starts) for w in self.telegram.workers]
        sends, extra = [self.telegram.deliver(update)], []
        if rough and len(self.telegram.workers) > 1 and self.rng.random() < self.duplicate:
            first, second = self.rng.sample(list(self.telegram.workers), 2)
            sends[0].close()  # not sent: it goes to both workers instead
            sends = [self.telegram.deliver(update, first), self.telegram.deliver(update, second)]
            self.counts.duplicates += 1
            replies = None if replies is None else 2 * replies
        elif rough and step.kind == "tap" and self.rng.random() < self.race:
            extra.append(self._update(step))
            sends.append(self.telegram.deliver(extra[-1]))
            self.counts.races += 1
            replies = None if replies is None else replies + self.script.raced[number]
        self._takers = list(await asyncio.gather(*sends))
        self.counts.steps += 1
        if not extra and len(set(self._takers)) < len(sends):
            replies = once  # both copies went to one worker (the other was down): it drops one
        await self._settle(mark, step, update, replies, extra=extra, keyed=rough)
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
        extra: Sequence[Json] = (),
        keyed: bool = True,
    ) -> None:
        """Wait for the step's ``replies`` messages (None: any, then quiet for a while).

        Also until every update of the step is in the stored conversation (when ``conversations``
        is given), so that a late message of an earlier step never passes for this one's reply;
        not for a first /start, which is not ``keyed`` (it opens the conversation).
        When a worker that took an update is killed, see :meth:`_recover`.
        """
        since = self._since = time.monotonic()
        while True:
            new = self.inbox.messages[mark:]
            now = time.monotonic()
            if replies is None:
                enough = bool(new) and now - new[-1][0] >= 5 * self.quiet
            else:
                enough = len(new) >= replies
            if enough and (not keyed or await self._recorded([update, *extra])):
                return
            if enough and self._taker_died() and await self._any_recorded([update, *extra]):
                return  # what a killed worker lost was a repeat of what another one applied
            if now - since > self.patience and self._taker_died():
                mark = len(self.inbox.messages)  # before: the reply may come before the 200
                update = await self._recover(step, [update, *extra])
                since, replies, extra = time.monotonic(), None, ()
                self._since = since
                continue
            self.inbox.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.inbox.arrived.wait(), timeout=self.quiet)

    def _taker_died(self) -> bool:
        """Whether a worker that took this step's update has been killed since.

        Until then the reply may only be late (queued behind other updates); after, what was not
        done will never be. A reply later than ``STUCK`` seconds fails the run.
        """
        if time.monotonic() - self._since > STUCK:
            taken = [(w.name, start, w.starts) for w, start in self._takers]
            raise AssertionError(f"user {self.user_id}: no reply for {STUCK} s (taken by {taken})")
        return any(worker.starts != start for worker, start in self._takers + self._running)

    async def _recorded(self, updates: Iterable[Json]) -> bool:
        """Whether every one of ``updates`` has been taken into the stored conversation."""
        if self.conversations is None:
            return True
        session = await asyncio.to_thread(self.conversations.session, str(self.user_id))
        keys = set(session.state.recent_keys) if session else set()
        return all(str(u["update_id"]) in keys for u in updates)

    async def _any_recorded(self, updates: list[Json]) -> bool:
        """Whether one of ``updates`` at least has been taken into the stored conversation."""
        return any([await self._recorded([u]) for u in updates])

    async def _recover(self, step: Step, updates: list[Json]) -> Json:
        """No reply came: do it again if it was lost, else ask for the question (/start).

        ``updates`` are the step's (a tap tapped twice has two): if one was applied, so was the
        step. Returns the update sent now.
        """
        if self.conversations is None:
            raise AssertionError(f"user {self.user_id}: no reply to {step}")
        if await self._any_recorded(updates):
            self.counts.silent += 1
            start = self.api.send_text(self.user_id, "/start")
            self._running = [(w, w.starts) for w in self.telegram.workers]
            self._takers = [await self.telegram.deliver(start)]
            return start
        self.counts.lost += 1
        again = self._update(step)
        self._running = [(w, w.starts) for w in self.telegram.workers]
        self._takers = [await self.telegram.deliver(again)]
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
        return first_showing(str(m.get("text") or m.get("caption")) for m in shown)


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
