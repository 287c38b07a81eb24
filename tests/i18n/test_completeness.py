"""Every shipped catalog is complete: CI fails on a missing, fuzzy or broken translation."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n.languages import SUPPORTED
from bot.i18n.tools import problems, stats

LOCALES = Path(__file__).resolve().parent.parent.parent / "locales"
SHIPPED = sorted(p.name for p in LOCALES.iterdir() if (p / "LC_MESSAGES").is_dir())
CODES = {lang.code for lang in SUPPORTED}


def test_only_supported_languages_ship() -> None:
    assert SHIPPED, "no catalogs"
    unknown = [c for c in SHIPPED if c.removesuffix("@easyread") not in CODES | {"en"}]
    assert not unknown, f"not in SUPPORTED: {unknown}"


@pytest.mark.parametrize("code", SHIPPED)
def test_a_shipped_catalog_is_complete(code: str) -> None:
    found = problems(LOCALES, code)
    assert not found, "\n".join(found[:20])
    assert stats(LOCALES, code).percent == 100.0


def test_every_supported_language_ships() -> None:
    missing = sorted(CODES - set(SHIPPED))
    assert not missing, f"supported but not shipped: {missing}"


def test_every_language_has_easy_read() -> None:
    missing = sorted(c for c in CODES | {"en"} if f"{c}@easyread" not in SHIPPED)
    assert not missing, f"no Easy Read catalog: {missing}"
