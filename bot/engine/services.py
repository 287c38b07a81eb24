"""The signposting directory: services as data, and choosing the few that fit a person best."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.engine.datafile import read_entries
from bot.engine.limits import MAX_SIGNPOSTS

NATIONAL = "national"
OUTWARD = re.compile(r"([a-z]{1,2})(\d[a-z\d]?)")  # a UK postcode's first part: LE1, LE15, PE9


@dataclass(frozen=True)
class Contact:
    """How to reach a service. ``how`` is free text ("ask your GP surgery which...")."""

    phone: str | None = None
    web: str | None = None
    sms: str | None = None
    hours: str | None = None
    how: str | None = None


@dataclass(frozen=True)
class Service:
    """A place to signpost to. Facts carry their source and the date they were checked."""

    id: str
    name: str
    what: str
    contact: Contact
    source: str
    checked_on: str
    urgent: bool = False
    category: str | None = None
    ages: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    """Option ids of the flow's need_result (e.g. learning_disability); empty: any need."""
    areas: tuple[str, ...] = (NATIONAL,)
    languages: tuple[str, ...] = ("en",)
    example: bool = False


def area_key(text: str) -> str | None:
    """A place as typed ("le1 6", "LE15", "Rutland") as a key areas are matched on."""
    words = text.strip().casefold().split()
    if not words:
        return None
    first = OUTWARD.fullmatch(words[0])
    return first.group(0) if first else " ".join(words)


def reach(service: Service, area: str | None) -> int:
    """How closely a service covers ``area``: 3 district, 2 postcode area or place, 1 national.

    0 when it does not cover the area (or the area is unknown and the service is local).
    """
    best = 1 if NATIONAL in service.areas else 0
    if area is None:
        return best
    outward = OUTWARD.fullmatch(area)
    for covered in service.areas:
        if covered == area:
            best = max(best, 3 if outward else 2)
        elif outward and covered == outward.group(1):
            best = max(best, 2)
    return best


def choose(
    services: Iterable[Service],
    *,
    area: str | None,
    age: str | None,
    roles: Iterable[str] = (),
    needs: Iterable[str] | None = None,
    limit: int = MAX_SIGNPOSTS,
) -> list[Service]:
    """The services that fit, at most ``limit``: help for right now first, then most local.

    Each kind of help (category) gets its best service before any gets a second, so one
    kind cannot fill the list. At least one has a phone number, when any has one.
    """
    held, needed = set(roles), None if needs is None else set(needs)
    fitting = [
        s
        for s in services
        if reach(s, area) > 0
        and (not s.ages or age is None or age in s.ages)
        and (not s.roles or held & set(s.roles))
        and (not s.needs or needed is None or needed & set(s.needs))
    ]
    # Urgent help first, then the closest cover; of two that cover the place equally, the one
    # covering fewer areas is the more local (a city's own service before the region's).
    ranked = sorted(fitting, key=lambda s: (not s.urgent, -reach(s, area), len(s.areas)))
    firsts: dict[str, Service] = {}  # the best of each kind of help comes first
    for service in ranked:
        firsts.setdefault(service.category or service.id, service)
    best = list(firsts.values())
    ranked = best + [s for s in ranked if s not in best]
    chosen = ranked[:limit]
    if chosen and not any(s.contact.phone for s in chosen):
        phoned = next((s for s in ranked[limit:] if s.contact.phone), None)
        if phoned is not None:
            chosen[-1] = phoned
    return chosen


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value.strip().casefold(),)
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip().casefold() for v in value)
    raise TypeError


def _contact(raw: Any) -> Contact:
    if isinstance(raw, str) and raw.strip():
        return Contact(how=raw.strip())
    if not isinstance(raw, dict) or not raw or set(raw) - {"phone", "web", "sms", "hours", "how"}:
        raise TypeError
    values = {k: str(v).strip() for k, v in raw.items() if v is not None}
    return Contact(**values)


def _service(item: Mapping[str, Any]) -> Service:
    fields = {k: item.get(k) for k in ("id", "name", "what", "source")}
    if not all(isinstance(v, str) and v.strip() for v in fields.values()):
        raise ValueError("id, name, what and source must be non-empty text")
    checked = item.get("checked_on")
    if not isinstance(checked, date):
        raise ValueError("checked_on must be a date (YYYY-MM-DD)")
    try:
        contact = _contact(item.get("contact"))
    except TypeError:
        raise ValueError("contact must be text, or phone/web/sms/hours/how") from None
    try:
        kinds = ("ages", "roles", "needs", "areas", "languages")
        lists = {k: _texts(item[k]) for k in kinds if k in item}
    except TypeError:
        raise ValueError("ages, roles, needs, areas and languages must be lists of text") from None
    category = item.get("category")
    sid, name, what, source = (str(fields[k]).strip() for k in ("id", "name", "what", "source"))
    return Service(
        sid,
        name,
        what,
        contact,
        source,
        checked.isoformat(),
        urgent=item.get("urgent", False) is True,
        category=category.strip() if isinstance(category, str) else None,
        ages=lists.get("ages", ()),
        roles=lists.get("roles", ()),
        needs=lists.get("needs", ()),
        areas=lists.get("areas", ("national",)),
        languages=lists.get("languages", ("en",)),
        example=item.get("example", False) is True,
    )


def parse_services(text: str, source: str) -> list[Service]:
    """Parse one services file; raise FlowError listing every problem."""
    return read_entries(text, source, "services", _service)
