"""rate counters shared by every worker and machine: the sign-in throttle

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("minute", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "minute", name=op.f("pk_rate_counters")),
    )
    op.create_index(op.f("ix_rate_counters_minute"), "rate_counters", ["minute"])


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_counters_minute"), table_name="rate_counters")
    op.drop_table("rate_counters")
