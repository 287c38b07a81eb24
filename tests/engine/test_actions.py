"""Every action: what it changes in the state, the events it returns, and `when` gating."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.engine.actions import ACTIONS, run
from bot.engine.conditions import Context
from bot.engine.definition import Call
from bot.engine.events import (
    Event,
    FlagRaised,
    ReferralOffered,
    ResultChanged,
    RoleAdded,
    Signposted,
)
from bot.engine.state import DONE, WAITING, RunState

AT = datetime(2026, 1, 1, tzinfo=UTC)


def fresh() -> RunState:
    return RunState("tiny", "en", "hello", AT, AT)


def c(kind: str, when: Call | None = None, **params: object) -> Call:
    return Call(kind, dict(params), when)


def test_every_action_is_covered() -> None:
    assert set(ACTIONS) == {
        "set_result",
        "add_role",
        "add_flag",
        "signpost",
        "offer_referral",
        "offer_check_in",
        "end",
    }


# description, action, expected events, expected changes (RunState.to_dict keys)
CASES: list[tuple[str, Call, list[Event], dict[str, object]]] = [
    (
        "set_result saves text",
        c("set_result", name="band", value="older"),
        [ResultChanged("band", "older")],
        {"results": {"band": "older"}},
    ),
    (
        "set_result saves a number",
        c("set_result", name="score", value=3),
        [ResultChanged("score", 3)],
        {"results": {"score": 3}},
    ),
    (
        "add_role",
        c("add_role", role="young_carer"),
        [RoleAdded("young_carer")],
        {"roles": ["young_carer"]},
    ),
    ("add_flag", c("add_flag", flag="crisis"), [FlagRaised("crisis")], {"flags": ["crisis"]}),
    ("signpost", c("signpost", service="gp"), [Signposted("gp")], {"signposts": ["gp"]}),
    ("offer_referral", c("offer_referral"), [ReferralOffered("tiny")], {"referral_offered": True}),
    ("offer_check_in", c("offer_check_in", after_days=182), [], {"check_in_offer": 182}),
    ("end", c("end", result="carer"), [], {"outcome": "carer", "status": DONE}),
]


@pytest.mark.parametrize(
    ("call", "events", "changes"), [x[1:] for x in CASES], ids=[x[0] for x in CASES]
)
def test_action(call: Call, events: list[Event], changes: dict[str, object]) -> None:
    state = fresh()
    before = state.to_dict()
    assert run((call,), Context(state)) == events
    after = state.to_dict()
    assert {k: v for k, v in after.items() if before[k] != v} == changes


@pytest.mark.parametrize(
    "call",
    [c("add_role", role="adult_carer"), c("add_flag", flag="crisis"), c("signpost", service="gp")],
    ids=lambda call: call.type,
)
def test_adding_twice_changes_nothing_the_second_time(call: Call) -> None:
    state = fresh()
    first = run((call,), Context(state))
    snapshot = state.to_dict()
    assert len(first) == 1
    assert run((call,), Context(state)) == []
    assert state.to_dict() == snapshot


def test_set_result_overwrites_an_earlier_value() -> None:
    state = fresh()
    state.results["band"] = "young"
    events = run((c("set_result", name="band", value="older"),), Context(state))
    assert events == [ResultChanged("band", "older")]
    assert state.results == {"band": "older"}


def test_actions_run_in_order_and_collect_their_events() -> None:
    state = fresh()
    calls = (
        c("add_role", role="adult_carer"),
        c("signpost", service="gp"),
        c("add_flag", flag="high_impact"),
        c("end", result="carer"),
    )
    events = run(calls, Context(state))
    assert events == [RoleAdded("adult_carer"), Signposted("gp"), FlagRaised("high_impact")]
    assert state.status == DONE
    assert state.outcome == "carer"


YES = Call("answer_is", {"values": ["yes"]})


@pytest.mark.parametrize(
    ("answer", "runs"),
    [("yes", True), ("no", False), (None, False)],
    ids=["holds", "fails", "none"],
)
def test_when_gates_an_action(answer: str | None, runs: bool) -> None:
    state = fresh()
    events = run((c("add_flag", YES, flag="crisis"),), Context(state, answer))
    assert events == ([FlagRaised("crisis")] if runs else [])
    assert state.flags == (["crisis"] if runs else [])


def test_when_sees_changes_made_by_earlier_actions() -> None:
    state = fresh()
    carer = Call("has_role", {"role": "young_carer"})
    calls = (
        c("add_role", role="young_carer"),
        c("add_flag", carer, flag="high_impact"),
        c("add_role", Call("not", {"condition": carer}), role="adult_carer"),
    )
    events = run(calls, Context(state))
    assert events == [RoleAdded("young_carer"), FlagRaised("high_impact")]
    assert state.roles == ["young_carer"]


def test_end_gated_by_when_does_not_end() -> None:
    state = fresh()
    assert run((c("end", YES, result="carer"),), Context(state, "no")) == []
    assert state.status == WAITING
    assert state.outcome is None
