"""Translation: English is the source text; catalogs come from ``locales/`` as gettext files.

The engine asks a ``Translator`` for every text it shows. A missing translation falls back to
English and is reported once per message and language.
"""

from typing import NamedTuple

from bot.i18n.catalogs import Catalogs, Translator, english, english_name, native_name

__all__ = [
    "NP_",
    "N_",
    "Catalogs",
    "Msg",
    "PluralMsg",
    "Translator",
    "english",
    "english_name",
    "native_name",
]


class Msg(NamedTuple):
    """A message in code: its context and its English text."""

    context: str
    text: str


class PluralMsg(NamedTuple):
    """A message with plural forms: context, English singular and plural."""

    context: str
    singular: str
    plural: str


def N_(context: str, text: str) -> Msg:  # noqa: N802 - gettext's "mark, don't translate"
    """Mark ``text`` in ``context`` for extraction; translate it later with a Translator."""
    return Msg(context, text)


def NP_(context: str, singular: str, plural: str) -> PluralMsg:  # noqa: N802
    """Mark a message with plural forms for extraction."""
    return PluralMsg(context, singular, plural)
