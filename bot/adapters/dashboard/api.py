"""The referral API for organisations' own systems: JSON, per-organisation bearer tokens.

``GET /api/referrals`` lists, ``GET /api/referrals/{reference}`` reads one (with the details the
person agreed to share), ``POST /api/referrals/{reference}/status`` changes its status (the
person is told). The OpenAPI document is at ``/api/openapi.json``. Like the dashboard, a token
sees its own organisation's referrals only: any other reference answers 404.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.adapters.dashboard.openapi import OPENAPI
from bot.referrals.desk import change_status
from bot.storage.inbox import FILTERS, InboxRow
from bot.storage.referrals import STATUSES

if TYPE_CHECKING:
    from bot.adapters.dashboard.app import Dashboard

MAX_NOTE = 1000


def _problem(status: int, detail: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _organisation(request: Request) -> str | None:
    d: Dashboard = request.app.state.dashboard
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return d.tokens.organisation(token.strip(), d.clock())


def _summary(row: InboxRow) -> dict[str, Any]:
    return {
        "reference": row.reference,
        "status": row.status,
        "created_at": row.created_at.isoformat(),
        "age_band": row.age_band,
        "outcome": row.outcome,
        "under_16": row.young,
        "delivery_failed": row.dead,
        "erasure_requested": row.erasure_requested,
    }


async def openapi(request: Request) -> Response:
    """The OpenAPI document."""
    return JSONResponse(OPENAPI)


async def list_referrals(request: Request) -> Response:
    """The organisation's referrals, newest first; ``status`` filters (or ``dead``)."""
    organisation = _organisation(request)
    if organisation is None:
        return _problem(401, "a valid API token is needed (Authorization: Bearer ...)")
    show = request.query_params.get("status")
    if show is not None and show not in FILTERS:
        return _problem(400, f"status must be one of {', '.join(FILTERS)}")
    d: Dashboard = request.app.state.dashboard
    rows = d.inbox.rows(organisation, show=show)
    return JSONResponse({"referrals": [_summary(r) for r in rows]})


async def get_referral(request: Request) -> Response:
    """One referral with everything the person agreed to share."""
    organisation = _organisation(request)
    if organisation is None:
        return _problem(401, "a valid API token is needed (Authorization: Bearer ...)")
    d: Dashboard = request.app.state.dashboard
    page = d.inbox.page(organisation, request.path_params["reference"])
    if page is None:
        return _problem(404, "no such referral")
    d.referrals.mark_viewed(page.row.reference, d.clock())
    return JSONResponse({**_summary(page.row), "referral": page.record})


async def set_status(request: Request) -> Response:
    """Change the status (and send the person a note); JSON ``{"status": ..., "note": ...}``."""
    organisation = _organisation(request)
    if organisation is None:
        return _problem(401, "a valid API token is needed (Authorization: Bearer ...)")
    d: Dashboard = request.app.state.dashboard
    reference = request.path_params["reference"]
    if not d.inbox.has(organisation, reference):
        return _problem(404, "no such referral")
    try:
        body = json.loads(await request.body())
    except ValueError:
        return _problem(400, "the body must be JSON")
    status, note = (
        (body.get("status"), body.get("note")) if isinstance(body, dict) else (None, None)
    )
    if status not in STATUSES:
        return _problem(400, f"status must be one of {', '.join(STATUSES)}")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        return _problem(400, f"note must be text of at most {MAX_NOTE} characters")
    told = change_status(d.engine, d.referrals, reference, status, at=d.clock(),
                         by=f"api: {organisation}", note=note or None)  # fmt: skip
    return JSONResponse({"reference": reference, "status": status, "person_told": len(told) > 0})
