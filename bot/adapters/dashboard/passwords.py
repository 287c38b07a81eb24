"""Passwords in the dashboard: change your own, and reset a forgotten one with a link.

An admin makes the link for someone of their organisation (a system admin for anyone); it is
shown once, to be passed on by phone or in person, and works once within a day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.adapters.dashboard.pages import message
from bot.adapters.dashboard.people import admin, scope
from bot.adapters.dashboard.security import check_csrf, current, sign_in
from bot.storage.accounts import AccountError
from bot.storage.passwords import RESET_LIFETIME

if TYPE_CHECKING:
    from bot.adapters.dashboard.app import Dashboard

MISMATCH = "The two new passwords are not the same."


def _d(request: Request) -> Dashboard:
    found: Dashboard = request.app.state.dashboard
    return found


async def account_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    """Who you are, and the form to change your password."""
    d = _d(request)
    account = current(request, d.accounts, d.clock, d.lifetime)
    context = {"account": account, "error": error, "saved": request.query_params.get("saved")}
    return d.templates.TemplateResponse(request, "account.html", context, status_code=status)


async def change(request: Request) -> Response:
    """Change your own password (the current one first); other sessions end."""
    d = _d(request)
    account = current(request, d.accounts, d.clock, d.lifetime)
    form = await check_csrf(request)
    new = form.get("new", "")
    if new != form.get("repeat", ""):
        return await account_page(request, MISMATCH, 400)
    at = d.clock()
    try:
        changed = d.passwords.change(account, form.get("current", ""), new, at)
    except AccountError as exc:
        return await account_page(request, str(exc).capitalize() + ".", 400)
    if not changed:
        return await account_page(request, "Your current password is not right.", 400)
    d.accounts.audit(account, None, "changed password", at)
    sign_in(request, account, at)  # this session goes on; the others are over
    return RedirectResponse("/account?saved=1", 303)


async def make_link(request: Request) -> Response:
    """An admin makes a one-time reset link for someone they manage; it is shown once."""
    account, d = admin(request)
    await check_csrf(request)
    user_id = int(request.path_params["user_id"])
    at = d.clock()
    token = d.passwords.make_reset(user_id, scope(account), at)
    if token is None:
        raise HTTPException(404)
    d.accounts.audit(account, None, f"made a reset link for account {user_id}", at)
    person = d.accounts.get(user_id)  # enabled and theirs: make_reset checked both
    if person is None:  # disabled in the same instant
        raise HTTPException(404)
    link = str(request.base_url).rstrip("/") + f"/reset/{token}"
    hours = int(RESET_LIFETIME.total_seconds() // 3600)
    context = {"account": account, "person": person, "link": link, "hours": hours}
    return d.templates.TemplateResponse(request, "reset_link.html", context)


async def reset_form(request: Request, error: str | None = None, status: int = 200) -> Response:
    """The form behind a reset link (or why the link no longer works)."""
    d = _d(request)
    person = d.passwords.reset_for(request.path_params["token"], d.clock())
    if person is None:
        return _expired(request)
    context = {"account": None, "person": person, "error": error}
    return d.templates.TemplateResponse(request, "reset.html", context, status_code=status)


async def reset(request: Request) -> Response:
    """Set a new password with the link; then sign in with it."""
    d = _d(request)
    form = await check_csrf(request)
    new = form.get("new", "")
    if new != form.get("repeat", ""):
        return await reset_form(request, MISMATCH, 400)
    at = d.clock()
    try:
        person = d.passwords.reset(request.path_params["token"], new, at)
    except AccountError as exc:
        return await reset_form(request, str(exc).capitalize() + ".", 400)
    if person is None:
        return _expired(request)
    d.accounts.audit(person, None, "reset password with a link", at)
    request.session.clear()
    return RedirectResponse("/login?reset=1", 303)


def _expired(request: Request) -> Response:
    text = "This link has been used or is too old. Please ask an admin for a new one."
    return message(request, 404, "This link no longer works", text)
