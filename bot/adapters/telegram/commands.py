"""The bot's command menu, registered with Telegram in every language we have a catalog for."""

from __future__ import annotations

import re

from telegram import BotCommand
from telegram.ext import Application

from bot.i18n import N_, Catalogs, Msg

MENU: tuple[tuple[str, Msg], ...] = (
    ("start", N_("telegram:command", "Start, or show the question we are on")),
    ("help", N_("telegram:command", "Ask the question in other words")),
    ("back", N_("telegram:command", "Change your last answer")),
    ("restart", N_("telegram:command", "Start the questions again")),
    ("language", N_("telegram:command", "Choose your language")),
    ("easyread", N_("telegram:command", "Easy words and pictures, on or off")),
    ("privacy", N_("telegram:command", "What happens to your answers")),
    ("stop", N_("telegram:command", "Stop for now and carry on later")),
    ("status", N_("telegram:command", "Where your referral is")),
    ("forget", N_("telegram:command", "Delete your answers")),
    ("urgent", N_("telegram:command", "Help right now, if someone is in danger")),
)
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
