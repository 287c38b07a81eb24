"""The organisations' dashboard over HTTP: sign-in, isolation, a referral, status, CSV."""

from __future__ import annotations

import csv
import html
import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine as SAEngine
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.adapters.dashboard import build_dashboard
from bot.engine import Engine
from bot.engine.events import ReferralRequested
from bot.storage.accounts import MAX_FAILURES_PER_EMAIL, AccountStore
from bot.storage.models import AuditEntry, Referral
from bot.storage.referrals import Person, ReferralStore
from bot.testing.clock import FakeClock
from bot.testing.dashboard import csrf
from bot.testing.dashboard import sign_in as signed_in
from bot.testing.keys import fixed_cipher

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
ADULTS, YOUNG = "llr_carers_support", "llr_young_carers"


def record(reference: str, organisation: str, name: str) -> dict[str, Any]:
    return {
        "reference": reference, "organisation": organisation,
        "consent": {"version": "2026-11-22", "given_at": T0.isoformat(), "wording_en": "Is it OK?"},
        "person": {"name": name, "contact_method": "phone", "phone": "+441164960123",
                   "good_time": "morning", "safe_to_leave_message": False, "language": "Gujarati",
                   "interpreter": True, "communication_needs": "=HYPERLINK(\"x\")",
                   "age_band": "age_26_64", "under_16": False, "area": "le4"},
        "other_person": None,
        "screening": {"outcome": "carer", "roles": ["adult_carer"], "flags": [],
                      "answers": [{"question": "How old are you?", "answer": "26 to 64"}]},
    }  # fmt: skip


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def seeded(engine: Engine, db: SAEngine) -> dict[str, list[str]]:
    """Three referrals for the carers' service, two for the young carers' service."""
    store = ReferralStore(db, fixed_cipher(), engine.organisations)
    made: dict[str, list[str]] = {ADULTS: [], YOUNG: []}
    with db.begin() as conn:
        for i, org in enumerate([ADULTS, ADULTS, ADULTS, YOUNG, YOUNG]):
            ref = f"CC-DASH-{i:04d}"
            event = ReferralRequested(ref, org, record(ref, org, f"Person {i}"), T0)
            store.create(conn, event, Person("telegram", str(100 + i), "gu", False), T0)
            made[org].append(ref)
    accounts = AccountStore(db)
    accounts.add("worker@carers.example.org", "Wendy Worker", organisation=ADULTS,
                 role="worker", password=PASSWORD, at=T0)  # fmt: skip
    accounts.add("admin@example.org", "Sam Sysadmin", organisation=None,
                 role="system_admin", password=PASSWORD, at=T0)  # fmt: skip
    return made


@pytest.fixture
def client(engine: Engine, db: SAEngine, clock: FakeClock, seeded: Any) -> Iterator[TestClient]:
    app = build_dashboard(engine, db, fixed_cipher(), "test-secret", clock=clock, https_only=False)
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def sign_in(client: TestClient, email: str = "worker@carers.example.org") -> Any:
    return signed_in(client, email, PASSWORD)


def test_signing_in_leads_to_the_inbox(client: TestClient) -> None:
    assert client.get("/referrals", follow_redirects=False).status_code == 303
    answer = sign_in(client)
    assert answer.status_code == 303 and answer.headers["location"] == "/referrals"
    page = client.get("/referrals")
    assert page.status_code == 200
    assert "Referrals for Carers' support service" in html.unescape(page.text)
    for header in ("content-security-policy", "x-content-type-options", "referrer-policy"):
        assert header in page.headers


def test_a_wrong_password_is_refused_and_repeated_tries_are_throttled(client: TestClient) -> None:
    for _ in range(MAX_FAILURES_PER_EMAIL):
        token = csrf(client)
        wrong = client.post("/login", data={"csrf": token, "email": "worker@carers.example.org",
                                            "password": "guess"})  # fmt: skip
        assert wrong.status_code == 401
    token = csrf(client)
    blocked = client.post("/login", data={"csrf": token, "email": "worker@carers.example.org",
                                          "password": PASSWORD})  # fmt: skip
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0


