"""the teacher's week: student groups, assignments (targets, checkpoints, extensions, completions),
submissions and their files, rubrics and feedback, in-app messages, the strategy library, rubric evidence

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:29:36.178122
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rubrics",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("archived_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_rubrics_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_rubrics_school_id_schools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rubrics")),
    )
    with op.batch_alter_table("rubrics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rubrics_school_id"), ["school_id"], unique=False)

    op.create_table(
        "stored_files",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("uploaded_by_id", ID, nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_stored_files_school_id_schools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_stored_files_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
        sa.UniqueConstraint("path", name=op.f("uq_stored_files_path")),
    )
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stored_files_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stored_files_uploaded_by_id"), ["uploaded_by_id"], unique=False)

    op.create_table(
        "strategies",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("grade_band", sa.String(length=32), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_strategies_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_strategies_school_id_schools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategies")),
    )
    with op.batch_alter_table("strategies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strategies_school_id"), ["school_id"], unique=False)

    op.create_table(
        "rubric_criteria",
        sa.Column("id", ID, nullable=False),
        sa.Column("rubric_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("skill_id", ID, nullable=True),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rubric_id"],
            ["rubrics.id"],
            name=op.f("fk_rubric_criteria_rubric_id_rubrics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_rubric_criteria_skill_id_skills"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rubric_criteria")),
    )
    with op.batch_alter_table("rubric_criteria", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rubric_criteria_rubric_id"), ["rubric_id"], unique=False)

    op.create_table(
        "strategy_comments",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("strategy_id", ID, nullable=False),
        sa.Column("author_id", ID, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_strategy_comments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_strategy_comments_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_strategy_comments_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy_comments")),
    )
    with op.batch_alter_table("strategy_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strategy_comments_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_strategy_comments_strategy_id"), ["strategy_id"], unique=False)

    op.create_table(
        "strategy_materials",
        sa.Column("id", ID, nullable=False),
        sa.Column("strategy_id", ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("file_id", ID, nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_files.id"],
            name=op.f("fk_strategy_materials_file_id_stored_files"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_strategy_materials_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy_materials")),
    )
    with op.batch_alter_table("strategy_materials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strategy_materials_strategy_id"), ["strategy_id"], unique=False)

    op.create_table(
        "strategy_skills",
        sa.Column("strategy_id", ID, nullable=False),
        sa.Column("skill_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_strategy_skills_skill_id_skills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_strategy_skills_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("strategy_id", "skill_id", name=op.f("pk_strategy_skills")),
    )
    with op.batch_alter_table("strategy_skills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strategy_skills_skill_id"), ["skill_id"], unique=False)

    op.create_table(
        "student_groups",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("class_id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("skill_id", ID, nullable=True),
        sa.Column("focus", sa.JSON(), nullable=False),
        sa.Column("activity", sa.Text(), nullable=False),
        sa.Column("strategy_id", ID, nullable=True),
        sa.Column("baseline", sa.JSON(), nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("dissolved_at", WHEN, nullable=True),
        sa.CheckConstraint(
            "kind IN ('ready', 'needs', 'extend', 'custom')", name=op.f("ck_student_groups_group_kind")
        ),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_student_groups_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_student_groups_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_student_groups_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_student_groups_skill_id_skills"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_student_groups_strategy_id_strategies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_groups")),
    )
    with op.batch_alter_table("student_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_student_groups_class_id"), ["class_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_student_groups_school_id"), ["school_id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("class_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("skill_keys", sa.JSON(), nullable=False),
        sa.Column("rubric_id", ID, nullable=True),
        sa.Column("accepts_text", sa.Boolean(), nullable=False),
        sa.Column("accepts_files", sa.Boolean(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("group_id", ID, nullable=True),
        sa.Column("open_at", WHEN, nullable=False),
        sa.Column("due_at", WHEN, nullable=True),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("archived_at", WHEN, nullable=True),
        sa.CheckConstraint(
            "kind IN ('practice', 'task', 'project')", name=op.f("ck_assignments_assignment_kind")
        ),
        sa.CheckConstraint(
            "target IN ('class', 'group', 'students')", name=op.f("ck_assignments_target_kind")
        ),
        sa.CheckConstraint("due_at IS NULL OR due_at >= open_at", name=op.f("ck_assignments_due_after_open")),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_assignments_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_assignments_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["student_groups.id"],
            name=op.f("fk_assignments_group_id_student_groups"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rubric_id"], ["rubrics.id"], name=op.f("fk_assignments_rubric_id_rubrics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_assignments_school_id_schools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_class_id"), ["class_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_rubric_id"), ["rubric_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_school_id"), ["school_id"], unique=False)

    op.create_table(
        "strategy_uses",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("strategy_id", ID, nullable=False),
        sa.Column("teacher_id", ID, nullable=True),
        sa.Column("class_id", ID, nullable=True),
        sa.Column("group_id", ID, nullable=True),
        sa.Column("used_on", WHEN, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_strategy_uses_class_id_classes"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["student_groups.id"],
            name=op.f("fk_strategy_uses_group_id_student_groups"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_strategy_uses_school_id_schools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_strategy_uses_strategy_id_strategies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"], ["users.id"], name=op.f("fk_strategy_uses_teacher_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy_uses")),
    )
    with op.batch_alter_table("strategy_uses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strategy_uses_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_strategy_uses_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_strategy_uses_strategy_id"), ["strategy_id"], unique=False)

    op.create_table(
        "student_group_members",
        sa.Column("group_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("added_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["student_groups.id"],
            name=op.f("fk_student_group_members_group_id_student_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
            name=op.f("fk_student_group_members_student_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "student_id", name=op.f("pk_student_group_members")),
    )
    with op.batch_alter_table("student_group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_student_group_members_student_id"), ["student_id"], unique=False)

    op.create_table(
        "assignment_checkpoints",
        sa.Column("id", ID, nullable=False),
        sa.Column("assignment_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_checkpoints_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_checkpoints")),
        sa.UniqueConstraint("assignment_id", "position", name="uq_assignment_checkpoints_position"),
    )
    with op.batch_alter_table("assignment_checkpoints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_checkpoints_assignment_id"), ["assignment_id"], unique=False
        )

    op.create_table(
        "assignment_completions",
        sa.Column("assignment_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("completed_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_completions_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
            name=op.f("fk_assignment_completions_student_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assignment_id", "student_id", name=op.f("pk_assignment_completions")),
    )
    with op.batch_alter_table("assignment_completions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_completions_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "assignment_extensions",
        sa.Column("assignment_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("granted_by_id", ID, nullable=True),
        sa.Column("granted_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_extensions_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["users.id"],
            name=op.f("fk_assignment_extensions_granted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
            name=op.f("fk_assignment_extensions_student_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assignment_id", "student_id", name=op.f("pk_assignment_extensions")),
    )
    with op.batch_alter_table("assignment_extensions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_extensions_student_id"), ["student_id"], unique=False)

    op.create_table(
        "assignment_recipients",
        sa.Column("assignment_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_recipients_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
            name=op.f("fk_assignment_recipients_student_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assignment_id", "student_id", name=op.f("pk_assignment_recipients")),
    )
    with op.batch_alter_table("assignment_recipients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_recipients_student_id"), ["student_id"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("recipient_id", ID, nullable=False),
        sa.Column("author_id", ID, nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("assignment_id", ID, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("read_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_messages_assignment_id_assignments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_messages_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_messages_recipient_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_messages_school_id_schools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_recipient_read", ["recipient_id", "read_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_messages_school_id"), ["school_id"], unique=False)

    op.create_table(
        "submissions",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("assignment_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("submitted_at", WHEN, nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'returned', 'graded')", name=op.f("ck_submissions_status_kind")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_submissions_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_submissions_school_id_schools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_submissions_student_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("assignment_id", "student_id", "step", "version", name="uq_submissions_version"),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_submissions_assignment_student", ["assignment_id", "student_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_submissions_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_student_id"), ["student_id"], unique=False)

    op.create_table(
        "feedback",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("submission_id", ID, nullable=False),
        sa.Column("teacher_id", ID, nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.CheckConstraint("decision IN ('graded', 'returned')", name=op.f("ck_feedback_decision_kind")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_feedback_school_id_schools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_feedback_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"], ["users.id"], name=op.f("fk_feedback_teacher_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_feedback_submission_id")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_school_id"), ["school_id"], unique=False)

    op.create_table(
        "submission_files",
        sa.Column("submission_id", ID, nullable=False),
        sa.Column("file_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_files.id"],
            name=op.f("fk_submission_files_file_id_stored_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_submission_files_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", "file_id", name=op.f("pk_submission_files")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feedback_id", ID, nullable=True))
        batch_op.add_column(sa.Column("credit", sa.Float(), nullable=True))
        batch_op.create_index(batch_op.f("ix_evidence_feedback_id"), ["feedback_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_feedback_id"))
        batch_op.drop_column("credit")
        batch_op.drop_column("feedback_id")

    op.drop_table("submission_files")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_school_id"))

    op.drop_table("feedback")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_student_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_school_id"))
        batch_op.drop_index("ix_submissions_assignment_student")

    op.drop_table("submissions")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_school_id"))
        batch_op.drop_index("ix_messages_recipient_read")

    op.drop_table("messages")
    with op.batch_alter_table("assignment_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_recipients_student_id"))

    op.drop_table("assignment_recipients")
    with op.batch_alter_table("assignment_extensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_extensions_student_id"))

    op.drop_table("assignment_extensions")
    with op.batch_alter_table("assignment_completions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_completions_student_id"))

    op.drop_table("assignment_completions")
    with op.batch_alter_table("assignment_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_checkpoints_assignment_id"))

    op.drop_table("assignment_checkpoints")
    with op.batch_alter_table("student_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_group_members_student_id"))

    op.drop_table("student_group_members")
    with op.batch_alter_table("strategy_uses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strategy_uses_strategy_id"))
        batch_op.drop_index(batch_op.f("ix_strategy_uses_school_id"))
        batch_op.drop_index(batch_op.f("ix_strategy_uses_group_id"))

    op.drop_table("strategy_uses")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_school_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_rubric_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_class_id"))

    op.drop_table("assignments")
    with op.batch_alter_table("student_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_groups_school_id"))
        batch_op.drop_index(batch_op.f("ix_student_groups_class_id"))

    op.drop_table("student_groups")
    with op.batch_alter_table("strategy_skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strategy_skills_skill_id"))

    op.drop_table("strategy_skills")
    with op.batch_alter_table("strategy_materials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strategy_materials_strategy_id"))

    op.drop_table("strategy_materials")
    with op.batch_alter_table("strategy_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strategy_comments_strategy_id"))
        batch_op.drop_index(batch_op.f("ix_strategy_comments_school_id"))

    op.drop_table("strategy_comments")
    with op.batch_alter_table("rubric_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rubric_criteria_rubric_id"))

    op.drop_table("rubric_criteria")
    with op.batch_alter_table("strategies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strategies_school_id"))

    op.drop_table("strategies")
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_files_uploaded_by_id"))
        batch_op.drop_index(batch_op.f("ix_stored_files_school_id"))

    op.drop_table("stored_files")
    with op.batch_alter_table("rubrics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rubrics_school_id"))

    op.drop_table("rubrics")
