"""Alembic environment: the engine comes from ``bot.storage.migrate``, not from a URL in a file."""

from alembic import context
from sqlalchemy import text

from bot.storage.models import metadata

MIGRATING = 0x63617265  # "care": the lock every carercheck process takes to migrate
"""Workers that start together on one PostgreSQL database migrate it in turn: the first
migrates, the others wait for it, then find nothing left to do."""

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    if connection.dialect.name == "postgresql":  # held until this transaction ends
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATING})
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
