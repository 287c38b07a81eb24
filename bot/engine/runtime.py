"""The engine: validated flows, their shared machines, services and languages."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime

from bot.engine.definition import Flow
from bot.engine.errors import FlowError, Problem
from bot.engine.machine import FlowMachine
from bot.engine.organisations import Organisation
from bot.engine.progress import remaining_questions
from bot.engine.reference import new_reference
from bot.engine.services import NATIONAL, OUTWARD, Service
from bot.engine.session import Session
from bot.engine.sources import Source
from bot.engine.state import CorruptSession, RunState
from bot.engine.validate import check_services
from bot.i18n import Catalogs, Translator


class Engine:
    """Everything conversations share. Built once at start-up; holds no conversation."""

    def __init__(
        self,
        flows: Iterable[Flow],
        services: Iterable[Service] = (),
        catalogs: Catalogs | None = None,
        *,
        default_flow: str | None = None,
        sources: Iterable[Source] = (),
        organisations: Iterable[Organisation] = (),
        new_reference: Callable[[], str] = new_reference,
        new_run: Callable[[], str] = lambda: secrets.token_hex(8),
    ) -> None:
        flow_list, service_list = list(flows), list(services)
        problems = check_services(flow_list, service_list)
        if problems:
            raise FlowError(problems)
        self.flows = {f.id: f for f in flow_list}
        self.services = {s.id: s for s in service_list}
        self.places = frozenset(
            a for s in service_list for a in s.areas if a != NATIONAL and not OUTWARD.fullmatch(a)
        )
        if not self.flows:
            raise ValueError("no flows to run")
        self.sources = {s.id: s for s in sources}
        self.organisations = {o.id: o for o in organisations}
        self.new_reference = new_reference
        self.new_run = new_run
        """Makes the random id of each run through a flow (anonymous statistics)."""
        """Makes a referral's reference; tests pass a repeatable one."""
        self._check_sources()
        self.machines = {fid: FlowMachine(f) for fid, f in self.flows.items()}
        self.remaining = {fid: remaining_questions(f) for fid, f in self.flows.items()}
        self.catalogs = catalogs or Catalogs()
        self.default_flow = default_flow or next(iter(self.flows))
        if self.default_flow not in self.flows:
            raise ValueError(f"unknown default flow {self.default_flow!r}")

    def translator(self, language: str, easy_read: bool = False) -> Translator:
        """The translator for ``language`` (English when there is no catalog), maybe Easy Read."""
        return self.catalogs.get(language, easy_read)

    def new_session(
        self,
        *,
        at: datetime,
        language: str = "en",
        flow: str | None = None,
        source: str | None = None,
        ask: bool = False,
    ) -> Session:
        """A fresh conversation; call ``start()`` on it for the first messages.

        ``source`` is a referral source id (from a deep link); an unknown one is ignored.
        ``ask``: begin with the language (``language`` suggested first) and Easy Read questions.
        """
        flow_id = flow or self.default_flow
        lang = language if self.catalogs.supports(language) else "en"
        state = RunState(flow_id, lang, self.flows[flow_id].start, at, at, setup=ask)
        state.run = self.new_run()
        known = self.sources.get(source) if source else None
        if known is not None:
            state.source = known.id
            area_result = self.flows[flow_id].area_result
            if known.area and area_result:
                state.preset[area_result] = known.area
        return Session(self, state)

    def _check_sources(self) -> None:
        """Every source's area is one the services know: a postcode district or a place."""
        problems = [
            Problem("sources", None, s.id, f"area {s.area!r} is no postcode district or place")
            for s in self.sources.values()
            if s.area and not OUTWARD.fullmatch(s.area) and s.area not in self.places
        ]
        if problems:
            raise FlowError(problems)

    def load_session(self, data: str) -> Session:
        """A session from its JSON; raise CorruptSession if it cannot be continued."""
        try:
            raw = json.loads(data)
        except (ValueError, TypeError) as exc:
            raise CorruptSession("not JSON") from exc
        state = RunState.from_dict(raw)
        flow = self.flows.get(state.flow)
        if flow is None or state.node not in flow.nodes:
            raise CorruptSession("the flow has changed since this session was saved")
        if any(node not in flow.nodes for node, _ in state.answers):
            raise CorruptSession("the flow has changed since this session was saved")
        return Session(self, state)
