"""``carercheck i18n extract | update | compile | stats``: Babel, wrapped so everyone works alike.

Translators work only in ``locales/<lang>/LC_MESSAGES/carercheck.po``. A translation drafted
without a native speaker's review carries the translator comment ``machine-drafted``; a
reviewer deletes that line once they have checked the message.
"""

from __future__ import annotations

import re
from contextlib import chdir
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.i18n.catalogs import DOMAIN
from bot.i18n.languages import plural_categories, plural_forms

KEYWORDS = ("N_:1c,2", "NP_:1c,2,3")
TEMPLATE = f"{DOMAIN}.pot"
MACHINE_DRAFTED = "machine-drafted"
"""The translator comment on a message nobody fluent has reviewed yet."""
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def po_path(locales: Path, code: str) -> Path:
    """Where a language's catalog lives."""
    return locales / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract(root: Path, pot: Path) -> None:
    """Write the template of every translatable message in flows/ and bot/ to ``pot``."""
    args = ["pybabel", "-q", "extract", "-F", "babel.cfg", "-o", str(pot.resolve())]
    for keyword in KEYWORDS:
        args += ["-k", keyword]
    args += ["--add-comments", "TRANSLATORS:", "--sort-by-file", "--omit-header"]
    args += ["--no-location", "--project", DOMAIN, "."]
    with chdir(root):  # paths in the template stay relative to the checkout
        CommandLineInterface().run(args)  # type: ignore[no-untyped-call]


def update(locales: Path, codes: list[str]) -> list[Path]:
    """Bring each language's catalog up to the template, creating it if needed.

    New messages arrive empty, changed ones fuzzy; plural forms follow CLDR.
    """
    with (locales / TEMPLATE).open("rb") as fp:
        template = read_po(fp)
    written = []
    for code in codes:
        path = po_path(locales, code)
        catalog = _read(path, code) if path.exists() else Catalog(locale=_base(code), domain=DOMAIN)
        catalog.update(template)
        catalog.fuzzy, catalog.project, catalog.version = False, DOMAIN, "1"
        catalog.obsolete.clear()  # a removed message has no use; git keeps its history
        _cldr_plurals(catalog, code)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fp:
            write_po(fp, catalog, width=100, omit_header=False, sort_output=False)
        written.append(path)
    return written


def compile_all(locales: Path, codes: list[str]) -> list[Path]:
    """Write each catalog's ``.mo`` next to it (fuzzy messages left out)."""
    written = []
    for code in codes:
        path = po_path(locales, code)
        with path.with_suffix(".mo").open("wb") as fp:
            write_mo(fp, _read(path, code))
        written.append(path.with_suffix(".mo"))
    return written


@dataclass(frozen=True)
class Stats:
    """How far a language's catalog has got."""

    language: str
    total: int
    translated: int
    fuzzy: int
    machine_drafted: int

    @property
    def reviewed(self) -> int:
        """Translated messages a fluent reviewer has checked."""
        return self.translated - self.machine_drafted

    @property
    def percent(self) -> float:
        """Translated share, 0-100."""
        return 100.0 * self.translated / self.total if self.total else 100.0


def stats(locales: Path, code: str) -> Stats:
    """Count the catalog's messages: translated, fuzzy, machine-drafted."""
    catalog = _read(po_path(locales, code), code)
    messages = [m for m in catalog if m.id]
    done = [m for m in messages if _translated(m)]
    drafted = [m for m in done if MACHINE_DRAFTED in " ".join(m.user_comments)]
    fuzzy = sum(1 for m in messages if m.fuzzy)
    return Stats(code, len(messages), len(done), fuzzy, len(drafted))


def problems(locales: Path, code: str) -> list[str]:
    """What keeps a catalog from shipping: missing, fuzzy, placeholders, plural forms."""
    path = po_path(locales, code)
    if not path.exists():
        return [f"{code}: no catalog at {path.name}"]
    catalog = _read(path, code)
    found = []
    if catalog.num_plurals != plural_forms(_base(code))[0]:
        found.append(f"{code}: Plural-Forms has {catalog.num_plurals}, CLDR has more or fewer")
    for message in catalog:
        if not message.id:
            continue
        where = f"{code}: [{message.context}] {_first(message.id)[:50]!r}"
        if message.fuzzy:
            found.append(f"{where} is fuzzy")
        elif not _translated(message):
            found.append(f"{where} is not translated")
        else:
            found += [f"{where}: {p}" for p in _placeholder_problems(message)]
    return found


def _base(code: str) -> str:
    """The language of a catalog: "cy" for Welsh Easy Read ("cy@easyread")."""
    return code.split("@", 1)[0]


def _read(path: Path, code: str) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp, locale=_base(code), domain=DOMAIN)


def _cldr_plurals(catalog: Catalog, code: str) -> None:
    """Set Plural-Forms from CLDR and give every plural message one string per form."""
    count, expr = plural_forms(_base(code))
    setattr(catalog, "_num_plurals", count)  # Babel keeps the parsed header here  # noqa: B010
    setattr(catalog, "_plural_expr", expr)  # noqa: B010
    names = ", ".join(f"[{i}] {n}" for i, n in enumerate(plural_categories(_base(code))))
    catalog.header_comment = (
        f"# carercheck messages in {code}.\n# Plural forms (CLDR): msgstr{names}.\n"
        f"# Lines '# {MACHINE_DRAFTED}' mark drafts that still need a fluent reviewer."
    )
    for message in catalog:
        if message.id and isinstance(message.id, tuple | list):
            strings = list(message.string) if isinstance(message.string, tuple | list) else []
            message.string = tuple((strings + [""] * count)[:count])


def _strings(message: Message) -> list[str]:
    value = message.string
    strings = list(value) if isinstance(value, tuple | list) else [value]
    return [s or "" for s in strings]


def _translated(message: Message) -> bool:
    return not message.fuzzy and all(s.strip() for s in _strings(message))


def _first(text: str | tuple[str, ...] | list[str]) -> str:
    return text if isinstance(text, str) else text[0]


def _placeholder_problems(message: Message) -> list[str]:
    wanted = set(PLACEHOLDER.findall(_first(message.id)))
    found = []
    for i, text in enumerate(_strings(message)):
        have = set(PLACEHOLDER.findall(text))
        if have != wanted:
            found.append(f"msgstr[{i}] placeholders {sorted(have)} should be {sorted(wanted)}")
    return found
