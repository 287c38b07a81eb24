"""The flows (as diagrams, with every question listed) and how far each translation has got."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.adapters.dashboard.security import current
from bot.diagram import svg
from bot.engine.definition import Flow
from bot.i18n import tools
from bot.i18n.languages import SUPPORTED

if TYPE_CHECKING:
    from bot.adapters.dashboard.app import Dashboard


_DRAWN: dict[tuple[str, int], str] = {}


def _diagram(flow: Flow) -> str:
    """The flow's SVG, drawn once per flow (Graphviz takes a moment)."""
    key = (flow.id, id(flow))
    if key not in _DRAWN:
        _DRAWN[key] = svg(flow)
    return _DRAWN[key]


async def flows(request: Request) -> Response:
    """Each flow: its diagram and its questions in order; the translations table."""
    d: Dashboard = request.app.state.dashboard
    account = current(request, d.accounts, d.clock, d.lifetime)
    locales = d.engine.catalogs.directory
    codes = [lang.code for lang in SUPPORTED if lang.code != "en"]
    codes += sorted(p.name for p in locales.glob("*@easyread")) if locales else []
    table = [
        tools.stats(locales, c) for c in codes if locales and tools.po_path(locales, c).exists()
    ]
    context = {"account": account, "flows": list(d.engine.flows.values()), "translations": table,
               "names": d.engine.catalogs.names}  # fmt: skip
    return d.templates.TemplateResponse(request, "flows.html", context)


async def diagram(request: Request) -> Response:
    """One flow's diagram as SVG."""
    d: Dashboard = request.app.state.dashboard
    current(request, d.accounts, d.clock, d.lifetime)
    flow = d.engine.flows.get(request.path_params["flow"])
    if flow is None:
        raise HTTPException(404)
    return Response(_diagram(flow), media_type="image/svg+xml")
