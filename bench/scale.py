"""Scale benchmark: one and two webhook workers on PostgreSQL, with many stored conversations.

Run it with ``.venv/bin/python bench/scale.py`` (about three minutes), or for instance::

    .venv/bin/python bench/scale.py --quick                  # 1,000 stored, fewer screenings
    .venv/bin/python bench/scale.py --screenings 400 --at-once 80
    .venv/bin/python bench/scale.py --worker-cpus 0.4         # each worker capped (as root)

It needs PostgreSQL (the ``CARERCHECK_TEST_POSTGRES_URL`` server, by default the local ``test``
database) and works in a schema of its own, dropped at the end.

For each number of stored conversations (seeded in bulk through the storage layer) and each
number of workers, ``carercheck telegram --webhook`` processes (rate limit off) serve a load
generator that plays simulated people doing whole screenings (the golden personas) over
loopback HTTP with httpx; each update goes to a worker picked at random. The bot talks to the
fake Bot API in the generator's process, with its spec check off. Printed: turns/s, p50 and p99
turn latency (from posting the update to the last message of its reply arriving), CPU use and
each worker's RSS (once started, and its peak while loaded). Targets are printed as PASS or
MISS; the run never fails on them. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time

# Python puts this folder first on sys.path, where bench/telegram.py would shadow the telegram
# package that the bot imports.
if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import func, insert, select

from bot.content import build_engine
from bot.engine import Choose, Engine, Text
from bot.storage import connect, upgrade
from bot.storage.models import Conversation
from bot.testing.cpulimit import CpuLimit
from bot.testing.drill import ROOT, Plan, cast, plays
from bot.testing.people import Counts, Person
from bot.testing.schemas import own_schema
from bot.testing.telegram import FakeBotApi
from bot.testing.telegram.spec import BotApiSpec
from bot.testing.workers import TOKEN, Telegram, WebhookWorker

POSTGRES = "postgresql+psycopg://127.0.0.1:5432/test"
SEED_USERS = 50_000_000
"""Stored conversations get user ids from here, away from the simulated people's."""


class Unchecked(BotApiSpec):
    """The Bot API spec without its request checks: the bench measures the bot, not the fake."""

    def check(self, method: str, params: Mapping[str, Any]) -> list[str]:
        return []


@dataclass
class Case:
    workers: int
    stored: int
    turns: int
    seconds: float
    p50: float
    p99: float
    worker_cpu: float
    """CPU seconds of all workers over wall seconds."""
    generator_cpu: float
    postgres_cpu: float
    """Every PostgreSQL process on the machine (other users' work too)."""
    idle_mb: list[float]
    """Each worker's RSS once started, before any update."""
    rss_mb: list[float]
    """Each worker's peak RSS while loaded."""

    @property
    def rate(self) -> float:
        return self.turns / self.seconds


def seed(db: Any, engine: Engine, upto: int) -> None:
    """Store conversations (one mid-screening session each) until there are ``upto``."""
    at = datetime.now(UTC)
    session = engine.new_session(at=at, language="en")
    session.start()
    for inp in (Choose(at, "start", session.state.asked), Text(at, "for myself"), Text(at, "40")):
        session.resume(inp)
    state = session.to_json()
    with db.connect() as conn:
        have = conn.execute(select(func.count(Conversation.c.id))).scalar_one()
    for first in range(have, upto, 10_000):
        rows = [
            {"channel": "telegram", "user_id": str(SEED_USERS + n), "state": state, "version": 1,
             "created_at": at, "updated_at": at, "check_in_at": None}
            for n in range(first, min(upto, first + 10_000))
        ]  # fmt: skip
        with db.begin() as conn:
            conn.execute(insert(Conversation), rows)


async def play(people: list[Person], at_once: int) -> None:
    gate = asyncio.Semaphore(at_once)

    async def one(person: Person) -> None:
        async with gate:
            await person.play()

    await asyncio.gather(*(one(p) for p in people))


