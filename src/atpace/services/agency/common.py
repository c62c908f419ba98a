"""What the agency services share: whose data, in which course, and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import InvalidInput
from atpace.services.access import get_student, require_student, student_course
from atpace.services.auth import Actor
from atpace.services.courses import CourseGraph, load_graph
from atpace.store.tables import Course, Skill, User, utcnow

HELPED_MAX = 1_000  # one reflection answer ("What helped?", "What will you try next?")


@dataclass(frozen=True)
class StudentCourse:
    """A student whose data the actor may see, and the course it is shown in."""

    student: User
    course: Course
    graph: CourseGraph

    @property
    def names(self) -> dict[str, str]:
        return {key: skill.name for key, skill in self.graph.skills.items()}


def seen_student(session: Session, actor: Actor, student_id: int) -> StudentCourse:
    """The student (themself, their teacher, their school's admin) and the course the actor sees them in."""
    student = get_student(session, actor, student_id)
    course = student_course(session, student, seen_by=actor)
    return StudentCourse(student, course, load_graph(session, course))


def acting_student(session: Session, actor: Actor, doing: str) -> StudentCourse:
    student = require_student(session, actor, doing)
    course = student_course(session, student, seen_by=actor)
    return StudentCourse(student, course, load_graph(session, course))


def course_skill(session: Session, course: Course, skill_key: str, field: str = "skill_key") -> Skill:
    skill = session.scalar(select(Skill).where(Skill.course_id == course.id, Skill.key == skill_key))
    if skill is None:
        raise InvalidInput(field, f"{skill_key!r} is not a skill of {course.title}")
    return skill


def today_of(now: datetime | None) -> tuple[datetime, date]:
    moment = now or utcnow()
    return moment, moment.astimezone(UTC).date()


def reflection_texts(helped: str, next_step: str) -> tuple[str, str]:
    """The two answers of a reflection, trimmed; at least one is needed."""
    helped, next_step = helped.strip(), next_step.strip()
    for field, value in (("helped", helped), ("next_step", next_step)):
        if len(value) > HELPED_MAX:
            raise InvalidInput(field, f"keep it under {HELPED_MAX} characters ({len(value)} given)")
    if not helped and not next_step:
        raise InvalidInput("helped", "write a few words: what helped, or what you will try next")
    return helped, next_step
