"""Load the flows, services and catalogs from disk and build the engine."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot import metrics
from bot.engine import Engine, Flow, FlowError, Problem, Service, parse_flow, parse_services
from bot.engine.organisations import Organisation, parse_organisations
from bot.engine.sources import Source, parse_sources
from bot.i18n import Catalogs

DEFAULT_FLOW = "screening"


def load_flows(flows_dir: Path) -> tuple[list[Flow], list[Service], list[Problem]]:
    """Every flow in ``flows_dir/*.yaml`` and service in ``flows_dir/services/*.yaml``."""
    flows: list[Flow] = []
    services: list[Service] = []
    problems: list[Problem] = []
    for path in sorted(flows_dir.glob("*.yaml")):
        try:
            flows.append(parse_flow(path.read_text(encoding="utf-8"), shown_path(path)))
        except FlowError as exc:
            problems += exc.problems
    for path in sorted((flows_dir / "services").glob("*.yaml")):
        try:
            services += parse_services(path.read_text(encoding="utf-8"), shown_path(path))
        except FlowError as exc:
            problems += exc.problems
    if not flows and not problems:
        problems.append(Problem(str(flows_dir), None, None, "no flows found"))
    return flows, services, problems


def load_sources(flows_dir: Path) -> tuple[list[Source], list[Problem]]:
    """Every referral source in ``flows_dir/sources/*.yaml`` (none is fine)."""
    sources: list[Source] = []
    problems: list[Problem] = []
    for path in sorted((flows_dir / "sources").glob("*.yaml")):
        try:
            sources += parse_sources(path.read_text(encoding="utf-8"), shown_path(path))
        except FlowError as exc:
            problems += exc.problems
    return sources, problems


def load_organisations(flows_dir: Path, flows: Iterable[Flow]) -> list[Organisation]:
    """Every organisation in ``flows_dir/organisations/*.yaml``; FlowError lists every problem.

    Age bands are checked against the options of each flow's age question, and an id may be
    used only once across the files.
    """
    ages = age_bands(flows)
    found: list[Organisation] = []
    problems: list[Problem] = []
    for path in sorted((flows_dir / "organisations").glob("*.yaml")):
        try:
            more = parse_organisations(path.read_text(encoding="utf-8"), shown_path(path), ages)
        except FlowError as exc:
            problems += exc.problems
            continue
        seen = {o.id for o in found}
        problems += [
            Problem(shown_path(path), None, o.id, "organisation id used in another file")
            for o in more
            if o.id in seen
        ]
        found += more
    if problems:
        raise FlowError(problems)
    return found


def age_bands(flows: Iterable[Flow]) -> set[str]:
    """The age bands the flows' age questions offer (organisations choose among them)."""
    bands: set[str] = set()
    for flow in flows:
        node = flow.find_result_node(flow.age_result) if flow.age_result else None
        bands |= {o.id for o in node.options} if node else set()
    return bands


def build_engine(flows_dir: Path, locales_dir: Path | None = None) -> Engine:
    """The engine for these flows; raise FlowError listing every problem."""
    flows, services, problems = load_flows(flows_dir)
    sources, more = load_sources(flows_dir)
    if problems or more:
        raise FlowError(problems + more)
    ids = {f.id for f in flows}
    default = DEFAULT_FLOW if DEFAULT_FLOW in ids else flows[0].id
    organisations = load_organisations(flows_dir, flows)
    return Engine(
        flows,
        services,
        Catalogs(locales_dir, on_fallback=metrics.translation_fallback),
        default_flow=default,
        sources=sources,
        organisations=organisations,
    )


def shown_path(path: Path) -> str:
    """A data file's path as problems name it: relative to here when it is below here."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
