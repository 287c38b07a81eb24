"""Anonymous statistics: one row per run through a flow, with nothing about who it was.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run", sa.String(length=32), nullable=False),
        sa.Column("flow", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=32), nullable=False),
        sa.Column("easy_read", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("age_band", sa.String(length=32), nullable=True),
        sa.Column("area", sa.String(length=64), nullable=True),
        sa.Column("last_node", sa.String(length=64), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=True),
        sa.Column("roles", sa.String(length=255), nullable=False),
        sa.Column("referred", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screenings")),
        sa.UniqueConstraint("run", name="uq_screenings_run"),
    )
    op.create_index(op.f("ix_screenings_started_on"), "screenings", ["started_on"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_screenings_started_on"), table_name="screenings")
    op.drop_table("screenings")
