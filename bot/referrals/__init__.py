"""Referrals: the organisations that take them, and which one a person is referred to."""

from bot.referrals.organisations import (
    Delivery,
    Organisation,
    parse_organisations,
    route,
)

__all__ = ["Delivery", "Organisation", "parse_organisations", "route"]
