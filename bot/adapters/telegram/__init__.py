"""The Telegram channel: python-telegram-bot handlers in front of ``bot.storage.Conversations``.

``build_application`` makes a PTB ``Application``; ``carercheck telegram`` runs it with long
polling. Handlers turn updates into engine inputs, run the turn and send what it returns.
"""

from bot.adapters.telegram.app import build_application

__all__ = ["build_application"]
