"""Every text a person can see is in the translators' template, with the right context."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from bot.engine import Engine, texts
from bot.engine.matchers import WORD_LISTS
from bot.engine.understand import COMMAND_WORDS
from bot.i18n import Msg, PluralMsg
from bot.i18n.tools import extract

ROOT = Path(__file__).resolve().parents[2]


def template(path: Path) -> set[tuple[str | None, str]]:
    with path.open("rb") as fp:
        catalog = read_po(fp)
    ids = set()
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        ids.add((message.context, msgid))
    return ids


def shown_texts(engine: Engine) -> set[tuple[str, str]]:
    wanted: set[tuple[str, str]] = set()
    for flow in engine.flows.values():
        for node in flow.nodes.values():
            ctx = f"{flow.id}/{node.id}"
            for text in (*node.say, node.question, node.help, *(o.label for o in node.options)):
                if text:
                    wanted.add((ctx, text))
    for service in engine.services.values():
        for text in (service.name, service.what, service.contact.how, service.contact.hours):
            if text is None:
                continue
            wanted.add((f"services/{service.id}", text))
    for value in [*vars(texts).values(), *COMMAND_WORDS.values(), *WORD_LISTS.values()]:
        if isinstance(value, Msg):
            wanted.add((value.context, value.text))
        elif isinstance(value, PluralMsg):
            wanted.add((value.context, value.singular))
    return wanted


def test_every_shown_text_is_extracted(engine: Engine, tmp_path: Path) -> None:
    pot = tmp_path / "carercheck.pot"
    extract(ROOT, pot)
    missing = shown_texts(engine) - template(pot)
    assert not missing, f"not in the template: {sorted(missing)[:5]}"


def test_the_committed_template_is_up_to_date(tmp_path: Path) -> None:
    pot = tmp_path / "carercheck.pot"
    extract(ROOT, pot)
    assert template(ROOT / "locales" / "carercheck.pot") == template(pot), (
        "run `carercheck i18n extract` and commit locales/carercheck.pot"
    )


def test_the_template_names_flow_and_node_for_translators() -> None:
    text = (ROOT / "locales" / "carercheck.pot").read_text(encoding="utf-8")
    assert 'msgctxt "screening/welcome"' in text
    assert "#. flow screening, node welcome: question" in text
    assert "\n#: " not in text  # no file:line: the template changes only when a text does
    assert str(ROOT) not in text  # no machine paths in the template


def test_a_word_lists_note_reaches_translators() -> None:
    text = (ROOT / "locales" / "carercheck.pot").read_text(encoding="utf-8")
    at = text.index('msgctxt "screening/who_answering:words"\nmsgid ""\n"care worker')
    assert "#. On purpose: a paid carer who types their job" in text[at - 500 : at]