def test_a_worker_sees_only_their_organisations_referrals(
    client: TestClient, seeded: dict[str, list[str]]
) -> None:
    sign_in(client)
    inbox = client.get("/referrals").text
    for ref in seeded[ADULTS]:
        assert ref in inbox
    for ref in seeded[YOUNG]:
        assert ref not in inbox
        assert client.get(f"/referrals/{ref}").status_code == 404
        token = csrf(client, f"/referrals/{seeded[ADULTS][0]}")
        assert client.post(f"/referrals/{ref}/status",
                           data={"csrf": token, "status": "closed"}).status_code == 404  # fmt: skip
    assert client.get("/referrals/CC-NONE-0000").status_code == 404
    assert not any(r in client.get("/referrals.csv").text for r in seeded[YOUNG])


def test_a_referral_page_shows_what_they_shared_and_is_audited(
    client: TestClient, db: SAEngine, seeded: dict[str, list[str]]
) -> None:
    sign_in(client)
    ref = seeded[ADULTS][0]
    page = client.get(f"/referrals/{ref}").text
    for shown in ("Person 0", "+441164960123", "Do NOT leave a message", "Gujarati",
                  "may need an interpreter", "How old are you?"):  # fmt: skip
        assert shown in page
    with db.connect() as conn:
        actions = conn.execute(select(AuditEntry.c.action, AuditEntry.c.reference)).all()
        viewed = conn.execute(
            select(Referral.c.viewed_at).where(Referral.c.reference == ref)
        ).scalar()
    assert ("opened", ref) in actions and viewed is not None
    assert "Wendy Worker" in client.get(f"/referrals/{ref}").text  # the audit log on the page


def test_a_status_change_with_a_note_tells_the_person(
    client: TestClient, engine: Engine, db: SAEngine, seeded: dict[str, list[str]]
) -> None:
    sign_in(client)
    ref = seeded[ADULTS][1]
    token = csrf(client, f"/referrals/{ref}")
    saved = client.post(
        f"/referrals/{ref}/status",
        data={"csrf": token, "status": "contacted", "note": "We rang on Monday"},
    )
    assert saved.status_code == 200 and "Saved." in saved.text
    assert "We rang on Monday" in saved.text
    told = ReferralStore(db, fixed_cipher(), engine.organisations).take_notices("telegram", T0)
    assert [user for user, _ in told] == ["101", "101"]
    assert "We rang on Monday" in told[1][1]
    assert "CC-DASH-0001" in told[0][1]
    assert "contacted" in client.get("/referrals?show=contacted").text.lower()


def test_forms_without_the_csrf_token_are_refused(
    client: TestClient, seeded: dict[str, list[str]]
) -> None:
    sign_in(client)
    ref = seeded[ADULTS][0]
    for data in ({"status": "closed"}, {"status": "closed", "csrf": "forged"}):
        refused = client.post(f"/referrals/{ref}/status", data=data)
        assert refused.status_code == 403 and "This form has expired" in refused.text
    refused_login = client.post("/login", data={"email": "worker@carers.example.org",
                                                "password": PASSWORD})  # fmt: skip
    assert refused_login.status_code == 403


