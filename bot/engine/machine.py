"""One transitions ``Machine`` per flow, shared by every conversation.

A conversation never owns a model: for one routing step it borrows a ``Cursor`` (a model of
the shared machine), points it at its own state, and gives it back. Idle cursors are kept, up
to ``MAX_IDLE_CURSORS``, because binding a new model costs far more than the step itself
(``Machine.add_model`` binds a helper per state); cursors beyond that are removed from the
machine. So the machine holds a handful of models whatever the number of conversations.
Conditions are closures built from registry entries; no string from a flow ever reaches
transitions' callable resolution.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from transitions import Machine

from bot.engine.conditions import Context, describe, holds
from bot.engine.definition import Call, Flow

TRIGGER = "advance"
MAX_IDLE_CURSORS = 8


class Cursor:
    """The model transitions moves: it holds the node id and the context conditions read."""

    def __init__(self) -> None:
        self.ctx: Context | None = None
        self.state = ""


def _condition(call: Call) -> Callable[[Any], bool]:
    def check(event: Any) -> bool:
        cursor: Cursor = event.model
        assert cursor.ctx is not None
        return holds(call, cursor.ctx)

    check.__name__ = describe(call)
    return check


def transitions_of(flow: Flow) -> list[dict[str, Any]]:
    """The flow's routes as transitions' transition dicts, in route order."""
    table: list[dict[str, Any]] = []
    for node in flow.nodes.values():
        for route in node.routes:
            conditions = [_condition(route.when)] if route.when is not None else []
            table.append(
                {
                    "trigger": TRIGGER,
                    "source": node.id,
                    "dest": route.goto,
                    "conditions": conditions,
                }
            )
    return table


class FlowMachine:
    """Routes conversations through one flow."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.machine = Machine(
            model=None,
            states=list(flow.nodes),
            transitions=transitions_of(flow),
            initial=flow.start,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )
        self._event = self.machine.events[TRIGGER]
        self._idle: list[Cursor] = []
        self.observers: list[Callable[[str, str], None]] = []

    def advance(self, node_id: str, ctx: Context) -> str:
        """The node after ``node_id``: the first route whose condition holds in ``ctx``."""
        cursor = self._borrow(node_id)
        cursor.ctx = ctx
        try:
            if not self._event.trigger(cursor):
                raise RuntimeError(f"{self.flow.id}/{node_id}: no route holds")
            for observe in self.observers:
                observe(node_id, cursor.state)
            return cursor.state
        finally:
            cursor.ctx = None
            self._give_back(cursor)

    def _borrow(self, node_id: str) -> Cursor:
        try:
            cursor = self._idle.pop()
        except IndexError:
            cursor = Cursor()
            self.machine.add_model(cursor, initial=node_id)
            return cursor
        self.machine.set_state(node_id, model=cursor)
        return cursor

    def _give_back(self, cursor: Cursor) -> None:
        if len(self._idle) >= MAX_IDLE_CURSORS:
            self.machine.remove_model(cursor)
        else:
            self._idle.append(cursor)

    @property
    def attached(self) -> int:
        """Models the shared machine holds: at most the steps in progress plus idle cursors."""
        return len(self.machine.models)
