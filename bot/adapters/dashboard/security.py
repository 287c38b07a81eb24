"""Sessions, CSRF tokens and who is signed in.

The session lives in a cookie signed with itsdangerous (Starlette's SessionMiddleware): it
expires after ``idle`` of inactivity, and a sign-in lasts at most ``lifetime`` however busy.
Every form carries the session's CSRF token; a POST without the right one is refused.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from starlette.requests import Request

from bot.storage.accounts import Account, AccountStore

CSRF_FIELD = "csrf"


class NotSignedIn(Exception):
    """The request needs a signed-in user and has none (or the sign-in has expired)."""


class BadCsrf(Exception):
    """A form came without this session's CSRF token."""


def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use)."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def check_csrf(request: Request) -> dict[str, str]:
    """The form's fields, once its CSRF token matches the session's; BadCsrf otherwise."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    kept = request.session.get(CSRF_FIELD)
    if not isinstance(sent, str) or not isinstance(kept, str):
        raise BadCsrf
    if not hmac.compare_digest(sent, kept):
        raise BadCsrf
    return {k: v for k, v in form.items() if isinstance(v, str)}


def sign_in(request: Request, account: Account, at: datetime) -> None:
    """Start a fresh session for ``account`` (a new CSRF token too)."""
    request.session.clear()
    request.session.update(
        {"uid": account.id, "since": at.timestamp(), CSRF_FIELD: secrets.token_urlsafe(32)}
    )


def current(
    request: Request, accounts: AccountStore, clock: Callable[[], datetime], lifetime: timedelta
) -> Account:
    """The signed-in account; NotSignedIn if there is none or the sign-in is too old."""
    uid, since = request.session.get("uid"), request.session.get("since")
    if not isinstance(uid, int) or not isinstance(since, float):
        raise NotSignedIn
    if clock().timestamp() - since > lifetime.total_seconds():
        request.session.clear()
        raise NotSignedIn
    account = accounts.get(uid)
    if account is None:  # disabled or deleted since
        request.session.clear()
        raise NotSignedIn
    changed = account.password_changed_at
    if changed is not None and since < changed.timestamp():  # the password changed since
        request.session.clear()
        raise NotSignedIn
    return account