def test_a_sign_in_ends_after_its_lifetime(client: TestClient, clock: FakeClock) -> None:
    sign_in(client)
    assert client.get("/referrals", follow_redirects=False).status_code == 200
    clock.now += timedelta(hours=12, minutes=1)
    answer = client.get("/referrals", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_an_idle_session_expires(engine: Engine, db: SAEngine, seeded: Any) -> None:
    app = build_dashboard(engine, db, fixed_cipher(), "s", idle_minutes=0, https_only=False)
    with TestClient(app) as c:
        sign_in(c)
        time.sleep(1.1)  # the signed cookie is now older than its max age
        assert c.get("/referrals", follow_redirects=False).status_code == 303


def test_the_csv_export_holds_what_the_organisation_may_see(
    client: TestClient, db: SAEngine, seeded: dict[str, list[str]]
) -> None:
    sign_in(client)
    answer = client.get("/referrals.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["reference"] for r in rows] == seeded[ADULTS]
    assert rows[0]["name"] == "Person 0" and rows[0]["phone"] == "'+441164960123"
    assert rows[0]["communication_needs"].startswith("'=")  # no formula runs in a spreadsheet
    with db.connect() as conn:
        assert "exported" in conn.execute(select(AuditEntry.c.action)).scalars().all()


def test_system_admins_see_no_referrals(client: TestClient) -> None:
    sign_in(client, "admin@example.org")
    assert client.get("/referrals").status_code == 403


def test_sign_in_never_sends_people_to_another_site(client: TestClient) -> None:
    token = csrf(client)
    answer = client.post("/login?next=//evil.example.org/", follow_redirects=False,
                         data={"csrf": token, "email": "worker@carers.example.org",
                               "password": PASSWORD})  # fmt: skip
    assert answer.headers["location"] == "/referrals"


def test_the_statistics_page_shows_charts_and_tables(client: TestClient) -> None:
    sign_in(client)
    page = client.get("/stats")
    assert page.status_code == 200
    for name in ("outcomes", "languages", "stopped_at"):
        assert f'src="/stats/{name}.svg"' in page.text
        chart = client.get(f"/stats/{name}.svg")
        assert chart.headers["content-type"].startswith("image/svg+xml")
        assert chart.text.lstrip().startswith("<?xml")
    assert "fewer than 5" in page.text
    assert client.get("/stats/nothing.svg").status_code == 404


def test_statistics_need_a_sign_in(client: TestClient) -> None:
    assert client.get("/stats", follow_redirects=False).status_code == 303
    assert client.get("/stats/outcomes.svg", follow_redirects=False).status_code == 303


def test_the_flows_page_draws_each_flow_and_lists_the_translations(client: TestClient) -> None:
    sign_in(client)
    page = client.get("/flows")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert 'src="/flows/screening.svg"' in page.text
    assert "Who is answering these questions, you or someone else?" in text
    for language in ("Welsh", "Urdu (Easy Read)", "Somali"):
        assert language in text
    assert "100% (" in text
    diagram = client.get("/flows/screening.svg")
    assert diagram.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in diagram.text and "who_answering" in diagram.text
    assert client.get("/flows/nothing.svg").status_code == 404


@pytest.fixture
def admin(db: SAEngine, seeded: Any) -> str:
    AccountStore(db).add("boss@carers.example.org", "Olive Admin", organisation=ADULTS,
                         role="org_admin", password=PASSWORD, at=T0)  # fmt: skip
    AccountStore(db).add("other@young.example.org", "Yusuf Young", organisation=YOUNG,
                         role="worker", password=PASSWORD, at=T0)  # fmt: skip
    return "boss@carers.example.org"


def test_an_org_admin_manages_their_organisations_accounts_only(
    client: TestClient, db: SAEngine, admin: str
) -> None:
    sign_in(client, admin)
    page = html.unescape(client.get("/users").text)
    assert "Wendy Worker" in page and "Yusuf Young" not in page
    t = csrf(client, "/users")
    nia = {"csrf": t, "name": "Nia New", "email": "nia@carers.example.org", "role": "worker",
           "password": PASSWORD}  # fmt: skip
    added = client.post("/users", data=nia)
    assert added.status_code == 200 and "Nia New" in added.text
    people = {a.email: a for a, _ in AccountStore(db).people(ADULTS)}
    assert people["nia@carers.example.org"].organisation == ADULTS
    sly = {"csrf": t, "name": "Sly", "email": "sly@example.org", "role": "system_admin",
           "password": PASSWORD}  # fmt: skip
    refused = client.post("/users", data=sly)
    assert refused.status_code == 400
    wendy = people["worker@carers.example.org"].id
    client.post(f"/users/{wendy}/disabled", data={"csrf": t, "disabled": "yes"})
    assert AccountStore(db).get(wendy) is None  # she can no longer sign in
    yusuf = next(a.id for a, _ in AccountStore(db).people(YOUNG))
    other = client.post(f"/users/{yusuf}/disabled", data={"csrf": t, "disabled": "yes"})
    assert other.status_code == 404
    me = people[admin].id
    assert (
        client.post(f"/users/{me}/disabled", data={"csrf": t, "disabled": "yes"}).status_code == 400
    )


def test_workers_manage_no_accounts(client: TestClient) -> None:
    sign_in(client)
    assert client.get("/users").status_code == 403
    assert "/users" not in client.get("/referrals").text
