"""A Babel extractor for ``flows/``: every text a person can see, with the flow and node as context.

Registered in ``babel.cfg``. Flow texts get the context ``<flow id>/<node id>``; services get
``services/<service id>``. English in the YAML is the source text; translators work only in the
PO files made from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

Extracted = tuple[int, str, tuple[str, str], list[str]]
_NODE_TEXTS = ("say", "question", "help")
_SERVICE_TEXTS = ("name", "what", "contact")
_CONTACT_TEXTS = ("how", "hours")
_ORGANISATION_TEXTS = ("name", "promise")


def _get(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.Node):
            return v
    return None


def _scalars(node: yaml.Node | None) -> Iterator[yaml.ScalarNode]:
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode):
                yield item


def _entry(scalar: yaml.ScalarNode, context: str, comment: str) -> Extracted:
    text = str(scalar.value).strip()
    return (scalar.start_mark.line + 1, "pgettext", (context, text), [comment])


def _flow(root: yaml.MappingNode) -> Iterator[Extracted]:
    flow_id = _get(root, "id")
    nodes = _get(root, "nodes")
    if not isinstance(flow_id, yaml.ScalarNode) or not isinstance(nodes, yaml.MappingNode):
        return
    for key, node in nodes.value:
        if not isinstance(node, yaml.MappingNode):
            continue
        context = f"{flow_id.value}/{key.value}"
        for field in _NODE_TEXTS:
            for scalar in _scalars(_get(node, field)):
                yield _entry(scalar, context, f"flow {flow_id.value}, node {key.value}: {field}")
        options = _get(node, "options")
        for option in options.value if isinstance(options, yaml.SequenceNode) else []:
            label = _get(option, "label") if isinstance(option, yaml.MappingNode) else None
            for scalar in _scalars(label):
                yield _entry(scalar, context, f"flow {flow_id.value}, node {key.value}: option")
        yield from _word_lists(node, context)


def _word_lists(node: yaml.MappingNode, context: str) -> Iterator[Extracted]:
    """A ``words`` matcher's words, as one ``a|b|c`` message: each language gives its own."""
    matchers = _get(node, "match")
    for call in matchers.value if isinstance(matchers, yaml.SequenceNode) else []:
        if not isinstance(call, yaml.MappingNode):
            continue
        kind, option, words = _get(call, "type"), _get(call, "option"), _get(call, "words")
        if not (isinstance(kind, yaml.ScalarNode) and kind.value == "words"):
            continue
        if not isinstance(words, yaml.SequenceNode) or not isinstance(option, yaml.ScalarNode):
            continue
        text = "|".join(str(w.value).strip() for w in _scalars(words))
        comment = (
            f"words that choose the option {option.value!r}, separated by |. Give the words "
            "people write in your language, and only those English words that mean nothing "
            "else in it: this list replaces the English one."
        )
        note = _get(call, "note")
        comments = [comment, str(note.value)] if isinstance(note, yaml.ScalarNode) else [comment]
        yield (words.start_mark.line + 1, "pgettext", (f"{context}:words", text), comments)


def _services(root: yaml.MappingNode) -> Iterator[Extracted]:
    services = _get(root, "services")
    for service in services.value if isinstance(services, yaml.SequenceNode) else []:
        if not isinstance(service, yaml.MappingNode):
            continue
        sid = _get(service, "id")
        if not isinstance(sid, yaml.ScalarNode):
            continue
        context = f"services/{sid.value}"
        for field in _SERVICE_TEXTS:
            for scalar in _scalars(_get(service, field)):
                yield _entry(scalar, context, f"service {sid.value}: {field}")
        contact = _get(service, "contact")
        if not isinstance(contact, yaml.MappingNode):
            continue
        for field in _CONTACT_TEXTS:
            for scalar in _scalars(_get(contact, field)):
                yield _entry(scalar, context, f"service {sid.value}: contact {field}")


def _organisations(root: yaml.MappingNode) -> Iterator[Extracted]:
    organisations = _get(root, "organisations")
    for org in organisations.value if isinstance(organisations, yaml.SequenceNode) else []:
        oid = _get(org, "id") if isinstance(org, yaml.MappingNode) else None
        if not isinstance(org, yaml.MappingNode) or not isinstance(oid, yaml.ScalarNode):
            continue
        for field in _ORGANISATION_TEXTS:
            for scalar in _scalars(_get(org, field)):
                yield _entry(
                    scalar, f"organisations/{oid.value}", f"organisation {oid.value}: {field}"
                )


def extract_flows(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[Extracted]:
    """Babel extraction method for flow, service and organisation YAML files."""
    root = yaml.compose(fileobj.read().decode("utf-8"))
    if not isinstance(root, yaml.MappingNode):
        return
    if _get(root, "services") is not None:
        yield from _services(root)
    elif _get(root, "organisations") is not None:
        yield from _organisations(root)
    else:
        yield from _flow(root)
