"""The rows a process saved last, so a person's next turn on it need not read first."""

from __future__ import annotations

from collections import OrderedDict

from bot.storage.store import Stored

BUDGET = 1 << 20
"""Bytes of saved rows kept: about 800 conversations of a median 0.9 KB (the longest are
about 1.9 KB, and encrypted ones a third more). A worker's memory stays bounded however many
people it has served."""
ENTRY = 240
"""What keeping one row costs beside its text, in bytes (its key, tuple and dictionary slot)."""


class LastSaves:
    """At most :data:`BUDGET` bytes of rows, by user id; the least recently saved go first.

    A kept row may be old (another process may have saved or deleted it since): a turn that
    starts from one relies on its guarded write to find out.
    """

    def __init__(self, budget: int = BUDGET) -> None:
        self.budget = budget
        self.size = 0
        """Bytes kept now, as counted here (text length plus :data:`ENTRY` per row)."""
        self._rows: OrderedDict[str, Stored] = OrderedDict()

    def __len__(self) -> int:
        return len(self._rows)

    def take(self, user_id: str) -> Stored | None:
        """The row kept for this person, no longer kept (None if there is none)."""
        row = self._rows.pop(user_id, None)
        if row is not None:
            self.size -= _cost(row)
        return row

    def put(self, user_id: str, row: Stored) -> None:
        """Keep ``row`` for this person, dropping the oldest rows while over budget."""
        self.take(user_id)
        self._rows[user_id] = row
        self.size += _cost(row)
        while self.size > self.budget and self._rows:
            _, oldest = self._rows.popitem(last=False)
            self.size -= _cost(oldest)


def _cost(row: Stored) -> int:
    return len(row.state) + ENTRY
