"""A checker for Telegram Bot API requests, built from the Bot API as data (api.json)."""

from bot.testing.telegram.server import BackgroundServer, BotApiError, FakeBotApi
from bot.testing.telegram.spec import BotApiSpec, FieldSpec, Limit, MethodSpec, TypeSpec

__all__ = [
    "BackgroundServer",
    "BotApiError",
    "BotApiSpec",
    "FakeBotApi",
    "FieldSpec",
    "Limit",
    "MethodSpec",
    "TypeSpec",
]
