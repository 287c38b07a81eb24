"""The PTB Application for the Telegram channel."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.adapters.cards import Cards
from bot.adapters.telegram.commands import register_commands
from bot.adapters.telegram.handlers import COMMANDS, Clock, Handlers, utc_now
from bot.storage import Conversations

ALLOWED_UPDATES = ["message", "callback_query"]
CHECK_IN_EVERY = 900.0
"""Seconds between looks for check-ins that have fallen due."""
NOTICES_EVERY = 30.0
"""Seconds between looks for referral news (status changes, notes) to send people."""
RATE_LIMIT = 30.0
"""Messages a second to all chats: Telegram's limit for a bot."""


def build_application(
    token: str,
    base_url: str | None,
    conversations: Conversations,
    clock: Clock = utc_now,
    *,
    check_in_every: float = CHECK_IN_EVERY,
    notices_every: float = NOTICES_EVERY,
    cards: Cards | None = None,
    rate_limit: float = RATE_LIMIT,
) -> Application:  # type: ignore[type-arg]
    """A PTB Application that runs the screening in private chats.

    Args:
        token: The bot token from BotFather.
        base_url: The Bot API base URL (e.g. a local Bot API server); None for Telegram's.
        conversations: The conversations of the "telegram" channel.
        clock: Gives the time of each input.
        check_in_every: Seconds between looks for check-ins that have fallen due, and for
            conversations kept longer than people are told (they are deleted).
        notices_every: Seconds between looks for referral news to send people.
        cards: Draws Easy Read picture cards; None sends Easy Read as text only.
        rate_limit: Messages a second this process sends at most (0: no limit). Telegram's
            limit is for the bot as a whole: with several workers, share it between them.

    Returns:
        The application with its handlers registered; start it with ``run_polling``.
    """
    builder = (
        ApplicationBuilder()
        .token(token)
        .rate_limiter(AIORateLimiter(overall_max_rate=rate_limit))
        .post_init(register_commands)  # the command menu, when run_polling/run_webhook start
    )
    if base_url:
        builder = builder.base_url(base_url)
    application = builder.build()
    h = Handlers(conversations, clock, cards)
    application.bot_data["conversations"] = conversations
    application.add_handler(TypeHandler(Update, h.drop_duplicates), group=-1)
    private = filters.ChatType.PRIVATE
    application.add_handlers(
        [
            MessageHandler(filters.ChatType.GROUPS | filters.ChatType.CHANNEL, h.on_group),
            CommandHandler("start", h.on_start, filters=private),
            CommandHandler(list(COMMANDS), h.on_command, filters=private),
            MessageHandler(filters.COMMAND & private, h.on_command),
            MessageHandler(filters.TEXT & ~filters.COMMAND & private, h.on_text),
            CallbackQueryHandler(h.on_tap),
            MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, h.on_other),
        ]
    )
    if application.job_queue is not None:  # runs once the application is started
        jobs = application.job_queue
        jobs.run_repeating(h.send_check_ins, check_in_every, first=check_in_every, name="check-ins")
        jobs.run_repeating(h.purge, check_in_every, first=check_in_every, name="purge")
        jobs.run_repeating(h.send_notices, notices_every, first=notices_every, name="notices")
    return application
