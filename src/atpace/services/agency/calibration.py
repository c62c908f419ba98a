"""Self-assessment and calibration: "I can ..." ratings per skill, confidence against correctness, advice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.engine import calibration as rules
from atpace.errors import InvalidInput
from atpace.services.access import class_course, get_class
from atpace.services.agency.common import StudentCourse, acting_student, seen_student
from atpace.services.auth import Actor
from atpace.services.courses import load_graph
from atpace.services.progress import student_progress
from atpace.store.tables import Attempt, Classroom, Enrollment, Role, User
from atpace.store.tables_agency import SelfRating

RATED_WINDOW = 1_000  # the newest rated answers a view reads
# The faces show these (the web does not import the engine).
LevelPoint = rules.LevelPoint
WeekPoint = rules.WeekPoint
SELF_RATINGS = rules.SELF_RATINGS
LABELS = rules.LABELS


@dataclass(frozen=True)
class SkillRow:
    key: str
    name: str
    self_rating: int | None
    model_level: int
    mastery: float | None
    calibration: rules.SkillCalibration | None


@dataclass(frozen=True)
class StudentCalibration:
    seen: StudentCourse
    levels: list[rules.LevelPoint]
    weeks: list[rules.WeekPoint]
    skills: list[SkillRow]
    advice: list[rules.Advice]
    summary: rules.StudentSummary


def _rated_answers(
    session: Session, student_ids: list[int], by_id: dict[int, str]
) -> dict[int, list[rules.RatedAnswer]]:
    rows = session.execute(
        select(Attempt.student_id, Attempt.skill_id, Attempt.confidence, Attempt.correct, Attempt.created_at)
        .where(
            Attempt.student_id.in_(student_ids), Attempt.confidence.is_not(None), Attempt.skill_id.in_(by_id)
        )
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(RATED_WINDOW * max(1, len(student_ids)))
    )
    out: dict[int, list[rules.RatedAnswer]] = {}
    for student_id, skill_id, confidence, correct, at in rows:
        answers = out.setdefault(student_id, [])
        if len(answers) < RATED_WINDOW and confidence is not None:
            answers.append(rules.RatedAnswer(by_id[skill_id], confidence, bool(correct), at))
    for answers in out.values():
        answers.reverse()  # oldest first
    return out


def latest_ratings(session: Session, student_id: int, by_id: dict[int, str]) -> dict[str, int]:
    ratings: dict[str, int] = {}
    for skill_id, rating in session.execute(
        select(SelfRating.skill_id, SelfRating.rating)
        .where(SelfRating.student_id == student_id, SelfRating.skill_id.in_(by_id))
        .order_by(SelfRating.created_at, SelfRating.id)
    ):
        ratings[by_id[skill_id]] = rating  # the newest wins
    return ratings


def student_calibration(
    session: Session, actor: Actor, student_id: int, now: datetime | None = None
) -> StudentCalibration:
    seen = seen_student(session, actor, student_id)
    by_id = {i: s.key for i, s in seen.graph.skill_by_id().items()}
    answers = _rated_answers(session, [seen.student.id], by_id).get(seen.student.id, [])
    progress = student_progress(session, seen.student, seen.course, seen.graph, now=now)
    threshold = seen.course.mastery_threshold
    ratings = latest_ratings(session, seen.student.id, by_id)
    per_skill = rules.per_skill(answers)
    levels = {
        key: 4 if s.state == "mastered" else rules.model_level(s.mastery, threshold)
        for key, s in progress.skills.items()
    }
    rows = [
        SkillRow(
            key, skill.name, ratings.get(key), levels[key], progress.skills[key].mastery, per_skill.get(key)
        )
        for key, skill in seen.graph.skills.items()
    ]
    return StudentCalibration(
        seen, rules.by_level(answers), rules.by_week(answers), rows,
        rules.advice(per_skill, ratings, {k: v for k, v in levels.items() if k in ratings or k in per_skill},
                     seen.names),
        rules.summarise(answers),
    )  # fmt: skip


def rate_skill(session: Session, actor: Actor, skill_key: str, rating: int) -> SelfRating:
    """The student's "I can ..." rating of one skill of their course (a new row; the history is kept)."""
    seen = acting_student(session, actor, "rate their own skills")
    if rating not in rules.SELF_RATINGS:
        raise InvalidInput("rating", "choose a rating from 1 to 4")
    skill = seen.graph.skills.get(skill_key)
    if skill is None:
        raise InvalidInput("skill_key", f"{skill_key!r} is not a skill of {seen.course.title}")
    row = SelfRating(
        school_id=seen.student.school_id, student_id=seen.student.id, skill_id=skill.id, rating=rating
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class StudentLine:
    student_id: int
    name: str
    summary: rules.StudentSummary
    sure_when_wrong_skills: list[str]  # names


@dataclass(frozen=True)
class ClassCalibration:
    classroom: Classroom
    course_title: str
    levels: list[rules.LevelPoint]
    students: list[StudentLine]

    def count(self, label: str) -> int:
        return sum(1 for s in self.students if s.summary.label == label)


def class_calibration(session: Session, actor: Actor, class_id: int) -> ClassCalibration:
    """Each student's calibration summary and the class's confidence-against-correctness picture."""
    classroom = get_class(session, actor, class_id)
    course = class_course(classroom)
    graph = load_graph(session, course)
    by_id = {i: s.key for i, s in graph.skill_by_id().items()}
    names = {key: s.name for key, s in graph.skills.items()}
    students = session.execute(
        select(User.id, User.display_name)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.class_id == classroom.id, User.role == Role.STUDENT, User.is_active.is_(True))
        .order_by(User.display_name, User.id)
    ).all()
    answers = _rated_answers(session, [i for i, _ in students], by_id)
    every = [a for student_answers in answers.values() for a in student_answers]
    lines = []
    for student_id, name in students:
        mine = answers.get(student_id, [])
        flagged = [names[k] for k, s in rules.per_skill(mine).items() if s.often_sure_when_wrong]
        lines.append(StudentLine(student_id, name, rules.summarise(mine), flagged))
    return ClassCalibration(classroom, course.title, rules.by_level(every), lines)
