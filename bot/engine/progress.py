"""How far through a flow someone is: "question 3 of 12"."""

from __future__ import annotations

from functools import cache

from bot.engine.definition import Flow
from bot.engine.state import RunState


def remaining_questions(flow: Flow) -> dict[str, int]:
    """For each node, the most questions left on any way from it to an end, itself included.

    Flows have no loops (validation refuses them), so this is a longest path in a DAG.
    """

    @cache
    def left(node_id: str) -> int:
        node = flow.nodes[node_id]
        own = 1 if node.waits and node.progress else 0
        return own + max((left(r.goto) for r in node.routes), default=0)

    return {node_id: left(node_id) for node_id in flow.nodes}


def position(flow: Flow, remaining: dict[str, int], state: RunState) -> tuple[int, int] | None:
    """(this question's number, the most it can take in all) or None if it does not count."""
    node = flow.nodes[state.node]
    if not (node.waits and node.progress):
        return None
    done = sum(1 for node_id, _ in state.answers if _counts(flow, node_id))
    return done + 1, done + remaining[state.node]


def _counts(flow: Flow, node_id: str) -> bool:
    node = flow.nodes.get(node_id)
    return node is not None and node.waits and node.progress
