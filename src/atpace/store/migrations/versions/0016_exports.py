"""exports of attempts, mastery and grades, with their progress

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "exports",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("requested_by_id", ID, nullable=True),
        sa.Column("class_id", ID, nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("file_path", sa.String(length=255), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("started_at", WHEN, nullable=True),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.Column("expires_at", WHEN, nullable=True),
        sa.CheckConstraint("kind IN ('attempts', 'mastery', 'grades')", name=op.f("ck_exports_kind_known")),
        sa.CheckConstraint("format IN ('csv', 'parquet')", name=op.f("ck_exports_format_known")),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_exports_status_known")
        ),
        sa.CheckConstraint("rows_done >= 0", name=op.f("ck_exports_rows_done_nonnegative")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_exports_school_id_schools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_exports_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_exports_class_id_classes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exports")),
    )
    op.create_index("ix_exports_school_created", "exports", ["school_id", "created_at"])
    op.create_index("ix_exports_requested_by", "exports", ["requested_by_id", "created_at"])
    op.create_index("ix_exports_expires", "exports", ["expires_at"])
    op.create_index(op.f("ix_exports_class_id"), "exports", ["class_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_exports_class_id"), table_name="exports")
    op.drop_index("ix_exports_expires", table_name="exports")
    op.drop_index("ix_exports_requested_by", table_name="exports")
    op.drop_index("ix_exports_school_created", table_name="exports")
    op.drop_table("exports")
