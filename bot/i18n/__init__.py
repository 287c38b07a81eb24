"""Translation: English is the source text; catalogs come from ``locales/`` as gettext files.

The engine asks a ``Translator`` for every text it shows. A missing translation falls back to
English and is reported once per message and language.
"""

from bot.i18n.catalogs import Catalogs, Translator, english, english_name, native_name

__all__ = ["N_", "Catalogs", "Translator", "english", "english_name", "native_name"]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, don't translate"
    """Mark ``message`` for extraction without translating it here."""
    return message
