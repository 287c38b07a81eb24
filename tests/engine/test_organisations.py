"""Organisations as data: validated, and routing a person to the right one, or to none."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import load_organisations
from bot.engine import Engine, FlowError
from bot.engine.organisations import Delivery, Organisation, parse_organisations, route

ROOT = Path(__file__).resolve().parent.parent.parent
AGES = {"under_16", "age_16_17", "age_18_25", "age_26_64", "age_65_plus"}


@pytest.fixture(scope="module")
def organisations(engine: Engine) -> list[Organisation]:
    return load_organisations(ROOT / "flows", engine.flows.values())


@pytest.mark.parametrize(
    ("area", "age", "roles", "expected"),
    [
        ("le11", "age_26_64", ["adult_carer"], "llr_carers_support"),
        ("rutland", "age_65_plus", ["adult_carer", "mutual_carer"], "llr_carers_support"),
        ("le2", "under_16", ["young_carer"], "llr_young_carers"),
        ("leicester", "age_16_17", ["young_carer", "young_adult_carer"], "llr_young_carers"),
        ("le4", "age_18_25", ["young_adult_carer"], "llr_carers_support"),
    ],
)
def test_a_person_is_routed_to_the_service_for_their_age_and_area(
    organisations: list[Organisation], area: str, age: str, roles: list[str], expected: str
) -> None:
    found = route(organisations, area=area, age=age, roles=roles)
    assert found is not None and found.id == expected


@pytest.mark.parametrize("area", ["se15", "manchester", None])
def test_outside_the_area_there_is_no_local_organisation(
    organisations: list[Organisation], area: str | None
) -> None:
    assert route(organisations, area=area, age="age_26_64", roles=["adult_carer"]) is None


def test_the_most_local_organisation_wins() -> None:
    wide = Organisation("wide", "W", ("le",), ("age_26_64",), ("adult_carer",), "p", "2026-11-22")
    city = Organisation(
        "city", "C", ("le1", "le2"), ("age_26_64",), ("adult_carer",), "p", "2026-11-22"
    )
    assert route([wide, city], area="le1", age="age_26_64", roles=["adult_carer"]) == city
    assert route([wide, city], area="le9", age="age_26_64", roles=["adult_carer"]) == wide


def test_the_sample_area_is_marked_as_examples(organisations: list[Organisation]) -> None:
    assert organisations and all(o.example for o in organisations)
    emails = [d.target for o in organisations for d in o.delivery if d.method == "email"]
    assert emails and all(e.endswith(".example.org") for e in emails)


def test_a_webhook_names_its_secret_setting_not_the_secret(
    organisations: list[Organisation],
) -> None:
    hooks = [d for o in organisations for d in o.delivery if d.method == "webhook"]
    assert hooks == [
        Delivery(
            "webhook",
            "https://young-carers.example.org/carercheck/referrals",
            "CARERCHECK_WEBHOOK_SECRET_LLR_YOUNG_CARERS",
        )
    ]


BAD = """
spec_version: "1.0"
organisations:
  - {id: Bad-Id, name: A, areas: [le], ages: [age_26_64], roles: [adult_carer], promise: p,
     checked_on: 2026-11-22}
  - {id: two, name: B, areas: [le], ages: [age_99], roles: [adult_carer], promise: p,
     checked_on: 2026-11-22}
  - {id: three, name: C, areas: [le], ages: [age_26_64], roles: [wizard], promise: p,
     checked_on: 2026-11-22}
  - {id: four, name: D, areas: [le], ages: [age_26_64], roles: [adult_carer], promise: p,
     checked_on: 2026-11-22, delivery: [{method: email, address: "not an address"}]}
  - {id: five, name: E, areas: [le], ages: [age_26_64], roles: [adult_carer], promise: p,
     checked_on: 2026-11-22, delivery: [{method: webhook, url: "http://x.org", secret: S}]}
  - {id: six, name: F, areas: [le], ages: [age_26_64], roles: [adult_carer], checked_on: 2026-11-22}
  - {id: seven, name: G, areas: [], ages: [age_26_64], roles: [adult_carer], promise: p,
     checked_on: 2026-11-22}
  - {id: eight, name: H, areas: [le], ages: [age_26_64], roles: [adult_carer], promise: p,
     checked_on: 2026-11-22, colour: red}
"""


def test_every_problem_is_reported_with_the_organisation() -> None:
    with pytest.raises(FlowError) as err:
        parse_organisations(BAD, "organisations/bad.yaml", AGES)
    said = {p.node: p.message for p in err.value.problems}
    assert set(said) == {"Bad-Id", "two", "three", "four", "five", "six", "seven", "eight"}
    assert "unknown age band(s): age_99" in said["two"]
    assert "unknown role(s): wizard" in said["three"]
    assert "e-mail address" in said["four"]
    assert "https://" in said["five"]
    assert "promise is required" in said["six"]
    assert "unknown field(s): colour" in said["eight"]
