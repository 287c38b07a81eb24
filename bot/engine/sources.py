"""Referral sources: where a person came from (a deep link), and the area it implies.

A school, GP surgery or carers' centre shares a link such as ``t.me/<bot>?start=src_<id>``.
The id is recorded with the conversation (for anonymous statistics), and the area, when the
source has one, answers the area question so it is not asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.engine.datafile import read_entries

SOURCE_ID = re.compile(r"[a-z0-9_]{1,40}")
"""Source ids: short, so ``src_<id>`` fits Telegram's 64-character start parameter."""


@dataclass(frozen=True)
class Source:
    """A place that shares links to the bot."""

    id: str
    name: str
    area: str | None = None
    """A postcode district or place the services know; None: the person is asked."""
    example: bool = False


def parse_sources(text: str, origin: str) -> list[Source]:
    """Parse one sources file; raise FlowError listing every problem."""
    return read_entries(text, origin, "sources", _source)


def _source(item: Any) -> Source:
    if not isinstance(item, dict):
        raise ValueError("each source must be a mapping")
    unknown = set(item) - {"id", "name", "area", "example"}
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(sorted(map(str, unknown)))}")
    sid, name, area = item.get("id"), item.get("name"), item.get("area")
    if not isinstance(sid, str) or not SOURCE_ID.fullmatch(sid):
        raise ValueError("id must be 1-40 of a-z, 0-9 and _")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("name is required")
    if area is not None and (not isinstance(area, str) or not area.strip()):
        raise ValueError("area must be a postcode district or a place")
    example = item.get("example", False)
    if not isinstance(example, bool):
        raise ValueError("example must be true or false")
    return Source(sid, name.strip(), area.strip().casefold() if area else None, example)
