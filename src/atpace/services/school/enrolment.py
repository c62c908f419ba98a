"""Who is in a class: the roster a class's teachers and the school's administrators see and change.

Adding a student twice is not an error (nothing changes, even when two requests do it at once); removing
a student from a class keeps every attempt and learner state, so adding them back restores their view.
Deactivated students stay enrolled but are left out of the roster unless asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from atpace.errors import InvalidInput, NotFound
from atpace.services import audit
from atpace.services.auth import EMAIL_PATTERN, Actor
from atpace.services.school.common import is_class_teacher, require_open, roster_class, school_class
from atpace.store.tables import Attempt, Classroom, ClassTeacher, Course, Enrollment, Role, User


def add_to_class(session: Session, classroom: Classroom, student: User) -> bool:
    """Enrol ``student``; False when they already were (also when a concurrent request enrolled them)."""
    if session.get(Enrollment, (classroom.id, student.id)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Enrollment(class_id=classroom.id, user_id=student.id))
            session.flush()
    except IntegrityError:  # enrolled a moment ago by another request
        return False
    return True


@dataclass(frozen=True)
class RosterStudent:
    id: int
    display_name: str
    email: str
    is_active: bool
    has_password: bool  # False: has not chosen a password yet (signs in with a link)
    enrolled_at: datetime | None
    attempts: int


@dataclass(frozen=True)
class RosterTeacher:
    id: int
    display_name: str
    email: str
    role: str  # "teacher" or "co-teacher"
    is_active: bool


@dataclass(frozen=True)
class Roster:
    class_id: int
    class_name: str
    course_title: str | None
    archived_at: datetime | None
    join_code: str | None
    teachers: list[RosterTeacher]
    students: list[RosterStudent]
    inactive_count: int  # deactivated students left out (when not included)


def class_teachers(session: Session, class_id: int) -> list[RosterTeacher]:
    rows = session.execute(
        select(User, ClassTeacher.role)
        .join(ClassTeacher, ClassTeacher.user_id == User.id)
        .where(ClassTeacher.class_id == class_id)
        .order_by(ClassTeacher.role.desc(), User.display_name)  # "teacher" before "co-teacher"
    ).all()
    return [RosterTeacher(u.id, u.display_name, u.email, role, u.is_active) for u, role in rows]


def roster(session: Session, actor: Actor, class_id: int, *, include_inactive: bool = False) -> Roster:
    classroom = roster_class(session, actor, class_id)
    rows = session.execute(
        select(User, Enrollment.created_at)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.class_id == classroom.id)
        .order_by(User.display_name, User.id)
    ).all()
    counts = dict(
        session.execute(
            select(Attempt.student_id, func.count())
            .where(Attempt.student_id.in_([u.id for u, _ in rows]))
            .group_by(Attempt.student_id)
        ).all()
    )
    students = [
        RosterStudent(
            u.id, u.display_name, u.email, u.is_active, bool(u.password_hash), at, counts.get(u.id, 0)
        )
        for u, at in rows
    ]
    shown = students if include_inactive else [s for s in students if s.is_active]
    course = session.get(Course, classroom.course_id) if classroom.course_id is not None else None
    return Roster(
        classroom.id, classroom.name, course.title if course else None, classroom.archived_at,
        classroom.join_code, class_teachers(session, classroom.id), shown, len(students) - len(shown),
    )  # fmt: skip


def student_by_email(session: Session, actor: Actor, email: str) -> User:
    """An active student of the actor's school with this e-mail (teachers add students they know)."""
    address = email.strip().lower()
    if not EMAIL_PATTERN.match(address):
        raise InvalidInput("email", f"{email!r} is not an e-mail address")
    user = session.scalar(select(User).where(User.email == address))
    if user is None or user.school_id != actor.school_id or user.role != Role.STUDENT:
        raise NotFound(f"no student with e-mail {address} in this school; create the account first")
    if not user.is_active:
        raise InvalidInput(
            "email", f"{user.display_name}'s account is deactivated; an administrator can reactivate it"
        )
    return user


def enrol(
    session: Session, actor: Actor, class_id: int, *, email: str | None = None, student_id: int | None = None
) -> tuple[User, bool]:
    """Add an existing student of the school to the class; (student, True) if they were not in it."""
    classroom = roster_class(session, actor, class_id)
    require_open(classroom)
    if student_id is not None:
        student = session.get(User, student_id)
        if student is None or student.school_id != actor.school_id or student.role != Role.STUDENT:
            raise NotFound(f"student {student_id} not found")
        if not student.is_active:
            raise InvalidInput("student_id", f"{student.display_name}'s account is deactivated")
    elif email is not None:
        student = student_by_email(session, actor, email)
    else:
        raise InvalidInput("email", "give the student's e-mail")
    added = add_to_class(session, classroom, student)
    if added:
        record_enrolment(session, actor, "enrolment.added", classroom, student, via="roster")
    return student, added


def unenrol(session: Session, actor: Actor, class_id: int, student_id: int) -> bool:
    """Remove a student from the class (their attempts and learner state stay); False if they were not in it."""
    classroom = roster_class(session, actor, class_id)
    require_open(classroom)
    student = session.get(User, student_id)
    if student is None or student.school_id != actor.school_id or student.role != Role.STUDENT:
        raise NotFound(f"student {student_id} not found")
    # A bulk delete: two removals at once delete one row and zero rows, neither fails.
    removed = session.execute(
        delete(Enrollment).where(Enrollment.class_id == classroom.id, Enrollment.user_id == student.id)
    )
    if removed.rowcount:  # type: ignore[attr-defined]
        record_enrolment(session, actor, "enrolment.removed", classroom, student, via="roster")
    return bool(removed.rowcount)  # type: ignore[attr-defined]


def record_enrolment(
    session: Session, actor: Actor, action: str, classroom: Classroom, student: User, *, via: str
) -> None:
    """The audit entry of an enrolment change (only actual changes are recorded)."""
    audit.record(
        session, school_id=classroom.school_id, actor_id=actor.user_id, action=action,
        subject=("user", student.id), detail={"class_id": classroom.id, "via": via},
    )  # fmt: skip


@dataclass(frozen=True)
class MyClass:
    id: int
    name: str
    course_title: str | None
    archived: bool
    teachers: list[str]


def my_classes(session: Session, actor: Actor) -> list[MyClass]:
    """The acting student's classes (archived ones last, marked)."""
    rows = session.scalars(
        select(Classroom)
        .join(Enrollment, Enrollment.class_id == Classroom.id)
        .where(Enrollment.user_id == actor.user_id)
        .order_by(Classroom.archived_at.is_not(None), Classroom.name)
    ).all()
    result = []
    for c in rows:
        course = session.get(Course, c.course_id) if c.course_id is not None else None
        teachers = [t.display_name for t in class_teachers(session, c.id) if t.is_active]
        result.append(
            MyClass(c.id, c.name, course.title if course else None, c.archived_at is not None, teachers)
        )
    return result


def can_manage_roster(session: Session, actor: Actor, class_id: int) -> bool:
    """True for the class's teachers and the school's administrators (the page shows its forms)."""
    classroom = school_class(session, actor, class_id)
    return actor.role == Role.ADMIN or (
        actor.role == Role.TEACHER and is_class_teacher(session, actor, classroom.id)
    )
