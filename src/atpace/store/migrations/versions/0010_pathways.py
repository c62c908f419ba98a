"""learning resources per skill and their use; mastery checks

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _index(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "class_check_settings",
        sa.Column("class_id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("set_by_id", ID, nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        _fk("class_check_settings", "class_id", "classes", "CASCADE"),
        _fk("class_check_settings", "school_id", "schools", "CASCADE"),
        _fk("class_check_settings", "set_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("class_id", name=op.f("pk_class_check_settings")),
    )
    _index("class_check_settings", "school_id")
    op.create_table(
        "mastery_checks",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("skill_id", ID, nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("mastery_start", sa.Float(), nullable=False),
        sa.Column("mastery_end", sa.Float(), nullable=True),
        sa.Column("right", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'passed', 'failed')", name=op.f("ck_mastery_checks_check_status")
        ),
        _fk("mastery_checks", "school_id", "schools", "CASCADE"),
        _fk("mastery_checks", "student_id", "users", "CASCADE"),
        _fk("mastery_checks", "skill_id", "skills", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mastery_checks")),
    )
    _index("mastery_checks", "school_id", "student_id", "skill_id")
    op.create_table(
        "mastery_check_answers",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("check_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("item_id", ID, nullable=False),
        sa.Column("client_attempt_id", sa.String(length=64), nullable=False),
        sa.Column("response", sa.String(length=500), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("mastery_before", sa.Float(), nullable=False),
        sa.Column("mastery_after", sa.Float(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _fk("mastery_check_answers", "school_id", "schools", "CASCADE"),
        _fk("mastery_check_answers", "check_id", "mastery_checks", "CASCADE"),
        _fk("mastery_check_answers", "student_id", "users", "CASCADE"),
        _fk("mastery_check_answers", "item_id", "items", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mastery_check_answers")),
        sa.UniqueConstraint("check_id", "item_id", name="uq_mastery_check_answers_check_item"),
        sa.UniqueConstraint(
            "student_id", "client_attempt_id", name="uq_mastery_check_answers_student_client"
        ),
    )
    _index("mastery_check_answers", "school_id", "check_id", "item_id")
    op.create_table(
        "learning_resources",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("course_id", ID, nullable=False),
        sa.Column("skill_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.CheckConstraint(
            "kind IN ('worked_example', 'reading', 'video', 'interactive', 'peer_explanation')",
            name=op.f("ck_learning_resources_resource_kind"),
        ),
        _fk("learning_resources", "school_id", "schools", "CASCADE"),
        _fk("learning_resources", "course_id", "courses", "CASCADE"),
        _fk("learning_resources", "skill_id", "skills", "CASCADE"),
        _fk("learning_resources", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_resources")),
    )
    _index("learning_resources", "school_id", "course_id", "skill_id")
    op.create_table(
        "resource_uses",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("resource_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("used_at", WHEN, nullable=False),
        _fk("resource_uses", "school_id", "schools", "CASCADE"),
        _fk("resource_uses", "resource_id", "learning_resources", "CASCADE"),
        _fk("resource_uses", "student_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_uses")),
    )
    _index("resource_uses", "school_id", "resource_id", "student_id")


def downgrade() -> None:
    for table in (
        "resource_uses",
        "learning_resources",
        "mastery_check_answers",
        "mastery_checks",
        "class_check_settings",
    ):
        op.drop_table(table)
