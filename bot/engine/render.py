"""Turn nodes and services into messages in the person's language."""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine import texts
from bot.engine.definition import Flow, Node, Service
from bot.engine.events import (
    QUESTION,
    SAY,
    MessageCreated,
    OptionView,
    ServiceRef,
)
from bot.engine.state import RunState
from bot.engine.text import fill
from bot.i18n import Msg, PluralMsg, Translator


class Renderer:
    """Renders one flow's texts for one conversation's language and answers."""

    def __init__(self, flow: Flow, tr: Translator, state: RunState) -> None:
        self.flow = flow
        self.tr = tr
        self.state = state

    def node_text(self, node: Node, text: str) -> str:
        """``text`` of ``node`` translated, with ``{answers}`` filled in."""
        return fill(self.tr.pgettext(f"{self.flow.id}/{node.id}", text), self.answer_label)

    def answer_label(self, result: str) -> str | None:
        """How an earlier answer reads in this language: its option label, or the number."""
        value = self.state.results.get(result)
        if value is None:
            return None
        node = self.flow.find_result_node(result)
        option = node.option(str(value)) if node else None
        if node is None or option is None:
            return str(value)
        return self.tr.pgettext(f"{self.flow.id}/{node.id}", option.label)

    def options(self, node: Node) -> tuple[OptionView, ...]:
        """The node's options, labelled in this language."""
        return tuple(OptionView(o.id, self.node_text(node, o.label)) for o in node.options)

    def says(self, node: Node) -> list[MessageCreated]:
        """The node's ``say`` messages."""
        return [MessageCreated(self.node_text(node, t), SAY, node=node.id) for t in node.say]

    def question(self, node: Node, kind: str = QUESTION) -> MessageCreated:
        """The node's question, with its options and the current prompt number."""
        text = self.node_text(node, node.question or "")
        return MessageCreated(text, kind, self.options(node), node.id, self.state.asked)

    def help(self, node: Node, kind: str) -> MessageCreated:
        """The question in other words, with the options again."""
        text = f"{self.node_text(node, node.help or '')}\n\n{self.system(texts.HELP_COMMANDS)}"
        return MessageCreated(text, kind, self.options(node), node.id, self.state.asked)

    def system(self, message: Msg, **values: str) -> str:
        """One of the engine's own messages, translated, with ``{values}`` filled in."""
        return fill(self.tr.pgettext(message.context, message.text), values.get)

    def plural(self, message: PluralMsg, n: int) -> str:
        """A message with plural forms for ``n`` (CLDR rules), with ``{n}`` filled in."""
        text = self.tr.npgettext(message.context, message.singular, message.plural, n)
        return fill(text, {"n": str(n)}.get)

    def service_ref(self, service: Service) -> ServiceRef:
        """A service's id and translated name."""
        return ServiceRef(service.id, self.tr.pgettext(f"services/{service.id}", service.name))

    def services(self, intro: Msg, items: list[Service], kind: str) -> MessageCreated:
        """A list of services, each with what it does and how to reach it."""
        lines = [self.system(intro), ""]
        for s in items:
            ctx = f"services/{s.id}"
            lines.append(
                "• "
                + self.system(
                    texts.SERVICE_LINE,
                    name=self.tr.pgettext(ctx, s.name),
                    what=self.tr.pgettext(ctx, s.what),
                    contact=self.tr.pgettext(ctx, s.contact),
                )
            )
        return MessageCreated("\n".join(lines), kind)


def services_in(ids: list[str], catalog: Mapping[str, Service]) -> list[Service]:
    """The services named by ``ids`` that the catalog knows, in order."""
    return [catalog[i] for i in ids if i in catalog]
