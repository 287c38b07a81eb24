"""Screenings played against webhook workers on one database, some workers killed on the way.

:func:`run` starts the workers (``carercheck telegram --webhook`` processes) against a fake Bot
API, lets simulated people play golden personas with their updates delivered to one worker or
another, kills a worker with SIGKILL now and then and starts it again, and then checks that every
screening ended with exactly its answers and referrals. The concurrency test, the reliability
drill (``bench/drill.py``) and its small version in the tests all run it.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.content import build_engine
from bot.engine import Engine
from bot.storage import Conversations, ConversationStore, connect, upgrade
from bot.testing.keys import fixed_cipher
from bot.testing.people import Counts, Inboxes, Person, problems
from bot.testing.scripts import Script, scripts
from bot.testing.telegram import FakeBotApi
from bot.testing.workers import TOKEN, Telegram, WebhookWorker

ROOT = Path(__file__).resolve().parent.parent.parent
PERSONAS = ROOT / "tests" / "goldens" / "screening"
FIRST_USER = 700_000


@dataclass(frozen=True)
class Plan:
    """What to run: how many screenings, workers and kills, and how rough the delivery is."""

    screenings: int
    kills: int = 0
    workers: int = 2
    at_once: int = 10
    """Screenings in progress at the same time."""
    duplicate: float = 0.0
    """Chance per step that its update is delivered to two workers at once."""
    race: float = 0.0
    """Chance per tap that it is tapped twice at once."""
    kill_every: tuple[float, float] = (1.0, 3.0)
    """Seconds between kills (from the last restart), drawn at random between these."""
    seed: int = 1
    first_user: int = FIRST_USER


@dataclass
class Report:
    """What a run did, and every way it fell short (none, when all is well)."""

    screenings: int = 0
    kills: int = 0
    deliveries: int = 0
    retries: int = 0
    answers: int = 0
    referrals: int = 0
    counts: Counts = field(default_factory=Counts)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line of counts."""
        c = self.counts
        return (
            f"screenings {self.screenings}, kills {self.kills}, deliveries {self.deliveries}, "
            f"retries {self.retries}, answers {self.answers}, referrals {self.referrals}, "
            f"duplicates {c.duplicates}, races {c.races}, lost after 200 {c.lost}, "
            f"applied but unanswered {c.silent}, problems {len(self.problems)}, "
            f"{self.seconds:.1f} s"
        )


async def run(plan: Plan, database_url: str, workdir: Path) -> Report:
    """Play ``plan`` on the (empty or migrated) database at ``database_url``; see the module."""
    engine = build_engine(ROOT / "flows", ROOT / "locales")
    db = connect(database_url)
    upgrade(db)  # once, before any worker starts
    conversations = Conversations(
        engine, ConversationStore(db), channel="telegram", cipher=fixed_cipher()
    )
    rng = random.Random(plan.seed)  # noqa: S311 - a repeatable run, not a secret
    report = Report()
    started = time.monotonic()
    with FakeBotApi(token=TOKEN) as api:
        workers = [
            WebhookWorker(f"worker{n}", workdir, api.base_url, database_url)
            for n in range(plan.workers)
        ]
        try:
            await _start(workers)
            async with httpx.AsyncClient() as client:
                telegram = Telegram(workers, client, random.Random(rng.random()))  # noqa: S311
                people = cast(
                    plan, plays(plan, engine), api=api, telegram=telegram, report=report, rng=rng
                )
                for person in people:
                    person.conversations = conversations
                report.kills = await _play(people, workers, plan, rng)
                report.deliveries, report.retries = telegram.deliveries, telegram.retries
        finally:
            for worker in workers:
                worker.stop()
        report.problems += [f"{m}: {' '.join(p)}" for m, p in api.violations]
    report.seconds = time.monotonic() - started
    for person in people:
        report.problems += await asyncio.to_thread(problems, person, conversations)
        report.answers += len(person.script.answers)
        report.referrals += len(conversations.referrals.for_person("telegram", str(person.user_id)))
    report.screenings = len(people)
    db.dispose()
    return report


def plays(plan: Plan, engine: Engine) -> list[Script]:
    """The script of each screening: one in four ends in a referral with consent."""
    found = scripts(engine, PERSONAS)
    referring = [s for s in found if s.referrals]
    others = [s for s in found if not s.referrals]
    return [
        referring[n // 4 % len(referring)] if n % 4 == 0 else others[n % len(others)]
        for n in range(plan.screenings)
    ]


def cast(
    plan: Plan,
    plays: list[Script],
    *,
    api: FakeBotApi,
    telegram: Telegram,
    report: Report,
    rng: random.Random,
) -> list[Person]:
    """A person for each screening, with user ids from ``plan.first_user`` on."""
    inboxes = Inboxes(api)
    return [
        Person(
            plan.first_user + n,
            play,
            api,
            inboxes,
            telegram,
            report.counts,
            random.Random(rng.random()),  # noqa: S311 - a repeatable run, not a secret
            duplicate=plan.duplicate,
            race=plan.race,
        )
        for n, play in enumerate(plays)
    ]


async def _start(workers: list[WebhookWorker]) -> None:
    for worker in workers:
        worker.start()
    await asyncio.gather(*(asyncio.to_thread(w.wait_ready) for w in workers))


async def _play(
    people: list[Person], workers: list[WebhookWorker], plan: Plan, rng: random.Random
) -> int:
    """Every person's screening, ``plan.at_once`` at a time, while workers are killed."""
    gate = asyncio.Semaphore(plan.at_once)
    done = asyncio.Event()

    async def one(person: Person) -> None:
        async with gate:
            await person.play()

    killing = asyncio.create_task(_kill(workers, plan, rng, done))
    try:
        await asyncio.gather(*(one(p) for p in people))
    finally:
        done.set()
        kills = await killing
    return kills


async def _kill(
    workers: list[WebhookWorker], plan: Plan, rng: random.Random, done: asyncio.Event
) -> int:
    """SIGKILL a random worker every so often and start it again; how many were killed."""
    kills = 0
    while kills < plan.kills:
        try:
            await asyncio.wait_for(done.wait(), timeout=rng.uniform(*plan.kill_every))
            return kills
        except TimeoutError:
            pass
        worker = rng.choice(workers)
        worker.kill()
        kills += 1
        worker.start()
        await asyncio.to_thread(worker.wait_ready)
    return kills
