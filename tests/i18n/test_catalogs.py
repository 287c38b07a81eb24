"""Catalogs: a compiled language is used; a missing message falls back to English, reported once."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from bot.i18n import Catalogs, english, native_name


def compile_catalog(directory: Path, language: str, messages: dict[tuple[str, str], str]) -> None:
    catalog = Catalog(locale=language, domain="carercheck")
    for (context, msgid), msgstr in messages.items():
        catalog.add(msgid, msgstr, context=context)
    forms = ("other {n}", "one {n}", "two {n}", "few {n}", "many {n}")  # Babel's cy table
    catalog.add(("{n} day", "{n} days"), forms, context="system")
    out = directory / language / "LC_MESSAGES"
    out.mkdir(parents=True)
    with (out / "carercheck.mo").open("wb") as fp:
        write_mo(fp, catalog)


def test_english_is_the_source() -> None:
    tr = english()
    assert tr.pgettext("any/context", "Hello") == "Hello"
    assert tr.npgettext("system", "{n} day", "{n} days", 1) == "{n} day"
    assert tr.npgettext("system", "{n} day", "{n} days", 3) == "{n} days"


def test_a_compiled_catalog_translates_by_context(tmp_path: Path) -> None:
    compile_catalog(tmp_path, "cy", {("flow/a", "Yes"): "Ydw", ("flow/b", "Yes"): "Oes"})
    catalogs = Catalogs(tmp_path)
    assert catalogs.languages() == ("en", "cy")
    tr = catalogs.get("cy")
    assert tr.pgettext("flow/a", "Yes") == "Ydw"
    assert tr.pgettext("flow/b", "Yes") == "Oes"  # same English, different context


def test_welsh_plural_forms_come_from_cldr(tmp_path: Path) -> None:
    compile_catalog(tmp_path, "cy", {})
    tr = Catalogs(tmp_path).get("cy")
    got = [tr.npgettext("system", "{n} day", "{n} days", n) for n in (0, 1, 2, 3, 6, 7)]
    assert got == ["other {n}", "one {n}", "two {n}", "few {n}", "many {n}", "other {n}"]


def test_missing_message_falls_back_to_english_and_is_reported_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    compile_catalog(tmp_path, "cy", {("flow/a", "Yes"): "Ydw"})
    catalogs = Catalogs(tmp_path)
    tr = catalogs.get("cy")
    with caplog.at_level(logging.WARNING, logger="bot.i18n.catalogs"):
        assert tr.pgettext("flow/a", "Not translated yet") == "Not translated yet"
        assert tr.pgettext("flow/a", "Not translated yet") == "Not translated yet"
    assert len([r for r in caplog.records if "missing translation" in r.message]) == 1
    assert catalogs.missing == {("flow/a", "Not translated yet")}


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
