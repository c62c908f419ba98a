"""Where each student stands on each open assignment: one :class:`WorkLine` per assignment x recipient.

A contract other pages code against (the teacher's "Today", the assignment pages, "My work"):

- ``state`` comes from :func:`atpace.services.assignments.dates.work_state`. For a task it follows the
  student's newest submission; for a project it follows the newest *final* submission (step 0), and a
  checkpoint returned for revision makes the line "returned" until the final work is in; a practice
  assignment is "complete" once an ``AssignmentCompletion`` is recorded.
- ``due`` is the student's effective due date (their extension, else the assignment's).
- ``late``, ``submission_id`` and ``waiting_for_teacher`` describe the newest submission of any step (a
  checkpoint handed in waits for the teacher as much as the final work).

No access check here: callers check who may see the class or the student. The number of queries does
not grow with the number of students or assignments (no per-student query).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVarTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import QueryableAttribute, Session

from atpace.services.assignments.common import (
    class_students,
    named_recipients,
)
from atpace.services.assignments.common import (
    recipients as recipients,
)
from atpace.services.assignments.dates import STATE_LABELS, LatestWork, WorkState, effective_due, work_state
from atpace.store.tables import (
    Assignment,
    AssignmentCompletion,
    AssignmentExtension,
    Classroom,
    Enrollment,
    Role,
    Submission,
    User,
)

Ts = TypeVarTuple("Ts")

__all__ = ["SubmissionBrief", "WorkLine", "class_work", "recipients", "student_work", "work_lines"]


@dataclass(frozen=True)
class WorkLine:
    assignment_id: int
    assignment_title: str
    kind: str  # practice, task, project
    class_id: int
    student_id: int
    student_name: str
    state: WorkState
    state_label: str
    due: datetime | None  # the student's effective due date (extension included)
    late: bool  # the newest submission was late
    submission_id: int | None  # the newest submission
    waiting_for_teacher: bool  # the newest submission has status "submitted"
    open_at: datetime | None = None
    extended: bool = False  # the student has an extension
    versions: int = 0  # submissions of the student on this assignment, all steps


@dataclass(frozen=True)
class SubmissionBrief:
    id: int
    assignment_id: int
    student_id: int
    step: int
    version: int
    status: str
    late: bool
    submitted_at: datetime


def class_work(
    session: Session, class_id: int, now: datetime, *, students: Sequence[User] | None = None
) -> list[WorkLine]:
    """Every open (not archived) assignment of the class, one line per recipient; by assignment, then name.
    ``students``: the class's active students when the caller has loaded them already."""
    assignments = session.scalars(
        select(Assignment)
        .where(Assignment.class_id == class_id, Assignment.archived_at.is_(None))
        .order_by(Assignment.due_at.is_(None), Assignment.due_at, Assignment.id)
    ).all()
    roster = None
    if students is not None:
        chosen = sorted((s for s in students if s.role == Role.STUDENT), key=lambda s: (s.display_name, s.id))
        roster = {class_id: [(s.id, s.display_name) for s in chosen]}
    return work_lines(session, assignments, now, roster=roster)


def student_work(session: Session, student_id: int, now: datetime) -> list[WorkLine]:
    """The student's open assignments in their open classes, ordered by due date (undated last)."""
    class_ids = list(
        session.scalars(
            select(Enrollment.class_id)
            .join(Classroom, Classroom.id == Enrollment.class_id)
            .where(Enrollment.user_id == student_id, Classroom.archived_at.is_(None))
        )
    )
    if not class_ids:
        return []
    assignments = session.scalars(
        select(Assignment)
        .where(Assignment.class_id.in_(class_ids), Assignment.archived_at.is_(None))
        .order_by(Assignment.id)
    ).all()
    lines = work_lines(session, assignments, now, only_student=student_id)
    return sorted(lines, key=_due_order)


def _due_order(line: WorkLine) -> tuple[bool, datetime | None, str, int]:
    return (line.due is None, line.due, line.assignment_title.lower(), line.assignment_id)


