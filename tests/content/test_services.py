"""The directory: facts with sources, a national fallback for everything, local help first."""

from __future__ import annotations

import re

from bot.engine import Engine
from bot.engine.services import NATIONAL, choose
from bot.engine.validate import node_calls

SEED_REF = re.compile(r"\b00[0-4]:\d+")


def categories_signposted(engine: Engine) -> set[str]:
    return {
        str(call.params["category"])
        for flow in engine.flows.values()
        for node in flow.nodes.values()
        for call in node_calls(node)
        if call.type == "signpost" and "category" in call.params
    }


def test_every_fact_has_a_source_and_a_date(engine: Engine) -> None:
    for service in engine.services.values():
        assert service.source.strip()
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", service.checked_on)


def test_phone_numbers_are_never_made_up(engine: Engine) -> None:
    for service in engine.services.values():
        if service.contact.phone:
            assert SEED_REF.search(service.source) or "confirm before launch" in service.source, (
                f"{service.id}: a phone number needs a source"
            )


def test_every_service_says_how_to_phone_or_ask(engine: Engine) -> None:
    for service in engine.services.values():
        how = (service.contact.how or "").casefold()
        assert service.contact.phone or "phone" in how or "ask" in how, service.id


def test_every_signposted_category_has_a_national_service(engine: Engine) -> None:
    national = {s.category for s in engine.services.values() if NATIONAL in s.areas}
    assert categories_signposted(engine) <= national


def test_a_leicester_postcode_gets_local_help_first(engine: Engine) -> None:
    carers = [s for s in engine.services.values() if s.category == "carers_service"]
    chosen = choose(carers, area="le1", age="age_26_64")
    assert chosen[0].id.startswith("llr_")
    assert NATIONAL in chosen[-1].areas


def test_children_are_not_sent_to_adult_only_help(engine: Engine) -> None:
    urgent = [s for s in engine.services.values() if s.urgent]
    adult = {s.id for s in choose(urgent, area=None, age="age_26_64", limit=9)}
    child = {s.id for s in choose(urgent, area=None, age="under_16", limit=9)}
    assert "childline" in child and "childline" not in adult
    assert "emergency_services" in child and "emergency_services" in adult
