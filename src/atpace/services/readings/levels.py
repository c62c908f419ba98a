"""The teacher's side of reading levels: a class's levels, and setting, locking or unlocking a student's."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.engine import readability, reading_level
from atpace.errors import InvalidInput
from atpace.services.access import class_course, get_class, get_class_student
from atpace.services.auth import Actor
from atpace.services.readings.reader import level_row
from atpace.store.tables import Enrollment, Role, User, utcnow
from atpace.store.tables_readings import ReadingLevel, ReadingResult


@dataclass(frozen=True)
class StudentLevel:
    student_id: int
    name: str
    level: float
    grade_band: str
    locked: bool
    set_by_teacher: bool
    texts: int  # finished texts that counted
    last_score: tuple[int, int] | None  # (right, questions) of the newest finished version


@dataclass(frozen=True)
class ClassLevels:
    class_id: int
    class_name: str
    course_id: int
    course_title: str
    students: tuple[StudentLevel, ...]


def class_levels(session: Session, actor: Actor, class_id: int) -> ClassLevels:
    classroom = get_class(session, actor, class_id)
    course = class_course(classroom)
    students = session.scalars(
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.class_id == classroom.id, User.role == Role.STUDENT, User.is_active.is_(True))
        .order_by(User.display_name, User.id)
    ).all()
    ids = [s.id for s in students]
    levels = {
        row.student_id: row
        for row in session.scalars(
            select(ReadingLevel).where(ReadingLevel.course_id == course.id, ReadingLevel.student_id.in_(ids))
        )
    }
    last: dict[int, tuple[int, int]] = {}
    for result in session.scalars(
        select(ReadingResult)
        .where(ReadingResult.student_id.in_(ids), ReadingResult.school_id == classroom.school_id)
        .order_by(ReadingResult.id)
    ):
        last[result.student_id] = (result.right_answers, result.questions)
    rows = []
    for student in students:
        row = levels.get(student.id)
        value = row.level if row else reading_level.starting_level(None, student.grade, course.grades)
        rows.append(
            StudentLevel(
                student.id, student.display_name, value, readability.grade_band(value), bool(row and row.locked),
                bool(row and row.set_by_id is not None), row.texts if row else 0, last.get(student.id),
            )
        )  # fmt: skip
    return ClassLevels(classroom.id, classroom.name, course.id, course.title, tuple(rows))


def set_level(
    session: Session, actor: Actor, class_id: int, student_id: int, *, level: float | None, locked: bool
) -> StudentLevel:
    """Set a student's reading level in the class's course (``None`` keeps it) and lock or unlock it. A
    locked level does not move with results; a level set is the new start (only texts finished after it
    count)."""
    classroom, student = get_class_student(session, actor, class_id, student_id)
    course = class_course(classroom)
    if level is not None and (
        not math.isfinite(level) or not reading_level.LEVEL_MIN <= level <= reading_level.LEVEL_MAX
    ):
        raise InvalidInput(
            "level",
            f"a reading level is a grade from {reading_level.LEVEL_MIN:g} to {reading_level.LEVEL_MAX:g}",
        )
    session.execute(select(User.id).where(User.id == student.id).with_for_update())
    row = level_row(session, student, course)
    now = utcnow()
    if level is not None:
        row.level = row.start_level = round(level, 1)
        row.started_at = now
    row.locked = locked
    row.set_by_id = actor.user_id
    row.updated_at = now
    session.flush()
    return StudentLevel(
        student.id,
        student.display_name,
        row.level,
        readability.grade_band(row.level),
        row.locked,
        True,
        row.texts,
        None,
    )
