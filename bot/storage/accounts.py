"""Dashboard accounts: argon2 password hashes, throttled sign-in, and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, Engine, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.storage.db import as_utc
from bot.storage.models import AuditEntry, LoginAttempt, User

ROLES = ("worker", "org_admin", "system_admin")
WINDOW = timedelta(minutes=15)
"""Failed sign-ins count for this long."""
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 20
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
"""Longer is refused before hashing: nobody types more, and it bounds the work."""
HASHER = PasswordHasher()


class Throttled(RuntimeError):
    """Too many failed sign-ins lately; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} s")
        self.retry_after = retry_after


class AccountError(ValueError):
    """An account that cannot be made as asked (a taken e-mail, a role without organisation)."""


@dataclass(frozen=True)
class Account:
    """A signed-in user, as the dashboard needs them (never the password hash)."""

    id: int
    email: str
    name: str
    organisation: str | None
    role: str
    password_changed_at: datetime | None = None
    """Sessions signed in before this are over (None: never changed)."""


def check_password(password: str) -> None:
    """AccountError unless ``password`` is long enough (and not absurdly long)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"a password can have at most {MAX_PASSWORD} characters")


class AccountStore:
    """Users, sign-in and the audit log."""

    def __init__(self, db: Engine) -> None:
        self.db = db

    def add(
        self,
        email: str,
        name: str,
        *,
        organisation: str | None,
        role: str,
        password: str,
        at: datetime,
    ) -> Account:
        """Make an account; AccountError if it cannot be made."""
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        if (role == "system_admin") != (organisation is None):
            raise AccountError("workers and org admins need an organisation; system admins none")
        check_password(password)
        address = email.strip().lower()
        values = {
            "email": address,
            "name": name.strip(),
            "organisation": organisation,
            "role": role,
            "password_hash": HASHER.hash(password),
            "created_at": at,
            "disabled": False,
        }
        try:
            with self.db.begin() as conn:
                row = conn.execute(insert(User).values(**values).returning(User.c.id)).scalar_one()
        except IntegrityError as exc:
            raise AccountError(f"{address} already has an account") from exc
        return Account(int(row), address, name.strip(), organisation, role)

    def get(self, user_id: int) -> Account | None:
        """The account, if it exists and is not disabled."""
        return self._enabled(User.c.id == user_id)

    def find(self, email: str) -> Account | None:
        """The account with this e-mail address (any case), if it exists and is not disabled."""
        return self._enabled(User.c.email == email.strip().lower())

    def _enabled(self, which: ColumnElement[bool]) -> Account | None:
        with self.db.connect() as conn:
            row = conn.execute(select(User).where(which, User.c.disabled.is_(False))).first()
        if row is None:
            return None
        changed = as_utc(row.password_changed_at) if row.password_changed_at else None
        return Account(row.id, row.email, row.name, row.organisation, row.role, changed)

    def people(self, organisation: str | None) -> list[tuple[Account, bool]]:
        """(account, disabled) of one organisation, or of everyone (None), by name."""
        query = select(User).order_by(User.c.name)
        if organisation is not None:
            query = query.where(User.c.organisation == organisation)
        with self.db.connect() as conn:
            rows = conn.execute(query).all()
        return [(Account(r.id, r.email, r.name, r.organisation, r.role), r.disabled) for r in rows]

    def set_disabled(self, user_id: int, disabled: bool, organisation: str | None) -> bool:
        """Disable or enable an account (of ``organisation`` only, unless None); found or not."""
        query = update(User).where(User.c.id == user_id)
        if organisation is not None:
            query = query.where(User.c.organisation == organisation)
        with self.db.begin() as conn:
            return conn.execute(query.values(disabled=disabled)).rowcount == 1

    def sign_in(self, email: str, password: str, client: str, at: datetime) -> Account | None:
        """The account for these credentials, or None; Throttled after too many failures."""
        address = email.strip().lower()
        self._throttle(address, client, at)
        password = password[: MAX_PASSWORD + 1]  # bounds the hashing; still wrong if too long
        with self.db.connect() as conn:
            row = conn.execute(
                select(User).where(User.c.email == address, User.c.disabled.is_(False))
            ).first()
        try:
            if row is None:
                HASHER.hash(password)  # the same work either way: no timing tells who exists
                raise VerificationError
            HASHER.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            with self.db.begin() as conn:
                conn.execute(insert(LoginAttempt).values(email=address, client=client[:64], at=at))
            return None
        with self.db.begin() as conn:
            conn.execute(delete(LoginAttempt).where(LoginAttempt.c.email == address))
            if HASHER.check_needs_rehash(row.password_hash):
                conn.execute(
                    update(User)
                    .where(User.c.id == row.id)
                    .values(password_hash=HASHER.hash(password))
                )
        return Account(row.id, row.email, row.name, row.organisation, row.role)

    def _throttle(self, email: str, client: str, at: datetime) -> None:
        since = at - WINDOW
        with self.db.connect() as conn:
            by_email, by_client, first = conn.execute(
                select(
                    func.count().filter(LoginAttempt.c.email == email),
                    func.count().filter(LoginAttempt.c.client == client[:64]),
                    func.min(LoginAttempt.c.at),
                ).where(
                    LoginAttempt.c.at >= since,
                    or_(LoginAttempt.c.email == email, LoginAttempt.c.client == client[:64]),
                )
            ).one()
        if by_email >= MAX_FAILURES_PER_EMAIL or by_client >= MAX_FAILURES_PER_CLIENT:
            oldest = first if first.tzinfo else first.replace(tzinfo=at.tzinfo)
            raise Throttled(max(1, int((oldest + WINDOW - at).total_seconds())))

    def audit(self, account: Account, reference: str | None, action: str, at: datetime) -> None:
        """Record that ``account`` did ``action`` (opened, status, exported) to a referral."""
        with self.db.begin() as conn:
            conn.execute(
                insert(AuditEntry).values(
                    user_id=account.id,
                    organisation=account.organisation or "",
                    reference=reference,
                    action=action,
                    at=at,
                )
            )

    def audit_trail(self, organisation: str, reference: str) -> list[tuple[datetime, str, str]]:
        """(when, who, what) for a referral, oldest first."""
        with self.db.connect() as conn:
            rows = conn.execute(
                select(AuditEntry.c.at, User.c.name, AuditEntry.c.action)
                .join(User, User.c.id == AuditEntry.c.user_id)
                .where(
                    AuditEntry.c.organisation == organisation, AuditEntry.c.reference == reference
                )
                .order_by(AuditEntry.c.id)
            ).all()
        return [(r.at, r.name, r.action) for r in rows]
