"""Classes of a school, as its administrators manage them: create, rename, choose the course, teachers and
co-teachers, archive and restore.

Decisions (docs/admin.md):
- class names are unique among a school's open classes (case and spacing ignored);
- a class may wait for its course (``course_id`` None) and for its teachers; once it has a teacher it keeps
  at least one (add the new teacher, then remove the old one);
- teachers and co-teachers have the same rights in a class (heatmap, students, roster); the role says who
  leads it;
- changing the course keeps every student's learner state (it is per skill); the new course's skills start
  where each student stands in them;
- archiving never deletes: the class becomes read-only, leaves the teachers' and students' lists, its join
  code stops working; an administrator can restore it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services import audit
from atpace.services.auth import Actor
from atpace.services.school.common import (
    admin_class,
    clean_name,
    lock_school,
    require_admin,
    require_open,
    school_user,
)
from atpace.services.school.enrolment import RosterTeacher, class_teachers
from atpace.store.tables import (
    TEACHER_ROLES,
    Classroom,
    ClassTeacher,
    Course,
    Enrollment,
    LearnerState,
    Role,
    Skill,
    User,
    utcnow,
)


@dataclass(frozen=True)
class CourseOption:
    id: int
    title: str
    grades: str


@dataclass(frozen=True)
class ClassRow:
    id: int
    name: str
    course_id: int | None
    course_title: str | None
    teachers: list[str]
    student_count: int  # active students
    archived_at: datetime | None
    created_at: datetime | None


@dataclass(frozen=True)
class ClassDetail:
    id: int
    name: str
    course_id: int | None
    course_title: str | None
    archived_at: datetime | None
    join_code: str | None
    teachers: list[RosterTeacher]
    student_count: int
    practised_count: int  # students with learner state in the current course
    courses: list[CourseOption]  # the school's courses, for the course choice
    teacher_candidates: list[tuple[int, str, str]]  # (id, name, e-mail) of active teachers not in the class


def school_courses(session: Session, actor: Actor) -> list[CourseOption]:
    require_admin(actor)
    rows = session.scalars(select(Course).where(Course.school_id == actor.school_id).order_by(Course.title))
    return [CourseOption(c.id, c.title, c.grades) for c in rows]


def _school_course(session: Session, actor: Actor, course_id: int) -> Course:
    course = session.get(Course, course_id)
    if course is None or course.school_id != actor.school_id:
        raise NotFound(f"course {course_id} not found")
    return course


def _name_taken(
    session: Session, school_id: int, name: str, except_id: int | None = None
) -> Classroom | None:
    folded = name.casefold()
    for other in session.scalars(
        select(Classroom).where(Classroom.school_id == school_id, Classroom.archived_at.is_(None))
    ):
        if other.id != except_id and " ".join(other.name.split()).casefold() == folded:
            return other
    return None


def _unique_name(session: Session, school_id: int, name: str, except_id: int | None = None) -> None:
    lock_school(session, school_id)  # two admins naming two classes alike at once: one after the other
    if _name_taken(session, school_id, name, except_id) is not None:
        raise Conflict(f"another open class is already called {name!r}", field="name")


def _counts(session: Session, class_ids: list[int]) -> dict[int, int]:
    return dict(
        session.execute(
            select(Enrollment.class_id, func.count())
            .join(User, User.id == Enrollment.user_id)
            .where(Enrollment.class_id.in_(class_ids), User.is_active.is_(True))
            .group_by(Enrollment.class_id)
        ).all()
    )


def list_classes(session: Session, actor: Actor, *, include_archived: bool = False) -> list[ClassRow]:
    require_admin(actor)
    query = select(Classroom).where(Classroom.school_id == actor.school_id)
    if not include_archived:
        query = query.where(Classroom.archived_at.is_(None))
    classes = session.scalars(query.order_by(Classroom.archived_at.is_not(None), Classroom.name)).all()
    ids = [c.id for c in classes]
    counts = _counts(session, ids)
    teachers: dict[int, list[str]] = {}
    for class_id, name in session.execute(
        select(ClassTeacher.class_id, User.display_name)
        .join(User, User.id == ClassTeacher.user_id)
        .where(ClassTeacher.class_id.in_(ids))
        .order_by(ClassTeacher.role.desc(), User.display_name)
    ):
        teachers.setdefault(class_id, []).append(name)
    titles: dict[int, str] = {
        course_id: title
        for course_id, title in session.execute(
            select(Course.id, Course.title).where(Course.school_id == actor.school_id)
        )
    }
    return [
        ClassRow(
            c.id,
            c.name,
            c.course_id,
            titles.get(c.course_id) if c.course_id else None,
            teachers.get(c.id, []),
            counts.get(c.id, 0),
            c.archived_at,
            c.created_at,
        )
        for c in classes
    ]


def class_detail(session: Session, actor: Actor, class_id: int) -> ClassDetail:
    classroom = admin_class(session, actor, class_id)
    teachers = class_teachers(session, classroom.id)
    in_class = {t.id for t in teachers}
    candidates = [
        (u.id, u.display_name, u.email)
        for u in session.scalars(
            select(User)
            .where(User.school_id == actor.school_id, User.role == Role.TEACHER, User.is_active.is_(True))
            .order_by(User.display_name)
        )
        if u.id not in in_class
    ]
    course = session.get(Course, classroom.course_id) if classroom.course_id is not None else None
    return ClassDetail(
        classroom.id, classroom.name, classroom.course_id, course.title if course else None,
        classroom.archived_at, classroom.join_code, teachers, _counts(session, [classroom.id]).get(classroom.id, 0),
        practised_count(session, classroom), school_courses(session, actor), candidates,
    )  # fmt: skip


def practised_count(session: Session, classroom: Classroom) -> int:
    """Students of the class with learner state in its current course (a course change warns about them)."""
    if classroom.course_id is None:
        return 0
    return int(
        session.scalar(
            select(func.count(func.distinct(LearnerState.student_id)))
            .join(Skill, Skill.id == LearnerState.skill_id)
            .join(Enrollment, Enrollment.user_id == LearnerState.student_id)
            .where(Enrollment.class_id == classroom.id, Skill.course_id == classroom.course_id)
        )
        or 0
    )


def create_class(
    session: Session, actor: Actor, name: str, *, course_id: int | None = None, teacher_id: int | None = None
) -> Classroom:
    """A new open class, with its course and first teacher when given."""
    require_admin(actor)
    name = clean_name(name, "name", "class name")
    course = _school_course(session, actor, course_id) if course_id is not None else None
    teacher = _teacher(session, actor, teacher_id, "teacher_id") if teacher_id is not None else None
    _unique_name(session, actor.school_id, name)
    classroom = Classroom(school_id=actor.school_id, name=name, course_id=course.id if course else None)
    session.add(classroom)
    session.flush()
    if teacher is not None:
        session.add(ClassTeacher(class_id=classroom.id, user_id=teacher.id, role="teacher"))
        session.flush()
        change = {"before": None, "after": "teacher"}
        _audit_teacher(session, actor, "class_teacher.set", classroom, teacher, change)
    return classroom


def rename_class(session: Session, actor: Actor, class_id: int, name: str) -> Classroom:
    classroom = admin_class(session, actor, class_id, lock=True)
    require_open(classroom)
    name = clean_name(name, "name", "class name")
    _unique_name(session, actor.school_id, name, except_id=classroom.id)
    classroom.name = name
    session.flush()
    return classroom


@dataclass(frozen=True)
class CourseChange:
    classroom: Classroom
    previous_course_id: int | None
    practised_count: int  # students who had practised in the previous course (their state stays)


def set_course(session: Session, actor: Actor, class_id: int, course_id: int) -> CourseChange:
    classroom = admin_class(session, actor, class_id, lock=True)
    require_open(classroom)
    course = _school_course(session, actor, course_id)
    previous, practised = classroom.course_id, practised_count(session, classroom)
    classroom.course_id = course.id
    session.flush()
    return CourseChange(classroom, previous, practised if previous != course.id else 0)


def archive_class(session: Session, actor: Actor, class_id: int) -> Classroom:
    """Read-only from now on, out of the lists; nothing is deleted. Archiving twice changes nothing."""
    classroom = admin_class(session, actor, class_id, lock=True)
    if classroom.archived_at is None:
        classroom.archived_at = utcnow()
        classroom.join_code = None
        session.flush()
    return classroom


def restore_class(session: Session, actor: Actor, class_id: int) -> Classroom:
    classroom = admin_class(session, actor, class_id, lock=True)
    if classroom.archived_at is not None:
        lock_school(session, actor.school_id)
        if _name_taken(session, actor.school_id, classroom.name, classroom.id) is not None:
            raise Conflict(
                f"an open class is already called {classroom.name!r}: rename one of them first", field="name"
            )
        classroom.archived_at = None
        session.flush()
    return classroom


def _teacher(session: Session, actor: Actor, user_id: int, field: str) -> User:
    user = school_user(session, actor, user_id)
    if user.role != Role.TEACHER:
        raise InvalidInput(field, f"{user.display_name} is not a teacher (their role is {user.role.value})")
    if not user.is_active:
        raise InvalidInput(field, f"{user.display_name}'s account is deactivated")
    return user


def set_teacher(session: Session, actor: Actor, class_id: int, user_id: int, role: str = "teacher") -> bool:
    """Make a teacher of the school the class's teacher or co-teacher (or change their role); True if new."""
    classroom = admin_class(session, actor, class_id, lock=True)
    require_open(classroom)
    if role not in TEACHER_ROLES:
        raise InvalidInput("role", f"role must be one of {', '.join(TEACHER_ROLES)}")
    teacher = _teacher(session, actor, user_id, "user_id")
    row = session.get(ClassTeacher, (classroom.id, teacher.id))
    before = row.role if row is not None else None
    if row is not None:
        row.role = role
    else:
        session.add(ClassTeacher(class_id=classroom.id, user_id=teacher.id, role=role))
    session.flush()
    if before != role:
        _audit_teacher(session, actor, "class_teacher.set", classroom, teacher, {"before": before, "after": role})
    return row is None


