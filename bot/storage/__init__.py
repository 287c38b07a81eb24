"""Storage: saves what the engine returns. SQLAlchemy 2; SQLite by default, PostgreSQL at scale."""

from bot.storage.db import connect
from bot.storage.migrate import upgrade
from bot.storage.store import ConcurrentUpdate, ConversationStore, Stored
from bot.storage.turns import Conversations, Turn

__all__ = [
    "ConcurrentUpdate",
    "ConversationStore",
    "Conversations",
    "Stored",
    "Turn",
    "connect",
    "upgrade",
]
