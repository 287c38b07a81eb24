"""Errors found when loading flows: each names the file, the flow and the node."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in a flow file."""

    source: str
    flow: str | None
    node: str | None
    message: str

    def __str__(self) -> str:
        where = [self.source]
        if self.flow:
            where.append(f"flow {self.flow}")
        if self.node:
            where.append(f"node {self.node}")
        return f"{', '.join(where)}: {self.message}"


class FlowError(ValueError):
    """A flow (or service file) failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
