"""One transitions Machine per flow, shared by every conversation; routes in route order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import transitions

from bot.engine import Engine, MessageCreated, OutcomeReached, Text, parse_flow
from bot.engine.conditions import Context
from bot.engine.machine import MAX_IDLE_CURSORS, TRIGGER, FlowMachine, transitions_of
from bot.engine.state import RunState

AT = datetime(2026, 1, 1, tzinfo=UTC)


def count_machines(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record every transitions.Machine built from now on (GraphMachine included)."""
    built: list[object] = []
    original = transitions.Machine.__init__

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(transitions.Machine, "__init__", spy)
    return built


def test_a_thousand_sessions_share_one_machine(
    tiny: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tiny.machines["tiny"]
    built = count_machines(monkeypatch)
    peak = 0
    for i in range(1000):
        at = AT + timedelta(seconds=i)
        session = tiny.new_session(at=at)
        session.start()
        session.resume(Text(at, "yes"))
        events = session.resume(Text(at, str(5 + i % 100)))
        assert any(isinstance(e, OutcomeReached) for e in events)
        assert session.done
        peak = max(peak, shared.attached)
        assert shared.attached <= MAX_IDLE_CURSORS + 1
    assert built == [], "a Machine was built while sessions ran"
    assert list(tiny.machines) == ["tiny"]
    assert tiny.machines["tiny"] is shared
    assert 1 <= peak <= MAX_IDLE_CURSORS + 1
    FlowMachine(tiny.flows["tiny"])
    assert len(built) == 1, "the spy sees a Machine being built"


def test_resumed_sessions_share_the_machine_too(
    tiny: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = count_machines(monkeypatch)
    saved = []
    for _ in range(50):
        session = tiny.new_session(at=AT)
        session.start()
        saved.append(session.to_json())
    for data in saved:
        session = tiny.load_session(data)
        session.resume(Text(AT, "no"))
        assert session.outcome() is not None
    assert built == []
    assert tiny.machines["tiny"].attached <= MAX_IDLE_CURSORS + 1


def test_idle_cursors_are_capped() -> None:
    """Many steps in progress at once borrow many cursors; only a few are kept afterwards."""
    machine = FlowMachine(parse_flow(ROUTES, "flows/routes.yaml"))
    cursors = [machine._borrow("ask") for _ in range(3 * MAX_IDLE_CURSORS)]
    assert machine.attached == 3 * MAX_IDLE_CURSORS
    for cursor in cursors:
        machine._give_back(cursor)
    assert machine.attached == MAX_IDLE_CURSORS
    state = RunState("routes", "en", "ask", AT, AT)
    assert machine.advance("ask", Context(state, "b")) == "second"
    assert machine.attached == MAX_IDLE_CURSORS


ROUTES = """\
spec_version: "1.0"
id: routes
name: Route order
expire_after_minutes: 60
start: ask
nodes:
  ask:
    question: Pick one.
    help: Choose a, b or c.
    options:
      - {id: a, label: A}
      - {id: b, label: B}
      - {id: c, label: C}
    routes:
      - {when: {type: answer_is, values: [a]}, goto: first}
      - {when: {type: answer_is, values: [a, b]}, goto: second}
      - {when: {type: any, conditions: [{type: answer_is, values: [a, b]}]}, goto: third}
      - {goto: fallback}
  first: {say: first, actions: [{type: end, result: carer}]}
  second: {say: second, actions: [{type: end, result: possible_carer}]}
  third: {say: third, actions: [{type: end, result: not_carer}]}
  fallback: {say: fallback, actions: [{type: end, result: not_carer}]}
"""


@pytest.mark.parametrize(
    ("answer", "dest"),
    [("a", "first"), ("b", "second"), ("c", "fallback")],
    ids=["all three hold: first wins", "two hold: earlier wins", "none hold: fallback"],
)
def test_routing_takes_the_first_route_that_holds(answer: str, dest: str) -> None:
    flow = parse_flow(ROUTES, "flows/routes.yaml")
    machine = FlowMachine(flow)
    state = RunState("routes", "en", "ask", AT, AT)
    assert machine.advance("ask", Context(state, answer)) == dest
    engine = Engine([flow])
    session = engine.new_session(at=AT)
    session.start()
    events = session.resume(Text(AT, answer))
    assert session.state.node == dest
    assert [e.text for e in events if isinstance(e, MessageCreated)] == [dest]


def test_reversed_routes_route_the_other_way() -> None:
    text = ROUTES.replace("values: [a]}, goto: first", "values: [a]}, goto: second", 1)
    text = text.replace("values: [a, b]}, goto: second", "values: [a, b]}, goto: first", 1)
    machine = FlowMachine(parse_flow(text, "flows/routes.yaml"))
    state = RunState("routes", "en", "ask", AT, AT)
    assert machine.advance("ask", Context(state, "a")) == "second"
    assert machine.advance("ask", Context(state, "b")) == "first"


def test_transitions_table_keeps_route_order() -> None:
    table = transitions_of(parse_flow(ROUTES, "flows/routes.yaml"))
    assert [(t["source"], t["dest"]) for t in table] == [
        ("ask", "first"),
        ("ask", "second"),
        ("ask", "third"),
        ("ask", "fallback"),
    ]
    assert all(t["trigger"] == TRIGGER for t in table)
    assert [len(t["conditions"]) for t in table] == [1, 1, 1, 0]
    assert table[1]["conditions"][0].__name__ == "answer_is(a|b)"


def test_conditions_see_the_state_of_the_session_being_routed(tiny: Engine) -> None:
    """Two sessions routed through the same machine do not see each other's answers."""
    young, adult = tiny.new_session(at=AT), tiny.new_session(at=AT)
    for session in (young, adult):
        session.start()
        session.resume(Text(AT, "yes"))
    young.resume(Text(AT, "12"))
    adult.resume(Text(AT, "40"))
    assert young.state.roles == ["young_carer"]
    assert adult.state.roles == ["adult_carer"]
