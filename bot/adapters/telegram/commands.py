"""The bot's command menu, registered with Telegram in every language we have a catalog for."""

from __future__ import annotations

import re

from telegram import BotCommand
from telegram.ext import Application

from bot.adapters.menu import MENU
from bot.i18n import Catalogs

TELEGRAM_LANGUAGE = re.compile(r"[a-z]{2}")
"""Telegram keys command lists by two-letter ISO 639-1 codes only."""


def menus(catalogs: Catalogs) -> dict[str | None, list[BotCommand]]:
    """The command menu per Telegram language code; None is the default (English) menu."""
    found: dict[str | None, list[BotCommand]] = {}
    for lang in catalogs.languages():
        code = None if lang == "en" else lang
        if code is not None and not TELEGRAM_LANGUAGE.fullmatch(code):
            continue  # e.g. pa_Arab: those users see the default menu
        tr = catalogs.get(lang)
        found[code] = [BotCommand(name, tr.pgettext(m.context, m.text)) for name, m in MENU]
    return found


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Set the command menu in each language (run once at start-up, as ``post_init``)."""
    catalogs = application.bot_data["conversations"].engine.catalogs
    for code, commands in menus(catalogs).items():
        await application.bot.set_my_commands(commands, language_code=code)
