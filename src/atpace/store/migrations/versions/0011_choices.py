"""choice boards and student projects

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "choice_boards",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("class_id", ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("skill_keys", sa.JSON(), nullable=False),
        sa.Column("rubric_id", ID, nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_choice_boards_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_choice_boards_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rubric_id"],
            ["rubrics.id"],
            name=op.f("fk_choice_boards_rubric_id_rubrics"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_choice_boards_school_id_schools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_choice_boards")),
    )
    op.create_index(op.f("ix_choice_boards_class_id"), "choice_boards", ["class_id"], unique=False)
    op.create_index(op.f("ix_choice_boards_rubric_id"), "choice_boards", ["rubric_id"], unique=False)
    op.create_index(op.f("ix_choice_boards_school_id"), "choice_boards", ["school_id"], unique=False)
    op.create_table(
        "projects",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("class_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("skill_keys", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.CheckConstraint(
            "status IN ('proposed', 'changes_requested', 'approved', 'submitted', 'assessed')",
            name=op.f("ck_projects_project_status"),
        ),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_projects_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_projects_school_id_schools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_projects_student_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    op.create_index(op.f("ix_projects_class_id"), "projects", ["class_id"], unique=False)
    op.create_index(op.f("ix_projects_school_id"), "projects", ["school_id"], unique=False)
    op.create_index(op.f("ix_projects_student_id"), "projects", ["student_id"], unique=False)
    op.create_table(
        "choice_options",
        sa.Column("id", ID, nullable=False),
        sa.Column("board_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('check', 'explanation', 'product', 'conference')",
            name=op.f("ck_choice_options_option_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["choice_boards.id"],
            name=op.f("fk_choice_options_board_id_choice_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_choice_options")),
    )
    op.create_index(op.f("ix_choice_options_board_id"), "choice_options", ["board_id"], unique=False)
    op.create_table(
        "project_assessments",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("teacher_id", ID, nullable=True),
        sa.Column("rubric_id", ID, nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("effects", sa.JSON(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_assessments_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rubric_id"],
            ["rubrics.id"],
            name=op.f("fk_project_assessments_rubric_id_rubrics"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_project_assessments_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["users.id"],
            name=op.f("fk_project_assessments_teacher_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_assessments")),
        sa.UniqueConstraint("project_id", name=op.f("uq_project_assessments_project_id")),
    )
    op.create_index(
        op.f("ix_project_assessments_rubric_id"), "project_assessments", ["rubric_id"], unique=False
    )
    op.create_index(
        op.f("ix_project_assessments_school_id"), "project_assessments", ["school_id"], unique=False
    )
    op.create_table(
        "project_checkpoints",
        sa.Column("id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("submitted_at", WHEN, nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("commented_by_id", ID, nullable=True),
        sa.Column("commented_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["commented_by_id"],
            ["users.id"],
            name=op.f("fk_project_checkpoints_commented_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_checkpoints_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_checkpoints")),
        sa.UniqueConstraint("project_id", "position", name="uq_project_checkpoints_position"),
    )
    op.create_index(
        op.f("ix_project_checkpoints_project_id"), "project_checkpoints", ["project_id"], unique=False
    )
    op.create_table(
        "project_proposals",
        sa.Column("id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("skill_keys", sa.JSON(), nullable=False),
        sa.Column("checkpoints", sa.JSON(), nullable=False),
        sa.Column("submitted_at", WHEN, nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_by_id", ID, nullable=True),
        sa.Column("decided_at", WHEN, nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('approved', 'changes')",
            name=op.f("ck_project_proposals_proposal_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_project_proposals_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_proposals_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_proposals")),
        sa.UniqueConstraint("project_id", "version", name="uq_project_proposals_version"),
    )
    op.create_index(
        op.f("ix_project_proposals_project_id"), "project_proposals", ["project_id"], unique=False
    )
    op.create_table(
        "choice_picks",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("board_id", ID, nullable=False),
        sa.Column("student_id", ID, nullable=False),
        sa.Column("option_id", ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("picked_at", WHEN, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("submitted_at", WHEN, nullable=True),
        sa.CheckConstraint(
            "status IN ('picked', 'submitted', 'assessed')", name=op.f("ck_choice_picks_pick_status")
        ),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["choice_boards.id"],
            name=op.f("fk_choice_picks_board_id_choice_boards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["choice_options.id"],
            name=op.f("fk_choice_picks_option_id_choice_options"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_choice_picks_school_id_schools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_choice_picks_student_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_choice_picks")),
        sa.UniqueConstraint("board_id", "student_id", name="uq_choice_picks_board_student"),
    )
    op.create_index(op.f("ix_choice_picks_option_id"), "choice_picks", ["option_id"], unique=False)
    op.create_index(op.f("ix_choice_picks_school_id"), "choice_picks", ["school_id"], unique=False)
    op.create_index(op.f("ix_choice_picks_student_id"), "choice_picks", ["student_id"], unique=False)
    op.create_table(
        "project_checkpoint_files",
        sa.Column("checkpoint_id", ID, nullable=False),
        sa.Column("file_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"],
            ["project_checkpoints.id"],
            name=op.f("fk_project_checkpoint_files_checkpoint_id_project_checkpoints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_files.id"],
            name=op.f("fk_project_checkpoint_files_file_id_stored_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("checkpoint_id", "file_id", name=op.f("pk_project_checkpoint_files")),
    )
    op.create_table(
        "choice_assessments",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("pick_id", ID, nullable=False),
        sa.Column("teacher_id", ID, nullable=True),
        sa.Column("rubric_id", ID, nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("effects", sa.JSON(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["pick_id"],
            ["choice_picks.id"],
            name=op.f("fk_choice_assessments_pick_id_choice_picks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rubric_id"],
            ["rubrics.id"],
            name=op.f("fk_choice_assessments_rubric_id_rubrics"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_choice_assessments_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["users.id"],
            name=op.f("fk_choice_assessments_teacher_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_choice_assessments")),
        sa.UniqueConstraint("pick_id", name=op.f("uq_choice_assessments_pick_id")),
    )
    op.create_index(
        op.f("ix_choice_assessments_rubric_id"), "choice_assessments", ["rubric_id"], unique=False
    )
    op.create_index(
        op.f("ix_choice_assessments_school_id"), "choice_assessments", ["school_id"], unique=False
    )
    op.create_table(
        "choice_pick_files",
        sa.Column("pick_id", ID, nullable=False),
        sa.Column("file_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_files.id"],
            name=op.f("fk_choice_pick_files_file_id_stored_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pick_id"],
            ["choice_picks.id"],
            name=op.f("fk_choice_pick_files_pick_id_choice_picks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pick_id", "file_id", name=op.f("pk_choice_pick_files")),
    )


def downgrade() -> None:
    op.drop_table("choice_pick_files")
    op.drop_index(op.f("ix_choice_assessments_school_id"), table_name="choice_assessments")
    op.drop_index(op.f("ix_choice_assessments_rubric_id"), table_name="choice_assessments")
    op.drop_table("choice_assessments")
    op.drop_table("project_checkpoint_files")
    op.drop_index(op.f("ix_choice_picks_student_id"), table_name="choice_picks")
    op.drop_index(op.f("ix_choice_picks_school_id"), table_name="choice_picks")
    op.drop_index(op.f("ix_choice_picks_option_id"), table_name="choice_picks")
    op.drop_table("choice_picks")
    op.drop_index(op.f("ix_project_proposals_project_id"), table_name="project_proposals")
    op.drop_table("project_proposals")
    op.drop_index(op.f("ix_project_checkpoints_project_id"), table_name="project_checkpoints")
    op.drop_table("project_checkpoints")
    op.drop_index(op.f("ix_project_assessments_school_id"), table_name="project_assessments")
    op.drop_index(op.f("ix_project_assessments_rubric_id"), table_name="project_assessments")
    op.drop_table("project_assessments")
    op.drop_index(op.f("ix_choice_options_board_id"), table_name="choice_options")
    op.drop_table("choice_options")
    op.drop_index(op.f("ix_projects_student_id"), table_name="projects")
    op.drop_index(op.f("ix_projects_school_id"), table_name="projects")
    op.drop_index(op.f("ix_projects_class_id"), table_name="projects")
    op.drop_table("projects")
    op.drop_index(op.f("ix_choice_boards_school_id"), table_name="choice_boards")
    op.drop_index(op.f("ix_choice_boards_rubric_id"), table_name="choice_boards")
    op.drop_index(op.f("ix_choice_boards_class_id"), table_name="choice_boards")
    op.drop_table("choice_boards")
