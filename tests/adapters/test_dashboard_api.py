"""The referral API: bearer tokens, isolation, status changes, and its OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine as SAEngine
from starlette.testclient import TestClient

from bot.adapters.dashboard import build_dashboard
from bot.engine import Engine
from bot.engine.events import ReferralRequested
from bot.storage.referrals import Person, ReferralStore
from bot.storage.tokens import TokenStore
from bot.testing.keys import fixed_cipher

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADULTS, YOUNG = "llr_carers_support", "llr_young_carers"


def seed(engine: Engine, db: SAEngine) -> tuple[str, str]:
    """Two referrals per organisation; a token for each organisation."""
    store = ReferralStore(db, fixed_cipher(), engine.organisations)
    with db.begin() as conn:
        for i, org in enumerate([ADULTS, ADULTS, YOUNG, YOUNG]):
            ref = f"CC-APIT-{i:04d}"
            record = {"reference": ref, "consent": {"version": "2026-11-22"},
                      "person": {"name": f"Person {i}", "under_16": org == YOUNG}}  # fmt: skip
            store.create(conn, ReferralRequested(ref, org, record, T0),
                         Person("telegram", str(900 + i), "en", False), T0)  # fmt: skip
    tokens = TokenStore(db)
    return tokens.add(ADULTS, "case system", T0), tokens.add(YOUNG, "case system", T0)


@pytest.fixture
def api(engine: Engine, db: SAEngine) -> Iterator[tuple[TestClient, str, str]]:
    adults, young = seed(engine, db)
    app = build_dashboard(engine, db, fixed_cipher(), "secret", https_only=False)
    with TestClient(app) as client:
        yield client, adults, young


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_no_token_or_a_wrong_one_gets_401(api: Any) -> None:
    client, _, _ = api
    for headers in ({}, bearer("cc_wrong"), {"Authorization": "Basic abc"}):
        answer = client.get("/api/referrals", headers=headers)
        assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"


def test_a_token_sees_only_its_organisations_referrals(api: Any) -> None:
    client, adults, _ = api
    listed = client.get("/api/referrals", headers=bearer(adults)).json()["referrals"]
    assert [r["reference"] for r in listed] == ["CC-APIT-0001", "CC-APIT-0000"]
    for other in ("CC-APIT-0002", "CC-APIT-0003"):
        assert client.get(f"/api/referrals/{other}", headers=bearer(adults)).status_code == 404
        changed = client.post(f"/api/referrals/{other}/status", headers=bearer(adults),
                              json={"status": "closed"})  # fmt: skip
        assert changed.status_code == 404
    one = client.get("/api/referrals/CC-APIT-0000", headers=bearer(adults)).json()
    assert one["referral"]["person"]["name"] == "Person 0"


def test_a_status_change_by_api_tells_the_person(api: Any, engine: Engine, db: SAEngine) -> None:
    client, _, young = api
    answer = client.post(
        "/api/referrals/CC-APIT-0002/status",
        headers=bearer(young),
        json={"status": "acknowledged", "note": "We will call Mum first"},
    )
    assert answer.json() == {"reference": "CC-APIT-0002", "status": "acknowledged",
                             "person_told": True}  # fmt: skip
    told = ReferralStore(db, fixed_cipher(), engine.organisations).take_notices("telegram", T0)
    assert [u for u, _ in told] == ["902", "902"] and "We will call Mum first" in told[1][1]
    listed = client.get("/api/referrals?status=acknowledged", headers=bearer(young)).json()
    assert [r["reference"] for r in listed["referrals"]] == ["CC-APIT-0002"]
    bad = client.post("/api/referrals/CC-APIT-0002/status", headers=bearer(young),
                      json={"status": "lost"})  # fmt: skip
    assert bad.status_code == 400


def test_a_revoked_token_stops_working(api: Any, db: SAEngine) -> None:
    client, adults, _ = api
    assert TokenStore(db).revoke(ADULTS, "case system") == 1
    assert client.get("/api/referrals", headers=bearer(adults)).status_code == 401


@pytest.fixture
def seeded_api(engine: Engine, db: SAEngine) -> tuple[Any, str]:
    adults, _ = seed(engine, db)
    return build_dashboard(engine, db, fixed_cipher(), "secret", https_only=False), adults


def test_the_api_keeps_to_its_openapi_document(seeded_api: tuple[Any, str]) -> None:
    """Schemathesis generates requests from the document; every answer must conform to it."""
    app, token = seeded_api
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 3
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
        def conforms(case: Any) -> None:
            case.call_and_validate(headers=bearer(token))

        conforms()
