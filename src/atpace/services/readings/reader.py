"""A student's side of readings: the list, a reading at their level (or read up or down), and answers to
its questions, which are evidence for reading skills and move the reading level (docs/readings.md)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.content.answers import check_answer
from atpace.content.spec import AnswerSpec
from atpace.engine import reading_level
from atpace.errors import Forbidden, InvalidInput, NotFound
from atpace.services import limits
from atpace.services.access import require_student
from atpace.services.auth import Actor
from atpace.services.courses import load_graph
from atpace.services.evidence import Ledger, Observation, lock_student
from atpace.services.progress import load_parameters
from atpace.store.tables import Classroom, Course, Enrollment, Skill, User, utcnow
from atpace.store.tables_readings import (
    Reading,
    ReadingAnswer,
    ReadingLevel,
    ReadingQuestion,
    ReadingResult,
    ReadingVersion,
)

DIFFICULTY_PER_GRADE = 0.5  # a version one grade above the level counts as an item 0.5 logits harder
DIFFICULTY_MAX = 1.5


@dataclass(frozen=True)
class ReadingCard:
    id: int
    title: str
    summary: str
    course_title: str
    versions: int
    grade_band: str  # of the version the level picks
    finished: tuple[int, int] | None  # (right, questions) of the first version finished


@dataclass(frozen=True)
class QuestionView:
    id: int
    position: int
    kind: str
    prompt: str
    choices: tuple[str, ...]
    skill_name: str
    answered: str | None  # the student's response, once answered
    correct: bool | None
    right_answer: str | None  # shown once answered


@dataclass(frozen=True)
class VersionChoice:
    position: int
    grade_band: str
    estimated_grade: float


@dataclass(frozen=True)
class ReadingPage:
    id: int
    title: str
    course_title: str
    level: float
    locked: bool
    versions: tuple[VersionChoice, ...]
    picked: int  # the version the level picks
    chosen: int  # the version shown
    body: str
    questions: tuple[QuestionView, ...]

    @property
    def direction(self) -> reading_level.Direction:
        return reading_level.direction_of(self.chosen, self.picked)


@dataclass(frozen=True)
class AnswerOutcome:
    question_id: int
    correct: bool
    right_answer: str
    message: str
    repeated: bool  # the question was answered before: this is the stored first answer
    finished: tuple[int, int] | None  # (right, questions) when this answer finished the version
    level_before: float
    level_after: float


def student_courses(session: Session, student: User) -> list[Course]:
    """The courses of the student's open classes."""
    return list(
        session.scalars(
            select(Course)
            .join(Classroom, Classroom.course_id == Course.id)
            .join(Enrollment, Enrollment.class_id == Classroom.id)
            .where(Enrollment.user_id == student.id, Classroom.archived_at.is_(None))
            .distinct()
            .order_by(Course.id)
        )
    )


