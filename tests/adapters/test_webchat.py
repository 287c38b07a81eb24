"""The web chat over HTTP: a new chat, answers, resuming by cookie, forged forms, forget."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.adapters.dashboard import build_dashboard
from bot.engine import Engine
from bot.storage import connect, upgrade
from bot.storage.models import Conversation, WebMessage
from bot.testing.keys import fixed_cipher


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, Any]]:
    db = connect(f"sqlite:///{tmp_path / 'web.db'}")
    upgrade(db)
    app = build_dashboard(engine, db, fixed_cipher(), "chat-secret", https_only=False,
                          chat_frame_ancestors="https://carers.example.org")  # fmt: skip
    with TestClient(app) as client:
        yield client, db
    db.dispose()


def said(page: str) -> list[tuple[str, str]]:
    item = r'<li class="(bot|person)"[^>]*>\s*(?:<span[^>]*>[^<]*</span>)?\s*<p>(.*?)</p>'
    found = re.findall(item, page, re.S)
    return [(who, html.unescape(text)) for who, text in found]


def token(page: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def buttons(page: str) -> list[str]:
    return re.findall(r'name="choose" value="([^"]+)"', page)


def test_a_new_chat_asks_the_language_first_suggesting_the_browsers(site: Any) -> None:
    client, _ = site
    page = client.get("/chat", headers={"accept-language": "ur-PK,ur;q=0.9"})
    assert page.status_code == 200
    assert 'lang="ur" dir="rtl"' in page.text  # asked in the browser's language, right to left
    assert buttons(page.text)[0] == "ur"
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors https://carers.example.org" in csp


def test_answers_move_on_and_a_reload_shows_the_chat_so_far(site: Any) -> None:
    client, _ = site
    first = client.get("/chat").text
    t = token(first)
    page = client.post("/chat", data={"token": t, "choose": "ur", "label": "اردو"}).text
    assert 'lang="ur" dir="rtl"' in page
    page = client.post("/chat", data={"token": t, "choose": "no", "label": "نہیں"}).text
    assert buttons(page)[:2] == ["start", "privacy"]
    again = client.get("/chat").text  # a reload: the same chat, nothing sent twice
    assert said(again) == said(page)
    assert ("person", "اردو") in said(again)


def test_typed_answers_and_commands_work_and_forged_forms_do_nothing(site: Any) -> None:
    client, db = site
    t = token(client.get("/chat").text)
    client.post("/chat", data={"token": t, "choose": "en", "label": "English"})
    client.post("/chat", data={"token": t, "choose": "no", "label": "No"})
    before = said(client.get("/chat").text)
    assert said(client.post("/chat", data={"token": "forged", "text": "yes"}).text) == before
    page = client.post("/chat", data={"token": t, "text": "yes"}).text
    assert "Who is answering these questions" in said(page)[-1][1]
    page = client.post("/chat", data={"token": t, "command": "help", "label": "Help"}).text
    assert "Are these questions about your own life?" in said(page)[-1][1]
    with db.connect() as conn:
        stored = conn.execute(select(WebMessage.c.payload)).scalars().all()
    assert stored and all(p.startswith("f1:") for p in stored)  # what was said is encrypted


def test_forget_deletes_the_chat_and_starts_a_new_one(site: Any) -> None:
    client, db = site
    t = token(client.get("/chat").text)
    client.post("/chat", data={"token": t, "choose": "en", "label": "English"})
    page = client.post("/chat", data={"token": t, "command": "forget", "label": "Delete"}).text
    texts = [text for _, text in said(page)]
    assert texts[0].startswith("I have deleted your answers")
    assert "English" not in [t for w, t in said(page) if w == "person"]
    with db.connect() as conn:
        assert len(conn.execute(select(Conversation.c.id)).all()) == 1  # the new chat only


def test_the_page_is_in_every_language_with_nothing_left_in_english(
    site: Any, engine: Engine
) -> None:
    client, _ = site
    for language in engine.catalogs.languages():
        client.cookies.clear()
        t = token(client.get("/chat").text)
        page = client.post("/chat", data={"token": t, "choose": language, "label": language})
        assert page.status_code == 200
    missing = [m for m in engine.catalogs.missing if m[1] in ("web", "telegram:command")]
    assert not missing, missing[:5]


def test_only_drawn_cards_are_served(site: Any) -> None:
    client, _ = site
    for name in ("../../etc/passwd", "x.png", "0" * 32 + ".png"):
        assert client.get(f"/chat/cards/{name}").status_code == 404


def test_the_embedding_page_can_name_the_language_to_offer_first(site: Any) -> None:
    client, _ = site
    page = client.get("/chat?lang=gu", headers={"accept-language": "ur-PK"})
    assert 'lang="gu"' in page.text and buttons(page.text)[0] == "gu"
    ignored = client.get("/chat?lang=xx", headers={"accept-language": "en-GB"})
    assert 'lang="gu"' in ignored.text  # the chat goes on: a suggestion never restarts it


def test_the_embed_script_is_served_for_other_sites(site: Any) -> None:
    client, _ = site
    script = client.get("/chat/embed.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["cross-origin-resource-policy"] == "cross-origin"
    assert 'new URL("/chat", tag.src)' in script.text


def test_over_https_the_chat_cookie_works_in_a_frame_on_another_site(
    engine: Engine, tmp_path: Path
) -> None:
    db = connect(f"sqlite:///{tmp_path / 'web.db'}")
    upgrade(db)
    app = build_dashboard(engine, db, fixed_cipher(), "chat-secret")
    with TestClient(app, base_url="https://chat.example.org") as client:
        cookie = client.get("/chat").headers["set-cookie"].lower()
    assert all(part in cookie for part in ("secure", "httponly", "samesite=none", "partitioned"))
    db.dispose()
