"""What each kind of export holds: its columns (name, type, meaning; docs/exports.md shows them) and how its
rows are read, a chunk at a time.

Rows are read by keyset: each chunk is ``WHERE key > last ORDER BY key LIMIT n`` on the rows' primary key,
in a short read transaction of its own, up to the largest key seen when the export started. No query ever
loads a whole table, no transaction stays open while the file is written, and rows stored after the start
(a new answer) are left out, so that the count shown as the total is the count written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, false, func, literal, select
from sqlalchemy.orm import Session, aliased

from atpace.store.tables import (
    Assignment,
    Attempt,
    Classroom,
    Course,
    Enrollment,
    Evidence,
    Feedback,
    Item,
    LearnerState,
    RubricCriterion,
    Skill,
    Submission,
    User,
)

AnySelect = Select[*tuple[Any, ...]]  # a select of any columns
ColumnType = Literal["int", "str", "bool", "float", "time"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    meaning: str
    nullable: bool = False


@dataclass(frozen=True)
class Scope:
    """Whose rows: a school, and within it one class (``class_id``) using ``course_id``, or all."""

    school_id: int
    class_id: int | None
    course_id: int | None


Row = tuple[Any, ...]


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[Column, ...]
    key: Any  # the primary-key column the rows are read in order of
    query: Callable[[Scope], AnySelect]  # selects (key, ...) with the key first
    shape: Callable[[Session, Sequence[Row]], list[Row]]  # rows of ``query`` to rows of ``columns``

    def count(self, session: Session, scope: Scope, upto: int) -> int:
        query = self.query(scope).where(self.key <= upto).order_by(None).with_only_columns(func.count())
        return session.scalar(query) or 0

    def last_key(self, session: Session, scope: Scope) -> int:
        query = self.query(scope).order_by(None).with_only_columns(func.max(self.key))
        return session.scalar(query) or 0

    def chunk(
        self, session: Session, scope: Scope, after: int, upto: int, size: int
    ) -> tuple[list[Row], int]:
        """The next ``size`` rows after the key ``after`` (up to ``upto``) and the last key read.

        Two steps: the chunk's last key first (the scope's keys only, in order), then the rows of the key
        range ``(after, last]`` with their joins and looked-up columns, so that the costly part of the query
        touches the chunk's rows only, whatever plan the database picks for the ordering."""
        connection = session.connection()  # plain rows, without the ORM's per-row work
        in_range = self.query(scope).where(self.key > after, self.key <= upto)
        last = connection.execute(
            in_range.with_only_columns(self.key).order_by(self.key).offset(size - 1).limit(1)
        ).scalar()
        end = upto if last is None else int(last)
        rows = connection.execute(
            self.query(scope).where(self.key > after, self.key <= end).order_by(self.key)
        ).all()
        if not rows:
            return [], after
        return self.shape(session, [tuple(r) for r in rows]), int(rows[-1][0])


def _class_of(scope: Scope, student: Any, course: Any) -> ColumnElement[Any]:
    """The class a row belongs to: the exported class, or (whole school) the student's first class that uses
    the row's course (None: no such class any more)."""
    if scope.class_id is not None:
        return literal(scope.class_id)
    return (
        select(func.min(Enrollment.class_id))
        .join(Classroom, Classroom.id == Enrollment.class_id)
        .where(Enrollment.user_id == student, Classroom.course_id == course)
        .scalar_subquery()
    )


def _in_scope(query: AnySelect, scope: Scope, student: Any, course: Any) -> AnySelect:
    if scope.class_id is None:
        return query
    if scope.course_id is None:  # a class without a course has no answers nor mastery yet
        return query.where(false())
    return query.join(
        Enrollment, (Enrollment.user_id == student) & (Enrollment.class_id == scope.class_id)
    ).where(course == scope.course_id)


# Attempts ---------------------------------------------------------------------------------------------

ATTEMPT_COLUMNS = (
    Column("attempt_id", "int", "The answer's id in atpace"),
    Column("student_id", "int", "The student's id in atpace"),
    Column("student_sourced_id", "str", "The student's sourcedId from the school's roster (OneRoster)", True),
    Column("class_id", "int", "The class (the exported one, or the student's first class using the course)",
           True),
    Column("course_key", "str", "The course's key"),
    Column("skill_key", "str", "The skill the answer was practice of"),
    Column("item_id", "int", "The item's id (one version of a question)"),
    Column("item_key", "str", "The item's key in its course"),
    Column("correct", "bool", "Whether the answer was right"),
    Column("response", "str", "What the student answered, as typed"),
    Column("answered_at", "time", "When the answer was stored (UTC)"),
    Column("duration_ms", "int", "Time spent on the item, in milliseconds, as the page measured it", True),
    Column("hints_used", "int", "Hints shown before answering"),
    Column("confidence", "int", "How sure the student said they were (1 to 4), if asked", True),
    Column("mastery_before", "float", "P(learned) of the skill before this answer"),
    Column("mastery_after", "float", "P(learned) of the skill after this answer"),
    Column("source", "str", "Where the answer came from: practice, check, placement, history"),
)  # fmt: skip


