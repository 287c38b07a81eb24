"""The languages carercheck ships, with what a translator or reviewer needs to know."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.plural import to_gettext


@dataclass(frozen=True)
class Language:
    """A shipped language: its gettext code and a note ("Gurmukhi", "right to left")."""

    code: str
    note: str = ""

    @property
    def rtl(self) -> bool:
        """Whether the script runs right to left (from CLDR)."""
        return is_rtl(self.code)


@cache
def is_rtl(code: str) -> bool:
    """Whether ``code``'s script runs right to left, from CLDR (False for an unknown code)."""
    try:
        return Locale.parse(code).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return False


SUPPORTED: tuple[Language, ...] = (
    Language("cy"),
    Language("pl"),
    Language("ro"),
    Language("pa", "Gurmukhi script"),
    Language("ur", "right to left"),
    Language("bn"),
    Language("gu"),
    Language("ar", "right to left"),
    Language("so"),
    Language("pa_Arab", "Shahmukhi script; right to left"),
)
"""Every language besides English that must be 100% translated (CI checks it)."""


def plural_forms(code: str) -> tuple[int, str]:
    """(nplurals, plural expression) from CLDR's rules: Welsh and Arabic have six forms."""
    header = to_gettext(Locale.parse(code).plural_form)  # "nplurals=6; plural=(...);"
    count, _, expr = header.partition(";")
    return int(count.split("=")[1]), expr.strip().removeprefix("plural=").rstrip(";")


def plural_categories(code: str) -> list[str]:
    """The CLDR category of each msgstr[i] ("zero", "one", ... "other"), in index order."""
    rule = Locale.parse(code).plural_form
    tags = [t for t in ("zero", "one", "two", "few", "many") if t in rule.tags]
    return [*tags, "other"]
