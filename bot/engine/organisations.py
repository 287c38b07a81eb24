"""Organisations that take referrals, as data, and routing a person to one of them.

Each organisation says where it works (postcode districts, postcode areas or places, matched
like services' areas), whom it takes (age bands and carer roles), how referrals reach it
(its dashboard inbox always; e-mail and a signed webhook if configured) and what it promises.
A young carer goes to a young carers' service, an adult to a carers' service; where no
organisation covers the person, there is none, and the bot gives national routes instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from bot.engine.datafile import read_entries
from bot.engine.definition import ROLES
from bot.engine.errors import FlowError, Problem
from bot.engine.services import Contact, Service, reach

ORG_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
SECRET_NAME = re.compile(r"[A-Z][A-Z0-9_]{2,63}")
METHODS = frozenset({"email", "webhook"})
_FIELDS = frozenset(
    {
        "id", "name", "areas", "ages", "roles", "delivery", "promise", "example", "checked_on",
        "email_details",
    }
)  # fmt: skip
LOOPBACK = re.compile(r"http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/")
"""Plain HTTP is allowed only to this machine (a receiver in tests or behind a local proxy)."""


@dataclass(frozen=True)
class Delivery:
    """One way a referral reaches the organisation besides its dashboard inbox.

    ``email``: ``target`` is the address. ``webhook``: ``target`` is the HTTPS URL and
    ``secret`` names the setting that holds the signing secret (never the secret itself).
    """

    method: str
    target: str
    secret: str | None = None


@dataclass(frozen=True)
class Organisation:
    """A support organisation that takes referrals."""

    id: str
    name: str
    areas: tuple[str, ...]
    ages: tuple[str, ...]
    roles: tuple[str, ...]
    promise: str
    checked_on: str
    delivery: tuple[Delivery, ...] = ()
    example: bool = False
    email_details: bool = False
    """Whether its e-mails carry the referral itself; by default only a link to the inbox."""

    def takes(self, age: str | None, roles: Iterable[str]) -> bool:
        """Whether it takes someone of this age band with any of these roles."""
        return (age is None or age in self.ages) and bool(set(roles) & set(self.roles))


def route(
    organisations: Iterable[Organisation],
    *,
    area: str | None,
    age: str | None,
    roles: Iterable[str],
) -> Organisation | None:
    """The organisation to refer to: it covers the area and takes the person; the most local.

    Of two covering the area equally, the one covering fewer areas is the more local.
    None when nobody local does: the person gets national routes instead.
    """
    held = tuple(roles)
    fitting = [
        (reach(_as_service(o), area), -len(o.areas), o)
        for o in organisations
        if o.takes(age, held) and reach(_as_service(o), area) > 1  # local, not national
    ]
    if not fitting:
        return None
    return max(fitting, key=lambda t: (t[0], t[1]))[2]


def _as_service(org: Organisation) -> Service:
    """Area matching is the services' (postcode districts, areas and places)."""
    return Service(org.id, org.name, "", Contact(), "", org.checked_on, areas=org.areas)


def parse_organisations(text: str, origin: str, ages: Iterable[str]) -> list[Organisation]:
    """Parse one organisations file; ``ages`` are the flows' age bands. FlowError on problems."""
    known = frozenset(ages)
    found = read_entries(text, origin, "organisations", lambda item: _organisation(item, known))
    ids = [o.id for o in found]
    twice = sorted(i for i in set(ids) if ids.count(i) > 1)
    if twice:
        raise FlowError([Problem(origin, None, i, "duplicate organisation id") for i in twice])
    return found


def _organisation(item: Any, ages: frozenset[str]) -> Organisation:
    if not isinstance(item, dict):
        raise ValueError("each organisation must be a mapping")
    unknown = sorted(map(str, set(item) - _FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(unknown)}")
    oid, name, promise = item.get("id"), item.get("name"), item.get("promise")
    if not isinstance(oid, str) or not ORG_ID.fullmatch(oid):
        raise ValueError("id must be lowercase letters, digits and _")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("name is required")
    if not isinstance(promise, str) or not promise.strip():
        raise ValueError("promise is required: what the organisation aims to do, and when")
    areas = _words(item.get("areas"), "areas")
    org_ages, roles = _words(item.get("ages"), "ages"), _words(item.get("roles"), "roles")
    if set(org_ages) - ages:
        raise ValueError(f"unknown age band(s): {', '.join(sorted(set(org_ages) - ages))}")
    if set(roles) - ROLES:
        raise ValueError(f"unknown role(s): {', '.join(sorted(set(roles) - ROLES))}")
    example = item.get("example", False)
    if not isinstance(example, bool):
        raise ValueError("example must be true or false")
    email_details = item.get("email_details", False)
    if not isinstance(email_details, bool):
        raise ValueError("email_details must be true or false")
    checked = str(item.get("checked_on") or "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", checked):
        raise ValueError("checked_on must be a date like 2026-11-22")
    deliveries = tuple(_delivery(d) for d in item.get("delivery") or [])
    return Organisation(oid, name.strip(), areas, org_ages, roles, promise.strip(), checked,
                        deliveries, example, email_details)  # fmt: skip


def _words(value: Any, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{field} must be a non-empty list")
    return tuple(v.strip().casefold() if field == "areas" else v.strip() for v in value)


def _delivery(raw: Any) -> Delivery:
    if not isinstance(raw, dict) or raw.get("method") not in METHODS:
        raise ValueError(f"delivery method must be one of {', '.join(sorted(METHODS))}")
    if raw["method"] == "email":
        try:
            address = validate_email(str(raw.get("address")), check_deliverability=False)
        except EmailNotValidError as exc:
            raise ValueError(f"delivery e-mail address: {exc}") from exc
        return Delivery("email", address.normalized)
    url, secret = str(raw.get("url") or ""), raw.get("secret")
    if not url.startswith("https://") and not LOOPBACK.match(url):
        raise ValueError("a webhook url must start with https:// (http:// only to this machine)")
    if not isinstance(secret, str) or not SECRET_NAME.fullmatch(secret):
        raise ValueError("a webhook needs secret: the NAME of the setting that holds its secret")
    return Delivery("webhook", url, secret)
