"""the audit log: an append-only record of who did what and when

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 04:40:00

Besides the table, triggers on PostgreSQL and SQLite refuse every UPDATE and every DELETE of an entry,
whoever connects. The one DELETE let through is the cascade of the entry's school being deleted (the school
row is gone by then; see atpace/store/tables_audit.py), so that a school can still be removed whole.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)

REFUSAL = "audit entries are append-only"

POSTGRES_TRIGGERS = [
    f"""
    CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND OLD.school_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM schools WHERE id = OLD.school_id) THEN
            RETURN OLD;  -- the cascade of the school's own deletion
        END IF;
        RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
    """,
    """
    CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()
    """,
]

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END
    """,
    f"""
    CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
    WHEN OLD.school_id IS NULL OR EXISTS (SELECT 1 FROM schools WHERE id = OLD.school_id)
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END
    """,
]


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("actor_id", ID, nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject_kind", sa.String(length=24), nullable=True),
        sa.Column("subject_id", ID, nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_audit_entries_school_id_schools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_school_at", "audit_entries", ["school_id", "at"])
    op.create_index(
        "ix_audit_entries_school_subject", "audit_entries", ["school_id", "subject_kind", "subject_id"]
    )
    op.create_index("ix_audit_entries_school_actor", "audit_entries", ["school_id", "actor_id"])
    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": POSTGRES_TRIGGERS, "sqlite": SQLITE_TRIGGERS}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    op.drop_index("ix_audit_entries_school_actor", table_name="audit_entries")
    op.drop_index("ix_audit_entries_school_subject", table_name="audit_entries")
    op.drop_index("ix_audit_entries_school_at", table_name="audit_entries")
    op.drop_table("audit_entries")
