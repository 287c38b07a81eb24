"""CLDR facts are read once and Babel's data let go; catalogs share their strings."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel import core, localedata
from babel.lists import format_list

from bot.i18n import Catalogs
from bot.i18n.cldr import ListLocale
from bot.i18n.languages import SUPPORTED, is_rtl

ROOT = Path(__file__).resolve().parents[2]
CODES = ["en", *(lang.code for lang in SUPPORTED)]


@pytest.mark.parametrize("code", CODES)
def test_lists_are_joined_as_babel_joins_them(code: str) -> None:
    kept = ListLocale(code)
    for n in range(5):
        items = [f"item{i}" for i in range(n)]
        assert format_list(items, locale=kept) == format_list(items, locale=code)


def test_the_catalogs_keep_what_they_need_and_babel_keeps_nothing() -> None:
    catalogs = Catalogs(ROOT / "locales")
    assert not localedata._cache
    assert core._global_data is None
    assert catalogs.get("cy").join(["te", "coffi", "llaeth"]) == "te, coffi, a(c) llaeth"
    assert catalogs.get("en").join(["tea", "coffee", "milk"]) == "tea, coffee, and milk"
    assert catalogs.names["ur"] == ("اردو", "Urdu")
    assert is_rtl("ar") and not is_rtl("pl")
    assert not localedata._cache  # none of that loaded Babel's data again
    assert core._global_data is None


def test_catalogs_share_one_copy_of_each_string() -> None:
    catalogs = Catalogs(ROOT / "locales")
    welsh, polish = (catalogs._loaded[code].translations._catalog for code in ("cy", "pl"))  # type: ignore[attr-defined]
    shared = [key for key in welsh if key in polish]
    assert len(shared) > 100
    assert all(next(k for k in polish if k == key) is key for key in shared[:50])
    context, _, message = next(k for k in shared if "\x04" in k).partition("\x04")
    assert catalogs.get("cy").pgettext(context, message) == welsh[f"{context}\x04{message}"]
