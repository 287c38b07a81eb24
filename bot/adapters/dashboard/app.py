"""The dashboard's Starlette app: routes, sessions, templates and security headers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from itsdangerous import Signer
from sqlalchemy import Engine as SAEngine
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.adapters.cards import Cards
from bot.adapters.dashboard import api, chat, content, pages, passwords, people, statistics
from bot.adapters.dashboard.security import BadCsrf, NotSignedIn, csrf_token
from bot.engine import Engine
from bot.storage import Conversations, ConversationStore
from bot.storage.accounts import AccountStore
from bot.storage.crypto import Cipher
from bot.storage.db import as_utc
from bot.storage.inbox import Inbox
from bot.storage.passwords import Passwords
from bot.storage.referrals import ReferralStore
from bot.storage.tokens import TokenStore
from bot.storage.webchat import WebTranscript

HERE = Path(__file__).resolve().parent
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass
class Dashboard:
    """What the pages share: the engine, the stores and the clock."""

    engine: Engine
    accounts: AccountStore
    passwords: Passwords
    inbox: Inbox
    referrals: ReferralStore
    tokens: TokenStore
    templates: Jinja2Templates
    clock: Callable[[], datetime]
    lifetime: timedelta


def build_dashboard(
    engine: Engine,
    db: SAEngine,
    cipher: Cipher,
    secret_key: str,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    idle_minutes: int = 30,
    lifetime_hours: int = 12,
    https_only: bool = True,
    chat_frame_ancestors: str = "'self'",
    cards: Cards | None = None,
) -> Starlette:
    """The dashboard app.

    Args:
        engine: The engine (organisations, and the words people are told in).
        db: The database.
        cipher: Opens the referrals (they are decrypted only on their own page and in CSV).
        secret_key: Signs the session cookies.
        clock: The time (tests move it).
        idle_minutes: A session ends after this long without a request.
        lifetime_hours: A sign-in lasts at most this long.
        https_only: Send the session cookie over HTTPS only (off only for local tests).
        chat_frame_ancestors: The sites that may show the web chat in a frame (CSP syntax,
            such as ``https://carers.example.org``); the dashboard itself never is.
        cards: Draws the web chat's Easy Read cards; None shows the pictures alone.
    """
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["csrf_token"] = csrf_token
    templates.env.filters["when"] = _when
    templates.env.filters["age"] = _age_labels(engine)
    state = Dashboard(
        engine=engine,
        accounts=AccountStore(db),
        passwords=Passwords(db),
        inbox=Inbox(db, cipher),
        referrals=ReferralStore(db, cipher, engine.organisations),
        tokens=TokenStore(db),
        templates=templates,
        clock=clock,
        lifetime=timedelta(hours=lifetime_hours),
    )
    routes = [
        Route("/", lambda r: RedirectResponse("/referrals", 303)),
        Route("/login", pages.login_form, methods=["GET"]),
        Route("/login", pages.login, methods=["POST"]),
        Route("/logout", pages.logout, methods=["POST"]),
        Route("/referrals", pages.inbox),
        Route("/referrals.csv", pages.export),
        Route("/referrals/{reference}", pages.referral),
        Route("/referrals/{reference}/status", pages.status, methods=["POST"]),
        Route("/stats", statistics.page),
        Route("/flows", content.flows),
        Route("/users", people.page, methods=["GET"]),
        Route("/users", people.add, methods=["POST"]),
        Route("/users/{user_id:int}/disabled", people.switch, methods=["POST"]),
        Route("/users/{user_id:int}/reset", passwords.make_link, methods=["POST"]),
        Route("/account", passwords.account_page, methods=["GET"]),
        Route("/account/password", passwords.change, methods=["POST"]),
        Route("/reset/{token}", passwords.reset_form, methods=["GET"]),
        Route("/reset/{token}", passwords.reset, methods=["POST"]),
        Route("/flows/{flow}.svg", content.diagram),
        Route("/stats/{name}.svg", statistics.chart),
        Route("/chat", chat.page, methods=["GET"]),
        Route("/chat/cards/{name}", chat.card),
        Route("/chat/embed.js", chat.embed),
        Route("/chat", chat.post, methods=["POST"]),
        Route("/api/openapi.json", api.openapi),
        Route("/api/referrals", api.list_referrals),
        Route("/api/referrals/{reference}", api.get_referral),
        Route("/api/referrals/{reference}/status", api.set_status, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=secret_key,
            session_cookie="carercheck_session",
            max_age=idle_minutes * 60,
            same_site="strict",
            https_only=https_only,
        ),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            NotSignedIn: _to_login,
            BadCsrf: _bad_csrf,
            403: _forbidden,
            404: _not_found,
        },
    )
    app.state.dashboard = state
    app.state.chat = chat.Chat(
        Conversations(engine, ConversationStore(db), channel=chat.CHANNEL, cipher=cipher),
        WebTranscript(db, cipher),
        Signer(secret_key, salt="carercheck-chat"),
        https_only,
        chat_frame_ancestors,
        cards,
    )
    return app


def _age_labels(engine: Engine) -> Callable[[str | None], str]:
    """Age band ids as the age question words them in English ("age_18_25" -> "18 to 25")."""
    labels: dict[str, str] = {}
    for flow in engine.flows.values():
        node = flow.find_result_node(flow.age_result) if flow.age_result else None
        labels |= {o.id: o.label for o in node.options} if node else {}
    return lambda band: labels.get(band or "", (band or "").replace("_", " "))


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return as_utc(moment).astimezone(UTC).strftime("%d %b %Y %H:%M UTC")


class SecurityHeaders:
    """Adds HEADERS to every response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to its response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


async def _to_login(request: Request, exc: Exception) -> Response:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


async def _bad_csrf(request: Request, exc: Exception) -> Response:
    return pages.message(
        request, 403, "This form has expired", "Please go back, reload the page and try again."
    )


async def _forbidden(request: Request, exc: Any) -> Response:
    detail = getattr(exc, "detail", "") or "Your account cannot see this page."
    return pages.message(request, 403, "Not for your account", str(detail))


async def _not_found(request: Request, exc: Any) -> Response:
    return pages.message(request, 404, "Not found", "There is no such page or referral here.")