async def watch_rss(workers: list[WebhookWorker], peaks: list[float], stop: asyncio.Event) -> None:
    procs = [psutil.Process(w.pid) for w in workers]
    while not stop.is_set():
        for n, proc in enumerate(procs):
            peaks[n] = max(peaks[n], proc.memory_info().rss / 2**20)
        await asyncio.sleep(0.2)


async def case(
    url: str, engine: Engine, workers_n: int, stored: int, args: argparse.Namespace, first: int
) -> Case:
    """Start ``workers_n`` workers, warm them up, then time ``args.screenings`` screenings."""
    with (
        tempfile.TemporaryDirectory() as workdir,
        FakeBotApi(token=TOKEN, spec=Unchecked.load()) as api,
        contextlib.ExitStack() as quotas,
    ):
        workers = [
            WebhookWorker(f"worker{n}", Path(workdir), api.base_url, url) for n in range(workers_n)
        ]
        for n, worker in enumerate(workers):
            worker.start()
            if args.worker_cpus:  # each worker a quota of its own, as a container's cpus:
                name = f"carercheck-scale-{os.getpid()}-{n}"
                quotas.enter_context(CpuLimit(name, args.worker_cpus)).add(worker.pid)
        try:
            for worker in workers:
                await asyncio.to_thread(worker.wait_ready)
            await asyncio.sleep(1)  # whatever start-up still does after it answers
            idle = [psutil.Process(w.pid).memory_info().rss / 2**20 for w in workers]
            limits = httpx.Limits(max_connections=args.at_once * 2)
            async with httpx.AsyncClient(limits=limits) as client:
                telegram = Telegram(workers, client, random.Random(first))
                warm = Plan(screenings=args.at_once, first_user=first)
                await play(cast(warm, plays(warm, engine), api=api, telegram=telegram,
                                report=_Report(), rng=random.Random(1)), args.at_once)  # fmt: skip
                timed = Plan(screenings=args.screenings, first_user=first + args.at_once)
                report = _Report()
                people = cast(timed, plays(timed, engine), api=api, telegram=telegram,
                              report=report, rng=random.Random(2))  # fmt: skip
                done = await _timed(people, workers, report.counts, workers_n, stored, args)
                done.idle_mb = idle
                return done
        finally:
            for worker in workers:
                worker.stop()


class _Report:
    """What ``cast`` needs of a report: somewhere to count."""

    def __init__(self) -> None:
        self.counts = Counts()


