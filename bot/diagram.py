"""Draw a flow with transitions' Graphviz diagram support."""

from __future__ import annotations

import tempfile
from pathlib import Path

from transitions.extensions.diagrams import GraphMachine

from bot.engine.definition import Flow
from bot.engine.machine import transitions_of


class _Drawing:
    """The one model of a diagram-only machine (it marks the start node)."""


def graph_machine(flow: Flow) -> GraphMachine:
    """A diagram-only machine built from the same routes the engine runs."""
    return GraphMachine(
        model=_Drawing(),
        states=list(flow.nodes),
        transitions=transitions_of(flow),
        initial=flow.start,
        auto_transitions=False,
        show_conditions=True,
        title=flow.name,
        graph_engine="graphviz",
    )


def draw(flow: Flow, output: Path) -> Path:
    """Write the flow's diagram to ``output``; the suffix picks the format (svg, png, dot)."""
    machine = graph_machine(flow)
    graph = machine.models[0].get_graph()
    fmt = output.suffix.lstrip(".") or "svg"
    if fmt == "dot":
        output.write_text(str(graph), encoding="utf-8")
    else:
        graph.draw(str(output), format=fmt, prog="dot")
    return output


def svg(flow: Flow) -> str:
    """The flow's diagram as SVG text."""
    with tempfile.TemporaryDirectory() as folder:
        return draw(flow, Path(folder) / "flow.svg").read_text(encoding="utf-8")
