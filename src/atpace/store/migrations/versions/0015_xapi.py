"""xAPI statements waiting in the outbox for the Learning Record Store

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 08:00:00

A school's LRS (``xapi_lrs``), each student's pseudonymous account name (``xapi_accounts``) and the outbox
of statements (``xapi_outbox``); see atpace/store/tables_xapi.py.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "xapi_lrs",
        sa.Column("school_id", ID, nullable=False),
        sa.Column("endpoint", sa.String(length=500), nullable=False),
        sa.Column("home_page", sa.String(length=500), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("secret", sa.String(length=500), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("updated_by_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_xapi_lrs_school_id_schools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_xapi_lrs_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("school_id", name=op.f("pk_xapi_lrs")),
    )
    op.create_table(
        "xapi_accounts",
        sa.Column("student_id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("name", sa.String(length=36), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_xapi_accounts_school_id_schools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_xapi_accounts_student_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("student_id", name=op.f("pk_xapi_accounts")),
        sa.UniqueConstraint("name", name=op.f("uq_xapi_accounts_name")),
    )
    op.create_index(op.f("ix_xapi_accounts_school_id"), "xapi_accounts", ["school_id"])
    op.create_table(
        "xapi_outbox",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=True),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("verb", sa.String(length=24), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("next_attempt_at", WHEN, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("sent_at", WHEN, nullable=True),
        sa.Column("rejected_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_xapi_outbox_school_id_schools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_xapi_outbox_student_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_outbox")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_xapi_outbox_statement_id")),
    )
    op.create_index("ix_xapi_outbox_due", "xapi_outbox", ["sent_at", "next_attempt_at"])
    op.create_index("ix_xapi_outbox_school_sent", "xapi_outbox", ["school_id", "sent_at"])
    op.create_index("ix_xapi_outbox_student", "xapi_outbox", ["student_id"])


def downgrade() -> None:
    op.drop_index("ix_xapi_outbox_student", table_name="xapi_outbox")
    op.drop_index("ix_xapi_outbox_school_sent", table_name="xapi_outbox")
    op.drop_index("ix_xapi_outbox_due", table_name="xapi_outbox")
    op.drop_table("xapi_outbox")
    op.drop_index(op.f("ix_xapi_accounts_school_id"), table_name="xapi_accounts")
    op.drop_table("xapi_accounts")
    op.drop_table("xapi_lrs")