def postgres_cpu() -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL server process on this machine, by process id."""
    found = {}
    for proc in psutil.process_iter(["name"]):
        try:
            if proc.info["name"] in ("postgres", "postmaster"):
                found[proc.pid] = sum(proc.cpu_times()[:2])
        except psutil.Error:
            continue
    return found


async def _timed(
    people: list[Person],
    workers: list[WebhookWorker],
    counts: Counts,
    workers_n: int,
    stored: int,
    args: argparse.Namespace,
) -> Case:
    procs = [psutil.Process(w.pid) for w in workers]
    me = psutil.Process()
    cpu = [sum(p.cpu_times()[:2]) for p in procs]
    mine = sum(me.cpu_times()[:2])
    postgres = postgres_cpu()
    peaks = [0.0] * len(workers)
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_rss(workers, peaks, stop))
    started = time.monotonic()
    await play(people, args.at_once)
    seconds = time.monotonic() - started
    stop.set()
    await watcher
    worker_cpu = sum(sum(p.cpu_times()[:2]) - c for p, c in zip(procs, cpu, strict=True))
    latencies = sorted(counts.latencies)
    return Case(
        workers=workers_n,
        stored=stored,
        turns=counts.steps,
        seconds=seconds,
        p50=statistics.median(latencies) * 1000,
        p99=latencies[int(len(latencies) * 0.99)] * 1000,
        worker_cpu=worker_cpu / seconds,
        generator_cpu=(sum(me.cpu_times()[:2]) - mine) / seconds,
        postgres_cpu=sum(postgres_cpu().get(pid, t) - t for pid, t in postgres.items()) / seconds,
        idle_mb=[],
        rss_mb=peaks,
    )


HEADER = (
    f"{'workers':>7} {'stored':>8} {'turns':>6} {'turns/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
    f"{'workers cpu':>11} {'generator cpu':>13} {'postgres cpu':>12}  "
    "RSS MB per worker (idle / loaded)"
)


def show(cases: list[Case]) -> None:
    print(HEADER)
    for c in cases:
        print(_row(c))
    for stored in sorted({c.stored for c in cases}):
        one = [c for c in cases if c.stored == stored and c.workers == 1]
        two = [c for c in cases if c.stored == stored and c.workers == 2]
        if one and two:
            ratio = two[0].rate / one[0].rate
            verdict = "PASS" if ratio >= 1.7 else "MISS"
            print(f"2 workers / 1 worker at {stored:,} stored: {ratio:.2f}x  {verdict} (>= 1.7)")
    peak = max(r for c in cases for r in c.rss_mb)
    low = [r for c in cases if c.stored == min(x.stored for x in cases) for r in c.rss_mb]
    high = [r for c in cases if c.stored == max(x.stored for x in cases) for r in c.rss_mb]
    flat = max(high) / max(low)
    print(f"worker RSS: at most {peak:.1f} MB  {'PASS' if peak < 100 else 'MISS'} (< 100 MB)")
    print(f"worker RSS, most stored / fewest: {flat:.2f}  {'PASS' if flat <= 1.1 else 'MISS'} "
          "(flat: <= 1.1)")  # fmt: skip


async def main_async(args: argparse.Namespace) -> None:
    engine = build_engine(ROOT / "flows", ROOT / "locales")
    server = os.environ.get("CARERCHECK_TEST_POSTGRES_URL", POSTGRES)
    sizes = [int(s) for s in args.stored.split(",")]
    cases: list[Case] = []
    with own_schema(server, prefix="carercheck_scale") as url:
        db = connect(url)
        upgrade(db)
        first = 1_000_000
        print(HEADER)
        for stored in sizes:
            began = time.monotonic()
            seed(db, engine, stored)
            print(f"seeded {stored:,} stored conversations in {time.monotonic() - began:.1f} s")
            for workers_n in (1, 2):
                cases.append(await case(url, engine, workers_n, stored, args, first))
                first += 100_000
                print(_row(cases[-1]), flush=True)
        db.dispose()
    print()
    show(cases)


def _row(c: Case) -> str:
    rss = ", ".join(f"{i:.1f} / {r:.1f}" for i, r in zip(c.idle_mb, c.rss_mb, strict=True))
    return (
        f"{c.workers:>7} {c.stored:>8,} {c.turns:>6,} {c.rate:>8.1f} {c.p50:>7.1f} "
        f"{c.p99:>7.1f} {c.worker_cpu:>10.0%} {c.generator_cpu:>13.0%} {c.postgres_cpu:>12.0%}"
        f"  {rss}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenings", type=int, default=200, help="timed screenings per case")
    parser.add_argument("--at-once", type=int, default=40, help="screenings in progress at once")
    parser.add_argument("--stored", default="10000,100000", help="stored conversations, a list")
    parser.add_argument("--quick", action="store_true", help="--screenings 60 --stored 1000,10000")
    parser.add_argument(
        "--worker-cpus",
        type=float,
        help="cap each worker at this many CPUs (a cgroup quota; needs root), e.g. 0.4",
    )
    args = parser.parse_args()
    if args.quick:
        args.screenings, args.stored = 60, "1000,10000"
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, Python "
        f"{sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}"
    )
    if args.worker_cpus:
        print(f"each worker capped at {args.worker_cpus} CPUs (cgroup CPU quota)")
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
