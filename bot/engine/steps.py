"""Moving a conversation through its flow: answering, entering nodes, replaying answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine import actions, texts
from bot.engine.actions import CATEGORY
from bot.engine.conditions import Context
from bot.engine.definition import Flow, Node
from bot.engine.events import (
    NOTICE,
    QUESTION,
    SIGNPOSTS,
    URGENT,
    Event,
    MessageCreated,
    OptionView,
    Outcome,
    OutcomeReached,
    ResultChanged,
    Signposted,
)
from bot.engine.limits import MAX_ANSWERS, MAX_PASSING_NODES
from bot.engine.render import Renderer
from bot.engine.services import Service, choose
from bot.engine.state import DONE, WAITING, RunState, Value

if TYPE_CHECKING:
    from bot.engine.runtime import Engine


class Steps:
    """The core of a session: state, flow, and how answers move it on."""

    def __init__(self, engine: Engine, state: RunState) -> None:
        self.engine = engine
        self.state = state

    @property
    def flow(self) -> Flow:
        """The flow this conversation runs."""
        return self.engine.flows[self.state.flow]

    @property
    def node(self) -> Node:
        """The node the conversation is at."""
        return self.flow.node(self.state.node)

    def renderer(self) -> Renderer:
        """A renderer for this conversation's language and answers."""
        tr = self.engine.translator(self.state.language, self.state.easy_read)
        return Renderer(self.flow, tr, self.state, self.engine.remaining[self.flow.id])

    def start(self) -> list[Event]:
        """Begin: the start questions if asked for, else the opening messages of the flow."""
        return self._setup_first() if self.state.setup else self._enter(self.flow.start)

    def _setup_first(self) -> list[Event]:
        raise NotImplementedError  # see Setup

    def _easy_read_question(self, r: Renderer) -> MessageCreated:
        raise NotImplementedError  # see Setup

    def _language_options(self) -> tuple[OptionView, ...]:
        raise NotImplementedError  # see Setup

    def current(self) -> list[Event]:
        """Show again where the conversation stands (after the program restarted, say)."""
        r = self.renderer()
        if self.state.awaiting == "language":
            return [self._language_picker(r)]
        if self.state.awaiting == "check_in":
            return [self._check_in_question(r)]
        if self.state.awaiting == "check_in_start":
            return [self._check_in_start_question(r)]
        if self.state.awaiting == "easy_read":
            return [self._easy_read_question(r)]
        if (self.state.awaiting or "").startswith("referral:"):
            return [self._referral_question(r)]
        if self.state.status == DONE:
            return [self._finished(r)]
        return [r.question(self.node)]

    def _check_in_question(self, r: Renderer) -> MessageCreated:
        raise NotImplementedError  # see CheckIns

    def _check_in_start_question(self, r: Renderer) -> MessageCreated:
        raise NotImplementedError  # see CheckIns

    def _referral_question(self, r: Renderer, *, helping: bool = False) -> MessageCreated:
        raise NotImplementedError  # see Referrals

    def outcome(self, refs: list[Service] | None = None) -> Outcome | None:
        """The outcome, once the flow has ended with one (``refs``: signposts, if known)."""
        if self.state.outcome is None:
            return None
        r = self.renderer()
        refs = self.signposts() if refs is None else refs
        return Outcome(
            result=self.state.outcome,
            roles=tuple(self.state.roles),
            flags=tuple(
                self.state.flags + [a for a in self.state.alarms if a not in self.state.flags]
            ),
            signposts=tuple(r.service_ref(s) for s in refs),
        )

    # -- moving on ---------------------------------------------------------------------------

    def _answer(self, value: Value, *, record: bool = True) -> list[Event]:
        """Save ``value`` as the current node's answer and move on to the next question.

        ``record`` is False for a preset answer: it is not in ``answers``, so replaying the
        answers (for back) presets it again rather than replaying it.
        """
        node = self.node
        if len(self.state.answers) >= MAX_ANSWERS:
            raise RuntimeError("session has too many answers")
        if record:
            self.state.answers.append((node.id, value))
        self.state.results[node.result_name] = value
        ctx = Context(self.state, value)
        events: list[Event] = [ResultChanged(node.result_name, value)]
        acted = actions.run(node.actions, ctx)
        events += acted + self._urgent_now(acted)
        return events + self._enter(self.engine.machines[self.flow.id].advance(node.id, ctx))

    def _enter(self, node_id: str) -> list[Event]:
        events: list[Event] = []
        r = self.renderer()
        for _ in range(MAX_PASSING_NODES):
            self.state.node = node_id
            node = self.flow.node(node_id)
            if node.waits:
                preset = self._preset(node)
                if preset is not None:  # known already (from a deep link): not asked
                    return [*events, *r.says(node), *self._answer(preset, record=False)]
                self.state.asked += 1
                return [*events, *r.says(node), r.question(node)]
            ctx = Context(self.state)
            acted = actions.run(node.actions, ctx)
            events += acted
            events += r.says(node)
            if node.ends:
                return events + self._ending(r)
            events += self._urgent_now(acted)
            node_id = self.engine.machines[self.flow.id].advance(node_id, ctx)
        raise RuntimeError(
            f"{self.flow.id}: more than {MAX_PASSING_NODES} nodes without a question"
        )

    def _preset(self, node: Node) -> Value | None:
        """A preset answer for ``node``, if there is one it can take."""
        value = self.state.preset.get(node.result_name)
        if value is None or node.multiple:
            return None
        if isinstance(value, str) and node.option(value) is not None:
            return value
        if any(m.type == "area" for m in node.match):
            return value
        return None

    def _ending(self, r: Renderer) -> list[Event]:
        events: list[Event] = []
        listed = self.signposts()
        if listed:
            events.append(r.services(texts.SIGNPOSTS_INTRO, listed, SIGNPOSTS))
        outcome = self.outcome(listed)
        if outcome is not None:
            events.append(OutcomeReached(outcome))
        return events + self._after_outcome(r)

    def _after_outcome(self, r: Renderer) -> list[Event]:
        """What is asked once the outcome is shown (see ``CheckIns``)."""
        return []

    def _urgent_now(self, acted: list[Event]) -> list[Event]:
        if not any(isinstance(e, Signposted) and self._is_urgent(e.service) for e in acted):
            return []
        return [self.renderer().services(texts.URGENT_INTRO, self.urgent_services(), URGENT)]

    def _is_urgent(self, entry: str) -> bool:
        """Whether a signposted service, or any service of a signposted category, is urgent."""
        if entry.startswith(CATEGORY):
            wanted = entry[len(CATEGORY) :]
            return any(s.urgent for s in self.engine.services.values() if s.category == wanted)
        service = self.engine.services.get(entry)
        return service is not None and service.urgent

    def _person(self) -> tuple[str | None, str | None]:
        """The person's age band and area, where the flow asked for them."""
        flow, results = self.flow, self.state.results
        age = results.get(flow.age_result) if flow.age_result else None
        area = results.get(flow.area_result) if flow.area_result else None
        return (str(age) if age is not None else None, str(area) if area is not None else None)

    def signposts(self) -> list[Service]:
        """The places to get help that fit this person best (see ``services.choose``)."""
        catalog = self.engine.services
        candidates: list[Service] = []
        for entry in self.state.signposts:
            if entry.startswith(CATEGORY):
                wanted = entry[len(CATEGORY) :]
                candidates += [s for s in catalog.values() if s.category == wanted]
            elif entry in catalog:
                candidates.append(catalog[entry])
        if self.state.alarms:  # crisis words earlier: help for right now stays on the list
            candidates = [s for s in catalog.values() if s.urgent] + candidates
        age, area = self._person()
        return choose(candidates, area=area, age=age, roles=self.state.roles, needs=self._needs())

    def _needs(self) -> tuple[str, ...] | None:
        """Why the person they help needs help, where the flow asked (None: not asked)."""
        name = self.flow.need_result
        value = self.state.results.get(name) if name else None
        if value is None:
            return None
        return value if isinstance(value, tuple) else (str(value),)

    def urgent_services(self) -> list[Service]:
        """Help for right now (emergency, crisis line; a children's line for children)."""
        age, area = self._person()
        urgent = [s for s in self.engine.services.values() if s.urgent]
        return choose(urgent, area=area, age=age, limit=len(urgent))

    def _fresh(self) -> RunState:
        s = self.state
        fresh = RunState(s.flow, s.language, self.flow.start, s.started_at, s.updated_at)
        fresh.asked, fresh.turns, fresh.alarms = s.asked, s.turns, list(s.alarms)
        fresh.check_in_due, fresh.source, fresh.preset = s.check_in_due, s.source, dict(s.preset)
        fresh.recent_keys, fresh.easy_read = list(s.recent_keys), s.easy_read
        fresh.run = self.engine.new_run()  # a new run through the flow, counted apart
        return fresh

    def _reset(self) -> None:
        self.state = self._fresh()

    def _replay(self, answers: list[tuple[str, Value]]) -> None:
        """Rebuild the state from the start with ``answers``; everything else is derived."""
        asked, run = self.state.asked, self.state.run
        self._reset()
        self.state.run = run  # going back is the same run through the flow
        self._enter(self.flow.start)
        for node_id, value in answers:
            if self.state.node != node_id or self.state.status != WAITING:
                break
            self._answer(value)
        self.state.asked = max(asked, self.state.asked) + 1  # old buttons must go stale

    def _yes_no_question(self, text: str, yes: str, no: str) -> MessageCreated:
        """One of the engine's own questions (check-in, Easy Read): a yes and a no button."""
        options = (OptionView("yes", yes), OptionView("no", no))
        return MessageCreated(text, QUESTION, options, self.state.node, self.state.asked)

    def _language_picker(self, r: Renderer) -> MessageCreated:
        options = self._language_options()
        suggested = self.state.setup and self.state.language != "en"  # from the person's phone
        text = r.system(texts.PICK_LANGUAGE_SUGGESTED if suggested else texts.PICK_LANGUAGE)
        return MessageCreated(text, "question", options, self.state.node, self.state.asked)

    def _finished(self, r: Renderer) -> MessageCreated:
        restart = OptionView("restart", r.system(texts.START_AGAIN))
        return MessageCreated(r.system(texts.FINISHED), NOTICE, (restart,), self.state.node)
