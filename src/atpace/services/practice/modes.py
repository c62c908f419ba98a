"""The practice mode in force: the teacher's setting, else what the student's recent answers call for."""

from __future__ import annotations

from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.engine import policy
from atpace.store.tables import Attempt, PracticeModeSetting, User

MODE_WINDOW = 5  # recent answers that decide the practice mode


def practice_mode(session: Session, student: User) -> policy.ModeDecision:
    setting = session.get(PracticeModeSetting, student.id)
    recent = session.scalars(
        select(Attempt.correct)
        .where(Attempt.student_id == student.id)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(MODE_WINDOW)
    ).all()
    if setting is None:
        return policy.choose_mode(list(reversed(recent)))
    teacher_mode = cast(policy.Mode, setting.mode)  # stored only after set_mode validated it
    return policy.choose_mode(list(reversed(recent)), teacher_mode, teacher_reason=setting.reason)
