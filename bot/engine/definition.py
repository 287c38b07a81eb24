"""Frozen definitions of flows, nodes and services, as read from ``flows/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Params = dict[str, Any]

ROLES = frozenset(
    {
        "adult_carer",
        "young_carer",
        "young_adult_carer",
        "parent_carer",
        "mutual_carer",
        "sandwich_carer",
        "distance_carer",
    }
)
FLAGS = frozenset(
    {
        "safeguarding",
        "crisis",
        "high_impact",
        "older_family_carer_65_plus",
        "only_carer",
        "substance_misuse",
        "mental_health",
    }
)
RESULTS = frozenset({"carer", "possible_carer", "not_carer", "paid_or_volunteer"})


@dataclass(frozen=True)
class Call:
    """A use of a registered action, condition or matcher: its type and parameters."""

    type: str
    params: Params = field(default_factory=dict)
    when: Call | None = None


@dataclass(frozen=True)
class Option:
    """An answer offered to the person, with a stable id."""

    id: str
    label: str
    alone: bool = False
    """At a pick-all question: this option ("none of these", "not sure") is picked on its own."""


@dataclass(frozen=True)
class Route:
    """Go to ``goto`` when ``when`` holds (or always, when it is None)."""

    goto: str
    when: Call | None = None


@dataclass(frozen=True)
class Node:
    """One step of a flow: things to say, at most one question, actions and routes."""

    id: str
    say: tuple[str, ...] = ()
    question: str | None = None
    help: str | None = None
    options: tuple[Option, ...] = ()
    match: tuple[Call, ...] = ()
    result: str | None = None
    actions: tuple[Call, ...] = ()
    routes: tuple[Route, ...] = ()
    multiple: bool = False
    """A "choose all that fit" question: the answer is the options picked, then Done."""
    progress: bool = True
    """Whether this question counts in "question 3 of 12" (not for "Shall we start?")."""
    picture: str | None = None
    """An OpenMoji code point sequence ("1F6D2"): the Easy Read picture of a question or outcome."""

    @property
    def waits(self) -> bool:
        """Whether this node asks a question and waits for an answer."""
        return self.question is not None

    @property
    def result_name(self) -> str:
        """The name this node's answer is saved under."""
        return self.result or self.id

    @property
    def ends(self) -> bool:
        """Whether this node ends the flow."""
        return any(a.type == "end" for a in self.actions)

    def option(self, option_id: str) -> Option | None:
        """The option with this id, if the node offers it."""
        for opt in self.options:
            if opt.id == option_id:
                return opt
        return None


@dataclass(frozen=True)
class Flow:
    """A whole flow: validated, immutable and shared by every conversation."""

    id: str
    name: str
    spec_version: str
    start: str
    expire_after_minutes: int
    nodes: dict[str, Node]
    source: str = "<memory>"
    age_result: str | None = None
    """The result holding the person's age band: services and crisis help are chosen by it."""
    need_result: str | None = None
    """The result holding why the person needs help: services' ``needs`` are matched on it."""
    area_result: str | None = None
    """The result holding the person's area (postcode district or place): local help first."""

    def node(self, node_id: str) -> Node:
        """The node with this id (the flow is validated, so it exists)."""
        return self.nodes[node_id]

    def find_result_node(self, result_name: str) -> Node | None:
        """The first node that saves its answer under ``result_name``."""
        for node in self.nodes.values():
            if node.waits and node.result_name == result_name:
                return node
        return None
