"""privacy: erasure requests with their grace period and second confirmation

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)
OPEN = "executed_at IS NULL AND cancelled_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "erasure_requests",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("requested_by_id", ID, nullable=True),
        sa.Column("requested_at", WHEN, nullable=False),
        sa.Column("confirmed_by_id", ID, nullable=True),
        sa.Column("confirmed_at", WHEN, nullable=True),
        sa.Column("executes_after", WHEN, nullable=True),
        sa.Column("executed_at", WHEN, nullable=True),
        sa.Column("cancelled_by_id", ID, nullable=True),
        sa.Column("cancelled_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_erasure_requests_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
            name=op.f("fk_erasure_requests_student_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_erasure_requests_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_erasure_requests_confirmed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"],
            ["users.id"],
            name=op.f("fk_erasure_requests_cancelled_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_requests")),
    )
    op.create_index(op.f("ix_erasure_requests_school_id"), "erasure_requests", ["school_id"])
    op.create_index("ix_erasure_requests_due", "erasure_requests", ["executes_after"])
    op.create_index(
        "uq_erasure_requests_open_student", "erasure_requests", ["student_id"], unique=True,
        sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("uq_erasure_requests_open_student", table_name="erasure_requests")
    op.drop_index("ix_erasure_requests_due", table_name="erasure_requests")
    op.drop_index(op.f("ix_erasure_requests_school_id"), table_name="erasure_requests")
    op.drop_table("erasure_requests")
