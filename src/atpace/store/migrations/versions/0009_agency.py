"""goals, self-ratings, reflections

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _school(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["school_id"], ["schools.id"], name=op.f(f"fk_{table}_school_id_schools"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("course_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("minutes_per_week", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.Column("cosigned_by_id", ID, nullable=True),
        sa.Column("cosigned_at", WHEN, nullable=True),
        sa.CheckConstraint("kind IN ('skills', 'time')", name=op.f("ck_goals_kind")),
        sa.CheckConstraint("status IN ('active', 'met', 'missed', 'dropped')", name=op.f("ck_goals_status")),
        sa.CheckConstraint(
            "minutes_per_week IS NULL OR minutes_per_week > 0", name=op.f("ck_goals_minutes_positive")
        ),
        _school("goals"),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_goals_student_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_goals_course_id_courses"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["cosigned_by_id"], ["users.id"], name=op.f("fk_goals_cosigned_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goals_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goals_course_id"), ["course_id"], unique=False)
        batch_op.create_index("ix_goals_student_created", ["student_id", "created_at"], unique=False)

    op.create_table(
        "goal_skills",
        sa.Column("goal_id", ID, nullable=False),
        sa.Column("skill_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_skills_goal_id_goals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_goal_skills_skill_id_skills"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("goal_id", "skill_id", name=op.f("pk_goal_skills")),
    )

    op.create_table(
        "goal_comments",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("goal_id", ID, nullable=False),
        sa.Column("author_id", ID, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _school("goal_comments"),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_comments_goal_id_goals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_goal_comments_author_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_comments")),
    )
    with op.batch_alter_table("goal_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_comments_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_comments_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "self_ratings",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("skill_id", ID, nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 4", name=op.f("ck_self_ratings_rating_range")),
        _school("self_ratings"),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_self_ratings_student_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_self_ratings_skill_id_skills"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_ratings")),
    )
    with op.batch_alter_table("self_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_self_ratings_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_self_ratings_skill_id"), ["skill_id"], unique=False)
        batch_op.create_index(
            "ix_self_ratings_student_skill_time", ["student_id", "skill_id", "created_at"], unique=False
        )

    op.create_table(
        "journal_entries",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("context", sa.String(length=8), nullable=False),
        sa.Column("skill_id", ID, nullable=True),
        sa.Column("assignment_id", ID, nullable=True),
        sa.Column("goal_id", ID, nullable=True),
        sa.Column("helped", sa.Text(), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.CheckConstraint(
            "context IN ('practice', 'work', 'goal', 'free')", name=op.f("ck_journal_entries_context")
        ),
        _school("journal_entries"),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_journal_entries_student_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_journal_entries_skill_id_skills"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_journal_entries_assignment_id_assignments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_journal_entries_goal_id_goals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
        sa.UniqueConstraint("goal_id", name=op.f("uq_journal_entries_goal_id")),
    )
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journal_entries_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_entries_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(
            "ix_journal_entries_student_created", ["student_id", "created_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("journal_entries")
    op.drop_table("self_ratings")
    op.drop_table("goal_comments")
    op.drop_table("goal_skills")
    op.drop_table("goals")
