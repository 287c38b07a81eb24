"""Changing a password, and one-time reset links.

A person changes their own password by giving the current one. Someone who has forgotten
theirs gets a reset link from an admin of their organisation (or from ``carercheck users
reset`` on the server). Each link works once, for ``RESET_LIFETIME``; only a SHA-256 hash of
it is stored, a newer link cancels older ones, and a disabled account cannot use one. Either
way, the change ends every session signed in before it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, insert, select, update

from bot.storage.accounts import HASHER, MAX_PASSWORD, Account, check_password
from bot.storage.db import as_utc
from bot.storage.models import PasswordReset, User

RESET_LIFETIME = timedelta(hours=24)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Passwords:
    """Password changes and reset links for dashboard accounts."""

    def __init__(self, db: Engine) -> None:
        self.db = db

    def change(self, account: Account, current: str, new: str, at: datetime) -> bool:
        """Set ``new`` if ``current`` is right (False if not); AccountError if ``new`` is weak."""
        check_password(new)
        with self.db.connect() as conn:
            stored = conn.execute(
                select(User.c.password_hash).where(User.c.id == account.id)
            ).scalar_one_or_none()
        if stored is None:
            return False
        try:
            HASHER.verify(stored, current[: MAX_PASSWORD + 1])
        except (VerificationError, InvalidHashError):
            return False
        self._set(account.id, new, at)
        return True

    def make_reset(self, user_id: int, organisation: str | None, at: datetime) -> str | None:
        """A new reset token for the account (of ``organisation`` only, unless None).

        Returns:
            The token, to be given to the person once; None if there is no such account.
        """
        query = select(User.c.id).where(User.c.id == user_id, User.c.disabled.is_(False))
        if organisation is not None:
            query = query.where(User.c.organisation == organisation)
        token = secrets.token_urlsafe(32)
        with self.db.begin() as conn:
            if conn.execute(query).first() is None:
                return None
            conn.execute(delete(PasswordReset).where(PasswordReset.c.user_id == user_id))
            conn.execute(
                insert(PasswordReset).values(
                    token_hash=_digest(token),
                    user_id=user_id,
                    created_at=at,
                    expires_at=at + RESET_LIFETIME,
                )
            )
        return token

    def reset_for(self, token: str, at: datetime) -> Account | None:
        """Whose password ``token`` resets, if it is unused, in time and theirs is enabled."""
        with self.db.connect() as conn:
            row = conn.execute(
                select(
                    User.c.id,
                    User.c.email,
                    User.c.name,
                    User.c.organisation,
                    User.c.role,
                    PasswordReset.c.expires_at,
                )
                .join(PasswordReset, PasswordReset.c.user_id == User.c.id)
                .where(
                    PasswordReset.c.token_hash == _digest(token),
                    PasswordReset.c.used_at.is_(None),
                    User.c.disabled.is_(False),
                )
            ).first()
        if row is None or as_utc(row.expires_at) <= at:
            return None
        return Account(row.id, row.email, row.name, row.organisation, row.role)

    def reset(self, token: str, new: str, at: datetime) -> Account | None:
        """Set ``new`` with the link (used up); None if the link is no good.

        Raises:
            AccountError: ``new`` is too short or too long (the link stays usable).
        """
        check_password(new)
        account = self.reset_for(token, at)
        if account is None:
            return None
        with self.db.begin() as conn:
            used = conn.execute(
                update(PasswordReset)
                .where(
                    PasswordReset.c.token_hash == _digest(token), PasswordReset.c.used_at.is_(None)
                )
                .values(used_at=at)
            ).rowcount
        if used != 1:  # another request used it first
            return None
        self._set(account.id, new, at)
        return account

    def purge(self, at: datetime) -> int:
        """Delete used and expired links; how many."""
        with self.db.begin() as conn:
            return conn.execute(
                delete(PasswordReset).where(
                    (PasswordReset.c.expires_at <= at) | PasswordReset.c.used_at.is_not(None)
                )
            ).rowcount

    def _set(self, user_id: int, new: str, at: datetime) -> None:
        with self.db.begin() as conn:
            conn.execute(
                update(User)
                .where(User.c.id == user_id)
                .values(password_hash=HASHER.hash(new), password_changed_at=at)
            )
