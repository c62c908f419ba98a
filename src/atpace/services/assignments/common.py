"""What the assignment services share: loading an assignment for whoever asks, and its recipients."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput, NotFound
from atpace.services.access import get_class
from atpace.services.auth import Actor
from atpace.store.tables import (
    Assignment,
    AssignmentCheckpoint,
    AssignmentRecipient,
    Enrollment,
    Role,
    User,
)

KINDS = ("practice", "task", "project")
TARGETS = ("class", "group", "students")
KIND_LABELS = {"practice": "Practice to mastery", "task": "Open task", "project": "Project"}
CHECKPOINTS_MAX = 20  # steps of one project
SKILLS_MAX = 60  # skills of one practice assignment
STUDENTS_MAX = 200  # named students of one assignment


def load_assignment(session: Session, actor: Actor, assignment_id: int) -> Assignment:
    """The assignment, if it is of the actor's school (another school's is missing)."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or assignment.school_id != actor.school_id:
        raise NotFound(f"assignment {assignment_id} not found")
    return assignment


def staff_assignment(session: Session, actor: Actor, assignment_id: int) -> Assignment:
    """An assignment of a class the actor teaches (teachers and co-teachers) or of their school (admins)."""
    assignment = load_assignment(session, actor, assignment_id)
    get_class(session, actor, assignment.class_id)
    return assignment


def viewer_assignment(session: Session, actor: Actor, assignment_id: int) -> Assignment:
    """An assignment the actor may see: its class's staff, or a student it was given to."""
    assignment = load_assignment(session, actor, assignment_id)
    if actor.role == Role.STUDENT:
        if actor.user_id not in recipients(session, assignment):
            raise Forbidden("this work was not given to you")
        return assignment
    get_class(session, actor, assignment.class_id)
    return assignment


def class_students(session: Session, class_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """Active students of each class as (id, name), by name; one query."""
    ids = list(class_ids)
    result: dict[int, list[tuple[int, str]]] = {class_id: [] for class_id in ids}
    if not ids:
        return result
    rows = session.execute(
        select(Enrollment.class_id, User.id, User.display_name)
        .join(User, User.id == Enrollment.user_id)
        .where(Enrollment.class_id.in_(ids), User.is_active.is_(True), User.role == Role.STUDENT)
        .order_by(User.display_name, User.id)
    ).all()
    for class_id, student_id, name in rows:
        result[class_id].append((student_id, name))
    return result


def named_recipients(session: Session, assignment_ids: Sequence[int]) -> dict[int, set[int]]:
    """The named recipients (group and students targets) of many assignments; one query."""
    result: dict[int, set[int]] = {}
    if not assignment_ids:
        return result
    rows = session.execute(
        select(AssignmentRecipient.assignment_id, AssignmentRecipient.student_id).where(
            AssignmentRecipient.assignment_id.in_(assignment_ids)
        )
    ).all()
    for assignment_id, student_id in rows:
        result.setdefault(assignment_id, set()).add(student_id)
    return result


def recipients(session: Session, assignment: Assignment) -> list[int]:
    """Ids of the students an assignment is for, now: the class's enrolment for a class target (so students
    who join later get it too), else the named recipients who are still active students of the class."""
    enrolled = class_students(session, [assignment.class_id])[assignment.class_id]
    if assignment.target == "class":
        return [student_id for student_id, _ in enrolled]
    named = named_recipients(session, [assignment.id]).get(assignment.id, set())
    return [student_id for student_id, _ in enrolled if student_id in named]


def checkpoints_of(session: Session, assignment_ids: Sequence[int]) -> dict[int, list[AssignmentCheckpoint]]:
    result: dict[int, list[AssignmentCheckpoint]] = {}
    if not assignment_ids:
        return result
    rows = session.scalars(
        select(AssignmentCheckpoint)
        .where(AssignmentCheckpoint.assignment_id.in_(assignment_ids))
        .order_by(AssignmentCheckpoint.assignment_id, AssignmentCheckpoint.position)
    )
    for row in rows:
        result.setdefault(row.assignment_id, []).append(row)
    return result


def aware(value: datetime | None, field: str) -> datetime | None:
    """A timestamp with its time zone; a naive one is refused (atpace stores UTC-aware times only)."""
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise InvalidInput(field, "give the date with its time zone (for example 2025-03-01T17:00:00Z)")
    return value
