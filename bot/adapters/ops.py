"""Operations routes for every process that serves HTTP: ``/healthz``, ``/readyz``, ``/metrics``.

- ``/healthz``: the process is alive and answering (200).
- ``/readyz``: 200 only when the database answers and is at the newest migration; otherwise
  503 with a short JSON reason (no URLs, no secrets).
- ``/metrics``: Prometheus metrics (``bot.metrics``), with referrals by status read from the
  database at scrape time.
"""

from __future__ import annotations

import asyncio
import functools
import logging

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot import metrics
from bot.storage.health import readiness_problem, referral_counts
from bot.storage.migrate import HEAD

log = logging.getLogger(__name__)


def ops_routes(db: Engine) -> list[BaseRoute]:
    """The three routes, for ``db``; put them before any catch-all mount."""

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "alive"})

    async def readyz(request: Request) -> Response:
        problem = await asyncio.to_thread(readiness_problem, db, HEAD)
        if problem is not None:
            return JSONResponse({"status": "not ready", "reason": problem}, status_code=503)
        return JSONResponse({"status": "ready"})

    referrals = metrics.ReferralsByStatus(functools.partial(_counts, db))

    async def scrape(request: Request) -> Response:
        body = await asyncio.to_thread(metrics.exposition, referrals)
        return Response(body, media_type=metrics.CONTENT_TYPE)

    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", scrape, methods=["GET"]),
    ]


def _counts(db: Engine) -> dict[str, int]:
    """Referrals by status; none when the database cannot say (the rest is still served)."""
    try:
        return referral_counts(db)
    except Exception as exc:  # a scrape must not fail because the database is away
        log.warning("referral counts unavailable", extra={"error": type(exc).__name__})
        return {}


def ops_app(db: Engine) -> Starlette:
    """An app with only the operations routes (for ``carercheck worker``'s HTTP port)."""
    return Starlette(routes=ops_routes(db))
