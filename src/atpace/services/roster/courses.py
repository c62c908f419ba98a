"""OneRoster courses ("Grade 4 Math") and the atpace courses (skill graphs) their classes use.

An imported class knows its OneRoster course; linking that course to an atpace course gives the course to
every class of it that has none yet (a class whose course an admin already chose keeps it), and to the
classes later imports create.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from atpace.errors import InvalidInput, NotFound
from atpace.store.tables import Classroom, Course, RosterCourse, School


@dataclass(frozen=True)
class RosterCourseLink:
    sourced_id: str
    title: str
    course_code: str
    course_key: str | None  # the atpace course it is linked to
    classes: int
    classes_without_course: int


def roster_courses(session: Session, school: School) -> list[RosterCourseLink]:
    rows = session.execute(
        select(RosterCourse, Course.key)
        .outerjoin(Course, Course.id == RosterCourse.course_id)
        .where(RosterCourse.school_id == school.id, RosterCourse.is_active.is_(True))
        .order_by(RosterCourse.title)
    ).all()
    counts = {
        (sid, has_course): n
        for sid, has_course, n in session.execute(
            select(Classroom.roster_course_sourced_id, Classroom.course_id.is_not(None), func.count())
            .where(Classroom.school_id == school.id, Classroom.archived_at.is_(None))
            .group_by(Classroom.roster_course_sourced_id, Classroom.course_id.is_not(None))
        )
    }
    return [
        RosterCourseLink(
            row.sourced_id,
            row.title,
            row.course_code,
            key,
            counts.get((row.sourced_id, True), 0) + counts.get((row.sourced_id, False), 0),
            counts.get((row.sourced_id, False), 0),
        )
        for row, key in rows
    ]


def link_course(session: Session, school: School, roster_course_sourced_id: str, course_key: str) -> int:
    """Link a OneRoster course to an atpace course of the school; returns how many classes got the course."""
    roster_course = session.scalar(
        select(RosterCourse).where(
            RosterCourse.school_id == school.id, RosterCourse.sourced_id == roster_course_sourced_id
        )
    )
    if roster_course is None:
        raise NotFound(f"no OneRoster course {roster_course_sourced_id!r} in {school.name}")
    course = session.scalar(select(Course).where(Course.school_id == school.id, Course.key == course_key))
    if course is None:
        raise InvalidInput("course", f"no course {course_key!r} in {school.name}; import one first")
    roster_course.course_id = course.id
    given = session.execute(
        update(Classroom)
        .where(
            Classroom.school_id == school.id,
            Classroom.roster_course_sourced_id == roster_course_sourced_id,
            Classroom.course_id.is_(None),
        )
        .values(course_id=course.id)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(given.rowcount)  # type: ignore[attr-defined]
