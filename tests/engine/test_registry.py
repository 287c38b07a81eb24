"""Registry entries check the parameters a flow gives them; names register once."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine.actions import ACTIONS
from bot.engine.conditions import CONDITIONS
from bot.engine.definition import Call
from bot.engine.matchers import MATCHERS
from bot.engine.registry import Entry, Param, Registry, strs


def noop(*_: Any) -> None:
    return None


ENTRY = Entry(
    "demo",
    (Param("name", (str,)), Param("count", (int,)), Param("note", (str,), required=False)),
    noop,
)

# description, params, problems
CASES: list[tuple[str, dict[Any, Any], list[str]]] = [
    ("all fine", {"name": "a", "count": 1}, []),
    ("optional given", {"name": "a", "count": 1, "note": "n"}, []),
    (
        "unknown param",
        {"name": "a", "count": 1, "colour": "red"},
        ["demo: unknown parameter 'colour'"],
    ),
    ("missing required", {"name": "a"}, ["demo: missing parameter 'count'"]),
    ("missing two", {}, ["demo: missing parameter 'name'", "demo: missing parameter 'count'"]),
    ("wrong type", {"name": "a", "count": "3"}, ["demo: 'count' must be int"]),
    ("float is not int", {"name": "a", "count": 1.5}, ["demo: 'count' must be int"]),
    (
        "bool for str",
        {"name": True, "count": 1},
        ["demo: 'name' must not be true/false (quote it)"],
    ),
    (
        "bool for int",
        {"name": "a", "count": False},
        ["demo: 'count' must not be true/false (quote it)"],
    ),
    (
        "several problems, unknown first",
        {"zz": 1, "aa": 2, "count": None},
        [
            "demo: unknown parameter 'aa'",
            "demo: unknown parameter 'zz'",
            "demo: missing parameter 'name'",
            "demo: 'count' must be int",
        ],
    ),
]


@pytest.mark.parametrize(("params", "problems"), [x[1:] for x in CASES], ids=[x[0] for x in CASES])
def test_check_params(params: dict[Any, Any], problems: list[str]) -> None:
    assert ENTRY.check_params(params) == problems


def test_a_param_may_accept_bool_when_it_says_so() -> None:
    entry = Entry("flag", (Param("on", (bool,)),), noop)
    assert entry.check_params({"on": True}) == []
    assert entry.check_params({"on": "yes"}) == ["flag: 'on' must be bool"]


def test_several_types_are_named_in_the_problem() -> None:
    problems = ACTIONS["set_result"].check_params({"name": "x", "value": 1.5})
    assert problems == ["set_result: 'value' must be str or int"]


@pytest.mark.parametrize(
    ("registry", "name", "params", "problems"),
    [
        (MATCHERS, "yes_no", {"yes": "y", "no": "n"}, []),
        (MATCHERS, "yes_no", {"yes": "y"}, ["yes_no: missing parameter 'no'"]),
        (MATCHERS, "number", {"min": 1, "max": "9"}, ["number: 'max' must be int"]),
        (ACTIONS, "offer_referral", {"to": "x"}, ["offer_referral: unknown parameter 'to'"]),
        (CONDITIONS, "not", {"condition": Call("has_flag", {"flag": "crisis"})}, []),
        (CONDITIONS, "not", {"condition": "has_flag"}, ["not: 'condition' must be Call"]),
        (CONDITIONS, "answer_is", {"values": "yes"}, ["answer_is: 'values' must be list"]),
    ],
)
def test_real_entries(
    registry: Registry[Any], name: str, params: dict[str, Any], problems: list[str]
) -> None:
    assert registry[name].check_params(params) == problems


def test_unquoted_yaml_keys_next_to_a_typo_are_reported() -> None:
    params: dict[Any, Any] = {True: "yes", False: "no", "unsur": "x"}
    problems = MATCHERS["yes_no"].check_params(params)
    assert "yes_no: missing parameter 'yes'" in problems


def test_registering_a_name_twice_raises() -> None:
    registry: Registry[Any] = Registry("widget")
    registry.register("spin", Param("speed", (int,)))(noop)
    with pytest.raises(ValueError, match="widget 'spin' registered twice"):
        registry.register("spin")(noop)
    assert registry["spin"].params == (Param("speed", (int,)),)


def test_real_registries_refuse_a_second_registration() -> None:
    registries: list[tuple[Registry[Any], str]] = [
        (ACTIONS, "end"),
        (CONDITIONS, "not"),
        (MATCHERS, "number"),
    ]
    for registry, name in registries:
        original = registry[name]
        with pytest.raises(ValueError, match="registered twice"):
            registry.register(name)(noop)
        assert registry[name] is original


def test_registry_lookup() -> None:
    registry: Registry[Any] = Registry("widget")
    registry.register("b")(noop)
    registry.register("a", Param("x", (str,)))(noop)
    assert list(registry) == ["a", "b"]
    assert "a" in registry
    assert "c" not in registry
    assert registry.get("c") is None
    assert registry.get("a") is registry["a"]
    assert registry["a"].fn is noop
    with pytest.raises(KeyError):
        registry["c"]


def test_strs() -> None:
    assert strs(["a", 1, True]) == ("a", "1", "True")
    assert strs([]) == ()
