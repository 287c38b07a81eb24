"""The statistics page: anonymous, aggregated counts, each as a chart with its table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.adapters.dashboard.charts import bar_chart
from bot.adapters.dashboard.security import current
from bot.storage.stats import Statistics, Tally

if TYPE_CHECKING:
    from bot.adapters.dashboard.app import Dashboard

CHARTS = {
    "outcomes": "Outcomes",
    "roles": "Carer roles recognised",
    "languages": "Languages",
    "ages": "Age bands",
    "areas": "Areas",
    "sources": "Where people came from",
    "stopped_at": "Where people stopped (the question they did not answer)",
}


def _numbers(request: Request) -> tuple[Dashboard, dict[str, Any]]:
    d: Dashboard = request.app.state.dashboard
    current(request, d.accounts, d.clock, d.lifetime)  # any signed-in account
    summary = Statistics(d.accounts.db).summary()
    return d, {**summary, **{k: _labelled(d, k, summary[k]) for k in CHARTS}}


def _labelled(d: Dashboard, key: str, tally: Tally) -> Tally:
    """Ids as people read them: languages by name, questions by their words."""
    names = d.engine.catalogs.names
    flow = d.engine.flows[d.engine.default_flow]

    def label(value: str) -> str:
        if key == "languages":
            code, _, easy = value.partition(" ")
            return f"{names[code][1] if code in names else code} {easy}".strip()
        if key == "stopped_at" and value in flow.nodes:
            return flow.node(value).question or value
        return value.replace("_", " ")

    return Tally([(label(k), n) for k, n in tally.shown], tally.hidden)


async def page(request: Request) -> Response:
    """Every chart, each with a table of its numbers."""
    d, numbers = _numbers(request)
    account = current(request, d.accounts, d.clock, d.lifetime)
    context = {"account": account, "n": numbers, "charts": CHARTS}
    return d.templates.TemplateResponse(request, "statistics.html", context)


async def chart(request: Request) -> Response:
    """One chart as SVG."""
    name = request.path_params["name"]
    if name not in CHARTS:
        raise HTTPException(404)
    _, numbers = _numbers(request)
    svg = bar_chart(CHARTS[name], numbers[name].shown)
    return Response(svg, media_type="image/svg+xml")
