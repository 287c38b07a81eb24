"""Browser tests: Playwright drives Debian's Chromium (``/usr/bin/chromium``), headless.

Without Chromium they skip, saying why; CI installs it and turns the skip into a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.testing.browser import CHROMIUM, FLAGS


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module.

    Playwright's sync API runs an event loop of its own while it is open: it must be closed
    before any asyncio test runs, so it never outlives its module.
    """
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page, phone-sized or not as the test says."""
    context = browser.new_context(locale="en-GB")
    yield context.new_page()
    context.close()
