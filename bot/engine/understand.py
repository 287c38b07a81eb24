"""Reading what a person types: option numbers and labels, commands, word lists, matchers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.engine import texts
from bot.engine.definition import Call
from bot.engine.events import MessageCreated
from bot.engine.matchers import MATCHERS, MatchInput, word_list
from bot.engine.referral_steps import ASKS
from bot.engine.referral_steps import REFERRAL as REFERRAL_PREFIX
from bot.engine.render import EXPLAIN
from bot.engine.state import DONE, Value
from bot.engine.steps import Steps
from bot.engine.text import normalise
from bot.i18n import N_, Msg

COMMAND_WORDS = {
    "back": N_("command:back", "back|go back|undo|previous|change my answer"),
    "restart": N_("command:restart", "restart|start again|start over|begin again"),
    "help": N_("command:help", "help|explain|what does that mean|i don t understand"),
    "stop": N_("command:stop", "stop|pause|quit|exit"),
    "language": N_("command:language", "language|change language|languages"),
    "urgent": N_("command:urgent", "urgent|emergency|danger|sos|help me now"),
    "forget": N_("command:forget", "forget|forget me|delete my answers|delete my data|erase"),
    "privacy": N_("command:privacy", "privacy|my data|what happens to my answers"),
    "easyread": N_("command:easyread", "easyread|easy read|easy words|pictures"),
    "status": N_("command:status", "status|my referral|referral status"),
}

Understood = tuple[str, Value]
REFERRAL_ANSWER = "referral"
REFERRAL_TYPED = "referral_typed"


class Understanding(Steps):
    """Turns typed text into an answer, a command or a language, in the person's language."""

    def _words(self, msg: Msg) -> tuple[str, ...]:
        tr = self.engine.translator(self.state.language, self.state.easy_read)
        return word_list(tr.pgettext(msg.context, msg.text))

    def _understand(self, text: str) -> Understood | None:
        norm = normalise(text)
        if not norm:
            return None
        if self.state.awaiting:
            return self._understand_own(norm, text)
        if self.state.status == DONE:
            if norm == normalise(self.renderer().system(texts.START_AGAIN)):
                return ("command", "restart")
            return self._command_words(norm)
        several = self._match_several(norm)
        if several is not None:
            return ("pick_many", several)
        option = self._match_option(norm)
        if option == EXPLAIN:
            return ("command", "help")
        if option is not None:
            return ("answer", option)
        command = self._command_words(norm)
        if command is not None:
            return command
        m = MatchInput(norm, self._words, self.engine.places, text.strip())
        for call in self.node.match:
            value = MATCHERS[call.type].fn(self._localised(call), m)
            if value is not None:
                return ("answer", value)
        return None

    def _understand_yes_no(
        self, norm: str, asked: MessageCreated, kind: str | None = None, *, words: bool = True
    ) -> Understood | None:
        """The answer to one of the engine's own questions (check-in, Easy Read, referral).

        Its number, its label, a command, or (``words``) a yes or a no in words. ``kind`` is what
        an answer is understood as (default: the question awaited).
        """
        kind = kind or str(self.state.awaiting)
        for i, opt in enumerate(asked.options, start=1):
            if norm in (str(i), normalise(opt.label)):
                return (kind, opt.id)
        command = self._command_words(norm)
        if command is not None or not words:
            return command
        m = MatchInput(norm, self._words, self.engine.places, norm)
        said = MATCHERS["yes_no"].fn({"yes": "yes", "no": "no"}, m)
        return (kind, str(said)) if said is not None else None

    def _understand_own(self, norm: str, text: str) -> Understood | None:
        """The answer to one of the engine's own questions (language, check-in, Easy Read...)."""
        if self.state.awaiting == "language":
            code = self._match_language(norm)
            return ("language", code) if code else None
        if self.state.awaiting == "check_in":
            return self._understand_yes_no(norm, self._check_in_question(self.renderer()))
        if self.state.awaiting == "easy_read":
            return self._understand_yes_no(norm, self._easy_read_question(self.renderer()))
        if self.state.awaiting == "check_in_start":
            return self._understand_yes_no(norm, self._check_in_start_question(self.renderer()))
        if str(self.state.awaiting).startswith(REFERRAL_PREFIX):
            return self._understand_referral(norm, text)
        return None

    def _understand_referral(self, norm: str, text: str) -> Understood | None:
        """An answer at a referral question.

        An option (its number, its label, a yes or a no), a command, or typed words where the
        question takes them (they are checked when they are answered).
        """
        asked = self._referral_question(self.renderer())
        yes_no = {"yes", "no"} <= {o.id for o in asked.options}
        understood = self._understand_yes_no(norm, asked, REFERRAL_ANSWER, words=False)
        step = str(self.state.awaiting)[len(REFERRAL_PREFIX) :]
        if understood is None and ASKS[step].typed:
            return (REFERRAL_TYPED, text.strip())
        if understood is None and yes_no:
            return self._understand_yes_no(norm, asked, REFERRAL_ANSWER)
        return understood

    def _localised(self, call: Call) -> Mapping[str, Any]:
        """A ``words`` matcher's parameters with the person's language's words.

        A language's list replaces the English one: an English word can mean something else
        in another language (Polish "mam" is "I have"), so translators add only the English
        words that are safe.
        """
        if call.type != "words":
            return call.params
        english = "|".join(str(w) for w in call.params["words"])
        msg = Msg(f"{self.flow.id}/{self.node.id}:words", english)
        return {**call.params, "words": list(self._words(msg))}

    def _command_words(self, norm: str) -> Understood | None:
        for name, msg in COMMAND_WORDS.items():
            if norm in self._words(msg):
                return ("command", name)
        return None

    def _match_option(self, norm: str) -> str | None:
        options = self.renderer().offered(self.node, ticks=False)
        if norm.isdecimal() and 1 <= int(norm) <= len(options):
            return options[int(norm) - 1].id
        for opt in options:
            if norm in (normalise(opt.id), normalise(opt.label)):
                return opt.id
        return None

    def _match_several(self, norm: str) -> tuple[str, ...] | None:
        """At a pick-all question, "1 3 5" picks those options and is done."""
        numbers = norm.split()
        if not self.node.multiple or len(numbers) < 2 or not all(n.isdecimal() for n in numbers):
            return None
        options = self.node.options
        if not all(1 <= int(n) <= len(options) for n in numbers):
            return None
        return tuple(dict.fromkeys(options[int(n) - 1].id for n in numbers))

    def _match_language(self, norm: str) -> str | None:
        codes = self.engine.catalogs.languages()
        if norm.isdecimal() and 1 <= int(norm) <= len(codes):
            return codes[int(norm) - 1]
        for code in codes:
            own, english = self.engine.catalogs.names[code]
            if norm in {normalise(code), normalise(own), normalise(english)}:
                return code
        return None
