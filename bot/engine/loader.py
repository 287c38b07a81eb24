"""Read flow and service definitions from YAML text, collecting every problem on the way."""

from __future__ import annotations

import re
from typing import Any

import yaml

from bot.engine.actions import ACTIONS
from bot.engine.conditions import CONDITIONS, NESTED
from bot.engine.definition import Call, Flow, Node, Option, Route
from bot.engine.errors import FlowError, Problem
from bot.engine.limits import MAX_ID_CHARS, SPEC_VERSIONS
from bot.engine.matchers import MATCHERS
from bot.engine.registry import Registry
from bot.engine.validate import validate_flow

_ID = re.compile(r"[a-z][a-z0-9_]*")
_NODE_KEYS = frozenset(
    {
        "say",
        "question",
        "help",
        "options",
        "match",
        "result",
        "actions",
        "routes",
        "progress",
        "multiple",
        "picture",
    }
)
PICTURE = re.compile(r"[0-9A-F]{4,5}(-[0-9A-F]{4,5})*")
"""An emoji as code points joined by "-", as OpenMoji names its files ("1F9D1-200D-1F393")."""


class _Reader:
    """Builds definitions while recording problems instead of stopping at the first."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.flow: str | None = None
        self.node: str | None = None
        self.problems: list[Problem] = []

    def problem(self, message: str) -> None:
        self.problems.append(Problem(self.source, self.flow, self.node, message))

    def text(self, value: Any, what: str, *, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if isinstance(value, bool):
            self.problem(f"{what} must be text: YAML reads yes/no/on/off as true/false, quote it")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{what} must be non-empty text")
            return None
        return value.strip()

    def texts(self, value: Any, what: str) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if items is None:
            return ()
        if not isinstance(items, list):
            self.problem(f"{what} must be text or a list of texts")
            return ()
        return tuple(t for t in (self.text(v, what) for v in items) if t)

    def call(self, raw: Any, registry: Registry[Any], *, allow_when: bool = False) -> Call | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
            self.problem(f"each {registry.kind} needs a 'type'")
            return None
        params = {k: v for k, v in raw.items() if k not in ("type", "when")}
        kind = raw["type"]
        entry = registry.get(kind)
        if entry is None:
            self.problem(f"unknown {registry.kind} {kind!r}")
            return None
        if registry is CONDITIONS and kind in NESTED:
            params = self._nested(kind, params)
        for message in entry.check_params(params):
            self.problem(message)
        when = None
        if "when" in raw:
            if not allow_when:
                self.problem(f"{registry.kind} {kind!r} cannot have 'when'")
            when = self.call(raw["when"], CONDITIONS)
        return Call(kind, params, when)

    def _nested(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        key = NESTED[kind]
        inner = params.get(key)
        if kind == "not":
            return {key: self.call(inner, CONDITIONS)} if inner is not None else params
        if not isinstance(inner, list):
            return params
        return {key: [c for c in (self.call(i, CONDITIONS) for i in inner) if c]}

    def calls(self, raw: Any, registry: Registry[Any], what: str, **kw: bool) -> tuple[Call, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(f"{what} must be a list")
            return ()
        return tuple(c for c in (self.call(r, registry, **kw) for r in raw) if c)


def _options(r: _Reader, raw: Any) -> tuple[Option, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        r.problem("options must be a list")
        return ()
    options: list[Option] = []
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, dict) or isinstance(item.get("id"), bool):
            r.problem("each option needs an 'id' (quote yes/no ids) and a 'label'")
            continue
        oid, label = r.text(item.get("id"), "option id"), r.text(item.get("label"), "option label")
        if oid in seen:
            r.problem(f"duplicate option id {oid!r}")
        if (oid and not _ID.fullmatch(oid)) or len(oid or "") > MAX_ID_CHARS:
            r.problem(f"option id {oid!r} must be lowercase letters, digits and _ (short)")
        if oid and label:
            seen.add(oid)
            options.append(Option(oid, label, _flag(r, item.get("alone", False), "alone")))
    return tuple(options)


def _routes(r: _Reader, raw: Any) -> tuple[Route, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        r.problem("routes must be a list")
        return ()
    routes: list[Route] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("goto"), str):
            r.problem("each route needs a 'goto' node id")
            continue
        when = r.call(item["when"], CONDITIONS) if "when" in item else None
        routes.append(Route(item["goto"], when))
    return tuple(routes)


def _flag(r: _Reader, value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        r.problem(f"{what} must be true or false")
        return True
    return value


def _node(r: _Reader, node_id: str, raw: Any) -> Node | None:
    r.node = node_id
    if not _ID.fullmatch(node_id) or len(node_id) > MAX_ID_CHARS:
        r.problem("a node id must be lowercase letters, digits and _ (short)")
    if not isinstance(raw, dict):
        r.problem("a node must be a mapping")
        return None
    for key in sorted(set(raw) - _NODE_KEYS):
        r.problem(f"unknown key {key!r}")
    return Node(
        id=node_id,
        say=r.texts(raw.get("say"), "say"),
        question=r.text(raw.get("question"), "question", required=False),
        help=r.text(raw.get("help"), "help", required=False),
        options=_options(r, raw.get("options")),
        match=r.calls(raw.get("match"), MATCHERS, "match"),
        result=r.text(raw.get("result"), "result", required=False),
        progress=_flag(r, raw.get("progress", True), "progress"),
        multiple=_flag(r, raw.get("multiple", False), "multiple"),
        actions=r.calls(raw.get("actions"), ACTIONS, "actions", allow_when=True),
        routes=_routes(r, raw.get("routes")),
        picture=_picture(r, raw.get("picture")),
    )


def _picture(r: _Reader, raw: Any) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not PICTURE.fullmatch(raw):
        r.problem("picture must be emoji code points like 1F6D2 or 1F9D1-200D-1F393")
        return None
    return raw


def parse_flow(text: str, source: str) -> Flow:
    """Parse and validate one flow file's text; raise FlowError listing every problem."""
    r = _Reader(source)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FlowError([Problem(source, None, None, f"not valid YAML: {exc}")]) from exc
    if not isinstance(raw, dict):
        raise FlowError([Problem(source, None, None, "a flow file must be a mapping")])
    r.flow = raw.get("id") if isinstance(raw.get("id"), str) else None
    if str(raw.get("spec_version")) not in SPEC_VERSIONS:
        r.problem(f"spec_version must be one of {sorted(SPEC_VERSIONS)}")
    flow_id = r.text(raw.get("id"), "id") or "?"
    if not _ID.fullmatch(flow_id) or len(flow_id) > MAX_ID_CHARS:
        r.problem("the flow id must be lowercase letters, digits and _ (short)")
    name = r.text(raw.get("name"), "name") or flow_id
    start = r.text(raw.get("start"), "start") or "?"
    expire = raw.get("expire_after_minutes")
    if isinstance(expire, bool) or not isinstance(expire, int) or expire <= 0:
        r.problem("expire_after_minutes must be a positive whole number")
        expire = 1
    nodes_raw = raw.get("nodes")
    if not isinstance(nodes_raw, dict) or not nodes_raw:
        r.problem("nodes must be a non-empty mapping of node id to node")
        nodes_raw = {}
    nodes = {str(k): n for k, v in nodes_raw.items() if (n := _node(r, str(k), v))}
    r.node = None
    person = {
        key: r.text(raw.get(key), key, required=False)
        for key in ("age_result", "need_result", "area_result")
    }
    flow = Flow(flow_id, name, str(raw.get("spec_version")), start, expire, nodes, source, **person)
    problems = r.problems + validate_flow(flow)
    if problems:
        raise FlowError(problems)
    return flow
