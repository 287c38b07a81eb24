"""Catalogs: a compiled language is used; a missing message falls back to English, reported once."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from bot.i18n import Catalogs, english, native_name
from bot.i18n.tools import _cldr_plurals


def write_catalog(directory: Path, language: str, messages: dict[tuple[str, str], str]) -> Path:
    """A PO catalog as translators leave it, with CLDR's plural forms (six for Welsh)."""
    catalog = Catalog(locale=language, domain="carercheck")
    for (context, msgid), msgstr in messages.items():
        catalog.add(msgid, msgstr, context=context)
    forms = ("zero {n}", "one {n}", "two {n}", "few {n}", "many {n}", "other {n}")
    catalog.add(("{n} day", "{n} days"), forms, context="system")
    catalog.add("Half done", "Hanner", context="flow/a", flags=["fuzzy"])
    _cldr_plurals(catalog, language)
    out = directory / language / "LC_MESSAGES"
    out.mkdir(parents=True)
    with (out / "carercheck.po").open("wb") as fp:
        write_po(fp, catalog)
    return out / "carercheck.po"


def test_english_is_the_source() -> None:
    tr = english()
    assert tr.pgettext("any/context", "Hello") == "Hello"
    assert tr.npgettext("system", "{n} day", "{n} days", 1) == "{n} day"
    assert tr.npgettext("system", "{n} day", "{n} days", 3) == "{n} days"


def test_a_compiled_catalog_translates_by_context(tmp_path: Path) -> None:
    write_catalog(tmp_path, "cy", {("flow/a", "Yes"): "Ydw", ("flow/b", "Yes"): "Oes"})
    catalogs = Catalogs(tmp_path)
    assert catalogs.languages() == ("en", "cy")
    tr = catalogs.get("cy")
    assert tr.pgettext("flow/a", "Yes") == "Ydw"
    assert tr.pgettext("flow/b", "Yes") == "Oes"  # same English, different context


def test_welsh_plural_forms_come_from_cldr(tmp_path: Path) -> None:
    write_catalog(tmp_path, "cy", {})
    tr = Catalogs(tmp_path).get("cy")
    got = [tr.npgettext("system", "{n} day", "{n} days", n) for n in (0, 1, 2, 3, 6, 7)]
    assert got == ["zero {n}", "one {n}", "two {n}", "few {n}", "many {n}", "other {n}"]


def test_a_fuzzy_message_is_not_used(tmp_path: Path) -> None:
    write_catalog(tmp_path, "cy", {})
    assert Catalogs(tmp_path).get("cy").pgettext("flow/a", "Half done") == "Half done"


def test_a_newer_compiled_catalog_is_used_and_a_stale_one_is_not(tmp_path: Path) -> None:
    po = write_catalog(tmp_path, "cy", {("flow/a", "Yes"): "Ydw"})
    stale = Catalog(locale="cy", domain="carercheck")
    stale.add("Yes", "Old", context="flow/a")
    with po.with_suffix(".mo").open("wb") as fp:
        write_mo(fp, stale)
    newer = po.stat().st_mtime + 10
    os.utime(po.with_suffix(".mo"), (newer, newer))
    assert Catalogs(tmp_path).get("cy").pgettext("flow/a", "Yes") == "Old"
    os.utime(po, (newer + 10, newer + 10))
    assert Catalogs(tmp_path).get("cy").pgettext("flow/a", "Yes") == "Ydw"


def test_missing_message_falls_back_to_english_and_is_reported_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_catalog(tmp_path, "cy", {("flow/a", "Yes"): "Ydw"})
    catalogs = Catalogs(tmp_path)
    tr = catalogs.get("cy")
    with caplog.at_level(logging.WARNING, logger="bot.i18n.catalogs"):
        assert tr.pgettext("flow/a", "Not translated yet") == "Not translated yet"
        assert tr.pgettext("flow/a", "Not translated yet") == "Not translated yet"
    assert len([r for r in caplog.records if "missing translation" in r.message]) == 1
    assert catalogs.missing == {("cy", "flow/a", "Not translated yet")}


def test_every_fallback_is_counted_for_the_metrics(tmp_path: Path) -> None:
    write_catalog(tmp_path, "cy", {("flow/a", "Yes"): "Ydw"})
    counted: list[str] = []
    tr = Catalogs(tmp_path, on_fallback=counted.append).get("cy")
    tr.pgettext("flow/a", "Yes")
    tr.pgettext("flow/a", "Not translated yet")
    tr.npgettext("flow/a", "one apple", "{n} apples", 2)
    assert counted == ["cy", "cy"]  # each time, not only the first (that is the log line)


def test_unknown_language_gets_english(tmp_path: Path) -> None:
    catalogs = Catalogs(tmp_path)
    assert catalogs.get("xx").pgettext("c", "Hello") == "Hello"
    assert not catalogs.supports("xx")


@pytest.mark.parametrize(
    ("code", "name"),
    [("en", "English"), ("cy", "Cymraeg"), ("pa_Arab", "پنجابی (عربی)"), ("ur", "اردو")],
)
def test_languages_are_named_in_their_own_script(code: str, name: str) -> None:
    assert native_name(code) == name


def test_easy_read_comes_first_then_the_usual_words(tmp_path: Path) -> None:
    write_catalog(tmp_path, "cy", {("flow/a", "Yes"): "Ydw", ("flow/a", "Later"): "Wedyn"})
    write_catalog(tmp_path, "cy@easyread", {("flow/a", "Yes"): "Ie"})
    catalogs = Catalogs(tmp_path)
    assert catalogs.languages() == ("en", "cy")  # Easy Read is a register, not a language
    assert catalogs.has_easy_read("cy") and not catalogs.has_easy_read("en")
    easy = catalogs.get("cy", easy_read=True)
    assert easy.pgettext("flow/a", "Yes") == "Ie"
    assert easy.pgettext("flow/a", "Later") == "Wedyn"
    assert catalogs.get("cy").pgettext("flow/a", "Yes") == "Ydw"
    assert catalogs.get("en", easy_read=True).pgettext("flow/a", "Yes") == "Yes"


def test_an_easy_read_catalog_is_read_when_first_asked_for(tmp_path: Path) -> None:
    write_catalog(tmp_path, "cy", {("flow/a", "Yes"): "Ydw", ("flow/a", "Later"): "Wedyn"})
    write_catalog(tmp_path, "cy@easyread", {("flow/a", "Yes"): "Ie", ("flow/a", "Later"): "Wedyn"})
    catalogs = Catalogs(tmp_path)
    easy = catalogs._easy["cy"]
    assert "translations" not in vars(easy)  # not read at start-up
    assert catalogs.get("cy", easy_read=True).pgettext("flow/a", "Yes") == "Ie"
    assert "translations" in vars(easy)
    usual = catalogs._loaded["cy"].translations._catalog  # type: ignore[attr-defined]
    read = easy.translations._catalog  # type: ignore[attr-defined]
    key = next(k for k in read if k == "flow/a\x04Later")
    assert key is next(k for k in usual if k == key)  # the same strings, shared
    assert read[key] is usual[key]
