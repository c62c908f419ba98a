"""Practice-to-mastery assignments complete themselves: when evidence masters a skill, every open practice
assignment of the student whose skills are now all mastered is recorded as complete (once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from atpace.engine import policy
from atpace.services.courses import CourseGraph
from atpace.store.tables import (
    Assignment,
    AssignmentCompletion,
    AssignmentRecipient,
    Classroom,
    Enrollment,
    LearnerState,
    User,
    utcnow,
)


def complete_mastered(
    session: Session, student: User, graph: CourseGraph, *, now: datetime | None = None
) -> list[int]:
    """Record completion of the student's open practice assignments (in classes of this course) whose
    skills are all mastered now; returns the ids completed by this call. Four queries, whatever the count."""
    given_to_student = or_(
        Assignment.target == "class",
        Assignment.id.in_(
            select(AssignmentRecipient.assignment_id).where(AssignmentRecipient.student_id == student.id)
        ),
    )
    done = select(AssignmentCompletion.assignment_id).where(AssignmentCompletion.student_id == student.id)
    assignments = session.scalars(
        select(Assignment)
        .join(Classroom, Classroom.id == Assignment.class_id)
        .join(Enrollment, (Enrollment.class_id == Classroom.id) & (Enrollment.user_id == student.id))
        .where(
            Classroom.course_id == graph.course.id,
            Classroom.archived_at.is_(None),
            Assignment.kind == "practice",
            Assignment.archived_at.is_(None),
            given_to_student,
            Assignment.id.not_in(done),
        )
    ).all()
    if not assignments:
        return []
    rule = policy.MasteryRule(graph.course.mastery_threshold)
    by_id = graph.skill_by_id()
    mastered = {
        by_id[skill_id].key
        for skill_id, p in session.execute(
            select(LearnerState.skill_id, LearnerState.p_learned).where(
                LearnerState.student_id == student.id, LearnerState.skill_id.in_(by_id)
            )
        )
        if rule.is_mastered(p)
    }
    moment = now or utcnow()
    completed = [a.id for a in assignments if a.skill_keys and set(a.skill_keys) <= mastered]
    session.add_all(
        AssignmentCompletion(assignment_id=assignment_id, student_id=student.id, completed_at=moment)
        for assignment_id in completed
    )
    session.flush()
    return completed