def remove_teacher(session: Session, actor: Actor, class_id: int, user_id: int) -> None:
    """Remove a teacher from the class; the last one stays (add the new teacher first)."""
    classroom = admin_class(session, actor, class_id, lock=True)  # the lock: two removals at once
    require_open(classroom)
    teacher = school_user(session, actor, user_id)
    row = session.get(ClassTeacher, (classroom.id, teacher.id))
    if row is None:
        raise NotFound(f"{teacher.display_name} does not teach {classroom.name}")
    remaining = session.scalar(
        select(func.count()).select_from(ClassTeacher).where(ClassTeacher.class_id == classroom.id)
    )
    if (remaining or 0) <= 1:
        raise Conflict(
            f"{teacher.display_name} is the only teacher of {classroom.name}: add the new teacher first",
            field="user_id",
        )
    session.delete(row)
    session.flush()
    _audit_teacher(session, actor, "class_teacher.removed", classroom, teacher, {"before": row.role})


def _audit_teacher(
    session: Session,
    actor: Actor,
    action: str,
    classroom: Classroom,
    teacher: User,
    change: Mapping[str, object],
) -> None:
    audit.record(
        session, school_id=classroom.school_id, actor_id=actor.user_id, action=action,
        subject=("user", teacher.id), detail={"class_id": classroom.id, **change},
    )  # fmt: skip
