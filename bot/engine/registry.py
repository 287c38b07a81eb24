"""Explicit registries: flows name actions, conditions and matchers; nothing is imported by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Param:
    """A parameter of a registered type: its name, the Python types it accepts, and if required."""

    name: str
    types: tuple[type, ...]
    required: bool = True
    items: tuple[type, ...] = ()
    """For a list parameter: the types each item may have (empty: not checked here)."""


@dataclass(frozen=True)
class Entry(Generic[F]):
    """One registered type: its wire name, its parameters and its implementation."""

    name: str
    params: tuple[Param, ...]
    fn: F

    def check_params(self, params: Mapping[str, Any]) -> list[str]:
        """Problems with ``params`` for this type, as plain sentences (empty when fine)."""
        problems: list[str] = []
        known = {p.name for p in self.params}
        for extra in sorted(str(k) for k in set(params) - known):
            problems.append(f"{self.name}: unknown parameter {extra!r}")
        for key in params:
            if isinstance(key, bool):
                problems.append(f"{self.name}: parameter names must be quoted text ({key})")
        for p in self.params:
            if p.name not in params:
                if p.required:
                    problems.append(f"{self.name}: missing parameter {p.name!r}")
                continue
            problems += self._check_value(p, params[p.name])
        return problems

    def _check_value(self, p: Param, value: Any) -> list[str]:
        if isinstance(value, bool) and bool not in p.types:
            return [f"{self.name}: {p.name!r} must not be true/false (quote it)"]
        if not _fits(value, p.types):
            want = " or ".join(t.__name__ for t in p.types)
            return [f"{self.name}: {p.name!r} must be {want}"]
        if p.items and isinstance(value, list) and not all(_fits(v, p.items) for v in value):
            want = " or ".join(t.__name__ for t in p.items)
            return [f"{self.name}: every item of {p.name!r} must be {want} (quote yes/no/on/off)"]
        return []


@dataclass
class Registry(Generic[F]):
    """A name -> implementation table, filled by ``register`` decorators at import time."""

    kind: str
    _entries: dict[str, Entry[F]] = field(default_factory=dict)

    def register(self, name: str, *params: Param) -> Callable[[F], F]:
        """Decorator registering ``fn`` under ``name`` with its parameters."""

        def deco(fn: F) -> F:
            if name in self._entries:
                raise ValueError(f"{self.kind} {name!r} registered twice")
            self._entries[name] = Entry(name, params, fn)
            return fn

        return deco

    def get(self, name: str) -> Entry[F] | None:
        """The entry for ``name``, or None when no such type is registered."""
        return self._entries.get(name)

    def __getitem__(self, name: str) -> Entry[F]:
        return self._entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._entries))


def _fits(value: Any, types: tuple[type, ...]) -> bool:
    """Whether ``value`` is one of ``types``; YAML's true/false never passes for text or numbers."""
    if isinstance(value, bool) and bool not in types:
        return False
    return isinstance(value, types)


def strs(value: Any) -> tuple[str, ...]:
    """A parameter that is a list of strings, as a tuple (validation checked the type)."""
    return tuple(str(v) for v in value)
