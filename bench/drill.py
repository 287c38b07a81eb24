"""Reliability drill: webhook workers killed with SIGKILL during whole screenings.

Run it with ``.venv/bin/python bench/drill.py`` (100 screenings, 10 kills, about a minute), or
for instance ``bench/drill.py --screenings 20 --kills 3``. It needs PostgreSQL (the
``CARERCHECK_TEST_POSTGRES_URL`` server, by default the local ``test`` database) and works in a
schema of its own, dropped at the end.

Two ``carercheck telegram --webhook`` processes share the database. Simulated people play the
golden personas (one screening in four ends in a referral with consent); each update goes to
one worker or the other, and a delivery that gets no 200 is sent again, as Telegram does. Every
so often one worker is killed (SIGKILL) and started again. At the end every screening must have
exactly its answers, its questions in order and its referrals. The drill prints the counts; it
exits 1 if any screening fell short. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile

# Python puts this folder first on sys.path, where bench/telegram.py would shadow the telegram
# package that the bot imports.
if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)

from pathlib import Path

from bot.testing.drill import Plan, run
from bot.testing.schemas import own_schema

POSTGRES = "postgresql+psycopg://127.0.0.1:5432/test"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenings", type=int, default=100)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--at-once", type=int, default=10, help="screenings in progress at once")
    parser.add_argument("--duplicate", type=float, default=0.05, help="chance a step is sent twice")
    parser.add_argument("--race", type=float, default=0.05, help="chance a tap is tapped twice")
    parser.add_argument(
        "--kill-after",
        type=float,
        default=1.0,
        help="a kill comes between a quarter of this and this many seconds after the last restart",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    plan = Plan(
        screenings=args.screenings,
        kills=args.kills,
        workers=args.workers,
        at_once=args.at_once,
        duplicate=args.duplicate,
        race=args.race,
        kill_every=(args.kill_after / 4, args.kill_after),
        seed=args.seed,
    )
    server = os.environ.get("CARERCHECK_TEST_POSTGRES_URL", POSTGRES)
    with (
        own_schema(server, prefix="carercheck_drill") as url,
        tempfile.TemporaryDirectory() as workdir,
    ):
        report = asyncio.run(run(plan, url, Path(workdir)))
    c = report.counts
    print(f"screenings   {report.screenings}")
    print(f"kills        {report.kills}")
    print(f"deliveries   {report.deliveries} ({c.steps} steps, {c.duplicates} sent twice, "
          f"{c.races} taps tapped twice)")  # fmt: skip
    print(f"retries      {report.retries} (deliveries that got no 200 and were sent again)")
    print(f"answers      {report.answers} recorded, each exactly once")
    print(f"referrals    {report.referrals}")
    print(f"lost         {c.lost} (answered 200, never applied: the person did it again)")
    print(f"unanswered   {c.silent} (applied, reply lost: the person sent /start)")
    print(f"took         {report.seconds:.1f} s")
    for problem in report.problems:
        print(f"PROBLEM {problem}")
    print("OK: every screening complete, no answer or referral lost or doubled"
          if not report.problems else f"FAILED: {len(report.problems)} problem(s)")  # fmt: skip
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
