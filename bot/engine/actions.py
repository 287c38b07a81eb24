"""Actions a flow can run, looked up by name. Each changes the state and returns events."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.engine.conditions import Context, holds
from bot.engine.definition import Call
from bot.engine.events import (
    Event,
    FlagRaised,
    ReferralOffered,
    ResultChanged,
    RoleAdded,
    Signposted,
)
from bot.engine.registry import Param, Registry
from bot.engine.state import DONE

ActionFn = Callable[[Mapping[str, Any], Context], list[Event]]
ACTIONS: Registry[ActionFn] = Registry("action")

_STR = (str,)


def run(calls: tuple[Call, ...], ctx: Context) -> list[Event]:
    """Run each action whose ``when`` holds, in order, and collect their events."""
    events: list[Event] = []
    for call in calls:
        if call.when is None or holds(call.when, ctx):
            events.extend(ACTIONS[call.type].fn(call.params, ctx))
    return events


def _add(items: list[str], item: str) -> bool:
    if item in items:
        return False
    items.append(item)
    return True


@ACTIONS.register("set_result", Param("name", _STR), Param("value", (str, int)))
def set_result(p: Mapping[str, Any], ctx: Context) -> list[Event]:
    """Save a computed result."""
    ctx.state.results[p["name"]] = p["value"]
    return [ResultChanged(p["name"], p["value"])]


@ACTIONS.register("add_role", Param("role", _STR))
def add_role(p: Mapping[str, Any], ctx: Context) -> list[Event]:
    """Recognise a carer role (once)."""
    return [RoleAdded(p["role"])] if _add(ctx.state.roles, p["role"]) else []


@ACTIONS.register("add_flag", Param("flag", _STR))
def add_flag(p: Mapping[str, Any], ctx: Context) -> list[Event]:
    """Raise a flag (once)."""
    return [FlagRaised(p["flag"])] if _add(ctx.state.flags, p["flag"]) else []


CATEGORY = "@"
"""Marks a signposted category in the state ("@carers_service"); service ids never start so."""


@ACTIONS.register("signpost", Param("service", _STR, False), Param("category", _STR, False))
def signpost(p: Mapping[str, Any], ctx: Context) -> list[Event]:
    """Add a service, or the best local service of a category, to the places to get help."""
    entry = p["service"] if "service" in p else CATEGORY + p["category"]
    return [Signposted(entry)] if _add(ctx.state.signposts, entry) else []


@ACTIONS.register("offer_referral")
def offer_referral(p: Mapping[str, Any], ctx: Context) -> list[Event]:
    """Tell the host to offer a referral (it asks for consent before sharing anything)."""
    ctx.state.referral_offered = True
    return [ReferralOffered(ctx.state.flow)]


@ACTIONS.register("offer_check_in", Param("after_days", (int,)))
def offer_check_in(p: Mapping[str, Any], ctx: Context) -> list[Event]:
    """Offer, after the outcome, to message the person again in ``after_days`` days."""
    ctx.state.check_in_offer = int(p["after_days"])
    return []


@ACTIONS.register("end", Param("result", _STR))
def end(p: Mapping[str, Any], ctx: Context) -> list[Event]:
    """End the flow with an outcome; the session reports it once the node's actions have run."""
    ctx.state.outcome = p["result"]
    ctx.state.status = DONE
    return []