def level_row(session: Session, student: User, course: Course) -> ReadingLevel:
    """The student's reading level in the course, started by the rule when there is none yet."""
    row = session.scalar(
        select(ReadingLevel).where(ReadingLevel.student_id == student.id, ReadingLevel.course_id == course.id)
    )
    if row is None:
        start, now = reading_level.starting_level(None, student.grade, course.grades), utcnow()
        row = ReadingLevel(
            school_id=student.school_id, student_id=student.id, course_id=course.id, level=start,
            start_level=start, started_at=now, locked=False, texts=0, updated_at=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
    return row


def current_level(session: Session, student: User, course: Course) -> float:
    row = session.scalar(
        select(ReadingLevel.level).where(
            ReadingLevel.student_id == student.id, ReadingLevel.course_id == course.id
        )
    )
    return row if row is not None else reading_level.starting_level(None, student.grade, course.grades)


def _versions(session: Session, reading_id: int) -> list[ReadingVersion]:
    return list(
        session.scalars(
            select(ReadingVersion)
            .where(ReadingVersion.reading_id == reading_id)
            .order_by(ReadingVersion.position)
        )
    )


def list_readings(session: Session, actor: Actor) -> list[ReadingCard]:
    """The readings of the student's courses, each with the band of the version their level picks."""
    student = require_student(session, actor, "read leveled texts as students")
    cards = []
    for course in student_courses(session, student):
        level = current_level(session, student, course)
        readings = session.scalars(select(Reading).where(Reading.course_id == course.id).order_by(Reading.id))
        for reading in readings:
            versions = _versions(session, reading.id)
            if not versions:
                continue
            picked = versions[reading_level.pick_version([v.estimated_grade for v in versions], level)]
            cards.append(
                ReadingCard(
                    reading.id,
                    reading.title,
                    reading.summary,
                    course.title,
                    len(versions),
                    picked.grade_band,
                    _first_result(session, student.id, reading.id),
                )
            )
    return cards


def _first_result(session: Session, student_id: int, reading_id: int) -> tuple[int, int] | None:
    row = session.scalar(
        select(ReadingResult)
        .where(ReadingResult.student_id == student_id, ReadingResult.reading_id == reading_id)
        .order_by(ReadingResult.id)
        .limit(1)
    )
    return (row.right_answers, row.questions) if row is not None else None


def _reading_for(session: Session, actor: Actor, reading_id: int) -> tuple[User, Reading, Course]:
    student = require_student(session, actor, "read leveled texts as students")
    reading = session.get(Reading, reading_id)
    if reading is None or reading.school_id != actor.school_id:
        raise NotFound(f"reading {reading_id} not found")
    course = session.get(Course, reading.course_id)
    assert course is not None
    if course.id not in {c.id for c in student_courses(session, student)}:
        raise Forbidden("this reading belongs to a course of a class you are not in")
    return student, reading, course


def reading_page(session: Session, actor: Actor, reading_id: int, version: int | None = None) -> ReadingPage:
    """The reading at the student's level, or the version they chose (0 = easiest)."""
    student, reading, course = _reading_for(session, actor, reading_id)
    level = session.scalar(
        select(ReadingLevel).where(ReadingLevel.student_id == student.id, ReadingLevel.course_id == course.id)
    )
    value = level.level if level is not None else current_level(session, student, course)
    versions = _versions(session, reading.id)
    if not versions:
        raise NotFound(f"reading {reading_id} has no versions")
    picked = reading_level.pick_version([v.estimated_grade for v in versions], value)
    if version is not None and not 0 <= version < len(versions):
        raise InvalidInput("version", f"choose a version from 0 to {len(versions) - 1}")
    chosen = picked if version is None else version
    shown = versions[chosen]
    questions = session.scalars(
        select(ReadingQuestion)
        .where(ReadingQuestion.version_id == shown.id)
        .order_by(ReadingQuestion.position)
    ).all()
    answers = {
        a.question_id: a
        for a in session.scalars(
            select(ReadingAnswer).where(
                ReadingAnswer.student_id == student.id,
                ReadingAnswer.question_id.in_([q.id for q in questions]),
            )
        )
    }
    rows = session.execute(select(Skill.id, Skill.name).where(Skill.course_id == course.id))
    names = {skill_id: name for skill_id, name in rows}
    views = []
    for q in questions:
        spec = AnswerSpec.from_dict(q.answer)
        given = answers.get(q.id)
        views.append(
            QuestionView(
                q.id, q.position, q.kind, q.prompt, _display_order(q.id, spec.choices), names.get(q.skill_id, ""),
                given.response if given else None, given.correct if given else None,
                spec.correct if given else None,
            )
        )  # fmt: skip
    return ReadingPage(
        reading.id, reading.title, course.title, value, bool(level and level.locked),
        tuple(VersionChoice(v.position, v.grade_band, v.estimated_grade) for v in versions), picked, chosen,
        shown.body, tuple(views),
    )  # fmt: skip


def answer(
    session: Session,
    actor: Actor,
    reading_id: int,
    question_id: int,
    response: str,
    *,
    now: datetime | None = None,
) -> AnswerOutcome:
    """Mark one answer to a question of the reading (any version: reading up or down counts too).

    The first answer to a question counts and is kept; answering it again returns that first result. One
    transaction, the student locked, so two concurrent answers cannot both count.
    """
    if len(response) > limits.RESPONSE_MAX:
        raise InvalidInput("response", f"an answer has at most {limits.RESPONSE_MAX} characters")
    if not response.strip():
        raise InvalidInput("response", "write or choose an answer")
    student, reading, course = _reading_for(session, actor, reading_id)
    question = session.get(ReadingQuestion, question_id)
    if question is None or question.reading_id != reading.id or question.version_id is None:
        raise NotFound(f"question {question_id} is not a question of this reading")
    lock_student(session, student.id)
    level = level_row(session, student, course)
    before_level = level.level
    stored = session.scalar(
        select(ReadingAnswer).where(
            ReadingAnswer.student_id == student.id, ReadingAnswer.question_id == question.id
        )
    )
    spec = AnswerSpec.from_dict(question.answer)
    if stored is not None:
        return AnswerOutcome(
            question.id, stored.correct, spec.correct, "You answered this question before; that answer counts.",
            True, None, before_level, before_level,
        )  # fmt: skip
    checked = check_answer(spec, response)
    if checked.status == "malformed":
        raise InvalidInput("response", checked.message or "that is not an answer to this question")
    moment = now or utcnow()
    versions = _versions(session, reading.id)
    version = next(v for v in versions if v.id == question.version_id)
    graph = load_graph(session, course)
    ledger = Ledger.load(session, student, graph, load_parameters(session, course.id))
    skill_key = next(s.key for s in graph.skills.values() if s.id == question.skill_id)
    gap = (version.estimated_grade - level.level) * DIFFICULTY_PER_GRADE
    difficulty = max(-DIFFICULTY_MAX, min(DIFFICULTY_MAX, gap))
    row = ReadingAnswer(
        school_id=student.school_id, student_id=student.id, question_id=question.id,
        response=response.strip()[: limits.RESPONSE_MAX], correct=checked.correct, created_at=moment,
        mastery_before=0.0, mastery_after=0.0,
    )  # fmt: skip
    result = ledger.record("comprehension", [Observation(skill_key, checked.correct, difficulty)], moment)
    change = result.changes[skill_key]
    row.mastery_before, row.mastery_after = change.before, change.after
    session.add(row)
    session.flush()  # the student lock serialises answers; the unique constraint backs it
    finished = _finish_version(session, student, reading, version, versions, level, moment)
    return AnswerOutcome(
        question.id, checked.correct, spec.correct, "Right!" if checked.correct else checked.message or "Not quite.",
        False, finished, before_level, level.level,
    )  # fmt: skip


def _finish_version(
    session: Session,
    student: User,
    reading: Reading,
    version: ReadingVersion,
    versions: list[ReadingVersion],
    level: ReadingLevel,
    moment: datetime,
) -> tuple[int, int] | None:
    """When every question of the version is answered: store its result and, for the first version of the
    reading finished (read at, above or below the level), estimate the reading level again by the rule."""
    question_ids = list(
        session.scalars(select(ReadingQuestion.id).where(ReadingQuestion.version_id == version.id))
    )
    marks = list(
        session.scalars(
            select(ReadingAnswer.correct).where(
                ReadingAnswer.student_id == student.id, ReadingAnswer.question_id.in_(question_ids)
            )
        )
    )
    count, right = len(marks), sum(marks)
    if count < len(question_ids):
        return None
    first = (
        session.scalar(
            select(ReadingResult.id).where(
                ReadingResult.student_id == student.id, ReadingResult.reading_id == reading.id
            )
        )
        is None
    )
    picked = reading_level.pick_version([v.estimated_grade for v in versions], level.level)
    direction = reading_level.direction_of(version.position, picked)
    before = level.level
    session.add(
        ReadingResult(
            school_id=student.school_id, student_id=student.id, reading_id=reading.id, version_id=version.id,
            right_answers=right, questions=count, estimated_grade=version.estimated_grade, direction=direction,
            counted=first, level_before=before, level_after=before, created_at=moment,
        )
    )  # fmt: skip
    session.flush()
    if first:
        level.texts += 1
        if not level.locked:
            level.level = reading_level.estimate(level.start_level, counted_results(session, level))
        level.updated_at = moment
        result = session.scalars(
            select(ReadingResult).where(
                ReadingResult.student_id == student.id, ReadingResult.version_id == version.id
            )
        ).one()
        result.level_after = level.level
    session.flush()
    return right, count


def counted_results(session: Session, level: ReadingLevel) -> list[reading_level.TextResult]:
    """The texts that count for a reading level: the first version finished of each reading of the course,
    since the level was started or last set by a teacher."""
    rows = session.execute(
        select(ReadingResult.right_answers, ReadingResult.questions, ReadingResult.estimated_grade)
        .join(Reading, Reading.id == ReadingResult.reading_id)
        .where(
            ReadingResult.student_id == level.student_id, Reading.course_id == level.course_id,
            ReadingResult.counted.is_(True), ReadingResult.created_at >= level.started_at,
        )
        .order_by(ReadingResult.id)
    )  # fmt: skip
    return [reading_level.TextResult(right, questions, grade) for right, questions, grade in rows]


def _display_order(question_id: int, choices: tuple[str, ...]) -> tuple[str, ...]:
    """The choices in an order fixed per question but not as written (authors tend to put the right one
    first); answers name a choice by its text, so the order does not matter to the checker."""
    return tuple(sorted(choices, key=lambda c: hashlib.sha256(f"{question_id}:{c}".encode()).hexdigest()))
