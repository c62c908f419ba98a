"""attempts indexed by (student, skill, time): a student's newest answers on each skill (the Today page's
stuck rule) are read from the index instead of sorting all of the class's recent answers

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 04:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_attempts_student_skill_time", "attempts", ["student_id", "skill_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_attempts_student_skill_time", table_name="attempts")
