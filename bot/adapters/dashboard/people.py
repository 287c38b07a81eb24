"""Accounts in the dashboard: org admins manage their organisation's, system admins everyone's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.adapters.dashboard.security import check_csrf, current
from bot.storage.accounts import ROLES, Account, AccountError

if TYPE_CHECKING:
    from bot.adapters.dashboard.app import Dashboard


def admin(request: Request) -> tuple[Account, Dashboard]:
    """The signed-in admin (403 for anyone else) and the dashboard."""
    d: Dashboard = request.app.state.dashboard
    account = current(request, d.accounts, d.clock, d.lifetime)
    if account.role not in ("org_admin", "system_admin"):
        raise HTTPException(403, "Only admins manage accounts.")
    return account, d


def scope(account: Account) -> str | None:
    """The organisation whose accounts this admin manages (None: every organisation)."""
    return None if account.role == "system_admin" else account.organisation


def _roles(account: Account) -> tuple[str, ...]:
    return ROLES if account.role == "system_admin" else ("worker", "org_admin")


async def page(request: Request, error: str | None = None, status: int = 200) -> Response:
    """The accounts this admin manages, and a form to add one."""
    account, d = admin(request)
    context = {"account": account, "people": d.accounts.people(scope(account)), "error": error,
               "roles": _roles(account), "organisations": sorted(d.engine.organisations),
               "saved": request.query_params.get("saved")}  # fmt: skip
    return d.templates.TemplateResponse(request, "users.html", context, status_code=status)


async def add(request: Request) -> Response:
    """Add an account (an org admin adds to their own organisation only)."""
    account, d = admin(request)
    form = await check_csrf(request)
    role = form.get("role", "worker")
    organisation = scope(account) or form.get("organisation") or None
    if role not in _roles(account):
        return await page(request, "You cannot give that role.", 400)
    if role == "system_admin":
        organisation = None
    elif organisation not in d.engine.organisations:
        return await page(request, "Please choose the organisation.", 400)
    try:
        d.accounts.add(form.get("email", ""), form.get("name", ""), organisation=organisation,
                       role=role, password=form.get("password", ""), at=d.clock())  # fmt: skip
    except AccountError as exc:
        return await page(request, str(exc).capitalize() + ".", 400)
    return RedirectResponse("/users?saved=1", 303)


async def switch(request: Request) -> Response:
    """Disable or enable an account; nobody disables their own."""
    account, d = admin(request)
    form = await check_csrf(request)
    user_id = int(request.path_params["user_id"])
    if user_id == account.id:
        return await page(request, "You cannot disable your own account.", 400)
    disable = form.get("disabled") == "yes"
    if not d.accounts.set_disabled(user_id, disable, scope(account)):
        raise HTTPException(404)
    return RedirectResponse("/users?saved=1", 303)
