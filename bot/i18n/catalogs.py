"""Gettext catalogs loaded with Babel, with English fallback that is reported, not silent."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.i18n.cldr import ListLocale, release
from bot.i18n.languages import is_rtl

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
DOMAIN = "carercheck"
EASY_READ = "@easyread"
"""A catalog directory ``<lang>@easyread`` holds that language's Easy Read register."""


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
    lists: Locale | str = SOURCE_LANGUAGE
    """Whose list patterns join items: a :class:`ListLocale`, or a code (read when needed)."""

    def pgettext(self, context: str, message: str) -> str:
        return message

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def join(self, items: list[str]) -> str:
        return format_list(items, locale=self.lists)


def english() -> Translator:
    """The source-language translator: every message as written."""
    return _English()


@dataclass
class _Catalog:
    language: str
    read: Callable[[], _Shared]
    """Reads the catalog: called once, when it is first needed."""
    missing: set[tuple[str, str, str]]
    fell_back: Callable[[str], None]
    lists: Locale

    @cached_property
    def translations(self) -> _Shared:
        """The catalog's messages."""
        return self.read()

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
        return format_list(items, locale=self.lists)

    def _report(self, context: str, message: str) -> None:
        self.fell_back(self.language)  # every time (a count); the log line only the first time
        key = (self.language, context, message)
        if key not in self.missing:
            self.missing.add(key)
            log.warning(
                "missing translation, using English",
                extra={"language": self.language, "context": context},
            )


@dataclass
class _Layered:
    """Easy Read: its own catalog first, then the same language's usual words (reported)."""

    language: str
    easy: Translator
    usual: Translator

    def pgettext(self, context: str, message: str) -> str:
        text = self.easy.pgettext(context, message)
        return text if text is not message else self.usual.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        text = self.easy.npgettext(context, singular, plural, n)
        if text is singular or text is plural:
            return self.usual.npgettext(context, singular, plural, n)
        return text

    def join(self, items: list[str]) -> str:
        return self.usual.join(items)


@dataclass
class Catalogs:
    """The languages the bot can speak: English plus every compiled catalog in ``locales/``.

    Each language's catalog is read at start-up; its Easy Read catalog when someone first asks
    for Easy Read in it (most never do, and a worker need not hold them all).
    """

    directory: Path | None = None
    _loaded: dict[str, Translator] = field(default_factory=dict)
    _easy: dict[str, Translator] = field(default_factory=dict)
    missing: set[tuple[str, str, str]] = field(default_factory=set)
    """(catalog, context, English) of every message that fell back, each reported once."""
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Each language's own name and English name, read from CLDR once, at start-up (as are
    its script's direction and its list patterns; then Babel's CLDR data is released)."""
    on_fallback: Callable[[str], None] = lambda catalog: None
    """Told the catalog's name (``cy``, ``cy@easyread``) each time it lacks a message."""

    def __post_init__(self) -> None:
        lists = {SOURCE_LANGUAGE: ListLocale(SOURCE_LANGUAGE)}
        strings: dict[Any, Any] = {}  # one copy of each key and text, shared by the catalogs
        self._loaded[SOURCE_LANGUAGE] = _English(lists=lists[SOURCE_LANGUAGE])
        if self.directory is not None and self.directory.is_dir():
            for po in sorted(self.directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
                name = po.parent.parent.name
                lang = name.removesuffix(EASY_READ)
                if lang not in lists:
                    lists[lang] = ListLocale(lang)
                easy = name.endswith(EASY_READ)
                read = (
                    partial(self._read_easy, po, lang)
                    if easy
                    else partial(_translations, po, lang, strings)
                )
                catalog = _Catalog(name, read, self.missing, self._fell_back, lists[lang])
                if easy:
                    self._easy[lang] = catalog  # read when someone first asks for Easy Read
                else:
                    self._loaded[lang] = catalog
                    catalog.translations  # noqa: B018 - read now, at start-up
        self.names = {code: (native_name(code), english_name(code)) for code in self._loaded}
        for code in self._loaded:
            is_rtl(code)  # kept by is_rtl: read from CLDR now, not mid-turn
        release()

    def _read_easy(self, po: Path, language: str) -> _Shared:
        """An Easy Read catalog, sharing the strings of its language's usual catalog.

        English has no usual catalog: it shares another language's (the keys are the same).
        """
        read = [c for c in (self._loaded.get(language), *self._loaded.values())
                if isinstance(c, _Catalog)]  # fmt: skip
        return _translations(po, language, read[0].translations.strings() if read else {})

    def _fell_back(self, catalog: str) -> None:
        self.on_fallback(catalog)

    def languages(self) -> tuple[str, ...]:
        """Language codes available, English first."""
        return (SOURCE_LANGUAGE, *sorted(k for k in self._loaded if k != SOURCE_LANGUAGE))

    def get(self, language: str, easy_read: bool = False) -> Translator:
        """The translator for ``language``; English if there is no catalog for it.

        In Easy Read, the language's Easy Read catalog comes first and its usual words fill
        any gap (each gap is reported as missing).
        """
        usual = self._loaded.get(language) or self._loaded[SOURCE_LANGUAGE]
        easy = self._easy.get(language) if easy_read else None
        return usual if easy is None else _Layered(usual.language, easy, usual)

    def has_easy_read(self, language: str) -> bool:
        """Whether there is an Easy Read catalog for ``language``."""
        return language in self._easy

    def supports(self, language: str) -> bool:
        """Whether there is a catalog for ``language``."""
        return language in self._loaded


def _translations(po: Path, language: str, strings: dict[Any, Any]) -> _Shared:
    """A catalog's translations: from its ``.mo`` if that is newer, else compiled from the PO.

    Fuzzy messages are left out, so they fall back to English and are reported. ``strings``
    holds one copy of each key and text, shared with the other catalogs read with it.
    """
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fp:
            return _Shared(fp, strings)
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return _Shared(compiled, strings)


class _Shared(Translations):
    """Babel's translations, sharing their strings with the other catalogs.

    Every catalog keys its messages by context and English text: the same strings in each of
    the 21 catalogs, and an Easy Read catalog repeats many of its language's texts. One copy
    of each saves about 3 MB in a process that loads them all.
    """

    def __init__(self, fp: BinaryIO, strings: dict[Any, Any]) -> None:
        self._strings = strings
        super().__init__(fp, domain=DOMAIN)

    def _parse(self, fp: Any) -> None:
        """Read the catalog (gettext's hook for subclasses), then share its strings."""
        super()._parse(fp)
        shared = self._strings.setdefault
        self._catalog = {
            shared(key, key): shared(text, text) for key, text in self._catalog.items()
        }
        del self._strings  # a catalog read later shares through strings()

    def strings(self) -> dict[Any, Any]:
        """Its keys and texts, each mapped to itself: for a catalog read later to share."""
        return {string: string for pair in self._catalog.items() for string in pair}


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
