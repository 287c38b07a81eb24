"""The web chat's transcript (encrypted), so a reload shows the conversation so far.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_messages")),
    )
    op.create_index(op.f("ix_web_messages_at"), "web_messages", ["at"], unique=False)
    op.create_index("ix_web_messages_user", "web_messages", ["user_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_web_messages_user", table_name="web_messages")
    op.drop_index(op.f("ix_web_messages_at"), table_name="web_messages")
    op.drop_table("web_messages")
