"""equity: the subgroups a school records about its students

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 08:00:00

Two tables (atpace/store/tables_equity.py): the categories a school chose to record (none by default) and
the values an administrator set per student. OneRoster demographics stay in ``demographics`` (0005).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "equity_categories",
        sa.Column("school_id", ID, nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("chosen_by_id", ID, nullable=True),
        sa.Column("chosen_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_equity_categories_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["chosen_by_id"],
            ["users.id"],
            name=op.f("fk_equity_categories_chosen_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("school_id", "category", name=op.f("pk_equity_categories")),
    )
    op.create_table(
        "subgroup_values",
        sa.Column("student_id", ID, nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("set_by_id", ID, nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.CheckConstraint("source IN ('admin')", name=op.f("ck_subgroup_values_source_kind")),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_subgroup_values_student_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_subgroup_values_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["users.id"], name=op.f("fk_subgroup_values_set_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("student_id", "category", name=op.f("pk_subgroup_values")),
    )
    op.create_index("ix_subgroup_values_school_category", "subgroup_values", ["school_id", "category"])


def downgrade() -> None:
    op.drop_index("ix_subgroup_values_school_category", table_name="subgroup_values")
    op.drop_table("subgroup_values")
    op.drop_table("equity_categories")
