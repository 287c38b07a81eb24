"""Reading a data file of entries (services, sources, organisations), naming every problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import yaml

from bot.engine.errors import FlowError, Problem
from bot.engine.limits import SPEC_VERSIONS

T = TypeVar("T")


def read_entries(text: str, origin: str, key: str, make: Callable[[Any], T]) -> list[T]:
    """The ``key`` list of a versioned YAML file, each entry made by ``make``.

    ``make`` raises ValueError to report a problem with one entry; every entry is tried, and
    FlowError lists every problem with the file and the entry's id.
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FlowError([Problem(origin, None, None, f"not valid YAML: {exc}")]) from exc
    if not isinstance(raw, dict) or str(raw.get("spec_version")) not in SPEC_VERSIONS:
        raise FlowError([Problem(origin, None, None, f"needs spec_version and {key}")])
    items = raw.get(key)
    if not isinstance(items, list):
        raise FlowError([Problem(origin, None, None, f"{key} must be a list")])
    made: list[T] = []
    problems: list[Problem] = []
    for item in items:
        entry_id = str(item.get("id")) if isinstance(item, dict) else None
        try:
            if not isinstance(item, dict):
                raise ValueError(f"each entry of {key} must be a mapping")
            made.append(make(item))
        except ValueError as exc:
            problems.append(Problem(origin, None, entry_id, str(exc)))
    if problems:
        raise FlowError(problems)
    return made
