"""Tables. Every change to them is an Alembic migration in ``migrations/versions``.

SQLAlchemy Core tables, not ORM classes: carercheck runs every statement on a connection and
never uses an ORM session, and the ORM alone is about 7 MB in every process. Each table is
named after one of its rows; its columns are ``Conversation.c.state`` and so on.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING = {
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)
"""Every table, with stable constraint names (migrations depend on them)."""


def _belongs_to(name: str, parent: str, *, nullable: bool = False) -> Column[int]:
    """An indexed reference to a row of ``parent``, deleted with it (ON DELETE CASCADE)."""
    return Column(
        name,
        Integer,
        ForeignKey(f"{parent}.id", ondelete="CASCADE"),
        nullable=nullable,
        index=True,
    )


Conversation = Table(
    "conversations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(32), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("state", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column(
        "check_in_at",
        DateTime(timezone=True),
        nullable=True,
        doc="When the person asked to be messaged again; the session JSON holds it too.",
    ),
    UniqueConstraint("channel", "user_id", name="uq_conversations_channel_user"),
    Index("ix_conversations_check_in_at", "check_in_at"),
)
"""One conversation per (channel, user id): the engine's session JSON and a version."""


Referral = Table(
    "referrals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(16), nullable=False),
    Column("organisation", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("channel", String(32), nullable=True),
    Column("user_id", String(128), nullable=True),
    Column("language", String(32), nullable=False),
    Column("easy_read", Boolean, nullable=False),
    Column(
        "payload",
        Text,
        nullable=False,
        doc="The record (``referral_record.build_record``) as encrypted JSON.",
    ),
    Column("age_band", String(32), nullable=True),
    Column("outcome", String(64), nullable=True),
    Column("young", Boolean, nullable=False),
    Column("consent_version", String(16), nullable=False),
    Column("consent_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column(
        "delivered_at",
        DateTime(timezone=True),
        nullable=True,
        doc="When the organisation first had it outside its inbox (e-mail or webhook accepted).",
    ),
    Column(
        "viewed_at",
        DateTime(timezone=True),
        nullable=True,
        doc="When someone at the organisation first opened it in the inbox.",
    ),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("erasure_requested_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("reference", name="uq_referrals_reference"),
    Index("ix_referrals_person", "channel", "user_id"),
    Index("ix_referrals_organisation", "organisation", "status"),
)
"""A referral the person agreed to: the record for the organisation, encrypted.

    ``channel`` and ``user_id`` say where to tell the person about it; both are cleared when
    the person asks to be forgotten. ``status``: new (in the organisation's inbox, not picked
    up), acknowledged, contacted, closed.
    """


Delivery = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _belongs_to("referral_id", "referrals"),
    Column(
        "kind",
        String(16),
        nullable=False,
        doc="referral, or erasure (the person asked for the referral to be deleted).",
    ),
    Column("method", String(16), nullable=False),
    Column("target", String(512), nullable=False),
    Column("secret_name", String(64), nullable=True),
    Column(
        "status",
        String(16),
        nullable=False,
        doc="pending, done or dead (given up after the last attempt; shown on the dashboard).",
    ),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", DateTime(timezone=True), nullable=True),
    Column("last_error", String(300), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("done_at", DateTime(timezone=True), nullable=True),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
)
"""The outbox: one row per way a referral (or an erasure request) goes to an organisation."""


DeliveryAttempt = Table(
    "delivery_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _belongs_to("delivery_id", "deliveries"),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("ok", Boolean, nullable=False),
    Column("detail", String(300), nullable=False),
    Column("worker", String(64), nullable=False),
    Column("duration_ms", Integer, nullable=False),
)
"""One try at a delivery: when, by which worker, how it went. No personal data."""


ReferralEvent = Table(
    "referral_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _belongs_to("referral_id", "referrals"),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("note", Text, nullable=True),
    Column("by", String(64), nullable=False),
)
"""A referral's history: each status change, who made it, and its note (encrypted)."""


Notice = Table(
    "notices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(32), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("text", Text, nullable=False),
    _belongs_to("referral_id", "referrals", nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Index("ix_notices_pending", "channel", "sent_at"),
)
"""A message for a person on their channel (a referral's news), until it is sent.

    ``text`` is rendered in their language and register, and encrypted: a note from the
    organisation may be personal.
    """


User = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False),
    Column("name", String(120), nullable=False),
    Column("organisation", String(64), nullable=True, index=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column(
        "password_changed_at",
        DateTime(timezone=True),
        nullable=True,
        doc="When the password last changed: sessions signed in before then are over.",
    ),
    UniqueConstraint("email", name="uq_users_email"),
)
"""Someone who signs in to the dashboard.

    A worker or an org admin belongs to one organisation; a system admin has none (they manage
    accounts and see no referral).
    """


PasswordReset = Table(
    "password_resets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    _belongs_to("user_id", "users"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
)
"""A one-time link to set a new password, made by an admin; only its hash is kept."""


LoginAttempt = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, index=True),
    Column("client", String(64), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)
"""A failed sign-in, for throttling (by e-mail address and by client address)."""


AuditEntry = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _belongs_to("user_id", "users"),
    Column("organisation", String(64), nullable=False, index=True),
    Column("reference", String(16), nullable=True, index=True),
    Column("action", String(64), nullable=False, doc="opened, status, exported."),
    Column("at", DateTime(timezone=True), nullable=False),
)
"""Who opened, changed or exported which referral, and when."""


ApiToken = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organisation", String(64), nullable=False, index=True),
    Column("name", String(120), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("revoked", Boolean, nullable=False),
    UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
)
"""An organisation's token for the referral API. Only its SHA-256 hash is kept."""


WebMessage = Table(
    "web_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(128), nullable=False),
    Column(
        "payload",
        Text,
        nullable=False,
        doc="One shown message as encrypted JSON: who, text, options, picture, prompt.",
    ),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Index("ix_web_messages_user", "user_id", "id"),
)
"""The web chat's transcript, so a reload shows the conversation so far. Encrypted.

    Deleted with the conversation (``forget``) and when the conversation would be purged.
    """


Screening = Table(
    "screenings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run", String(32), nullable=False),
    Column("flow", String(64), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("started_on", Date, nullable=False, index=True),
    Column("language", String(32), nullable=False),
    Column("easy_read", Boolean, nullable=False),
    Column("source", String(64), nullable=True),
    Column("age_band", String(32), nullable=True),
    Column("area", String(64), nullable=True),
    Column("last_node", String(64), nullable=False),
    Column("answered", Integer, nullable=False),
    Column("outcome", String(64), nullable=True),
    Column("roles", String(255), nullable=False),
    Column("referred", Boolean, nullable=False),
    UniqueConstraint("run", name="uq_screenings_run"),
)
"""One run through a flow, anonymous: no person, no conversation, only what is counted.

    Keyed by the session's random run id (the person's session holds it until it is deleted).
    Areas are kept coarse (a postcode district or a place), and the statistics page never shows
    a count under 5.
    """
