"""The web chat (``/chat``): the same engine, storage, languages, Easy Read and commands.

It works without JavaScript: each answer is a form post, answered with a redirect back to the
page (so a reload never sends an answer twice). Who is chatting is a random id in a signed
cookie; the conversation resumes after a reload. What was said is kept encrypted
(``WebTranscript``) so the page can show it again, and goes with ``forget``.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itsdangerous import BadSignature, Signer
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from bot.adapters.cards import Cards, card_text
from bot.adapters.dashboard.chat_texts import MORE, SEND, TITLE, YOUR_ANSWER
from bot.adapters.menu import MENU
from bot.adapters.pictures import emoji
from bot.engine import Choose, Command, Event, ForgetRequested, Input, MessageCreated, Text
from bot.engine.render import EXPLAIN
from bot.i18n.languages import is_rtl
from bot.storage import Conversations, Turn
from bot.storage.webchat import WebTranscript

if TYPE_CHECKING:
    from bot.adapters.dashboard.app import Dashboard

COOKIE = "carercheck_chat"
EMBED = Path(__file__).resolve().parent / "static" / "embed.js"
CARD_NAME = re.compile(r"[0-9a-f]{32}\.png")
CHANNEL = "web"
BUTTONS = ("help", "back", "restart", "language", "easyread", "privacy", "status", "urgent",
           "stop", "forget")  # fmt: skip
"""The commands offered as buttons under the chat, in this order."""
WORDS = {"title": TITLE, "your_answer": YOUR_ANSWER, "send": SEND, "more": MORE}


@dataclass
class Chat:
    """What the chat pages share."""

    conversations: Conversations
    transcript: WebTranscript
    signer: Signer
    https_only: bool
    frame_ancestors: str
    cards: Cards | None = None


def _chat(request: Request) -> tuple[Chat, Dashboard]:
    d: Dashboard = request.app.state.dashboard
    found: Chat = request.app.state.chat
    return found, d


def _who(request: Request, chat: Chat) -> str | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        return chat.signer.unsign(raw).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return None


def _token(chat: Chat, user: str) -> str:
    """The form token for this chat: a forged post from another site has no way to know it."""
    return hmac.new(chat.signer.secret_keys[-1], user.encode(), "sha256").hexdigest()[:32]


def shown(
    events: list[Event], cards: Cards | None = None, language: str = "en"
) -> list[dict[str, Any]]:
    """The engine's messages as the page (and its transcript) keeps them.

    In Easy Read a message with a picture gets its card (the picture and the words, drawn as
    for Telegram) where the fonts are installed; otherwise the picture alone is shown.
    """
    items = []
    for e in events:
        if isinstance(e, MessageCreated) and e.text:
            card = None
            if e.picture and cards is not None:
                card = cards.card(e.picture, card_text(e), language).name
            items.append({
                "who": "bot", "text": e.text, "prompt": e.prompt,
                "options": [{"id": o.id, "label": o.label} for o in e.options],
                "picture": e.picture, "card": card,
            })  # fmt: skip
    return items


async def card(request: Request) -> Response:
    """A card drawn for the chat."""
    chat, _ = _chat(request)
    name = request.path_params["name"]
    if chat.cards is None or not CARD_NAME.fullmatch(name):
        raise HTTPException(404)
    path = chat.cards.cache_dir / name
    if not path.is_file():
        raise HTTPException(404)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "max-age=86400"})


async def embed(request: Request) -> Response:
    """The script that puts the chat on another site's page (one tag; see static/embed.js)."""
    headers = {"Cache-Control": "max-age=3600", "Cross-Origin-Resource-Policy": "cross-origin"}
    return FileResponse(EMBED, media_type="text/javascript", headers=headers)


