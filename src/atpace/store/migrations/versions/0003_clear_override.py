"""teacher overrides may be cleared ("clear": the skill follows mastery again)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 05:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ck_skill_overrides_action_kind"


def upgrade() -> None:
    with op.batch_alter_table("skill_overrides", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), "action IN ('lock', 'unlock', 'clear')")


def downgrade() -> None:
    op.execute("DELETE FROM skill_overrides WHERE action = 'clear'")
    with op.batch_alter_table("skill_overrides", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), "action IN ('lock', 'unlock')")
