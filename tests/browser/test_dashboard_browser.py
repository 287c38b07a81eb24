"""The dashboard in a real browser: sign in, the inbox, a referral, status, CSV, axe audits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import Engine as SAEngine

from bot.adapters.dashboard import build_dashboard
from bot.engine import Engine
from bot.engine.events import ReferralRequested
from bot.storage.accounts import AccountStore
from bot.storage.referrals import Person, ReferralStore
from bot.testing.clock import FakeClock
from bot.testing.keys import fixed_cipher
from bot.testing.telegram.server import BackgroundServer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
WORKER = "worker@carers.example.org"
ADMIN = "boss@carers.example.org"
ADULTS, YOUNG = "llr_carers_support", "llr_young_carers"


def record(ref: str, org: str, name: str) -> dict[str, Any]:
    return {
        "reference": ref, "organisation": org,
        "consent": {"version": "2026-11-22", "given_at": T0.isoformat(), "wording_en": "Is it OK?"},
        "person": {"name": name, "contact_method": "email", "email": "p@example.org",
                   "good_time": "evening", "safe_to_leave_message": True, "language": "Urdu",
                   "interpreter": True, "communication_needs": "Large print",
                   "age_band": "age_26_64", "under_16": False, "area": "le2"},
        "other_person": None,
        "screening": {"outcome": "carer", "roles": ["adult_carer"], "flags": [],
                      "answers": [{"question": "How often?", "answer": "Every day"}]},
    }  # fmt: skip


@pytest.fixture(params=["sqlite"])
def site(
    request: Any, engine: Engine, tmp_path: Any
) -> Iterator[tuple[str, FakeClock, ReferralStore]]:
    from bot.storage import connect, upgrade

    db: SAEngine = connect(f"sqlite:///{tmp_path / 'dash.db'}")
    upgrade(db)
    store = ReferralStore(db, fixed_cipher(), engine.organisations)
    with db.begin() as conn:
        for i, org in enumerate([ADULTS, ADULTS, YOUNG]):
            ref = f"CC-WEB-{i:04d}"
            store.create(conn, ReferralRequested(ref, org, record(ref, org, f"Person {i}"), T0),
                         Person("telegram", str(500 + i), "ur", False), T0)  # fmt: skip
    AccountStore(db).add(WORKER, "Wendy Worker", organisation=ADULTS, role="worker",
                         password=PASSWORD, at=T0)  # fmt: skip
    AccountStore(db).add(ADMIN, "Olive Admin", organisation=ADULTS, role="org_admin",
                         password=PASSWORD, at=T0)  # fmt: skip
    clock = FakeClock(T0)
    app = build_dashboard(
        engine, db, fixed_cipher(), "browser-secret", clock=clock, https_only=False
    )
    with BackgroundServer(app) as server:
        yield server.url, clock, store
    db.dispose()


def sign_in(page: Any, url: str, email: str = WORKER) -> None:
    page.goto(f"{url}/referrals")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/referrals$"))


def no_axe_violations(page: Any) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_sign_in_see_only_your_referrals_and_audit_every_page(page: Any, site: Any) -> None:
    url, _, _ = site
    page.goto(f"{url}/login")
    no_axe_violations(page)
    sign_in(page, url)
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert page.get_by_role("link", name="CC-WEB-0002").count() == 0  # the young carers' one
    no_axe_violations(page)
    page.get_by_role("link", name="CC-WEB-0000").click()
    assert page.get_by_role("heading", name="Referral CC-WEB-0000").is_visible()
    assert page.get_by_text("Person 0").is_visible()
    no_axe_violations(page)
    assert page.goto(f"{url}/referrals/CC-WEB-0002").status == 404
    no_axe_violations(page)


def test_change_the_status_and_the_person_gets_the_message(page: Any, site: Any) -> None:
    url, _, store = site
    sign_in(page, url)
    page.get_by_role("link", name="CC-WEB-0001").click()
    page.get_by_label("Status").select_option("acknowledged")
    page.get_by_label(re.compile("Note for the person")).fill("We will e-mail you on Friday")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("status").inner_text().startswith("Saved.")
    told = store.take_notices("telegram", T0)
    assert [user for user, _ in told] == ["501", "501"]
    assert "We will e-mail you on Friday" in told[1][1]
    assert "\u2068" in told[0][1]  # Urdu: right to left, the reference kept in its own run


def test_export_csv(page: Any, site: Any) -> None:
    url, _, _ = site
    sign_in(page, url)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download all as CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert "CC-WEB-0000" in text and "CC-WEB-0002" not in text


def test_a_form_from_another_session_is_refused(page: Any, site: Any) -> None:
    url, _, _ = site
    sign_in(page, url)
    page.goto(f"{url}/referrals/CC-WEB-0000")
    page.locator("form[action$='/status'] input[name=csrf]").evaluate("e => e.value = 'forged'")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", name="This form has expired").is_visible()


def test_an_old_sign_in_goes_back_to_the_sign_in_page(page: Any, site: Any) -> None:
    url, clock, _ = site
    sign_in(page, url)
    clock.now += timedelta(hours=13)
    page.goto(f"{url}/referrals")
    assert page.url.startswith(f"{url}/login")
    assert page.get_by_role("heading", name="Sign in").is_visible()


def test_view_the_charts(page: Any, site: Any) -> None:
    url, _, _ = site
    sign_in(page, url)
    page.get_by_role("link", name="Statistics").click()
    page.wait_for_load_state("load")  # every chart image has arrived
    assert page.get_by_role("heading", name="Statistics", exact=True).is_visible()
    images = page.locator("section.chart img")
    assert images.count() == 7
    loaded = images.evaluate_all("imgs => imgs.every(i => i.complete && i.naturalWidth > 0)")
    assert loaded  # every chart came back as a picture
    no_axe_violations(page)


def test_the_flows_and_translations_page(page: Any, site: Any) -> None:
    url, _, _ = site
    sign_in(page, url)
    page.get_by_role("link", name="Flows and translations").click()
    page.wait_for_load_state("load")
    assert page.locator("img.diagram").evaluate("i => i.complete && i.naturalWidth > 0")
    assert page.get_by_role("table", name="How far each language has got").is_visible()
    no_axe_violations(page)


def test_an_admin_adds_an_account(page: Any, site: Any) -> None:
    url, _, _ = site
    sign_in(page, url, ADMIN)
    page.get_by_role("link", name="Accounts").click()
    no_axe_violations(page)
    page.get_by_label("Name").fill("Nia New")
    page.get_by_label("E-mail address").fill("nia@carers.example.org")
    page.get_by_label(re.compile("First password")).fill("a long first password")
    page.get_by_role("button", name="Add").click()
    assert page.get_by_role("status").inner_text() == "Saved."
    assert page.get_by_role("row", name=re.compile("Nia New")).is_visible()


def test_refusal_pages_pass_the_audit_too(page: Any, site: Any) -> None:
    url, _, _ = site
    sign_in(page, url)
    assert page.goto(f"{url}/users").status == 403  # a worker manages no accounts
    no_axe_violations(page)
    page.context.clear_cookies()
    for _ in range(5):
        page.goto(f"{url}/login")
        page.get_by_label("E-mail address").fill(WORKER)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        no_axe_violations(page)  # the refusal, with its alert
    page.goto(f"{url}/login")
    page.get_by_label("E-mail address").fill(WORKER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Please wait").is_visible()  # 429: throttled
    no_axe_violations(page)


def test_change_your_password_and_reset_a_forgotten_one(page: Any, site: Any) -> None:
    url, _, _ = site
    sign_in(page, url)
    page.get_by_role("link", name="Your account").click()
    no_axe_violations(page)
    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_label(re.compile("^New password \\(")).fill("my own new passphrase")
    page.get_by_label("New password again").fill("my own new passphrase")
    page.get_by_role("button", name="Change password").click()
    assert "Your password has changed" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.context.clear_cookies()
    sign_in(page, url, ADMIN)  # Wendy forgot it: her admin makes her a reset link
    page.get_by_role("link", name="Accounts").click()
    page.get_by_role("button", name="Make a reset link for Wendy Worker").click()
    no_axe_violations(page)
    link = page.get_by_label("Reset link").input_value()
    page.get_by_role("button", name="Sign out").click()
    page.goto(link)
    no_axe_violations(page)
    page.get_by_label(re.compile("^New password \\(")).fill("wendy's fresh passphrase")
    page.get_by_label("New password again").fill("wendy's fresh passphrase")
    page.get_by_role("button", name="Set the password").click()
    assert (
        page.get_by_role("status").inner_text()
        == "Your new password is set. Please sign in with it."
    )
    page.get_by_label("E-mail address").fill(WORKER)
    page.get_by_label("Password").fill("wendy's fresh passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/referrals$"))
    page.goto(link)  # used once: no more
    assert page.get_by_role("heading", name="This link no longer works").is_visible()
    no_axe_violations(page)
