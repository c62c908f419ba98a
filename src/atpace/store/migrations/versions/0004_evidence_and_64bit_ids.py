"""one evidence path, 64-bit ids, item versions, one mastery-threshold rule

- ``evidence``: every piece of evidence about a student and a skill and how it moved the model.
- Every id column becomes BIGINT on PostgreSQL (the API accepts ids up to 2**63 - 1; SQLite's INTEGER is
  already 64-bit), with the serial sequences widened too.
- ``items``: ``version``, ``is_current`` and ``created_at``; an answered item is edited by adding a version.
- ``courses.mastery_threshold``: the engine's range, [0.5, 1).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

THRESHOLD = "ck_courses_threshold_range"


def _id_columns(bind: sa.Connection) -> list[tuple[str, str]]:
    inspector = sa.inspect(bind)
    return [
        (table, column["name"])
        for table in inspector.get_table_names()
        if table != "alembic_version"
        for column in inspector.get_columns(table)
        if column["name"] == "id" or column["name"].endswith("_id")
        if isinstance(column["type"], sa.Integer)
    ]


def _set_id_width(width: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite: INTEGER is 64-bit already
    for table, column in _id_columns(bind):
        op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {width}')
        if column == "id":
            sequence = bind.scalar(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table})
            if sequence:
                op.execute(f"ALTER SEQUENCE {sequence} AS {width}")


def upgrade() -> None:
    _set_id_width("BIGINT")
    with op.batch_alter_table("courses") as batch_op:
        batch_op.drop_constraint(op.f(THRESHOLD), type_="check")
        batch_op.create_check_constraint(
            op.f(THRESHOLD), "mastery_threshold >= 0.5 AND mastery_threshold < 1.0"
        )
    with op.batch_alter_table("items") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("is_current", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f("uq_items_course_id"), type_="unique")
        batch_op.create_unique_constraint("uq_items_course_key_version", ["course_id", "key", "version"])
    op.create_table(
        "evidence",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("school_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("student_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("skill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("attempt_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=True),
        sa.Column("p_before", sa.Float(), nullable=False),
        sa.Column("p_after", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempts.id"], name=op.f("fk_evidence_attempt_id_attempts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_evidence_item_id_items"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_evidence_school_id_schools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_evidence_skill_id_skills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_evidence_student_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index(op.f("ix_evidence_school_id"), "evidence", ["school_id"])
    op.create_index(op.f("ix_evidence_skill_id"), "evidence", ["skill_id"])
    op.create_index(op.f("ix_evidence_attempt_id"), "evidence", ["attempt_id"])
    op.create_index(op.f("ix_evidence_item_id"), "evidence", ["item_id"])
    op.create_index("ix_evidence_student_skill_time", "evidence", ["student_id", "skill_id", "created_at"])


def downgrade() -> None:
    op.drop_table("evidence")
    # Only the current version of an item survives a downgrade; attempts of older versions move to it.
    op.execute(
        "UPDATE attempts SET item_id = (SELECT cur.id FROM items old JOIN items cur ON cur.course_id = "
        "old.course_id AND cur.key = old.key AND cur.is_current WHERE old.id = attempts.item_id) "
        "WHERE item_id IN (SELECT id FROM items WHERE NOT is_current)"
    )
    op.execute("DELETE FROM items WHERE NOT is_current")
    with op.batch_alter_table("items") as batch_op:
        batch_op.drop_constraint("uq_items_course_key_version", type_="unique")
        batch_op.create_unique_constraint(op.f("uq_items_course_id"), ["course_id", "key"])
        batch_op.drop_column("created_at")
        batch_op.drop_column("is_current")
        batch_op.drop_column("version")
    op.execute("UPDATE courses SET mastery_threshold = 0.51 WHERE mastery_threshold <= 0.5")
    with op.batch_alter_table("courses") as batch_op:
        batch_op.drop_constraint(op.f(THRESHOLD), type_="check")
        batch_op.create_check_constraint(op.f(THRESHOLD), "mastery_threshold > 0.5 AND mastery_threshold < 1")
    _set_id_width("INTEGER")
