"""The equity report (docs/equity.md): mastery growth, practice time and teacher attention per subgroup.

For a period (default: the last 8 weeks, UTC days, both ends included) and a scope (the school, for its
administrators; one class, for its teachers and the school's administrators), each category the school
records splits the scope's students into its values and "not recorded". For every group: the number of
students and, per student, skills mastered in the period (median and mean), practice time (median and mean
minutes) and teacher attention (overrides, comments, group memberships; means).

Small groups are suppressed: a group of fewer than ``MIN_GROUP`` students shows no number at all, not even
its size. So that a hidden group cannot be worked out by subtracting the shown groups from the total, more
groups are hidden (the smallest first) until the hidden groups are at least two and hold at least
``MIN_GROUP`` students together, or every group is hidden (complementary suppression).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, Select, distinct, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from atpace.errors import Forbidden, InvalidInput
from atpace.services.access import get_class
from atpace.services.auth import Actor
from atpace.services.equity.categories import NOT_RECORDED, NOT_RECORDED_LABEL, Category
from atpace.services.equity.subgroups import chosen, values_for
from atpace.store.tables import (
    Attempt,
    ClassTeacher,
    Course,
    Enrollment,
    Evidence,
    Message,
    Role,
    Skill,
    SkillOverride,
    StudentGroup,
    StudentGroupMember,
    User,
    utcnow,
)

MIN_GROUP = 10  # a group of fewer students is not shown
PERIOD_DAYS = 56  # the default period: the last 8 weeks, today included
MAX_PERIOD_DAYS = 366
SMALL = "fewer than 10 students: not shown"
COMPLEMENT = "not shown, so that a smaller group cannot be worked out by subtraction"
Hidden = Literal["", "small", "complement"]


@dataclass(frozen=True)
class Period:
    since: date  # first UTC day included
    until: date  # last UTC day included

    @property
    def start(self) -> datetime:
        return datetime.combine(self.since, time(), UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.until + timedelta(days=1), time(), UTC)

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1


def period(since: date | None = None, until: date | None = None, today: date | None = None) -> Period:
    """The period asked for; by default the 8 weeks that end today (UTC)."""
    last = until or (today or utcnow().date())
    first = since or last - timedelta(days=PERIOD_DAYS - 1)
    if first > last:
        raise InvalidInput("until", "the end of the period is before its start")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidInput("since", f"a period is at most {MAX_PERIOD_DAYS} days")
    return Period(first, last)


@dataclass(frozen=True)
class StudentNumbers:
    mastered: int = 0  # skills mastered in the period
    practice_ms: int = 0  # sum of the recorded answer durations
    overrides: int = 0
    comments: int = 0
    groups: int = 0


@dataclass(frozen=True)
class Measures:
    students: int
    mastered_median: float
    mastered_mean: float
    practice_minutes_median: float
    practice_minutes_mean: float
    overrides_mean: float
    comments_mean: float
    groups_mean: float


def measures(numbers: Sequence[StudentNumbers]) -> Measures:
    if not numbers:
        return Measures(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    minutes = [n.practice_ms / 60_000 for n in numbers]
    mastered = [n.mastered for n in numbers]

    def mean(values: Iterable[float]) -> float:
        return round(statistics.fmean(values), 2)

    return Measures(
        len(numbers), round(float(statistics.median(mastered)), 2), mean(mastered),
        round(float(statistics.median(minutes)), 2), mean(minutes),
        mean(n.overrides for n in numbers), mean(n.comments for n in numbers), mean(n.groups for n in numbers),
    )  # fmt: skip


@dataclass(frozen=True)
class GroupRow:
    value: str  # a code of the category, or NOT_RECORDED
    label: str
    hidden: Hidden  # "": shown; "small": fewer than MIN_GROUP; "complement": hidden to protect another
    measures: Measures | None  # None when hidden

    @property
    def note(self) -> str:
        return {"small": SMALL, "complement": COMPLEMENT}.get(self.hidden, "")


@dataclass(frozen=True)
class CategoryReport:
    category: Category
    groups: list[GroupRow]

    @property
    def hidden(self) -> int:
        return sum(bool(g.hidden) for g in self.groups)


@dataclass(frozen=True)
class EquityReport:
    scope: Literal["school", "class"]
    class_id: int | None
    class_name: str | None
    period: Period
    total: Measures
    categories: list[CategoryReport]
    min_group: int = MIN_GROUP


def suppress(sizes: Sequence[int], min_group: int = MIN_GROUP) -> list[Hidden]:
    """Which groups of a partition to hide: each group under ``min_group`` ("small"); then, while the hidden
    groups that have students are fewer than two or hold fewer than ``min_group`` students together, the
    smallest shown group too ("complement"), so that no hidden group can be worked out from the total."""
    hidden: list[Hidden] = ["small" if n < min_group else "" for n in sizes]

    def at_risk() -> bool:
        sized = [n for n, h in zip(sizes, hidden, strict=True) if h and n > 0]
        return bool(sized) and (len(sized) < 2 or sum(sized) < min_group)

    while at_risk():
        shown = [i for i, h in enumerate(hidden) if not h]
        if not shown:
            break
        hidden[min(shown, key=lambda i: (sizes[i], i))] = "complement"
    return hidden


# Per-student numbers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    school_id: int
    students: Select[int]
    course_id: int | None  # class scope: only this course's skills count
    class_id: int | None


def _in_period(column: InstrumentedAttribute[datetime], when: Period) -> list[ColumnElement[bool]]:
    return [column >= when.start, column < when.end]


def _counts(session: Session, query: Select[int, int] | Select[int, int | None]) -> dict[int, int]:
    return {student: int(value or 0) for student, value in session.execute(query)}


def student_numbers(session: Session, scope: _Scope, when: Period) -> dict[int, StudentNumbers]:
    """Every student of the scope with their numbers for the period (zeros when nothing happened)."""
    students = [int(s) for s in session.scalars(scope.students)]
    course: list[ColumnElement[bool]] = [Skill.course_id == scope.course_id] if scope.class_id else []
    mastered = _counts(session, (
        select(Evidence.student_id, func.count(distinct(Evidence.skill_id)))
        .join(Skill, Skill.id == Evidence.skill_id)
        .join(Course, Course.id == Skill.course_id)
        .where(
            Evidence.school_id == scope.school_id, Evidence.student_id.in_(scope.students),
            Evidence.p_before < Course.mastery_threshold, Evidence.p_after >= Course.mastery_threshold,
            *_in_period(Evidence.created_at, when), *course,
        )
        .group_by(Evidence.student_id)
    ))  # fmt: skip
    practice = _counts(session, (
        select(Attempt.student_id, func.sum(Attempt.duration_ms))
        .join(Skill, Skill.id == Attempt.skill_id)
        .where(
            Attempt.school_id == scope.school_id, Attempt.student_id.in_(scope.students),
            *_in_period(Attempt.created_at, when), *course,
        )
        .group_by(Attempt.student_id)
    ))  # fmt: skip
    overrides = _counts(session, (
        select(SkillOverride.student_id, func.count())
        .join(Skill, Skill.id == SkillOverride.skill_id)
        .where(
            SkillOverride.school_id == scope.school_id, SkillOverride.student_id.in_(scope.students),
            *_in_period(SkillOverride.created_at, when), *course,
        )
        .group_by(SkillOverride.student_id)
    ))  # fmt: skip
    by_teachers: list[ColumnElement[bool]] = []
    if scope.class_id is not None:
        teachers = select(ClassTeacher.user_id).where(ClassTeacher.class_id == scope.class_id)
        by_teachers = [Message.author_id.in_(teachers)]
    comments = _counts(session, (
        select(Message.recipient_id, func.count())
        .where(
            Message.school_id == scope.school_id, Message.kind == "comment",
            Message.recipient_id.in_(scope.students), Message.author_id.is_not(None),
            *_in_period(Message.created_at, when), *by_teachers,
        )
        .group_by(Message.recipient_id)
    ))  # fmt: skip
    of_class: list[ColumnElement[bool]] = (
        [StudentGroup.class_id == scope.class_id] if scope.class_id is not None else []
    )
    groups = _counts(session, (
        select(StudentGroupMember.student_id, func.count())
        .join(StudentGroup, StudentGroup.id == StudentGroupMember.group_id)
        .where(
            StudentGroup.school_id == scope.school_id, StudentGroupMember.student_id.in_(scope.students),
            *_in_period(StudentGroupMember.added_at, when), *of_class,
        )
        .group_by(StudentGroupMember.student_id)
    ))  # fmt: skip
    return {
        s: StudentNumbers(
            mastered.get(s, 0), practice.get(s, 0), overrides.get(s, 0), comments.get(s, 0), groups.get(s, 0)
        )
        for s in students
    }


# The report ----------------------------------------------------------------------------------------------


def _category_report(
    found: Category, values: dict[int, str], numbers: dict[int, StudentNumbers], min_group: int
) -> CategoryReport:
    members: dict[str, list[StudentNumbers]] = {code: [] for code in (*found.codes, NOT_RECORDED)}
    for student, n in numbers.items():
        code = values.get(student, NOT_RECORDED)
        members.setdefault(code, []).append(n)
    codes = list(members)
    hidden = suppress([len(members[c]) for c in codes], min_group)
    return CategoryReport(
        found,
        [
            GroupRow(
                code, NOT_RECORDED_LABEL if code == NOT_RECORDED else found.value_label(code), h,
                None if h else measures(members[code]),
            )
            for code, h in zip(codes, hidden, strict=True)
        ],
    )  # fmt: skip


def _build(
    session: Session, scope: _Scope, when: Period, kind: Literal["school", "class"], name: str | None,
    min_group: int,
) -> EquityReport:  # fmt: skip
    numbers = student_numbers(session, scope, when)
    categories = chosen(session, scope.school_id)
    recorded = values_for(session, scope.school_id, categories, scope.students)
    return EquityReport(
        kind, scope.class_id, name, when, measures(list(numbers.values())),
        [
            _category_report(c, {s: r.value for s, r in recorded[c.key].items()}, numbers, min_group)
            for c in categories
        ],
    )  # fmt: skip


def school_report(
    session: Session, actor: Actor, when: Period | None = None, *, min_group: int = MIN_GROUP
) -> EquityReport:
    """The school's report (its administrators only): every active student of the school."""
    if actor.role != Role.ADMIN:
        raise Forbidden("only the school's administrators see the school's equity report; teachers see "
                        "their classes'")  # fmt: skip
    students = select(User.id).where(
        User.school_id == actor.school_id, User.role == Role.STUDENT, User.is_active.is_(True)
    )
    scope = _Scope(actor.school_id, students, None, None)
    return _build(session, scope, when or period(), "school", None, min_group)


def class_report(
    session: Session, actor: Actor, class_id: int, when: Period | None = None, *, min_group: int = MIN_GROUP
) -> EquityReport:
    """One class's report (its teachers and the school's administrators): the class's active students,
    on the class's course; comments count when one of the class's teachers wrote them."""
    classroom = get_class(session, actor, class_id)  # another school's: 404; not the actor's class: 403
    students = (
        select(User.id)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.class_id == classroom.id, User.role == Role.STUDENT, User.is_active.is_(True))
    )
    scope = _Scope(classroom.school_id, students, classroom.course_id, classroom.id)
    return _build(session, scope, when or period(), "class", classroom.name, min_group)
