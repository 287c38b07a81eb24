"""``carercheck i18n``: wraps pybabel so everyone extracts the same way."""

from __future__ import annotations

from contextlib import chdir
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from bot.i18n.catalogs import DOMAIN

KEYWORDS = ("N_:1c,2", "NP_:1c,2,3")


def extract(root: Path, pot: Path) -> None:
    """Write the template of every translatable message in flows/ and bot/ to ``pot``."""
    args = ["pybabel", "-q", "extract", "-F", "babel.cfg", "-o", str(pot.resolve())]
    for keyword in KEYWORDS:
        args += ["-k", keyword]
    args += ["--add-comments", "TRANSLATORS:", "--sort-by-file", "--omit-header"]
    args += ["--project", DOMAIN, "."]
    with chdir(root):  # paths in the template stay relative to the checkout
        CommandLineInterface().run(args)  # type: ignore[no-untyped-call]
