"""The web chat's transcript: what was said, kept encrypted so a reload can show it again."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from bot.storage.crypto import Cipher, seal, unseal
from bot.storage.models import WebMessage

SHOWN = 60
"""Messages a page shows (the newest)."""


class WebTranscript:
    """Appends to and reads one person's transcript at a time."""

    def __init__(self, db: Engine, cipher: Cipher | None) -> None:
        self.db = db
        self.cipher = cipher

    def append(self, user_id: str, items: list[dict[str, Any]], at: datetime) -> None:
        """Add messages, oldest first."""
        if not items:
            return
        rows = [
            {"user_id": user_id, "payload": seal(self.cipher, json.dumps(i, ensure_ascii=False)),
             "at": at}
            for i in items
        ]  # fmt: skip
        with self.db.begin() as conn:
            conn.execute(insert(WebMessage), rows)

    def recent(self, user_id: str, limit: int = SHOWN) -> list[dict[str, Any]]:
        """The newest ``limit`` messages, oldest first."""
        with self.db.connect() as conn:
            found = conn.execute(
                select(WebMessage.c.payload)
                .where(WebMessage.c.user_id == user_id)
                .order_by(WebMessage.c.id.desc())
                .limit(limit)
            ).scalars()
            items = [json.loads(unseal(self.cipher, p)) for p in found]
        return list(reversed(items))

    def forget(self, user_id: str) -> None:
        """Delete the person's transcript."""
        with self.db.begin() as conn:
            conn.execute(delete(WebMessage).where(WebMessage.c.user_id == user_id))

    def purge(self, before: datetime) -> int:
        """Delete messages older than ``before``; how many."""
        with self.db.begin() as conn:
            return conn.execute(delete(WebMessage).where(WebMessage.c.at < before)).rowcount
