"""Checks over a whole flow: the graph, the vocabularies and the texts."""

from __future__ import annotations

from collections.abc import Iterator

from bot.engine.definition import FLAGS, RESULTS, ROLES, Call, Flow, Node
from bot.engine.errors import Problem
from bot.engine.matchers import free_value
from bot.engine.services import Service
from bot.engine.text import placeholders

_VOCAB = {"add_role": ("role", ROLES), "add_flag": ("flag", FLAGS), "end": ("result", RESULTS)}


def _walk(call: Call) -> Iterator[Call]:
    yield call
    if call.when is not None:
        yield from _walk(call.when)
    for value in call.params.values():
        for inner in value if isinstance(value, list) else [value]:
            if isinstance(inner, Call):
                yield from _walk(inner)


def node_calls(node: Node) -> Iterator[Call]:
    """Every action, matcher and condition a node uses, nested ones included."""
    for call in (*node.match, *node.actions):
        yield from _walk(call)
    for route in node.routes:
        if route.when is not None:
            yield from _walk(route.when)


def result_names(flow: Flow) -> set[str]:
    """Names of every result a flow can save: answers and ``set_result`` names."""
    names = {n.result_name for n in flow.nodes.values() if n.waits}
    for node in flow.nodes.values():
        names |= {str(c.params["name"]) for c in node_calls(node) if c.type == "set_result"}
    return names


def answer_values(flow: Flow) -> dict[str, set[str] | None]:
    """For each result name, the values it can take (None: any number)."""
    values: dict[str, set[str] | None] = {}
    for node in flow.nodes.values():
        if node.waits:
            numeric = any(free_value(m.type, m.params) for m in node.match)
            known = values.setdefault(node.result_name, set())
            if numeric or known is None:
                values[node.result_name] = None
            else:
                known.update(o.id for o in node.options)
        for call in node_calls(node):
            if call.type == "set_result":
                known = values.setdefault(str(call.params["name"]), set())
                if known is not None:
                    known.add(str(call.params["value"]))
    return values


def _value_problems(flow: Flow, node: Node, values: dict[str, set[str] | None]) -> Iterator[str]:
    for call in node_calls(node):
        if call.type == "answer_is" and not node.waits:
            yield "answer_is: this node asks no question (use result_is)"
            continue
        if call.type == "answer_is":
            names = [node.result_name]
        elif call.type in ("result_is", "result_not", "number_between", "picked_count"):
            names = [str(call.params["result"])]
        elif call.type == "count_of":
            names = [str(n) for n in call.params["results"]]
        else:
            continue
        for name in names:
            if name not in values:
                yield f"{call.type}: unknown result {name!r}"
                continue
            allowed = values[name]
            wanted = [str(v) for v in call.params.get("values", [])]
            for value in wanted:
                if allowed is not None and value not in allowed:
                    yield f"{call.type}: {value!r} is never an answer to {name!r}"


