"""API tokens: made once and shown once; only a SHA-256 hash is stored.

A token is 256 random bits, so a fast hash is enough (a slow password hash protects guessable
secrets; nobody can guess these). Looking one up by its hash takes one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import Engine, insert, select, update

from bot.storage.models import ApiToken

PREFIX = "cc_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    """Makes, checks and revokes API tokens."""

    def __init__(self, db: Engine) -> None:
        self.db = db

    def add(self, organisation: str, name: str, at: datetime) -> str:
        """A new token for ``organisation``; this is the only time it is seen."""
        token = PREFIX + secrets.token_urlsafe(32)
        with self.db.begin() as conn:
            conn.execute(
                insert(ApiToken).values(
                    organisation=organisation,
                    name=name,
                    token_hash=_hash(token),
                    created_at=at,
                    revoked=False,
                )
            )
        return token

    def organisation(self, token: str, at: datetime) -> str | None:
        """The organisation this token acts for, or None (unknown or revoked)."""
        if not token.startswith(PREFIX):
            return None
        digest = _hash(token)
        with self.db.begin() as conn:
            found = conn.execute(
                select(ApiToken.c.id, ApiToken.c.organisation).where(
                    ApiToken.c.token_hash == digest, ApiToken.c.revoked.is_(False)
                )
            ).first()
            if found is None:
                return None
            conn.execute(update(ApiToken).where(ApiToken.c.id == found.id).values(last_used_at=at))
        return str(found.organisation)

    def revoke(self, organisation: str, name: str) -> int:
        """Revoke the organisation's tokens of this name; how many."""
        with self.db.begin() as conn:
            return conn.execute(
                update(ApiToken)
                .where(ApiToken.c.organisation == organisation, ApiToken.c.name == name)
                .values(revoked=True)
            ).rowcount