def _attempts_query(scope: Scope) -> AnySelect:
    source = (
        select(Evidence.kind)
        .where(Evidence.attempt_id == Attempt.id)
        .order_by(Evidence.id)
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(
            Attempt.id,
            Attempt.id,
            Attempt.student_id,
            User.sourced_id,
            _class_of(scope, Attempt.student_id, Skill.course_id),
            Course.key,
            Skill.key,
            Attempt.item_id,
            Item.key,
            Attempt.correct,
            Attempt.response,
            Attempt.created_at,
            Attempt.duration_ms,
            Attempt.hints_used,
            Attempt.confidence,
            Attempt.mastery_before,
            Attempt.mastery_after,
            func.coalesce(source, "practice"),
        )
        .join(User, User.id == Attempt.student_id)
        .join(Skill, Skill.id == Attempt.skill_id)
        .join(Course, Course.id == Skill.course_id)
        .join(Item, Item.id == Attempt.item_id)
        .where(Attempt.school_id == scope.school_id)
    )
    return _in_scope(query, scope, Attempt.student_id, Skill.course_id)


def _attempts_shape(_session: Session, rows: Sequence[Row]) -> list[Row]:
    return [(*r[1:9], bool(r[9]), *r[10:]) for r in rows]


# Mastery ----------------------------------------------------------------------------------------------

MASTERY_COLUMNS = (
    Column("student_id", "int", "The student's id in atpace"),
    Column("student_sourced_id", "str", "The student's sourcedId from the school's roster (OneRoster)", True),
    Column("class_id", "int", "The class (the exported one, or the student's first class using the course)",
           True),
    Column("course_key", "str", "The course's key"),
    Column("skill_key", "str", "The skill's key in its course"),
    Column("p_learned", "float", "The learner model's probability that the student has learned the skill"),
    Column("mastered", "bool", "Whether P(learned) is at or above the course's mastery threshold now"),
    Column("mastery_threshold", "float", "The course's mastery threshold"),
    Column("first_mastered_at", "time", "When the skill was first mastered (UTC), if it was", True),
    Column("evidence_count", "int", "Pieces of evidence recorded (answers, checks, rubric levels, placement)"),
    Column("attempts", "int", "Answers counted on the skill"),
    Column("correct", "int", "Right answers among them"),
    Column("last_practice_at", "time", "The newest answer on the skill (UTC)", True),
)  # fmt: skip


def _mastery_query(scope: Scope) -> AnySelect:
    evidence = (
        select(func.count())
        .select_from(Evidence)
        .where(Evidence.student_id == LearnerState.student_id, Evidence.skill_id == LearnerState.skill_id)
        .scalar_subquery()
    )
    query = (
        select(
            LearnerState.id,
            LearnerState.student_id,
            User.sourced_id,
            _class_of(scope, LearnerState.student_id, Skill.course_id),
            Course.key,
            Skill.key,
            LearnerState.p_learned,
            Course.mastery_threshold,
            LearnerState.mastered_at,
            evidence,
            LearnerState.attempts,
            LearnerState.correct,
            LearnerState.last_attempt_at,
        )
        .join(User, User.id == LearnerState.student_id)
        .join(Skill, Skill.id == LearnerState.skill_id)
        .join(Course, Course.id == Skill.course_id)
        .where(LearnerState.school_id == scope.school_id)
    )
    return _in_scope(query, scope, LearnerState.student_id, Skill.course_id)


def _mastery_shape(_session: Session, rows: Sequence[Row]) -> list[Row]:
    return [(*r[1:7], r[6] >= r[7], *r[7:]) for r in rows]


# Grades -----------------------------------------------------------------------------------------------