def loops(flow: Flow) -> list[tuple[str, str]]:
    """Routes that lead back to a node already on the way: (from node, back to node)."""
    found: list[tuple[str, str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node_id: str) -> None:
        state[node_id] = 1
        for route in flow.nodes[node_id].routes:
            if route.goto not in flow.nodes:
                continue
            if state.get(route.goto) == 1:
                found.append((node_id, route.goto))
            elif route.goto not in state:
                visit(route.goto)
        state[node_id] = 2

    for node_id in flow.nodes:
        if node_id not in state:
            visit(node_id)
    return found


def reachable(flow: Flow) -> set[str]:
    """Node ids reachable from the start node."""
    seen: set[str] = set()
    todo = [flow.start]
    while todo:
        node_id = todo.pop()
        if node_id in seen or node_id not in flow.nodes:
            continue
        seen.add(node_id)
        todo.extend(r.goto for r in flow.nodes[node_id].routes)
    return seen


def _node_problems(flow: Flow, node: Node, results: set[str]) -> Iterator[str]:
    if node.waits and not node.help:
        yield "a question needs 'help': the same question in other words"
    if (
        node.waits
        and not node.options
        and not any(free_value(m.type, m.params) for m in node.match)
    ):
        yield "a question needs options, or a number matcher"
    if not node.waits and (node.options or node.match):
        yield "options and match belong to nodes with a question"
    if node.multiple and (node.match or len(node.options) < 2):
        yield "a pick-all question needs two or more options and no matchers"
    if not node.multiple and any(o.alone for o in node.options):
        yield "'alone' belongs to options of a pick-all question (multiple: true)"
    if node.ends and node.routes:
        yield "a node that ends the flow cannot have routes"
    if not node.ends and not node.routes:
        yield "dead end: no routes and no 'end' action"
    if node.routes and node.routes[-1].when is not None:
        yield "dead end: the last route needs no 'when', so there is always a way on"
    for route in node.routes:
        if route.goto not in flow.nodes:
            yield f"route to unknown node {route.goto!r}"
    yield from _vocabulary_problems(node)
    texts = [*node.say, node.question or "", node.help or "", *(o.label for o in node.options)]
    for name in {p for t in texts for p in placeholders(t)} - results:
        yield f"unknown placeholder {{{name}}}"


def _vocabulary_problems(node: Node) -> Iterator[str]:
    option_ids = {o.id for o in node.options}
    for call in node_calls(node):
        if call.type == "signpost" and len({"service", "category"} & set(call.params)) != 1:
            yield "signpost: give either 'service' or 'category'"
        key, vocab = _VOCAB.get(call.type, ("", frozenset()))
        if key and str(call.params.get(key)) not in vocab:
            yield f"{call.type}: unknown {key} {call.params.get(key)!r}"
        if call.type in ("yes_no", "words") or (call.type == "number" and "option" in call.params):
            for param in ("yes", "no", "unsure", "option"):
                if param in call.params and call.params[param] not in option_ids:
                    yield f"{call.type}: {param} names unknown option {call.params[param]!r}"


def validate_flow(flow: Flow) -> list[Problem]:
    """Every problem of the flow's graph and contents (empty when it is sound)."""
    problems: list[Problem] = []
    if flow.start not in flow.nodes:
        problems.append(Problem(flow.source, flow.id, None, f"start node {flow.start!r} unknown"))
    results = result_names(flow)
    for name in (flow.age_result, flow.need_result, flow.area_result):
        if name is not None and name not in results:
            problems.append(Problem(flow.source, flow.id, None, f"unknown result {name!r}"))
    values = answer_values(flow)
    for node in flow.nodes.values():
        problems += [
            Problem(flow.source, flow.id, node.id, m) for m in _value_problems(flow, node, values)
        ]
        problems += [
            Problem(flow.source, flow.id, node.id, m) for m in _node_problems(flow, node, results)
        ]
    for src, dst in loops(flow):
        problems.append(
            Problem(
                flow.source,
                flow.id,
                src,
                f"route loops back to {dst!r}: never ask the same thing twice",
            )
        )
    seen = reachable(flow)
    for node_id in flow.nodes:
        if node_id not in seen:
            problems.append(Problem(flow.source, flow.id, node_id, "unreachable from the start"))
    if flow.nodes and not any(flow.nodes[n].ends for n in seen):
        problems.append(Problem(flow.source, flow.id, None, "no reachable node ends the flow"))
    return problems


def check_services(flows: list[Flow], services: list[Service]) -> list[Problem]:
    """Signposts must name known services, and service ids must be unique."""
    problems: list[Problem] = []
    ids: set[str] = set()
    for service in services:
        if service.id in ids:
            problems.append(Problem("services", None, service.id, "duplicate service id"))
        ids.add(service.id)
    categories = {s.category for s in services if s.category}
    for flow in flows:
        for node in flow.nodes.values():
            for call in node_calls(node):
                category = call.params.get("category") if call.type == "signpost" else None
                if category is not None and category not in categories:
                    problems.append(
                        Problem(
                            flow.source,
                            flow.id,
                            node.id,
                            f"signpost: no service has category {category!r}",
                        )
                    )
                if (
                    category is None
                    and call.type == "signpost"
                    and call.params.get("service") not in ids
                ):
                    problems.append(
                        Problem(
                            flow.source,
                            flow.id,
                            node.id,
                            f"signpost: unknown service {call.params.get('service')!r}",
                        )
                    )
    return problems
