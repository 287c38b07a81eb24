"""Turn nodes and services into messages in the person's language."""

from __future__ import annotations

from dataclasses import replace

from bot.engine import texts
from bot.engine.definition import Flow, Node
from bot.engine.events import (
    QUESTION,
    SAY,
    MessageCreated,
    OptionView,
    ServiceRef,
)
from bot.engine.progress import position
from bot.engine.services import Service
from bot.engine.state import RunState
from bot.engine.text import fill
from bot.i18n import Msg, PluralMsg, Translator
from bot.i18n.languages import is_rtl

FSI, PDI = "\u2068", "\u2069"
"""First strong isolate and pop directional isolate (Unicode bidi)."""
DONE = "_done"
"""Option id of Done at a pick-all question."""
EXPLAIN = "_explain"
"""Option id of "I don't understand". Flow option ids cannot start with "_", so it never clashes."""


def say(tr: Translator, message: Msg, **values: str) -> str:
    """``message`` in ``tr``'s language with ``{values}`` filled in (isolated in RTL text)."""
    translated = tr.pgettext(message.context, message.text)
    rtl = is_rtl(tr.language)
    return fill(translated, lambda name: _isolate(values.get(name), rtl))


def _isolate(value: str | None, rtl: bool) -> str | None:
    return f"{FSI}{value}{PDI}" if value is not None and rtl else value


class Renderer:
    """Renders one flow's texts for one conversation's language and answers."""

    def __init__(
        self, flow: Flow, tr: Translator, state: RunState, remaining: dict[str, int] | None = None
    ) -> None:
        self.flow = flow
        self.tr = tr
        self.state = state
        self.remaining = remaining or {}
        self.rtl = is_rtl(tr.language)
        """Right-to-left text: each filled-in value is isolated (U+2068 ... U+2069), so that
        numbers, phone numbers and English names keep their order inside it."""

    def node_text(self, node: Node, text: str) -> str:
        """``text`` of ``node`` translated, with ``{answers}`` filled in."""
        translated = self.tr.pgettext(f"{self.flow.id}/{node.id}", text)
        return fill(translated, lambda name: self._isolated(self.answer_label(name)))

    def _isolated(self, value: str | None) -> str | None:
        """A filled-in value, isolated in right-to-left text (first strong character decides)."""
        return f"{FSI}{value}{PDI}" if value is not None and self.rtl else value

    def answer_label(self, result: str) -> str | None:
        """How an earlier answer reads in this language: its option label, or the number."""
        value = self.state.results.get(result)
        if value is None:
            return None
        node = self.flow.find_result_node(result)
        if isinstance(value, tuple):
            return self.tr.join([self.label(node, v) for v in value])
        return self.label(node, str(value))

    def label(self, node: Node | None, value: str) -> str:
        """How one answer value of ``node`` reads: its option's label, or the value itself."""
        option = node.option(value) if node else None
        if node is None or option is None:
            return value
        return self.tr.pgettext(f"{self.flow.id}/{node.id}", option.label)

    def options(self, node: Node) -> tuple[OptionView, ...]:
        """The node's options, labelled in this language."""
        return tuple(OptionView(o.id, self.node_text(node, o.label)) for o in node.options)

    def offered(self, node: Node, *, ticks: bool = True) -> tuple[OptionView, ...]:
        """What a question offers, numbered in this order; typed numbers are read by it.

        Its options, then "I don't understand" (the help). At a pick-all question Done comes
        before the help, and picked options are ticked unless ``ticks`` is false.
        """
        explain = OptionView(EXPLAIN, self.system(texts.EXPLAIN))
        if not node.multiple:
            return (*self.options(node), explain)
        picked = self.state.picked if ticks else []
        shown = tuple(
            OptionView(o.id, f"✓ {o.label}" if o.id in picked else o.label)
            for o in self.options(node)
        )
        return (*shown, OptionView(DONE, self.system(texts.DONE)), explain)

    def says(self, node: Node) -> list[MessageCreated]:
        """The node's ``say`` messages; in Easy Read an outcome's first one has its picture."""
        said = [MessageCreated(self.node_text(node, t), SAY, node=node.id) for t in node.say]
        if said and node.ends and self.picture(node):
            said[0] = replace(said[0], picture=self.picture(node))
        return said

    def picture(self, node: Node) -> str | None:
        """The node's picture, in Easy Read."""
        return node.picture if self.state.easy_read else None

    def question(self, node: Node, kind: str = QUESTION) -> MessageCreated:
        """The node's question, with its progress, its options and the current prompt number."""
        text = self.node_text(node, node.question or "")
        if node.multiple:
            text = f"{text}\n{self.system(texts.PICK_ALL)}"
        where = position(self.flow, self.remaining, self.state) if self.remaining else None
        if where is not None:
            n, total = where
            text = f"{self.system(texts.PROGRESS, n=str(n), total=str(total))}\n{text}"
        offered = self.offered(node)
        return MessageCreated(
            text, kind, offered, node.id, self.state.asked, where, self.picture(node)
        )

    def help(self, node: Node, kind: str) -> MessageCreated:
        """The question in other words, with the options again."""
        text = f"{self.node_text(node, node.help or '')}\n\n{self.system(texts.HELP_COMMANDS)}"
        return MessageCreated(text, kind, self.offered(node), node.id, self.state.asked)

    def system(self, message: Msg, **values: str) -> str:
        """One of the engine's own messages, translated, with ``{values}`` filled in."""
        return say(self.tr, message, **values)

    def plural(self, message: PluralMsg, n: int) -> str:
        """A message with plural forms for ``n`` (CLDR rules), with ``{n}`` filled in."""
        text = self.tr.npgettext(message.context, message.singular, message.plural, n)
        return fill(text, lambda name: self._isolated(str(n)) if name == "n" else None)

    def service_ref(self, service: Service) -> ServiceRef:
        """A service's id and translated name."""
        return ServiceRef(service.id, self.tr.pgettext(f"services/{service.id}", service.name))

    def services(self, intro: Msg, items: list[Service], kind: str) -> MessageCreated:
        """A list of services, each with what it does and how to reach it."""
        lines = [self.system(intro), ""]
        for s in items:
            ctx = f"services/{s.id}"
            name, what = self.tr.pgettext(ctx, s.name), self.tr.pgettext(ctx, s.what)
            if s.example:  # a sample area's detail that is not a checked fact says so
                name = self.system(texts.EXAMPLE, name=name)
            lines.append("• " + self.system(texts.SERVICE_LINE, name=name, what=what))
            lines += [f"  {part}" for part in self.contact(s)]
        return MessageCreated("\n".join(lines), kind)

    def contact(self, service: Service) -> list[str]:
        """How to reach a service, one way per line, phone first."""
        c, ctx = service.contact, f"services/{service.id}"
        parts: list[str] = []
        if c.phone:
            hours = self.tr.pgettext(ctx, c.hours) if c.hours else ""
            template = texts.PHONE_HOURS if hours else texts.PHONE
            parts.append(self.system(template, phone=c.phone, hours=hours))
        if c.sms:
            parts.append(self.system(texts.SMS, sms=c.sms))
        if c.web:
            parts.append(c.web)
        if c.how:
            parts.append(self.tr.pgettext(ctx, c.how))
        return parts
