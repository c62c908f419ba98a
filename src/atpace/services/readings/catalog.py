"""Readings as teachers and administrators see them: the school's list and one reading's versions with their
readability figures and questions (answers included)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.content.spec import AnswerSpec
from atpace.services.access import get_course, require_staff
from atpace.services.auth import Actor
from atpace.services.readings.authoring import QuestionInput, ReadingInput, VersionInput, get_reading
from atpace.store.tables import Classroom, ClassTeacher, Course, Role, Skill
from atpace.store.tables_readings import Reading, ReadingQuestion, ReadingVersion


@dataclass(frozen=True)
class QuestionDetail:
    id: int
    kind: str
    prompt: str
    skill_key: str
    skill_name: str
    answer: AnswerSpec


@dataclass(frozen=True)
class VersionDetail:
    id: int
    position: int
    body: str
    flesch_kincaid_grade: float
    dale_chall: float
    words: int
    sentences: int
    words_per_sentence: float
    letters_per_word: float
    estimated_grade: float
    grade_band: str
    questions: tuple[QuestionDetail, ...]


@dataclass(frozen=True)
class ReadingDetail:
    id: int
    key: str
    title: str
    summary: str
    course_id: int
    course_title: str
    versions: tuple[VersionDetail, ...]


@dataclass(frozen=True)
class ReadingSummary:
    id: int
    title: str
    course_id: int
    course_title: str
    bands: tuple[str, ...]  # of the versions, easiest first


def school_readings(session: Session, actor: Actor, course_id: int | None = None) -> list[ReadingSummary]:
    require_staff(actor)
    query = (
        select(Reading, Course.title)
        .join(Course, Course.id == Reading.course_id)
        .where(Reading.school_id == actor.school_id)
        .order_by(Course.title, Reading.title, Reading.id)
    )
    if course_id is not None:
        query = query.where(Reading.course_id == get_course(session, actor, course_id).id)
    found = session.execute(query).all()
    bands: dict[int, list[str]] = {}
    for reading_id, band in session.execute(
        select(ReadingVersion.reading_id, ReadingVersion.grade_band)
        .where(ReadingVersion.reading_id.in_([r.id for r, _ in found]))
        .order_by(ReadingVersion.reading_id, ReadingVersion.position)
    ):
        bands.setdefault(reading_id, []).append(band)
    return [
        ReadingSummary(r.id, r.title, r.course_id, title, tuple(bands.get(r.id, ()))) for r, title in found
    ]


def staff_classes(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the open classes with a course whose reading levels the actor manages: the classes they
    teach, or every class of the school for an administrator."""
    require_staff(actor)
    query = select(Classroom.id, Classroom.name).where(
        Classroom.school_id == actor.school_id,
        Classroom.archived_at.is_(None),
        Classroom.course_id.is_not(None),
    )
    if actor.role != Role.ADMIN:
        query = query.join(ClassTeacher, ClassTeacher.class_id == Classroom.id).where(
            ClassTeacher.user_id == actor.user_id
        )
    return [
        (class_id, name) for class_id, name in session.execute(query.order_by(Classroom.name, Classroom.id))
    ]


def course_choices(session: Session, actor: Actor) -> list[tuple[int, str]]:
    require_staff(actor)
    rows = session.execute(
        select(Course.id, Course.title).where(Course.school_id == actor.school_id).order_by(Course.title)
    )
    return [(course_id, title) for course_id, title in rows]


def reading_detail(session: Session, actor: Actor, reading_id: int) -> ReadingDetail:
    reading = get_reading(session, actor, reading_id)  # another school's: 404 before 403
    require_staff(actor)
    course = session.get(Course, reading.course_id)
    assert course is not None
    skills = {s.id: s for s in session.scalars(select(Skill).where(Skill.course_id == course.id))}
    versions = session.scalars(
        select(ReadingVersion)
        .where(ReadingVersion.reading_id == reading.id)
        .order_by(ReadingVersion.position)
    ).all()
    by_version: dict[int, list[QuestionDetail]] = {}
    for q in session.scalars(
        select(ReadingQuestion)
        .where(ReadingQuestion.version_id.in_([v.id for v in versions]))
        .order_by(ReadingQuestion.version_id, ReadingQuestion.position)
    ):
        skill = skills[q.skill_id]
        assert q.version_id is not None
        by_version.setdefault(q.version_id, []).append(
            QuestionDetail(q.id, q.kind, q.prompt, skill.key, skill.name, AnswerSpec.from_dict(q.answer))
        )
    return ReadingDetail(
        reading.id, reading.key, reading.title, reading.summary, course.id, course.title,
        tuple(
            VersionDetail(
                v.id, v.position, v.body, v.flesch_kincaid_grade, v.dale_chall, v.words, v.sentences,
                v.words_per_sentence, v.letters_per_word, v.estimated_grade, v.grade_band,
                tuple(by_version.get(v.id, ())),
            )
            for v in versions
        ),
    )  # fmt: skip


def as_input(detail: ReadingDetail) -> ReadingInput:
    """A stored reading as the input that would save it again (the edit form starts from it)."""
    return ReadingInput(
        title=detail.title, summary=detail.summary, key=detail.key,
        versions=tuple(
            VersionInput(
                v.body,
                tuple(
                    QuestionInput(
                        q.skill_key, q.kind, q.prompt, q.answer.correct, q.answer.choices, q.answer.alternatives
                    )
                    for q in v.questions
                ),
            )
            for v in detail.versions
        ),
    )  # fmt: skip
