"""Gettext catalogs loaded with Babel, with English fallback that is reported, not silent."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.support import Translations

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
DOMAIN = "carercheck"


class Translator(Protocol):
    """Translates one language's messages."""

    language: str

    def pgettext(self, context: str, message: str) -> str:
        """``message`` in this language, in ``context`` (flow/node), or English."""

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        """The plural form for ``n`` (CLDR rules of the language), or English."""

    def join(self, items: list[str]) -> str:
        """Items as a list in this language ("a, b and c"), by CLDR's list patterns."""


@dataclass
class _English:
    language: str = SOURCE_LANGUAGE

    def pgettext(self, context: str, message: str) -> str:
        return message

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def join(self, items: list[str]) -> str:
        return format_list(items, locale=SOURCE_LANGUAGE)


def english() -> Translator:
    """The source-language translator: every message as written."""
    return _English()


@dataclass
class _Catalog:
    language: str
    translations: Translations
    missing: set[tuple[str, str]]

    def pgettext(self, context: str, message: str) -> str:
        text = self.translations.upgettext(context, message)
        if text is message:  # Babel hands back the very same object when it has no entry
            self._report(context, message)
        return text

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        text = self.translations.unpgettext(context, singular, plural, n)
        if text is singular or text is plural:
            self._report(context, singular)
        return text

    def join(self, items: list[str]) -> str:
        return format_list(items, locale=self.language)

    def _report(self, context: str, message: str) -> None:
        key = (context, message)
        if key not in self.missing:
            self.missing.add(key)
            log.warning(
                "missing translation, using English",
                extra={"language": self.language, "context": context},
            )


@dataclass
class Catalogs:
    """The languages the bot can speak: English plus every compiled catalog in ``locales/``."""

    directory: Path | None = None
    _loaded: dict[str, Translator] = field(default_factory=dict)
    missing: set[tuple[str, str]] = field(default_factory=set)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Each language's own name and English name, read from CLDR once, at start-up."""

    def __post_init__(self) -> None:
        self._loaded[SOURCE_LANGUAGE] = english()
        if self.directory is not None and self.directory.is_dir():
            for mo in sorted(self.directory.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")):
                lang = mo.parent.parent.name
                with mo.open("rb") as fp:
                    translations = Translations(fp, domain=DOMAIN)
                self._loaded[lang] = _Catalog(lang, translations, self.missing)
        self.names = {code: (native_name(code), english_name(code)) for code in self._loaded}
        for translator in self._loaded.values():  # read CLDR list patterns now, not mid-turn
            translator.join(["a", "b", "c"])

    def languages(self) -> tuple[str, ...]:
        """Language codes available, English first."""
        return (SOURCE_LANGUAGE, *sorted(k for k in self._loaded if k != SOURCE_LANGUAGE))

    def get(self, language: str) -> Translator:
        """The translator for ``language``; English if there is no catalog for it."""
        return self._loaded.get(language) or self._loaded[SOURCE_LANGUAGE]

    def supports(self, language: str) -> bool:
        """Whether there is a catalog for ``language``."""
        return language in self._loaded


def native_name(language: str) -> str:
    """A language's own name in its own script, from CLDR ("Cymraeg", "اردو")."""
    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return language
    name = locale.get_display_name(locale) or language
    return name[:1].upper() + name[1:]


def english_name(language: str) -> str:
    """A language's name in English ("Welsh"), from CLDR."""
    try:
        return Locale.parse(language).get_display_name("en") or language
    except (UnknownLocaleError, ValueError):
        return language
