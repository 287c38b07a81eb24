"""A clock the test moves by hand: pass it wherever carercheck takes ``clock=``."""

from __future__ import annotations

from datetime import datetime


class FakeClock:
    """Returns ``now``, which the test sets or moves on (``clock.now += timedelta(...)``)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        """The time now."""
        return self.now