def work_lines(
    session: Session,
    assignments: Sequence[Assignment],
    now: datetime,
    only_student: int | None = None,
    *,
    roster: dict[int, list[tuple[int, str]]] | None = None,
) -> list[WorkLine]:
    """The lines of these assignments (all of their recipients, or one student's); ``roster``: the classes'
    active students as :func:`class_students` gives them, when the caller has them."""
    if not assignments:
        return []
    ids = [a.id for a in assignments]
    class_ids = {a.class_id for a in assignments}
    students = (
        roster if roster is not None and class_ids <= roster.keys() else class_students(session, class_ids)
    )
    named = named_recipients(session, [a.id for a in assignments if a.target != "class"])
    wanted = [only_student] if only_student is not None else None
    extensions = {
        (row.assignment_id, row.student_id): row.due_at
        for row in session.execute(
            _for_students(
                select(AssignmentExtension.assignment_id, AssignmentExtension.student_id, AssignmentExtension.due_at)
                .where(AssignmentExtension.assignment_id.in_(ids)),
                AssignmentExtension.student_id, wanted,
            )
        )
    }  # fmt: skip
    completed = set(
        session.execute(
            _for_students(
                select(AssignmentCompletion.assignment_id, AssignmentCompletion.student_id).where(
                    AssignmentCompletion.assignment_id.in_(ids)
                ),
                AssignmentCompletion.student_id,
                wanted,
            )
        ).all()
    )
    by_work = submissions_by_work(session, ids, wanted)
    lines: list[WorkLine] = []
    for assignment in assignments:
        people = students.get(assignment.class_id, [])
        if assignment.target != "class":
            chosen = named.get(assignment.id, set())
            people = [(sid, name) for sid, name in people if sid in chosen]
        for student_id, name in people:
            if only_student is not None and student_id != only_student:
                continue
            lines.append(
                _line(
                    assignment, student_id, name, now,
                    extensions.get((assignment.id, student_id)),
                    (assignment.id, student_id) in completed,
                    by_work.get((assignment.id, student_id), []),
                )
            )  # fmt: skip
    return lines


def submissions_by_work(
    session: Session, assignment_ids: Sequence[int], student_ids: Sequence[int] | None = None
) -> dict[tuple[int, int], list[SubmissionBrief]]:
    """Submissions (without their bodies) per (assignment, student), oldest first; one query."""
    query = select(
        Submission.id, Submission.assignment_id, Submission.student_id, Submission.step, Submission.version,
        Submission.status, Submission.late, Submission.submitted_at,
    ).where(Submission.assignment_id.in_(assignment_ids))  # fmt: skip
    query = _for_students(query, Submission.student_id, student_ids).order_by(
        Submission.submitted_at, Submission.id
    )
    result: dict[tuple[int, int], list[SubmissionBrief]] = {}
    for row in session.execute(query):
        brief = SubmissionBrief(*row)
        result.setdefault((brief.assignment_id, brief.student_id), []).append(brief)
    return result


def _for_students(
    query: Select[*Ts], column: QueryableAttribute[int], student_ids: Sequence[int] | None
) -> Select[*Ts]:
    if student_ids is None:
        return query
    return query.where(column.in_(student_ids))


def _line(
    assignment: Assignment,
    student_id: int,
    name: str,
    now: datetime,
    extended_to: datetime | None,
    completed: bool,
    submissions: list[SubmissionBrief],
) -> WorkLine:
    due = effective_due(assignment.due_at, extended_to)
    newest = submissions[-1] if submissions else None
    finals = [s for s in submissions if s.step == 0]
    final = max(finals, key=lambda s: s.version) if finals else None
    latest = LatestWork(final.status, final.late) if final is not None else None
    state = work_state(
        now, assignment.open_at, due, latest, completed=completed and assignment.kind == "practice"
    )
    if final is None and newest is not None and newest.status == "returned" and state != "complete":
        state = "returned"  # a project checkpoint came back for revision
    return WorkLine(
        assignment_id=assignment.id, assignment_title=assignment.title, kind=assignment.kind,
        class_id=assignment.class_id, student_id=student_id, student_name=name, state=state,
        state_label=STATE_LABELS[state], due=due, late=newest.late if newest else False,
        submission_id=newest.id if newest else None,
        waiting_for_teacher=newest is not None and newest.status == "submitted",
        open_at=assignment.open_at, extended=extended_to is not None, versions=len(submissions),
    )  # fmt: skip
