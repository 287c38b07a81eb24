"""The start of a new conversation: which language, and whether to use Easy Read.

Hosts that cannot know the person's language (a new Telegram user, a terminal without
``--lang``) start a session with ``ask=True``. The language Telegram reports is suggested first,
but the person always chooses. Then, where an Easy Read catalog exists, they are asked whether
they want easy words and pictures. Both can be changed later (``/language``, ``/easyread``).
"""

from __future__ import annotations

from bot.engine import texts
from bot.engine.checkin import YES
from bot.engine.events import NOTICE, Event, MessageCreated, OptionView
from bot.engine.referral import Referrals
from bot.engine.render import Renderer

LANGUAGE = "language"
EASY_READ = "easy_read"


class Setup(Referrals):
    """The language and Easy Read questions before the flow starts."""

    def _setup_first(self) -> list[Event]:
        """The first start question: the language, if there is more than one."""
        if len(self.engine.catalogs.languages()) > 1:
            self.state.awaiting = LANGUAGE
            self.state.asked += 1
            return [self._language_picker(self.renderer())]
        return self._setup_easy_read()

    def _setup_easy_read(self) -> list[Event]:
        """Ask about Easy Read where this language has it; otherwise begin the flow."""
        if self.engine.catalogs.has_easy_read(self.state.language):
            self.state.awaiting = EASY_READ
            self.state.asked += 1
            return [self._easy_read_question(self.renderer())]
        return self._setup_done()

    def _setup_done(self) -> list[Event]:
        self.state.setup, self.state.awaiting = False, None
        return self._enter(self.flow.start)

    def _easy_read_question(self, r: Renderer) -> MessageCreated:
        text = r.system(texts.EASY_READ_ASK)
        return self._yes_no_question(
            text, r.system(texts.EASY_READ_YES), r.system(texts.EASY_READ_NO)
        )

    def _answer_easy_read(self, option: str) -> list[Event]:
        """Use Easy Read or not, say how to change it, and begin."""
        return [self._use_easy_read(option == YES), *self._setup_done()]

    def _use_easy_read(self, on: bool) -> MessageCreated:
        """Switch Easy Read on or off, and say so (in the register now in use)."""
        self.state.easy_read = on
        said = texts.EASY_READ_ON if on else texts.EASY_READ_OFF
        return MessageCreated(self.renderer().system(said), NOTICE)

    def _language_options(self) -> tuple[OptionView, ...]:
        """Every language in its own name; in the start questions the suggested one first."""
        names, codes = self.engine.catalogs.names, list(self.engine.catalogs.languages())
        if self.state.setup and self.state.language in codes:
            codes.remove(self.state.language)
            codes.insert(0, self.state.language)
        return tuple(OptionView(c, names[c][0]) for c in codes)
