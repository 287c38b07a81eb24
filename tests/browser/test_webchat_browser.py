"""Whole screenings in the web chat, in Chromium: English, Urdu (right to left), Easy Read.

The person taps the first real answer of every question (Skip where offered, Done once
something is ticked), as in the Telegram end-to-end tests, and an axe-core audit runs on the
page at the start and at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from bot.adapters.cards import LATIN, Cards
from bot.adapters.dashboard import build_dashboard
from bot.engine import Engine
from bot.storage import connect, upgrade
from bot.testing.keys import fixed_cipher
from bot.testing.telegram.server import BackgroundServer

SPECIAL = ("_explain", "_done", "restart")
FONTS = Path("/usr/share/fonts/truetype/noto")


@pytest.fixture
def chat_url(engine: Engine, tmp_path: Path) -> Iterator[str]:
    db = connect(f"sqlite:///{tmp_path / 'chat.db'}")
    upgrade(db)
    if not (FONTS / LATIN).exists():
        pytest.skip("the Noto fonts (Debian fonts-noto-core) draw the Easy Read cards")
    cards = Cards(tmp_path / "cards", FONTS)
    app = build_dashboard(engine, db, fixed_cipher(), "chat-secret", https_only=False, cards=cards)
    with BackgroundServer(app) as server:
        yield f"{server.url}/chat"
    db.dispose()


def choice(page: Any) -> str | None:
    """The option to tap on the latest message, by the Telegram tests' rule."""
    latest = page.locator("#latest")
    ids = latest.locator("input[name=choose]").evaluate_all("es => es.map(e => e.value)")
    labels = latest.locator("button").all_inner_texts()
    if "_done" in ids and any(label.startswith("✓ ") for label in labels):
        return "_done"
    answers = [i for i in ids if i not in SPECIAL]
    if "skip" in answers:
        return "skip"
    return answers[0] if answers else None


def tap(page: Any, option: str) -> None:
    page.locator(f"#latest form:has(input[name=choose][value='{option}']) button").click()
    page.wait_for_load_state()


def screening(page: Any, url: str, language: str, easy_read: str) -> list[str]:
    """Open the chat, choose the language and Easy Read, then answer to the end."""
    page.goto(url)
    no_violations(page)
    tap(page, language)
    tap(page, easy_read)
    for _ in range(60):
        option = choice(page)
        if option is None:
            no_violations(page)
            return page.locator(".log > li p").all_inner_texts()  # type: ignore[no-any-return]
        tap(page, option)
    raise AssertionError("the screening did not end")


def no_violations(page: Any) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_whole_screening_in_english(page: Any, chat_url: str) -> None:
    said = screening(page, chat_url, "en", "no")
    assert any(s.startswith("Question 1 of") for s in said)
    assert any("young carer" in s for s in said)
    assert any(s.startswith("Places that can help") for s in said)
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.reload()  # the conversation resumes from the cookie
    assert page.locator(".log > li p").all_inner_texts() == said


def test_a_whole_screening_in_urdu_right_to_left(page: Any, chat_url: str) -> None:
    said = screening(page, chat_url, "ur", "no")
    assert page.locator("html").get_attribute("lang") == "ur"
    assert page.locator("html").get_attribute("dir") == "rtl"
    urdu = [s for s in said if any("\u0600" <= c <= "\u06ff" for c in s)]
    assert len(urdu) >= len(said) - 2  # only names of languages and "English" are not
    assert len(said) > 20


def test_a_whole_screening_in_easy_read_with_pictures(page: Any, chat_url: str) -> None:
    screening(page, chat_url, "en", "yes")
    cards = page.locator("img.card")
    assert cards.count() >= 5  # the same picture cards as on Telegram
    assert cards.evaluate_all("cs => cs.every(c => c.complete && c.naturalWidth >= 400)")
    assert page.get_by_text("OK. I will use easy words and pictures.").count() == 1


def test_the_chat_fits_a_phone_screen(browser: Any, chat_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    page = context.new_page()
    page.goto(chat_url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing wider than the screen: no sideways scrolling
    no_violations(page)
    context.close()


def test_one_script_tag_puts_the_chat_on_a_centres_page(
    page: Any, engine: Engine, tmp_path: Path
) -> None:
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    db = connect(f"sqlite:///{tmp_path / 'embed.db'}")
    upgrade(db)
    links: dict[str, str] = {}

    async def centre(request: Any) -> HTMLResponse:
        tag = f'<script src="{links["chat"]}/chat/embed.js" data-lang="ur" async></script>'
        body = f"<main><h1>Carers' centre</h1><p>Talk to us:</p>{tag}</main>"
        return HTMLResponse(f'<!doctype html><html lang="en"><title>Centre</title>{body}</html>')

    host = BackgroundServer(Starlette(routes=[Route("/", centre)]))
    chat = build_dashboard(engine, db, fixed_cipher(), "embed-secret", https_only=False,
                           chat_frame_ancestors=host.url)  # fmt: skip
    with host, BackgroundServer(chat) as server:
        links["chat"] = server.url
        page.goto(host.url)
        frame = page.frame_locator("iframe[title^='Are you a carer']")
        assert frame.locator("html").get_attribute("dir") == "rtl"  # data-lang="ur"
        for option in ("ur", "no"):
            before = frame.locator(".log > li").count()
            frame.locator(f"#latest form:has(input[name=choose][value='{option}']) button").click()
            frame.locator(f".log > li:nth-child({before + 2})").wait_for()  # answer, then reply
        said = frame.locator(".log > li p").all_inner_texts()
        assert len(said) >= 4
        page.reload()  # the chat resumes inside the centre's page
        frame.locator(f".log > li:nth-child({len(said)})").wait_for()
        assert frame.locator(".log > li p").all_inner_texts() == said
    db.dispose()
