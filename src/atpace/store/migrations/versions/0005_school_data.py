"""a school's own people and content: roster ids, archived classes, join codes, co-teachers, sign-in links,
academic sessions, roster courses, demographics, roster imports, CASE standards and skill alignments

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SOURCED = sa.String(length=255)
WHEN = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    with op.batch_alter_table("schools") as batch_op:
        batch_op.add_column(sa.Column("sourced_id", SOURCED, nullable=True))
        batch_op.create_unique_constraint(op.f("uq_schools_sourced_id"), ["sourced_id"])
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("deactivated_at", WHEN, nullable=True))
        batch_op.add_column(sa.Column("sourced_id", SOURCED, nullable=True))
        batch_op.add_column(sa.Column("given_name", sa.String(120), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("family_name", sa.String(120), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("grade", sa.String(32), nullable=False, server_default=""))
        batch_op.create_unique_constraint("uq_users_school_sourced_id", ["school_id", "sourced_id"])
    with op.batch_alter_table("courses") as batch_op:
        batch_op.add_column(sa.Column("version", sa.String(64), nullable=False, server_default=""))
    with op.batch_alter_table("classes") as batch_op:
        batch_op.alter_column("course_id", existing_type=ID, nullable=True)
        batch_op.add_column(sa.Column("archived_at", WHEN, nullable=True))
        batch_op.add_column(sa.Column("join_code", sa.String(16), nullable=True))
        batch_op.add_column(sa.Column("sourced_id", SOURCED, nullable=True))
        batch_op.add_column(sa.Column("class_code", sa.String(64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("roster_course_sourced_id", SOURCED, nullable=False, server_default=""))
        batch_op.add_column(sa.Column("created_at", WHEN, nullable=True))
        batch_op.create_unique_constraint(op.f("uq_classes_join_code"), ["join_code"])
        batch_op.create_unique_constraint("uq_classes_school_sourced_id", ["school_id", "sourced_id"])
    with op.batch_alter_table("class_teachers") as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="teacher"))
        batch_op.create_check_constraint(
            op.f("ck_class_teachers_role_kind"), "role IN ('teacher', 'co-teacher')"
        )
    with op.batch_alter_table("enrollments") as batch_op:
        batch_op.add_column(sa.Column("sourced_id", SOURCED, nullable=True))
        batch_op.add_column(sa.Column("created_at", WHEN, nullable=True))

    op.create_table(
        "sign_in_links",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.CheckConstraint(
            "purpose IN ('first-sign-in', 'password-reset')", name=op.f("ck_sign_in_links_purpose_kind")
        ),
        _fk("sign_in_links", "school_id", "schools", "CASCADE"),
        _fk("sign_in_links", "user_id", "users", "CASCADE"),
        _fk("sign_in_links", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_in_links_token_hash")),
    )
    op.create_index(op.f("ix_sign_in_links_school_id"), "sign_in_links", ["school_id"])
    op.create_index(op.f("ix_sign_in_links_user_id"), "sign_in_links", ["user_id"])

    op.create_table(
        "academic_sessions",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("sourced_id", SOURCED, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("start_date", sa.String(10), nullable=False),
        sa.Column("end_date", sa.String(10), nullable=False),
        sa.Column("parent_sourced_id", SOURCED, nullable=False),
        sa.Column("school_year", sa.String(8), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        _fk("academic_sessions", "school_id", "schools", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_academic_sessions")),
        sa.UniqueConstraint("school_id", "sourced_id", name="uq_academic_sessions_school_sourced_id"),
    )
    op.create_index(op.f("ix_academic_sessions_school_id"), "academic_sessions", ["school_id"])

    op.create_table(
        "roster_courses",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("sourced_id", SOURCED, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("course_code", sa.String(64), nullable=False),
        sa.Column("grades", sa.String(64), nullable=False),
        sa.Column("course_id", ID, nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        _fk("roster_courses", "school_id", "schools", "CASCADE"),
        _fk("roster_courses", "course_id", "courses", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_courses")),
        sa.UniqueConstraint("school_id", "sourced_id", name="uq_roster_courses_school_sourced_id"),
    )
    op.create_index(op.f("ix_roster_courses_school_id"), "roster_courses", ["school_id"])

    op.create_table(
        "demographics",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        _fk("demographics", "user_id", "users", "CASCADE"),
        _fk("demographics", "school_id", "schools", "CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_demographics")),
    )
    op.create_index(op.f("ix_demographics_school_id"), "demographics", ["school_id"])

    op.create_table(
        "roster_imports",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        _fk("roster_imports", "school_id", "schools", "CASCADE"),
        _fk("roster_imports", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_imports")),
    )
    op.create_index(op.f("ix_roster_imports_school_id"), "roster_imports", ["school_id"])

    op.create_table(
        "standard_frameworks",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("identifier", sa.String(255), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("creator", sa.String(500), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("imported_at", WHEN, nullable=False),
        _fk("standard_frameworks", "school_id", "schools", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_frameworks")),
        sa.UniqueConstraint("school_id", "identifier", name="uq_standard_frameworks_school_identifier"),
    )
    op.create_index(op.f("ix_standard_frameworks_school_id"), "standard_frameworks", ["school_id"])

    op.create_table(
        "standard_items",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("framework_id", ID, nullable=False),
        sa.Column("identifier", sa.String(255), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("code", sa.String(255), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("item_type", sa.String(120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        _fk("standard_items", "school_id", "schools", "CASCADE"),
        _fk("standard_items", "framework_id", "standard_frameworks", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_items")),
        sa.UniqueConstraint("framework_id", "identifier", name="uq_standard_items_framework_identifier"),
    )
    op.create_index(op.f("ix_standard_items_school_id"), "standard_items", ["school_id"])
    op.create_index(op.f("ix_standard_items_framework_id"), "standard_items", ["framework_id"])

    op.create_table(
        "skill_standards",
        sa.Column("skill_id", ID, nullable=False),
        sa.Column("code", sa.String(255), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("framework_identifier", sa.String(255), nullable=False),
        sa.Column("item_identifier", sa.String(255), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        _fk("skill_standards", "skill_id", "skills", "CASCADE"),
        sa.PrimaryKeyConstraint("skill_id", "code", name=op.f("pk_skill_standards")),
    )


def downgrade() -> None:
    for table in (
        "skill_standards", "standard_items", "standard_frameworks", "roster_imports", "demographics",
        "roster_courses", "academic_sessions", "sign_in_links",
    ):  # fmt: skip
        op.drop_table(table)
    with op.batch_alter_table("enrollments") as batch_op:
        batch_op.drop_column("created_at")
        batch_op.drop_column("sourced_id")
    op.execute("DELETE FROM class_teachers WHERE role <> 'teacher'")
    with op.batch_alter_table("class_teachers") as batch_op:
        batch_op.drop_constraint(op.f("ck_class_teachers_role_kind"), type_="check")
        batch_op.drop_column("role")
    # A class without a course cannot exist before this revision.
    op.execute("DELETE FROM classes WHERE course_id IS NULL")
    with op.batch_alter_table("classes") as batch_op:
        batch_op.drop_constraint("uq_classes_school_sourced_id", type_="unique")
        batch_op.drop_constraint(op.f("uq_classes_join_code"), type_="unique")
        for column in (
            "created_at",
            "roster_course_sourced_id",
            "class_code",
            "sourced_id",
            "join_code",
            "archived_at",
        ):
            batch_op.drop_column(column)
        batch_op.alter_column("course_id", existing_type=ID, nullable=False)
    with op.batch_alter_table("courses") as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint("uq_users_school_sourced_id", type_="unique")
        for column in ("grade", "family_name", "given_name", "sourced_id", "deactivated_at"):
            batch_op.drop_column(column)
    with op.batch_alter_table("schools") as batch_op:
        batch_op.drop_constraint(op.f("uq_schools_sourced_id"), type_="unique")
        batch_op.drop_column("sourced_id")
