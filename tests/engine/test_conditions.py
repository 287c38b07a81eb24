"""Every condition type, true and false, over a RunState with earlier answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.engine.conditions import CONDITIONS, Context, describe, holds
from bot.engine.definition import Call
from bot.engine.state import RunState, Value

AT = datetime(2026, 1, 1, tzinfo=UTC)


def state() -> RunState:
    s = RunState("tiny", "en", "age", AT, AT)
    s.results.update({"hello": "yes", "age": 45, "often": "daily", "label": "45"})
    s.results["tasks"] = ("home", "body")  # a pick-all answer
    s.alarms.append("safeguarding")  # raised by crisis words, not by the flow
    s.roles.append("adult_carer")
    s.flags.append("crisis")
    return s


def c(kind: str, **params: object) -> Call:
    return Call(kind, dict(params))


YES = c("answer_is", values=["yes"])
NO = c("answer_is", values=["no"])
CARER = c("has_role", role="adult_carer")
YOUNG = c("has_role", role="young_carer")
HELLO = {"result": "hello"}
AGE = {"result": "age"}
GONE = {"result": "gone"}

# description, condition, answer just given, expected
CASES: list[tuple[str, Call, Value | None, bool]] = [
    ("answer_is: answer listed", c("answer_is", values=["no", "yes"]), "yes", True),
    ("answer_is: answer not listed", c("answer_is", values=["no"]), "yes", False),
    ("answer_is: no answer yet", YES, None, False),
    ("answer_is: number against its text", c("answer_is", values=["45"]), 45, True),
    ("answer_is: empty list", c("answer_is", values=[]), "yes", False),
    ("result_is: earlier answer listed", c("result_is", **HELLO, values=["yes"]), None, True),
    ("result_is: answer not listed", c("result_is", **HELLO, values=["no"]), None, False),
    ("result_is: never answered", c("result_is", **GONE, values=["yes"]), None, False),
    ("result_is: ignores this answer", c("result_is", **GONE, values=["yes"]), "yes", False),
    ("result_not: answered otherwise", c("result_not", **HELLO, values=["no"]), None, True),
    ("result_not: answered a listed one", c("result_not", **HELLO, values=["yes"]), None, False),
    ("result_not: never answered", c("result_not", **GONE, values=["no"]), None, False),
    ("number_between: inside", c("number_between", **AGE, min=18, max=64), None, True),
    ("number_between: min inclusive", c("number_between", **AGE, min=45, max=50), None, True),
    ("number_between: max inclusive", c("number_between", **AGE, min=40, max=45), None, True),
    ("number_between: below", c("number_between", **AGE, min=46, max=64), None, False),
    ("number_between: above", c("number_between", **AGE, min=5, max=17), None, False),
    ("number_between: text '45'", c("number_between", result="label", min=0, max=99), None, False),
    ("number_between: not answered", c("number_between", **GONE, min=0, max=99), None, False),
    (
        "count_of: enough",
        c("count_of", results=["hello", "often", "gone"], values=["yes", "daily"], at_least=2),
        None,
        True,
    ),
    (
        "count_of: too few",
        c("count_of", results=["hello", "often", "gone"], values=["yes"], at_least=2),
        None,
        False,
    ),
    ("count_of: zero needed", c("count_of", results=[], values=[], at_least=0), None, True),
    (
        "count_of: numbers as text",
        c("count_of", results=["age"], values=[45], at_least=1),
        None,
        True,
    ),
    ("has_flag: raised", c("has_flag", flag="crisis"), None, True),
    ("has_flag: raised by crisis words", c("has_flag", flag="safeguarding"), None, True),
    ("has_flag: not raised", c("has_flag", flag="high_impact"), None, False),
    (
        "result_is: any picked is listed",
        c("result_is", result="tasks", values=["body"]),
        None,
        True,
    ),
    ("result_is: none picked is listed", c("result_is", result="tasks", values=["x"]), None, False),
    ("result_not: a pick is listed", c("result_not", result="tasks", values=["home"]), None, False),
    ("answer_is: a pick-all answer", c("answer_is", values=["home"]), ("home", "x"), True),
    ("picked_count: enough", c("picked_count", result="tasks", at_least=2), None, True),
    ("picked_count: too few", c("picked_count", result="tasks", at_least=3), None, False),
    (
        "picked_count: only of values",
        c("picked_count", result="tasks", at_least=2, values=["body", "night"]),
        None,
        False,
    ),
    ("picked_count: one answer", c("picked_count", **HELLO, at_least=1), None, True),
    ("picked_count: not answered", c("picked_count", **GONE, at_least=1), None, False),
    ("has_role: added", CARER, None, True),
    ("has_role: not added", YOUNG, None, False),
    ("all: every one holds", c("all", conditions=[YES, CARER]), "yes", True),
    ("all: one fails", c("all", conditions=[YES, YOUNG]), "yes", False),
    ("all: empty holds", c("all", conditions=[]), None, True),
    ("any: one holds", c("any", conditions=[NO, CARER]), "yes", True),
    ("any: none holds", c("any", conditions=[NO, YOUNG]), "yes", False),
    ("any: empty fails", c("any", conditions=[]), None, False),
    ("not: inverts false", c("not", condition=YOUNG), None, True),
    ("not: inverts true", c("not", condition=CARER), None, False),
    ("nested not(any(...))", c("not", condition=c("any", conditions=[NO, YOUNG])), "yes", True),
]


@pytest.mark.parametrize(
    ("call", "answer", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_condition(call: Call, answer: Value | None, expected: bool) -> None:
    s = state()
    before = s.to_dict()
    assert holds(call, Context(s, answer)) is expected
    assert CONDITIONS[call.type].fn(call.params, Context(s, answer)) is expected
    assert s.to_dict() == before, "a condition must not change the state"


def test_every_condition_type_has_a_true_and_a_false_case() -> None:
    outcomes: dict[str, set[bool]] = {}
    for _, call, _, expected in CASES:
        outcomes.setdefault(call.type, set()).add(expected)
    assert set(CONDITIONS) == set(outcomes)
    assert all(seen == {True, False} for seen in outcomes.values()), outcomes


# description, condition, label
DESCRIBE = [
    ("one value", YES, "answer_is(yes)"),
    ("list values joined with |", c("answer_is", values=["yes", "no"]), "answer_is(yes|no)"),
    ("params in order", c("number_between", **AGE, min=5, max=17), "number_between(age, 5, 17)"),
    ("a flag", c("has_flag", flag="crisis"), "has_flag(crisis)"),
    ("not wraps its condition", c("not", condition=YOUNG), "not(has_role(young_carer))"),
    (
        "all lists its conditions",
        c("all", conditions=[YES, NO]),
        "all(answer_is(yes), answer_is(no))",
    ),
    ("nested", c("any", conditions=[c("not", condition=NO)]), "any(not(answer_is(no)))"),
    ("count_of", c("count_of", results=["a", "b"], values=[1], at_least=2), "count_of(a|b, 1, 2)"),
]


@pytest.mark.parametrize(("call", "label"), [d[1:] for d in DESCRIBE], ids=[d[0] for d in DESCRIBE])
def test_describe(call: Call, label: str) -> None:
    assert describe(call) == label
