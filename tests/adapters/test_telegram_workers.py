"""Two ``carercheck telegram --webhook`` processes on one PostgreSQL database, as deployed.

Simulated people play the golden personas (``bot.testing.people``); each update goes to one
worker or the other, some to both at once (Telegram delivering it again), and some taps are
tapped twice at once. The drill also kills workers with SIGKILL mid-screening and starts them
again while deliveries carry on as Telegram's do (again until a worker answers 200). Every
screening must end with exactly its answers, its questions in order and its referrals: none
lost, none doubled. ``bench/drill.py`` runs the drill at full size.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.testing.drill import Plan, run


@pytest.mark.slow
def test_two_workers_on_postgresql_apply_every_update_exactly_once(
    postgres_url: str, tmp_path: Path
) -> None:
    plan = Plan(screenings=12, at_once=12, duplicate=0.2, race=0.2, seed=3)
    report = asyncio.run(run(plan, postgres_url, tmp_path))
    print(report.summary())
    assert report.problems == []
    assert report.counts.duplicates >= 10 and report.counts.races >= 5
    assert report.referrals >= 3
    assert report.counts.lost == report.counts.silent == report.retries == 0


@pytest.mark.slow
def test_workers_killed_mid_screening_lose_and_double_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    plan = Plan(
        screenings=10, kills=2, at_once=5, duplicate=0.05, race=0.05, kill_every=(0.5, 1.5), seed=7
    )
    report = asyncio.run(run(plan, postgres_url, tmp_path))
    print(report.summary())
    assert report.problems == []  # every answer once, every referral once, questions in order
    assert report.kills == 2 and report.retries > 0
    assert report.referrals == 3
    # The webhook answers 200 only after the turn is saved and its reply sent, so a kill before
    # then means Telegram sends the update again: nothing is lost. A worker killed after saving
    # a turn, while replying, leaves the redelivery to send the whole reply again. Only when
    # that update is no longer the newest (a tap tapped twice) or its reply was the answer to
    # status does it send the current question instead (counted as silent), so silent may
    # still be above 0, rarely.
    assert report.counts.lost == 0
