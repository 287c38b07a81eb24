"""Checking in again later, and forgetting: the offer after an outcome, and what follows.

Some outcomes offer to message the person again after a while (``offer_check_in``): things
change, for example when an older relative gets frailer. The offer is a question asked after
the outcome. A yes records when to check in; the host sends the check-in when it falls due
(see ``Session.check_in``), or shows it when the person next opens the conversation.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.engine import texts
from bot.engine.events import (
    NOTICE,
    CheckInCancelled,
    CheckInScheduled,
    Event,
    ForgetRequested,
    MessageCreated,
    SessionRestarted,
)
from bot.engine.render import Renderer
from bot.engine.understand import Understanding

CHECK_IN = "check_in"
"""The ``awaiting`` value while the check-in offer is asked."""
CHECK_IN_START = "check_in_start"
"""The ``awaiting`` value of the check-in itself: start again now, or never be messaged."""
YES = "yes"
NO = "no"
DAYS_A_MONTH = 30.44


class CheckIns(Understanding):
    """The check-in offer and the check-in itself; the forget command."""

    def _after_outcome(self, r: Renderer) -> list[Event]:
        """Ask, after the outcome, whether to message the person again later."""
        if not self.state.check_in_offer:
            return []
        self.state.awaiting = CHECK_IN
        self.state.asked += 1
        return [self._check_in_question(r)]

    def _check_in_question(self, r: Renderer) -> MessageCreated:
        """The check-in offer as a question with a yes and a no."""
        text = r.plural(texts.CHECK_IN_ASK, self._check_in_months())
        return self._yes_no_question(
            text, r.system(texts.CHECK_IN_YES), r.system(texts.CHECK_IN_NO)
        )

    def _check_in_months(self) -> int:
        """The offered wait in whole months, as the person is told it (at least one)."""
        return max(1, round((self.state.check_in_offer or 0) / DAYS_A_MONTH))

    def answer_check_in(self, option: str) -> list[Event]:
        """Record the answer to the offer: a yes sets the date, a no clears any."""
        r, days = self.renderer(), self.state.check_in_offer or 0
        self.state.awaiting = None
        if option == YES:
            due = self.state.updated_at + timedelta(days=days)
            self.state.check_in_due = due
            agreed = MessageCreated(
                r.plural(texts.CHECK_IN_AGREED, self._check_in_months()), NOTICE
            )
            return [CheckInScheduled(due), agreed]
        self.state.check_in_due = None
        return [CheckInCancelled(), MessageCreated(r.system(texts.CHECK_IN_DECLINED), NOTICE)]

    def check_in_falls_due(self, at: datetime) -> bool:
        """Whether the person asked to be messaged again by ``at``."""
        return self.state.check_in_due is not None and self.state.check_in_due <= at

    def check_in(self, at: datetime) -> list[Event]:
        """The check-in itself: hello again, and whether to start now or never be messaged.

        The answers from last time are cleared; the language is kept. The host calls this when
        the check-in falls due; ``resume`` calls it when the person writes first. Opting out is
        one tap: it forgets them.
        """
        self._reset()
        self.state.check_in_due = None
        self.state.updated_at, self.state.alarms = at, []
        self.state.awaiting = CHECK_IN_START
        self.state.asked += 1
        r = self.renderer()
        hello = MessageCreated(r.system(texts.CHECK_IN_HELLO), NOTICE)
        return [SessionRestarted(CHECK_IN), hello, self._check_in_start_question(r)]

    def _check_in_start_question(self, r: Renderer) -> MessageCreated:
        """Start the questions again now, or opt out of any more messages."""
        return self._yes_no_question(
            r.system(texts.CHECK_IN_START),
            r.system(texts.CHECK_IN_GO),
            r.system(texts.CHECK_IN_OPT_OUT),
        )

    def answer_check_in_start(self, option: str) -> list[Event]:
        """Yes: the questions from the start. No: forget them, and never message them again."""
        if option != YES:
            return self.forget()
        self.state.awaiting = None
        return self.start()

    def forget(self) -> list[Event]:
        """Erase everything: the host deletes the conversation instead of saving it."""
        return [ForgetRequested(), MessageCreated(self.renderer().system(texts.FORGOTTEN), NOTICE)]
