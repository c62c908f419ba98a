"""teacher overrides, practice modes, review memories, placement

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 23:31:33.259621
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "practice_mode_settings",
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "mode IN ('standard', 'challenge', 'support')", name=op.f("ck_practice_mode_settings_mode_kind")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_practice_mode_settings_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["users.id"],
            name=op.f("fk_practice_mode_settings_set_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
            name=op.f("fk_practice_mode_settings_student_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("student_id", name=op.f("pk_practice_mode_settings")),
    )
    with op.batch_alter_table("practice_mode_settings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_mode_settings_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_mode_settings_set_by_id"), ["set_by_id"], unique=False)

    op.create_table(
        "review_memories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_review_memories_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_review_memories_skill_id_skills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_review_memories_student_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_memories")),
        sa.UniqueConstraint("student_id", "skill_id", name=op.f("uq_review_memories_student_id")),
    )
    with op.batch_alter_table("review_memories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_memories_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_memories_skill_id"), ["skill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_memories_student_id"), ["student_id"], unique=False)

    op.create_table(
        "skill_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("action IN ('lock', 'unlock')", name=op.f("ck_skill_overrides_action_kind")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_skill_overrides_decided_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_skill_overrides_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_skill_overrides_skill_id_skills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_skill_overrides_student_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_overrides")),
    )
    with op.batch_alter_table("skill_overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skill_overrides_decided_by_id"), ["decided_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_skill_overrides_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_skill_overrides_skill_id"), ["skill_id"], unique=False)
        batch_op.create_index("ix_skill_overrides_student_skill", ["student_id", "skill_id"], unique=False)

    op.create_table(
        "placement_sessions",
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("current_item_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_placement_sessions_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["current_item_id"],
            ["items.id"],
            name=op.f("fk_placement_sessions_current_item_id_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_placement_sessions_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
            name=op.f("fk_placement_sessions_student_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("student_id", name=op.f("pk_placement_sessions")),
    )
    with op.batch_alter_table("placement_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_sessions_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_sessions_school_id"), ["school_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("placement_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_sessions_school_id"))
        batch_op.drop_index(batch_op.f("ix_placement_sessions_course_id"))

    op.drop_table("placement_sessions")
    with op.batch_alter_table("skill_overrides", schema=None) as batch_op:
        batch_op.drop_index("ix_skill_overrides_student_skill")
        batch_op.drop_index(batch_op.f("ix_skill_overrides_skill_id"))
        batch_op.drop_index(batch_op.f("ix_skill_overrides_school_id"))
        batch_op.drop_index(batch_op.f("ix_skill_overrides_decided_by_id"))

    op.drop_table("skill_overrides")
    with op.batch_alter_table("review_memories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_memories_student_id"))
        batch_op.drop_index(batch_op.f("ix_review_memories_skill_id"))
        batch_op.drop_index(batch_op.f("ix_review_memories_school_id"))

    op.drop_table("review_memories")
    with op.batch_alter_table("practice_mode_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_mode_settings_set_by_id"))
        batch_op.drop_index(batch_op.f("ix_practice_mode_settings_school_id"))

    op.drop_table("practice_mode_settings")
