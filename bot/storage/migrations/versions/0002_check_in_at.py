"""Conversations: when the person asked to be messaged again (a check-in), indexed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("check_in_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_conversations_check_in_at", ["check_in_at"])


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_index("ix_conversations_check_in_at")
        batch.drop_column("check_in_at")
