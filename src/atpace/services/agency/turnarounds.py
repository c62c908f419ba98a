"""Mistakes I turned around: skills mastered after earlier wrong answers (a wrong answer is a step)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.engine import turnaround
from atpace.services.agency.common import StudentCourse, seen_student
from atpace.services.auth import Actor
from atpace.services.progress import student_progress
from atpace.store.tables import Attempt, LearnerState


@dataclass(frozen=True)
class TurnaroundView:
    skill_key: str
    skill_name: str
    found: turnaround.Turnaround


def turned_around(
    session: Session, actor: Actor, student_id: int
) -> tuple[StudentCourse, list[TurnaroundView]]:
    seen = seen_student(session, actor, student_id)
    by_id = seen.graph.skill_by_id()
    mastered_at = {
        by_id[skill_id].key: at
        for skill_id, at in session.execute(
            select(LearnerState.skill_id, LearnerState.mastered_at).where(
                LearnerState.student_id == seen.student.id,
                LearnerState.skill_id.in_(by_id),
                LearnerState.mastered_at.is_not(None),
            )
        )
        if at is not None
    }
    progress = student_progress(session, seen.student, seen.course, seen.graph)
    answers = [
        turnaround.Answer(by_id[skill_id].key, bool(correct), at)
        for skill_id, correct, at in session.execute(
            select(Attempt.skill_id, Attempt.correct, Attempt.created_at).where(
                Attempt.student_id == seen.student.id,
                Attempt.skill_id.in_([by_id_ for by_id_ in by_id if by_id[by_id_].key in mastered_at]),
            )
        )
    ]
    found = turnaround.turnarounds(answers, mastered_at, progress.mastered)
    return seen, [TurnaroundView(t.skill_key, seen.graph.skills[t.skill_key].name, t) for t in found]
