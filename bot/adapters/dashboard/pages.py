"""The dashboard's pages. Each is a thin handler: who is asking, one store call, a template."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.adapters.dashboard.security import check_csrf, current, sign_in
from bot.referrals.desk import change_status
from bot.storage.accounts import Account, Throttled
from bot.storage.inbox import FILTERS
from bot.storage.referrals import STATUSES

if TYPE_CHECKING:
    from bot.adapters.dashboard.app import Dashboard

CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these would run as a formula in a spreadsheet: it is quoted."""


def _d(request: Request) -> Dashboard:
    found: Dashboard = request.app.state.dashboard
    return found


def _staff(request: Request) -> Account:
    """The signed-in account, which must belong to an organisation to see referrals."""
    d = _d(request)
    account = current(request, d.accounts, d.clock, d.lifetime)
    if account.organisation is None:
        raise HTTPException(403, "System admins manage accounts and see no referrals.")
    return account


def message(request: Request, status: int, title: str, text: str) -> Response:
    """A page with a heading and a sentence (errors, refusals)."""
    return _d(request).templates.TemplateResponse(
        request, "message.html", {"title": title, "text": text}, status_code=status
    )


async def login_form(request: Request) -> Response:
    """The sign-in form."""
    context = {"error": None, "reset": request.query_params.get("reset")}
    return _d(request).templates.TemplateResponse(request, "login.html", context)


async def login(request: Request) -> Response:
    """Check the credentials (throttled); start a session; go where they were going."""
    d = _d(request)
    form = await check_csrf(request)
    client = request.client.host if request.client else "unknown"
    try:
        account = d.accounts.sign_in(
            form.get("email", ""), form.get("password", ""), client, d.clock()
        )
    except Throttled as exc:
        minutes = max(1, round(exc.retry_after / 60))
        text = f"Too many attempts to sign in. Please try again in {minutes} minutes."
        response = message(request, 429, "Please wait", text)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if account is None:
        error = "That e-mail address and password do not match an account."
        return d.templates.TemplateResponse(request, "login.html", {"error": error}, 401)
    sign_in(request, account, d.clock())
    target = request.query_params.get("next", "/referrals")
    return RedirectResponse(
        target if target.startswith("/") and not target.startswith("//") else "/referrals", 303
    )


async def logout(request: Request) -> Response:
    """End the session."""
    await check_csrf(request)
    request.session.clear()
    return RedirectResponse("/login", 303)


async def inbox(request: Request) -> Response:
    """The organisation's referrals, by status (or dead letters), with a reference search."""
    account, d = _staff(request), _d(request)
    show = request.query_params.get("show") or None
    search = request.query_params.get("q", "")[:20]
    rows = d.inbox.rows(
        str(account.organisation), show=show if show in FILTERS else None, search=search
    )
    org = d.engine.organisations.get(str(account.organisation))
    context = {"account": account, "rows": rows, "show": show, "q": search, "filters": FILTERS,
               "organisation": org.name if org else account.organisation}  # fmt: skip
    return d.templates.TemplateResponse(request, "inbox.html", context)


async def referral(request: Request) -> Response:
    """One referral: everything the person agreed to share. Opening it is audited."""
    account, d = _staff(request), _d(request)
    reference = request.path_params["reference"]
    page = d.inbox.page(str(account.organisation), reference)
    if page is None:
        raise HTTPException(404)
    at = d.clock()
    d.accounts.audit(account, reference, "opened", at)
    d.referrals.mark_viewed(reference, at)
    trail = d.accounts.audit_trail(str(account.organisation), reference)
    context = {"account": account, "page": page, "r": page.record, "statuses": STATUSES,
               "trail": trail, "saved": request.query_params.get("saved")}  # fmt: skip
    return d.templates.TemplateResponse(request, "referral.html", context)


async def status(request: Request) -> Response:
    """Change the status, with a note; the person is told on their channel."""
    account, d = _staff(request), _d(request)
    form = await check_csrf(request)
    reference = request.path_params["reference"]
    if not d.inbox.has(str(account.organisation), reference):
        raise HTTPException(404)
    wanted, note = form.get("status", ""), form.get("note", "").strip()[:1000] or None
    if wanted not in STATUSES:
        return message(request, 400, "Unknown status", "Please choose a status from the list.")
    at = d.clock()
    change_status(d.engine, d.referrals, reference, wanted, at=at, by=account.name, note=note)
    d.accounts.audit(account, reference, "status", at)
    return RedirectResponse(f"/referrals/{reference}?saved=1", 303)


EXPORT_COLUMNS = ("reference", "received", "status", "name", "contact_method", "phone", "email",
                  "good_time", "safe_to_leave_message", "language", "interpreter",
                  "communication_needs", "age_band", "under_16", "area", "other_person",
                  "outcome", "roles", "flags", "consent_given_at", "consent_version")  # fmt: skip


async def export(request: Request) -> Response:
    """Every referral of the organisation as CSV (what it may see). The export is audited."""
    account, d = _staff(request), _d(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for item in d.inbox.export(str(account.organisation)):
        writer.writerow([_cell(v) for v in _export_row(item["row"], item["record"])])
    d.accounts.audit(account, None, "exported", d.clock())
    headers = {"Content-Disposition": 'attachment; filename="referrals.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def _export_row(row: Any, record: dict[str, Any]) -> list[Any]:
    p, s, c = record.get("person", {}), record.get("screening", {}), record.get("consent", {})
    other = record.get("other_person") or {}
    return [row.reference, row.created_at.isoformat(), row.status, p.get("name"),
            p.get("contact_method"), p.get("phone"), p.get("email"), p.get("good_time"),
            p.get("safe_to_leave_message"), p.get("language"), p.get("interpreter"),
            p.get("communication_needs"), p.get("age_band"), p.get("under_16"), p.get("area"),
            other.get("name"), s.get("outcome"), " ".join(s.get("roles", [])),
            " ".join(s.get("flags", [])), c.get("given_at"), c.get("version")]  # fmt: skip


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(CSV_FORMULA) else text