GRADE_COLUMNS = (
    Column("submission_id", "int", "The submitted version's id"),
    Column("assignment_id", "int", "The assignment's id"),
    Column("assignment", "str", "The assignment's title"),
    Column("assignment_kind", "str", "What kind of assignment it is (task, project, practice...)"),
    Column("class_id", "int", "The class the assignment was given to"),
    Column("student_id", "int", "The student's id in atpace"),
    Column("student_sourced_id", "str", "The student's sourcedId from the school's roster (OneRoster)", True),
    Column("step", "int", "0: the assignment itself; 1, 2...: a project's checkpoint"),
    Column("version", "int", "The newest version submitted (resubmissions add versions)"),
    Column("status", "str", "submitted, returned (for revision) or graded"),
    Column("submitted_at", "time", "When this version was submitted (UTC)"),
    Column("late", "bool", "Whether it came after the student's due date"),
    Column("decision", "str", "The teacher's decision on it: graded, returned, or empty (not yet)", True),
    Column("graded_at", "time", "When the teacher gave feedback (UTC)", True),
    Column("score", "float", "Rubric points earned (empty: no rubric, or no feedback yet)", True),
    Column("max_score", "float", "Rubric points possible (empty: no rubric)", True),
    Column("criterion_levels", "str",
           "The level given on each rubric criterion, as JSON: a list of {criterion_id, criterion, level, "
           "level_title, points} (level counts from 0)", True),
)  # fmt: skip


def _grades_query(scope: Scope) -> AnySelect:
    newer = aliased(Submission)
    is_newest = ~(
        select(newer.id)
        .where(
            newer.assignment_id == Submission.assignment_id,
            newer.student_id == Submission.student_id,
            newer.step == Submission.step,
            newer.version > Submission.version,
        )
        .exists()
    )
    query: AnySelect = (
        select(
            Submission.id,
            Submission.id,
            Assignment.id,
            Assignment.title,
            Assignment.kind,
            Assignment.class_id,
            Submission.student_id,
            User.sourced_id,
            Submission.step,
            Submission.version,
            Submission.status,
            Submission.submitted_at,
            Submission.late,
            Feedback.decision,
            Feedback.created_at,
            Assignment.rubric_id,
            Feedback.scores,
        )
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .join(User, User.id == Submission.student_id)
        .outerjoin(Feedback, Feedback.submission_id == Submission.id)
        .where(Submission.school_id == scope.school_id, is_newest)
    )
    if scope.class_id is not None:
        query = query.where(Assignment.class_id == scope.class_id)
    return query


def _grades_shape(session: Session, rows: Sequence[Row]) -> list[Row]:
    rubric_ids = {r[15] for r in rows if r[15] is not None}
    criteria: dict[int, list[RubricCriterion]] = {}
    if rubric_ids:
        for criterion in session.scalars(
            select(RubricCriterion)
            .where(RubricCriterion.rubric_id.in_(rubric_ids))
            .order_by(RubricCriterion.rubric_id, RubricCriterion.position, RubricCriterion.id)
        ):
            criteria.setdefault(criterion.rubric_id, []).append(criterion)
    shaped: list[Row] = []
    for r in rows:
        rubric_id, scores = r[15], r[16]
        possible = earned = levels = None
        if rubric_id is not None:
            rubric = criteria.get(rubric_id, [])
            possible = sum(max((_points(level) for level in c.levels), default=0.0) for c in rubric)
            if r[13] is not None:  # feedback given
                earned, given = _scored(scores or [], {c.id: c for c in rubric})
                levels = json.dumps(given, ensure_ascii=False, sort_keys=True)
        shaped.append((*r[1:12], bool(r[12]), r[13], r[14], earned, possible, levels))
    return shaped


def _points(level: object) -> float:
    value = level.get("points", 0) if isinstance(level, dict) else 0
    return float(value) if isinstance(value, int | float) else 0.0


def _scored(
    scores: Sequence[Any], criteria: dict[int, RubricCriterion]
) -> tuple[float, list[dict[str, Any]]]:
    total, given = 0.0, []
    for score in scores:
        if not isinstance(score, dict):
            continue
        criterion_id, level = score.get("criterion_id"), score.get("level")
        criterion = criteria.get(criterion_id) if isinstance(criterion_id, int) else None
        if criterion is None or not isinstance(level, int) or not 0 <= level < len(criterion.levels):
            continue
        chosen = criterion.levels[level]
        points = _points(chosen)
        total += points
        title = chosen.get("title", "") if isinstance(chosen, dict) else ""
        given.append(
            {
                "criterion_id": criterion.id,
                "criterion": criterion.title,
                "level": level,
                "level_title": str(title),
                "points": points,
            }
        )
    return total, given


KINDS: dict[str, Kind] = {
    "attempts": Kind("attempts", ATTEMPT_COLUMNS, Attempt.id, _attempts_query, _attempts_shape),
    "mastery": Kind("mastery", MASTERY_COLUMNS, LearnerState.id, _mastery_query, _mastery_shape),
    "grades": Kind("grades", GRADE_COLUMNS, Submission.id, _grades_query, _grades_shape),
}


def iso(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()
