"""One conversation: ``start()`` and ``resume(input)`` return events and never do I/O."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from bot.engine import redelivery, texts
from bot.engine.checkin import CHECK_IN, CHECK_IN_START
from bot.engine.commands import Commands
from bot.engine.events import (
    NOTICE,
    REPROMPT,
    URGENT,
    Event,
    FlagRaised,
    InputRepeated,
    MessageCreated,
    SessionRestarted,
)
from bot.engine.inputs import Choose, ChooseMany, Command, Input, Text
from bot.engine.limits import MAX_INPUT_CHARS, RECENT_KEYS
from bot.engine.matchers import CRISIS_WORDS, DANGER_WORDS, FREE
from bot.engine.referral_steps import ASKS
from bot.engine.render import DONE as DONE_OPTION
from bot.engine.render import EXPLAIN, Renderer
from bot.engine.setup import EASY_READ
from bot.engine.state import DONE, STOPPED, WAITING
from bot.engine.text import clean, contains_any, normalise
from bot.engine.understand import COMMAND_WORDS, REFERRAL_ANSWER, REFERRAL_TYPED
from bot.i18n import Msg


class Session(Commands):
    """A conversation's state plus the engine that moves it."""

    @property
    def done(self) -> bool:
        """Whether the conversation has finished (an outcome) or was stopped."""
        return self.state.status in (DONE, STOPPED)

    @property
    def private(self) -> bool:
        """Whether the session holds personal details or the person's own words.

        The host stores such a session encrypted: referral details, a free-text answer, or a
        kept reply that may show them (see ``bot.engine.redelivery``).
        """
        kept = self.state.last_reply
        return self._holds_details() or (kept is not None and kept.private)

    def _holds_details(self) -> bool:
        """Whether the state itself holds referral details or a free-text answer."""
        if self.state.referral:
            return True
        flow = self.flow
        for node_id, value in self.state.answers:
            node = flow.node(node_id)
            typed = isinstance(value, str) and node.option(value) is None
            if typed and any(m.type == "own_words" for m in node.match):
                return True
        return False

    def to_json(self) -> str:
        """The whole conversation as JSON; ``Engine.load_session`` reads it back."""
        return json.dumps(self.state.to_dict(), ensure_ascii=False, separators=(",", ":"))

    def reopen(self) -> list[Event]:
        """What to show someone coming back to a saved conversation: where they were."""
        if self.state.status == DONE:
            return self.current()
        notice = MessageCreated(self.renderer().system(texts.WELCOME_BACK), NOTICE)
        return [notice, *self.current()]

    def damaged(self) -> list[Event]:
        """What to say when a saved conversation could not be read and this one replaces it."""
        notice = MessageCreated(self.renderer().system(texts.DAMAGED), NOTICE)
        return [SessionRestarted("corrupt"), notice]

    def resume(self, inp: Input) -> list[Event]:
        """Take one input and return what happened, as events.

        An input whose key was seen recently changes nothing: if it is the newest keyed input,
        ``InputRepeated.reply`` holds the messages that answered it (see ``answered``).
        """
        if inp.key is None:
            self.state.last_reply = None  # the newest input has no key: nothing to repeat
            return self._resume(inp)
        if inp.key in self.state.recent_keys:
            kept = redelivery.reply(self.state.last_reply, inp.key, self.current)
            return [InputRepeated(kept)]
        private = self._holds_details()  # before the turn: what the reply shows may go in it
        events = self._resume(inp)
        self.answered(inp.key, events, private=private)
        return events

    def answered(self, key: str, events: list[Event], *, private: bool = False) -> None:
        """Note that ``events`` answered the input with ``key``: a repeat of it gets them again.

        Only this reply is kept, in place of the one before. ``private``: the session held
        personal details before the turn, so its messages may show them.
        """
        if key not in self.state.recent_keys:
            self.state.recent_keys = [*self.state.recent_keys, key][-RECENT_KEYS:]
        private = private or self._holds_details()
        self.state.last_reply = redelivery.keep(key, events, self.current(), private=private)

    def _resume(self, inp: Input) -> list[Event]:
        if self._asks_to_forget(inp):  # before anything else: nothing is kept, nothing is asked
            return self.forget()
        if self.check_in_falls_due(inp.at):
            return self.check_in(inp.at)
        if inp.at - self.state.updated_at > timedelta(minutes=self.flow.expire_after_minutes):
            self._reset()
            self.state.updated_at, self.state.alarms = inp.at, []
            notice = MessageCreated(self.renderer().system(texts.EXPIRED), NOTICE)
            return [SessionRestarted("expired"), notice, *self.start()]
        self.state.updated_at = max(self.state.updated_at, inp.at)
        self.state.turns += 1
        events: list[Event] = []
        if self.state.status == STOPPED:
            self.state.status = WAITING
            events.append(MessageCreated(self.renderer().system(texts.WELCOME_BACK), NOTICE))
            if isinstance(inp, Text) and self._idle_chatter(inp.text):
                return events + self.current()
        if isinstance(inp, Command):
            return events + self.command(inp.name, inp.arg)
        if isinstance(inp, Choose):
            return events + self._choose(inp)
        if isinstance(inp, ChooseMany):
            return events + self._choose_many(inp)
        if isinstance(inp, Text):
            return events + self._text(inp.text)
        raise TypeError(f"unknown input {type(inp).__name__}")

    def _asks_to_forget(self, inp: Input) -> bool:
        if isinstance(inp, Command):
            return inp.name == "forget"
        if not isinstance(inp, Text):
            return False
        text = normalise(clean(inp.text, MAX_INPUT_CHARS).removeprefix("/"))
        return text in self._words(COMMAND_WORDS["forget"])

    def _idle_chatter(self, raw: str) -> bool:
        """Text that is neither a command nor an answer (a "hi" after a pause, say).

        At a referral question that takes typed words (a name), any text after a pause is
        taken as chatter: the question is shown again rather than "hi" becoming their name.
        """
        text = clean(raw, MAX_INPUT_CHARS)
        step = self.referral_step
        if step is not None and ASKS[step].typed and not text.startswith("/"):
            return True
        return not text.startswith("/") and not self._alarm(text) and self._understand(text) is None

    def _alarm(self, text: str) -> tuple[str, Msg] | None:
        """("crisis" or "safeguarding", what to say) when the words call for help now."""
        norm = normalise(text)
        if contains_any(norm, self._words(CRISIS_WORDS)):
            return "crisis", texts.CRISIS
        if contains_any(norm, self._words(DANGER_WORDS)):
            return "safeguarding", texts.DANGER
        return None

    def _crisis_help(self, flag: str, intro: Msg) -> list[Event]:
        """Calm help first, without blame; the flag is kept; then the same question again."""
        events: list[Event] = []
        if flag not in self.state.alarms:
            self.state.alarms.append(flag)
            events.append(FlagRaised(flag))
        r = self.renderer()
        events.append(r.services(intro, self.urgent_services(), URGENT))
        events.append(MessageCreated(r.system(texts.CARRY_ON), NOTICE))
        return events + self.current()

    # -- input kinds ----------------------------------------------------------------------------

    def _choose(self, inp: Choose) -> list[Event]:
        r = self.renderer()
        if self.state.awaiting == "language":
            return self._set_language(inp.option)
        if self.state.awaiting == CHECK_IN:
            return self._choose_own(inp, r, self._check_in_question(r), self.answer_check_in)
        if self.state.awaiting == CHECK_IN_START:
            start = self._check_in_start_question(r)
            return self._choose_own(inp, r, start, self.answer_check_in_start)
        if self.state.awaiting == EASY_READ:
            return self._choose_own(inp, r, self._easy_read_question(r), self._answer_easy_read)
        if self.referral_step is not None:
            return self._choose_own(inp, r, self._referral_question(r), self.answer_referral)
        if self.state.status == DONE:
            return self.command("restart") if inp.option == "restart" else [self._finished(r)]
        if inp.option == EXPLAIN:
            return self.command("help")
        if inp.prompt is not None and inp.prompt != self.state.asked:
            return [MessageCreated(r.system(texts.STALE), NOTICE), r.question(self.node)]
        if self.node.multiple:
            return self._pick(inp.option)
        if self.node.option(inp.option) is None:
            return [MessageCreated(r.system(texts.UNKNOWN_CHOICE), NOTICE), r.question(self.node)]
        return self._answer(inp.option)

    def _choose_own(
        self,
        inp: Choose,
        r: Renderer,
        asked: MessageCreated,
        answer: Callable[[str], list[Event]],
    ) -> list[Event]:
        """A tap at one of the engine's own questions (check-in, Easy Read)."""
        if inp.prompt is not None and inp.prompt != self.state.asked:
            return [MessageCreated(r.system(texts.STALE), NOTICE), *self.current()]
        if inp.option not in {o.id for o in asked.options}:
            return [MessageCreated(r.system(texts.UNKNOWN_CHOICE), NOTICE), *self.current()]
        return answer(inp.option)

    def _choose_many(self, inp: ChooseMany) -> list[Event]:
        r = self.renderer()
        known = {o.id for o in self.node.options}
        if self.state.status == DONE or self.state.awaiting or not self.node.multiple:
            return [MessageCreated(r.system(texts.UNKNOWN_CHOICE), NOTICE), *self.current()]
        if inp.prompt is not None and inp.prompt != self.state.asked:
            return [MessageCreated(r.system(texts.STALE), NOTICE), r.question(self.node)]
        if not inp.options or not set(inp.options) <= known:
            return [MessageCreated(r.system(texts.UNKNOWN_CHOICE), NOTICE), r.question(self.node)]
        alone = [o for o in inp.options if (opt := self.node.option(o)) is not None and opt.alone]
        if alone and len(inp.options) > 1:
            return [MessageCreated(r.system(texts.UNKNOWN_CHOICE), NOTICE), r.question(self.node)]
        self.state.picked = list(inp.options)
        return self._pick(alone[0] if alone else DONE_OPTION)

    def _pick(self, option: str) -> list[Event]:
        """A tap at a pick-all question: tick or untick an option, or Done to answer."""
        node, r = self.node, self.renderer()
        chosen = node.option(option)
        if option == DONE_OPTION:
            picked = [o.id for o in node.options if o.id in self.state.picked]
            if not picked:
                return [MessageCreated(r.system(texts.PICK_SOME), REPROMPT), r.question(node)]
            self.state.picked = []
            return self._answer(tuple(picked))
        if chosen is None:
            return [MessageCreated(r.system(texts.UNKNOWN_CHOICE), NOTICE), r.question(node)]
        if chosen.alone:
            self.state.picked = []
            return self._answer((chosen.id,))
        alone = {o.id for o in node.options if o.alone}
        picked = [p for p in self.state.picked if p not in alone]
        self.state.picked = (
            [p for p in picked if p != option] if option in picked else [*picked, option]
        )
        return [r.question(node)]

    def _text(self, raw: str) -> list[Event]:
        text = clean(raw, MAX_INPUT_CHARS)
        alarm = self._alarm(text)
        if alarm is not None:
            help_now = self._crisis_help(*alarm)
            if self.state.status == WAITING and any(m.type == "own_words" for m in self.node.match):
                understood = self._understand(text)  # their words are kept, not asked again
                if understood is not None and understood[0] == "answer":
                    carry_on = MessageCreated(self.renderer().system(texts.CARRY_ON_NEXT), NOTICE)
                    return [*help_now[:-2], carry_on, *self._answer(understood[1])]
            return help_now
        if text.startswith("/"):
            name, _, arg = text[1:].partition(" ")
            return self.command(name.strip().casefold(), arg.strip() or None)
        understood = self._understand(text)
        if understood is None:
            return self._not_understood(self.renderer(), raw, text)
        kind, value = understood
        if kind == "pick_many" and isinstance(value, tuple):
            return self._choose_many(ChooseMany(self.state.updated_at, value))
        if kind == "answer" and self.node.multiple:
            return self._pick(str(value))
        if kind == "answer":
            return self._answer(value)
        return self._own_answer(kind, str(value))

    def _own_answer(self, kind: str, value: str) -> list[Event]:
        """An understood answer to one of the engine's own questions, or a command."""
        if kind == "language":
            return self._set_language(value)
        if kind == CHECK_IN:
            return self.answer_check_in(value)
        if kind == CHECK_IN_START:
            return self.answer_check_in_start(value)
        if kind == EASY_READ:
            return self._answer_easy_read(value)
        if kind == REFERRAL_ANSWER:
            return self.answer_referral(value)
        if kind == REFERRAL_TYPED:
            return self.answer_referral(value, typed=True)
        return self.command(value)

    def _not_understood(self, r: Renderer, raw: str, text: str) -> list[Event]:
        if self.state.awaiting in (CHECK_IN, CHECK_IN_START, EASY_READ) or self.referral_step:
            return [MessageCreated(r.system(texts.NOT_UNDERSTOOD), REPROMPT), *self.current()]
        if self.state.status == DONE:
            return [self._finished(r)]
        if self.state.awaiting == "language":
            return [
                MessageCreated(r.system(texts.LANGUAGE_MISSING), REPROMPT),
                self._language_picker(r),
            ]
        own_words = any(m.type in FREE for m in self.node.match)
        if own_words and text and len(raw) <= MAX_INPUT_CHARS:  # say again what we can read
            return [MessageCreated(r.system(texts.SORRY), REPROMPT), r.help(self.node, REPROMPT)]
        if len(raw) > MAX_INPUT_CHARS:
            why = texts.TOO_LONG
        elif not self.node.options:
            why = texts.NOT_A_NUMBER
        elif not text:
            why = texts.EMPTY
        else:
            why = texts.NOT_UNDERSTOOD
        return [MessageCreated(r.system(why), REPROMPT), r.question(self.node, REPROMPT)]
