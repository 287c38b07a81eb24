"""``make screenshots``: pictures of the dashboard and the web chat for the README.

Runs the real app on a throwaway SQLite database with example referrals (no real person's
data), drives Debian's Chromium with Playwright, and writes PNG files to ``docs/screenshots``.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.adapters.dashboard import build_dashboard
from bot.content import build_engine
from bot.engine.events import ReferralRequested
from bot.storage import connect, upgrade
from bot.storage.accounts import AccountStore
from bot.storage.models import Screening
from bot.storage.referrals import Person, ReferralStore
from bot.testing.browser import CHROMIUM, FLAGS
from bot.testing.keys import fixed_cipher
from bot.testing.telegram.server import BackgroundServer

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
DEMO_RUNS = [("carer", "en", "age_26_64"), ("carer", "ur", "age_65_plus"),
             ("young_carer", "en", "under_16"), (None, "gu", "age_26_64"),
             ("possible_carer", "pl", "age_18_25")]  # fmt: skip
DEMO_LOGIN = ("demo@carers.example.org", "demo password 1")
"""The throwaway demo account (its database is deleted when the pictures are taken)."""
EXAMPLES = [("CC-7K3M-Q9X2", "Example Person A", "age_65_plus"),
            ("CC-4HWD-2RTA", "Example Person B", "age_26_64"),
            ("CC-9QZE-MN3P", "Example Person C", "age_18_25")]  # fmt: skip


def _seed(db: Any, organisations: Any) -> None:
    store = ReferralStore(db, fixed_cipher(), organisations)
    with db.begin() as conn:
        for ref, name, age in EXAMPLES:
            record = {"reference": ref, "consent": {"version": "2026-11-22"},
                      "person": {"name": name, "age_band": age, "under_16": False},
                      "screening": {"outcome": "carer"}}  # fmt: skip
            event = ReferralRequested(ref, "llr_carers_support", record, AT)
            store.create(conn, event, Person("web", ref, "en", False), AT)
    with db.begin() as conn:  # example runs through the screening, for the statistics page
        for i, (outcome, language, age) in enumerate(DEMO_RUNS * 6):
            conn.execute(
                insert(Screening).values(
                    run=f"demo{i}",
                    flow="screening",
                    channel="telegram",
                    started_on=AT.date(),
                    language=language,
                    easy_read=i % 4 == 0,
                    source=None,
                    age_band=age,
                    area="leicester",
                    last_node="decide" if outcome else "tasks",
                    answered=12,
                    outcome=outcome,
                    roles="adult_carer" if outcome else "",
                    referred=i % 3 == 0,
                )
            )
    email, word = DEMO_LOGIN
    AccountStore(db).add(email, "Demo Worker", organisation="llr_carers_support",
                         role="worker", password=word, at=AT)  # fmt: skip


def main(out: Path) -> None:
    """Write the screenshots to ``out``."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    engine = build_engine(ROOT / "flows", ROOT / "locales")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = connect(f"sqlite:///{tmp}/demo.db")
        upgrade(db)
        _seed(db, engine.organisations)
        app = build_dashboard(engine, db, fixed_cipher(), "screenshots", https_only=False)
        with BackgroundServer(app) as server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            desk = browser.new_page(viewport={"width": 1100, "height": 560})
            desk.goto(f"{server.url}/login")
            desk.get_by_label("E-mail address").fill(DEMO_LOGIN[0])
            desk.get_by_label("Password").fill(DEMO_LOGIN[1])
            desk.get_by_role("button", name="Sign in").click()
            desk.wait_for_url("**/referrals")
            desk.screenshot(path=str(out / "inbox.png"))
            desk.set_viewport_size({"width": 1100, "height": 900})
            desk.goto(f"{server.url}/stats")
            desk.locator("#h-outcomes").scroll_into_view_if_needed()
            desk.screenshot(path=str(out / "statistics.png"))
            for language in ("en", "ur"):
                phone = browser.new_context(viewport={"width": 390, "height": 780}).new_page()
                phone.goto(f"{server.url}/chat")
                for option in (language, "no", "start"):
                    phone.locator(f"#latest form:has(input[value='{option}']) button").click()
                    phone.wait_for_load_state()
                phone.screenshot(path=str(out / f"chat-{language}.png"))
            browser.close()
        db.dispose()
    print(f"wrote {', '.join(sorted(p.name for p in out.glob('*.png')))} in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