async def page(request: Request) -> Response:
    """The chat so far, or a new chat (the language question first)."""
    chat, d = _chat(request)
    user = _who(request, chat)
    session = chat.conversations.session(user) if user else None
    if session is None and (user is None or chat.conversations.store.load(CHANNEL, user) is None):
        user = user or secrets.token_urlsafe(18)
        chat.transcript.forget(user)  # a conversation deleted or purged leaves no transcript
        language = _suggested_language(request, d)
        opened = chat.conversations.open(user, at=d.clock(), language=language, ask=True)
        chat.transcript.append(user, _shown(chat, opened), d.clock())
        session = opened.session
    assert user is not None
    state = session.state if session else None
    language = state.language if state else "en"
    tr = d.engine.translator(language, bool(state and state.easy_read))
    context = {
        "messages": chat.transcript.recent(user), "language": language,
        "dir": "rtl" if is_rtl(language) else "ltr", "token": _token(chat, user),
        "commands": [(name, tr.pgettext(m.context, m.text)) for name, m in MENU
                     if name in BUTTONS],
        "emoji": emoji, "explain": EXPLAIN,
        "words": {k: tr.pgettext(m.context, m.text) for k, m in WORDS.items()},
    }  # fmt: skip
    response = d.templates.TemplateResponse(request, "chat.html", context)
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; frame-ancestors {chat.frame_ancestors}; form-action 'self'"
    )
    _set_cookie(response, chat, user)
    return response


async def post(request: Request) -> Response:
    """One answer: typed words, a tapped option, or a command; then back to the page."""
    chat, d = _chat(request)
    user = _who(request, chat)
    form = await request.form()
    if user is None or not hmac.compare_digest(str(form.get("token", "")), _token(chat, user)):
        return RedirectResponse("/chat", 303)  # a stale or forged form: show the chat again
    at = d.clock()
    inp, said = _input(form, at)
    if inp is None:
        return RedirectResponse("/chat", 303)
    turn = chat.conversations.turn(user, inp)
    if any(isinstance(e, ForgetRequested) for e in turn.events):
        chat.transcript.forget(user)  # nothing said before stays; a new chat starts here
        opened = chat.conversations.open(user, at=at, language=None, ask=True)
        chat.transcript.append(user, _shown(chat, turn) + _shown(chat, opened), at)
    else:
        person = [{"who": "person", "text": said}] if said else []
        chat.transcript.append(user, person + _shown(chat, turn), at)
    return RedirectResponse("/chat#latest", 303)


def _shown(chat: Chat, turn: Turn) -> list[dict[str, Any]]:
    return shown(turn.events, chat.cards, turn.session.state.language)


def _input(form: Any, at: datetime) -> tuple[Input | None, str]:
    """The engine input a form carries, and what the person said, as the page shows it."""
    text = str(form.get("text", "")).strip()
    if form.get("command"):
        return Command(at, str(form["command"])), str(form.get("label", ""))
    if form.get("choose"):
        prompt = str(form.get("prompt", ""))
        asked = int(prompt) if prompt.isdecimal() else None
        return Choose(at, str(form["choose"]), asked), str(form.get("label", ""))
    if text:
        return Text(at, text[:2000]), text[:2000]
    return None, ""


def _suggested_language(request: Request, d: Dashboard) -> str | None:
    """The language to offer first (never forced): the embedding page's, else the browser's.

    An embedding page names it with ``?lang=`` (the script tag's ``data-lang``); otherwise
    it is the first language the browser asks for that we have.
    """
    wanted = request.query_params.get("lang", "").replace("-", "_")[:16]
    if wanted and d.engine.catalogs.supports(wanted):
        return wanted
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().replace("-", "_")
        for candidate in (code, code.split("_")[0]):
            if candidate and d.engine.catalogs.supports(candidate):
                return candidate
    return None


def _set_cookie(response: Response, chat: Chat, user: str) -> None:
    response.set_cookie(
        COOKIE, chat.signer.sign(user).decode("ascii"), max_age=60 * 60 * 24 * 200,
        httponly=True, secure=chat.https_only,
        samesite="none" if chat.https_only else "lax",  # embedded on a centre's site
    )  # fmt: skip
    if chat.https_only:  # kept per embedding site where browsers block third-party cookies
        name, value = response.raw_headers[-1]  # (Starlette sets Partitioned on Python 3.14+)
        response.raw_headers[-1] = (name, value + b"; Partitioned")
