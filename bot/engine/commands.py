"""The global commands: back, restart, help, stop, language, urgent, privacy, status, forget.

They work at every question, the engine's own included, typed as words or with a slash.
"""

from __future__ import annotations

from bot.engine import referral_texts, texts
from bot.engine.checkin import CHECK_IN
from bot.engine.events import (
    HELP,
    NOTICE,
    URGENT,
    Event,
    LanguageChanged,
    MessageCreated,
    SessionRestarted,
    SessionStopped,
    StatusRequested,
)
from bot.engine.limits import RETENTION_DAYS
from bot.engine.render import Renderer
from bot.engine.setup import Setup
from bot.engine.state import DONE, STOPPED, WAITING


class Commands(Setup):
    """Carries out the global commands."""

    def command(self, name: str, arg: str | None = None) -> list[Event]:
        """Carry out a global command: back, restart, help, stop, language, urgent and others."""
        r = self.renderer()
        if name == "back":
            return self._back(r)
        if name == "restart":
            self._reset()
            notice = MessageCreated(r.system(texts.RESTARTED), NOTICE)
            return [SessionRestarted("command"), notice, *self.start()]
        if name == "help":
            if self.referral_step is not None:
                return [self._referral_question(r, helping=True)]
            if self.state.awaiting or self.state.status == DONE:
                return self.current()
            return [r.help(self.node, HELP)]
        if name == "stop":
            return self._stop(r)
        if name == "language":
            return self._set_language(arg) if arg else self._ask_language(r)
        if name == "urgent":
            return [r.services(texts.URGENT_INTRO, self.urgent_services(), URGENT), *self.current()]
        if name == "start":
            return self.current()
        return self._more_commands(name, r)

    def _more_commands(self, name: str, r: Renderer) -> list[Event]:
        if name == "forget":
            return self.forget()
        if name == "easyread":
            return [self._use_easy_read(not self.state.easy_read), *self.current()]
        if name == "privacy":
            kept = r.plural(referral_texts.PRIVACY, RETENTION_DAYS["closed_referral"])
            said = MessageCreated(f"{r.system(texts.PRIVACY)}\n\n{kept}", NOTICE)
            return [said, *self.current()]
        if name == "status":
            return [StatusRequested(), *self.current()]
        notice = MessageCreated(r.system(texts.UNKNOWN_COMMAND), NOTICE)
        return [notice, *self.current()]

    def _back(self, r: Renderer) -> list[Event]:
        if self.state.setup:  # back in the start questions: choose the language again
            return [MessageCreated(r.system(texts.BACK), NOTICE), *self._setup_first()]
        if self.referral_step is not None:
            return [MessageCreated(r.system(texts.BACK), NOTICE), *self.referral_back()]
        if self.state.awaiting and self.state.awaiting != CHECK_IN:
            self.state.awaiting = None
            return self.current()
        if not self.state.answers:
            return [MessageCreated(r.system(texts.BACK_AT_START), NOTICE), *self.current()]
        self._replay(self.state.answers[:-1])
        return [MessageCreated(r.system(texts.BACK), NOTICE), *self.current()]

    def _stop(self, r: Renderer) -> list[Event]:
        if self.state.status == WAITING:  # a finished conversation stays finished
            self.state.status = STOPPED
        minutes = self.flow.expire_after_minutes  # never promise longer than we keep them
        if minutes >= 24 * 60:
            text = r.plural(texts.STOP_DAYS, minutes // (24 * 60))
        elif minutes >= 60:
            text = r.plural(texts.STOP_HOURS, minutes // 60)
        else:
            text = r.plural(texts.STOP_MINUTES, minutes)
        return [SessionStopped(), MessageCreated(text, NOTICE)]

    def _ask_language(self, r: Renderer) -> list[Event]:
        self.state.awaiting = "language"
        self.state.asked += 1
        return [self._language_picker(r)]

    def _set_language(self, code: str) -> list[Event]:
        wanted = code.replace("-", "_").casefold()
        match = [c for c in self.engine.catalogs.languages() if c.casefold() == wanted]
        if not match:
            self.state.awaiting = "language"
            self.state.asked += 1
            r = self.renderer()
            return [
                MessageCreated(r.system(texts.LANGUAGE_MISSING), NOTICE),
                self._language_picker(r),
            ]
        self.state.language, self.state.awaiting = match[0], None
        notice = MessageCreated(self.renderer().system(texts.LANGUAGE_SET), NOTICE)
        after = self._setup_easy_read() if self.state.setup else self.current()
        return [LanguageChanged(match[0]), notice, *after]
