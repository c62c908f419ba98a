"""The demo school's reading course, its leveled texts (src/atpace/content/readings/) and a reading class
with the demo teacher and the demo students."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.content.package import read_package
from atpace.content.spec import CourseSpec
from atpace.services.courses import import_course
from atpace.services.readings.authoring import ReadingInput, reading_input, save
from atpace.store.tables import Classroom, ClassTeacher, Course, Enrollment, Role, School, User
from atpace.store.tables_readings import Reading

CONTENT = Path(__file__).resolve().parents[2] / "content" / "readings"
READING_CLASS = "Grade 4 - Reading"


@cache
def reading_course() -> CourseSpec:
    """The reading course package shipped with atpace (content/readings/course/)."""
    return read_package(CONTENT / "course")


@cache
def demo_texts() -> tuple[tuple[str, ReadingInput], ...]:
    """(key, reading) of every demo text, in file order."""
    found = []
    for path in sorted((CONTENT / "texts").glob("*.yaml")):
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.append((str(data["key"]), reading_input(data)))
    return tuple(found)


def import_reading_course(session: Session, school: School) -> Course:
    """The school's reading course with the demo texts, imported once."""
    spec = reading_course()
    course = session.scalar(select(Course).where(Course.school_id == school.id, Course.key == spec.key))
    if course is None:
        course = import_course(session, school, spec)
    existing = set(session.scalars(select(Reading.key).where(Reading.course_id == course.id)))
    for key, text in demo_texts():
        if key not in existing:
            save(session, course, text)
    return course


def seed_demo_readings(session: Session, school: School) -> None:
    """The reading course and a reading class taught by the demo teacher with the demo students."""
    course = import_reading_course(session, school)
    if session.scalar(
        select(Classroom.id).where(Classroom.school_id == school.id, Classroom.name == READING_CLASS)
    ):
        return
    users = session.scalars(select(User).where(User.school_id == school.id).order_by(User.id)).all()
    teacher = next((u for u in users if u.role == Role.TEACHER), None)
    first_class = session.scalar(
        select(Classroom.id).where(Classroom.school_id == school.id).order_by(Classroom.id).limit(1)
    )
    classroom = Classroom(school_id=school.id, course_id=course.id, name=READING_CLASS)
    session.add(classroom)
    session.flush()
    if teacher is not None:
        session.add(ClassTeacher(class_id=classroom.id, user_id=teacher.id))
    students = session.scalars(select(Enrollment.user_id).where(Enrollment.class_id == first_class)).all()
    session.add_all(Enrollment(class_id=classroom.id, user_id=student_id) for student_id in students)
    session.flush()
