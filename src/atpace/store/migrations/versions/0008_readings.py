"""leveled texts, reading levels, comprehension answers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "readings",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("course_id", ID, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        _fk("readings", "school_id", "schools", "CASCADE"),
        _fk("readings", "course_id", "courses", "CASCADE"),
        _fk("readings", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readings")),
        sa.UniqueConstraint("course_id", "key", name="uq_readings_course_key"),
    )
    _indexes("readings", "school_id", "course_id")

    op.create_table(
        "reading_versions",
        sa.Column("id", ID, nullable=False),
        sa.Column("reading_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("flesch_kincaid_grade", sa.Float(), nullable=False),
        sa.Column("dale_chall", sa.Float(), nullable=False),
        sa.Column("words", sa.Integer(), nullable=False),
        sa.Column("sentences", sa.Integer(), nullable=False),
        sa.Column("words_per_sentence", sa.Float(), nullable=False),
        sa.Column("letters_per_word", sa.Float(), nullable=False),
        sa.Column("estimated_grade", sa.Float(), nullable=False),
        sa.Column("grade_band", sa.String(length=16), nullable=False),
        _fk("reading_versions", "reading_id", "readings", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_versions")),
        sa.UniqueConstraint("reading_id", "position", name="uq_reading_versions_reading_position"),
    )
    _indexes("reading_versions", "reading_id")

    op.create_table(
        "reading_questions",
        sa.Column("id", ID, nullable=False),
        sa.Column("version_id", ID, nullable=True),
        sa.Column("reading_id", ID, nullable=False),
        sa.Column("skill_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('multiple_choice', 'short_text')", name=op.f("ck_reading_questions_question_kind")
        ),
        _fk("reading_questions", "version_id", "reading_versions", "SET NULL"),
        _fk("reading_questions", "reading_id", "readings", "CASCADE"),
        _fk("reading_questions", "skill_id", "skills", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_questions")),
    )
    _indexes("reading_questions", "version_id", "reading_id", "skill_id")

    op.create_table(
        "reading_levels",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("course_id", ID, nullable=False),
        sa.Column("level", sa.Float(), nullable=False),
        sa.Column("start_level", sa.Float(), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("set_by_id", ID, nullable=True),
        sa.Column("texts", sa.Integer(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.CheckConstraint("level >= 1 AND level <= 13", name=op.f("ck_reading_levels_level_range")),
        _fk("reading_levels", "school_id", "schools", "CASCADE"),
        _fk("reading_levels", "student_id", "users", "CASCADE"),
        _fk("reading_levels", "course_id", "courses", "CASCADE"),
        _fk("reading_levels", "set_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_levels")),
        sa.UniqueConstraint("student_id", "course_id", name="uq_reading_levels_student_course"),
    )
    _indexes("reading_levels", "school_id", "student_id", "course_id")

    op.create_table(
        "reading_answers",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("question_id", ID, nullable=False),
        sa.Column("response", sa.String(length=500), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("mastery_before", sa.Float(), nullable=False),
        sa.Column("mastery_after", sa.Float(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _fk("reading_answers", "school_id", "schools", "CASCADE"),
        _fk("reading_answers", "student_id", "users", "CASCADE"),
        _fk("reading_answers", "question_id", "reading_questions", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_answers")),
        sa.UniqueConstraint("student_id", "question_id", name="uq_reading_answers_student_question"),
    )
    _indexes("reading_answers", "school_id", "student_id", "question_id")

    op.create_table(
        "reading_results",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("reading_id", ID, nullable=False),
        sa.Column("version_id", ID, nullable=True),
        sa.Column("right_answers", sa.Integer(), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("estimated_grade", sa.Float(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("level_before", sa.Float(), nullable=False),
        sa.Column("level_after", sa.Float(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _fk("reading_results", "school_id", "schools", "CASCADE"),
        _fk("reading_results", "student_id", "users", "CASCADE"),
        _fk("reading_results", "reading_id", "readings", "CASCADE"),
        _fk("reading_results", "version_id", "reading_versions", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_results")),
        sa.UniqueConstraint("student_id", "version_id", name="uq_reading_results_student_version"),
    )
    _indexes("reading_results", "school_id", "student_id", "reading_id", "version_id")


def downgrade() -> None:
    for table in (
        "reading_results", "reading_answers", "reading_levels", "reading_questions", "reading_versions",
        "readings",
    ):  # fmt: skip
        op.drop_table(table)
