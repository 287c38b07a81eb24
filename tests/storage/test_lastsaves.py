from __future__ import annotations

import tracemalloc

from bot.storage.lastsaves import BUDGET, ENTRY, LastSaves
from bot.storage.store import Stored


def row(n: int, chars: int = 100) -> Stored:
    return Stored(n, "x" * chars, 1)


def test_the_least_recently_saved_rows_go_first_when_over_budget() -> None:
    saves = LastSaves(budget=3 * (100 + ENTRY))
    for n in range(3):
        saves.put(str(n), row(n))
    saves.put("0", row(0))  # saved again: now the newest
    saves.put("3", row(3))
    assert len(saves) == 3
    assert saves.take("1") is None  # the oldest went
    assert saves.take("0") == row(0)
    assert saves.take("0") is None  # taken: no longer kept
    assert saves.size == 2 * (100 + ENTRY)


def test_the_size_counts_each_row_once() -> None:
    saves = LastSaves()
    saves.put("a", row(1, 500))
    saves.put("a", row(2, 700))
    assert len(saves) == 1 and saves.size == 700 + ENTRY
    saves.take("a")
    assert saves.size == 0


def test_a_row_bigger_than_the_budget_is_not_kept() -> None:
    saves = LastSaves(budget=1000)
    saves.put("a", row(1, 2000))
    assert len(saves) == 0 and saves.size == 0


def test_memory_stays_near_the_budget_however_many_people_are_served() -> None:
    """The budget counts what the rows really take: 20,000 people fill it, and no more."""
    tracemalloc.start()
    try:
        saves = LastSaves()
        before = tracemalloc.get_traced_memory()[0]
        for n in range(20_000):
            saves.put(str(50_000_000 + n), Stored(n, f"{n:05x}" + "j" * 900, n))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert saves.size <= BUDGET
    assert len(saves) == BUDGET // (900 + 5 + ENTRY)
    assert BUDGET * 0.8 < held < BUDGET * 1.2, held
