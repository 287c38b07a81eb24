"""Conditions over earlier answers, looked up by name from flow data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine.definition import Call
from bot.engine.registry import Param, Registry, strs
from bot.engine.state import RunState, Value


@dataclass(frozen=True)
class Context:
    """What a condition may look at: the state so far and the answer just given."""

    state: RunState
    answer: Value | None = None


ConditionFn = Callable[[Mapping[str, Any], Context], bool]
CONDITIONS: Registry[ConditionFn] = Registry("condition")

_LIST = (list,)
_INT = (int,)
_STR = (str,)
_TEXT = (str, int)


def holds(call: Call, ctx: Context) -> bool:
    """Whether the registered condition ``call`` holds in ``ctx``."""
    return CONDITIONS[call.type].fn(call.params, ctx)


def _in(value: Value | None, values: Any) -> bool:
    """Whether an answer is one of ``values`` (for a pick of several: any of them is)."""
    if value is None:
        return False
    wanted = strs(values)
    if isinstance(value, tuple):
        return any(v in wanted for v in value)
    return str(value) in wanted


@CONDITIONS.register("answer_is", Param("values", _LIST, items=_TEXT))
def answer_is(p: Mapping[str, Any], ctx: Context) -> bool:
    """This node's answer is one of ``values``."""
    return _in(ctx.answer, p["values"])


@CONDITIONS.register("result_is", Param("result", _STR), Param("values", _LIST, items=_TEXT))
def result_is(p: Mapping[str, Any], ctx: Context) -> bool:
    """An earlier answer is one of ``values``."""
    return _in(ctx.state.results.get(p["result"]), p["values"])


@CONDITIONS.register("result_not", Param("result", _STR), Param("values", _LIST, items=_TEXT))
def result_not(p: Mapping[str, Any], ctx: Context) -> bool:
    """An earlier answer exists and is not one of ``values``."""
    value = ctx.state.results.get(p["result"])
    return value is not None and not _in(value, p["values"])


@CONDITIONS.register(
    "number_between", Param("result", _STR), Param("min", _INT), Param("max", _INT)
)
def number_between(p: Mapping[str, Any], ctx: Context) -> bool:
    """An earlier numeric answer lies in [min, max]."""
    value = ctx.state.results.get(p["result"])
    return isinstance(value, int) and p["min"] <= value <= p["max"]


@CONDITIONS.register(
    "count_of",
    Param("results", _LIST, items=_STR),
    Param("values", _LIST, items=_TEXT),
    Param("at_least", _INT),
)
def count_of(p: Mapping[str, Any], ctx: Context) -> bool:
    """At least ``at_least`` of the named answers are one of ``values``."""
    hits = sum(1 for name in strs(p["results"]) if _in(ctx.state.results.get(name), p["values"]))
    return hits >= int(p["at_least"])


@CONDITIONS.register(
    "picked_count",
    Param("result", _STR),
    Param("at_least", _INT),
    Param("values", _LIST, False, items=_TEXT),
)
def picked_count(p: Mapping[str, Any], ctx: Context) -> bool:
    """At least ``at_least`` options (of ``values``, if given) were picked at a pick-all."""
    value = ctx.state.results.get(p["result"])
    picked = value if isinstance(value, tuple) else ((str(value),) if value is not None else ())
    if "values" in p:
        picked = tuple(v for v in picked if v in strs(p["values"]))
    return len(picked) >= int(p["at_least"])


@CONDITIONS.register("has_flag", Param("flag", _STR))
def has_flag(p: Mapping[str, Any], ctx: Context) -> bool:
    """The flag has been raised (by the flow, or by crisis words)."""
    return p["flag"] in ctx.state.flags or p["flag"] in ctx.state.alarms


@CONDITIONS.register("has_role", Param("role", _STR))
def has_role(p: Mapping[str, Any], ctx: Context) -> bool:
    """The role has been added."""
    return p["role"] in ctx.state.roles


@CONDITIONS.register("all", Param("conditions", _LIST))
def all_of(p: Mapping[str, Any], ctx: Context) -> bool:
    """Every nested condition holds."""
    return all(holds(c, ctx) for c in p["conditions"])


@CONDITIONS.register("any", Param("conditions", _LIST))
def any_of(p: Mapping[str, Any], ctx: Context) -> bool:
    """At least one nested condition holds."""
    return any(holds(c, ctx) for c in p["conditions"])


@CONDITIONS.register("not", Param("condition", (Call,)))
def not_(p: Mapping[str, Any], ctx: Context) -> bool:
    """The nested condition does not hold."""
    return not holds(p["condition"], ctx)


NESTED = {"all": "conditions", "any": "conditions", "not": "condition"}
"""Condition types whose parameter holds further conditions (the loader builds them as Calls)."""


def describe(call: Call) -> str:
    """A short human label for diagrams, e.g. ``answer_is(yes, not_sure)``."""
    if call.type in NESTED:
        inner = call.params[NESTED[call.type]]
        parts = [describe(c) for c in (inner if isinstance(inner, list) else [inner])]
        return f"{call.type}({', '.join(parts)})"
    args = []
    for value in call.params.values():
        args.append("|".join(strs(value)) if isinstance(value, list) else str(value))
    return f"{call.type}({', '.join(args)})"
