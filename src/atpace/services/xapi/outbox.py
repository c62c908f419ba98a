"""The outbox: statements written in the caller's transaction, for schools whose LRS is on.

Each event's service calls one function here with what it knows (the evidence path, submissions, grading,
goals). The first call in a transaction asks once whether the school has an LRS switched on and remembers the
answer in ``session.info`` (a transaction is a session here), so a school without an LRS pays one small
query per transaction and nothing else. A statement is built, checked with ralph's model, and added to the
session: it commits or rolls back with the event. Its id is drawn here, once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from atpace.services.xapi import statements as build
from atpace.store.tables import Course, Item, User, utcnow
from atpace.store.tables_xapi import XapiAccount, XapiLrs, XapiOutbox

if TYPE_CHECKING:  # the evidence path calls this module: no import back at run time
    from atpace.services.courses import CourseGraph
    from atpace.store.tables import Assignment, Feedback, RubricCriterion, Submission
    from atpace.store.tables_agency import Goal

LRS_CACHE = "atpace.xapi.lrs"  # session.info: school id -> home page of its LRS (None: no LRS switched on)
ACCOUNTS = "atpace.xapi.accounts"  # session.info: student id -> account name
# Evidence kinds that say something new about the student. "history" is earlier practice brought in from
# elsewhere (or the demo's simulated weeks): it was the other system's to report.
REPORTED_KINDS = frozenset({"practice", "placement", "rubric", "check", "comprehension"})


class _Change(Protocol):
    @property
    def before(self) -> float: ...
    @property
    def after(self) -> float: ...
    @property
    def mastered_now(self) -> bool: ...
    @property
    def mastery_lost(self) -> bool: ...


def home_page_of(session: Session, school_id: int) -> str | None:
    """The school's LRS home page if it has one switched on (one query per transaction and school)."""
    cache: dict[int, str | None] = session.info.setdefault(LRS_CACHE, {})
    if school_id not in cache:
        cache[school_id] = session.scalar(
            select(XapiLrs.home_page).where(XapiLrs.school_id == school_id, XapiLrs.enabled.is_(True))
        )
    return cache[school_id]


def forget_lrs(session: Session, school_id: int) -> None:
    session.info.get(LRS_CACHE, {}).pop(school_id, None)


def account_for(session: Session, school_id: int, student_id: int, home_page: str) -> build.Account:
    """The student's pseudonymous account (created on first use; two transactions at once agree on one)."""
    names: dict[int, str] = session.info.setdefault(ACCOUNTS, {})
    name = names.get(student_id)
    if name is None:
        name = session.scalar(select(XapiAccount.name).where(XapiAccount.student_id == student_id))
        if name is None:
            values = dict(student_id=student_id, school_id=school_id, name=str(uuid.uuid4()), created_at=utcnow())
            dialect = session.get_bind().dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            session.execute(insert(XapiAccount).values(**values).on_conflict_do_nothing())
            name = session.scalar(select(XapiAccount.name).where(XapiAccount.student_id == student_id))
            assert name is not None
        names[student_id] = name
    return build.Account(home_page, name)


def _add(session: Session, school_id: int, student_id: int, verb: str, statement: dict[str, Any], moment: datetime) -> None:
    text = build.validate(statement)
    session.add(
        XapiOutbox(
            school_id=school_id, student_id=student_id, statement_id=statement["id"], verb=verb, statement=text,
            created_at=moment, next_attempt_at=moment,
        )
    )  # fmt: skip


def new_id() -> str:
    return str(uuid.uuid4())


def _course(session: Session, home: str, course: Course) -> dict[str, Any]:
    return build.course_activity(home, course.key, course.title)


# The events


def evidence_recorded(
    session: Session,
    student: User,
    graph: CourseGraph,
    kind: str,
    changes: Mapping[str, _Change],
    attempt_id: int | None,
    moment: datetime,
) -> None:
    """Called by the evidence path (``services.evidence.Ledger.record``) with what one piece of evidence
    changed: an "answered" statement for a stored attempt, and "mastered" / "lost-mastery" for each skill
    that crossed the threshold."""
    if kind not in REPORTED_KINDS:
        return
    crossed = [key for key, c in changes.items() if c.mastered_now or c.mastery_lost]
    if attempt_id is None and not crossed:
        return
    home = home_page_of(session, student.school_id)
    if home is None:
        return
    account = account_for(session, student.school_id, student.id, home)
    course = _course(session, home, graph.course)
    if attempt_id is not None:
        from atpace.store.tables import Attempt

        attempt = session.get(Attempt, attempt_id)  # just flushed: in the identity map
        if attempt is not None:
            item = session.get(Item, attempt.item_id)
            facts = build.AnswerFacts(
                item_id=attempt.item_id, item_kind=item.kind if item else "", correct=attempt.correct,
                mastery={key: (c.before, c.after) for key, c in changes.items()}, evidence_kind=kind,
                duration_ms=attempt.duration_ms, hints_used=attempt.hints_used, confidence=attempt.confidence,
            )  # fmt: skip
            statement = build.answered(new_id(), account, course, facts, moment)
            _add(session, student.school_id, student.id, "answered", statement, moment)
    for key in crossed:
        change = changes[key]
        skill = graph.skills[key]
        mastery = build.MasteryFacts(
            skill_key=key, skill_name=skill.name, before=change.before, after=change.after,
            threshold=graph.course.mastery_threshold, evidence_kind=kind, gained=change.mastered_now,
        )  # fmt: skip
        verb = "mastered" if change.mastered_now else "lost-mastery"
        _add(session, student.school_id, student.id, verb, build.mastery(new_id(), account, course, mastery, moment), moment)


def work_submitted(session: Session, assignment: Assignment, submission: Submission) -> None:
    """A student handed in a version of their work (``services.assignments.submissions.submit``)."""
    home = home_page_of(session, submission.school_id)
    if home is None:
        return
    account = account_for(session, submission.school_id, submission.student_id, home)
    activity = build.assignment_activity(home, assignment.id, assignment.title)
    statement = build.submitted(
        new_id(), account, activity, version=submission.version, step=submission.step, late=submission.late,
        moment=submission.submitted_at,
    )  # fmt: skip
    _add(session, submission.school_id, submission.student_id, "submitted", statement, submission.submitted_at)


def work_graded(
    session: Session,
    assignment: Assignment,
    submission: Submission,
    feedback: Feedback,
    criteria: Iterable[RubricCriterion],
) -> None:
    """A teacher graded a submission (``services.grading.save_feedback`` with the decision "graded")."""
    if feedback.decision != "graded":
        return
    home = home_page_of(session, submission.school_id)
    if home is None:
        return
    by_id = {c.id: c for c in criteria}
    points: float | None = None
    max_points = 0.0
    for each in by_id.values():
        max_points += max((float(level.get("points", 0)) for level in each.levels), default=0.0)
    for score in feedback.scores:
        criterion = by_id.get(int(score["criterion_id"]))
        level = score.get("level")
        if criterion is not None and isinstance(level, int) and 0 <= level < len(criterion.levels):
            points = (points or 0.0) + float(criterion.levels[level].get("points", 0))
    account = account_for(session, submission.school_id, submission.student_id, home)
    activity = build.assignment_activity(home, assignment.id, assignment.title)
    statement = build.scored(
        new_id(), account, activity, points=points, max_points=max_points, version=submission.version,
        step=submission.step, moment=feedback.created_at,
    )  # fmt: skip
    _add(session, submission.school_id, submission.student_id, "scored", statement, feedback.created_at)


def _goal_facts(session: Session, goal: Goal) -> build.GoalFacts:
    from atpace.store.tables import Skill
    from atpace.store.tables_agency import GoalSkill

    keys = session.scalars(
        select(Skill.key).join(GoalSkill, GoalSkill.skill_id == Skill.id).where(GoalSkill.goal_id == goal.id)
    ).all()
    return build.GoalFacts(goal.id, goal.title, goal.kind, goal.due_on, goal.minutes_per_week, tuple(sorted(keys)))


def goal_set(session: Session, goal: Goal) -> None:
    """A student set a goal (``services.agency.goals.create_goal``, after its skills are added)."""
    home = home_page_of(session, goal.school_id)
    if home is None:
        return
    course = session.get(Course, goal.course_id)
    assert course is not None
    account = account_for(session, goal.school_id, goal.student_id, home)
    statement = build.goal_set(new_id(), account, _course(session, home, course), _goal_facts(session, goal), goal.created_at)
    _add(session, goal.school_id, goal.student_id, "set-goal", statement, goal.created_at)


def goal_met(session: Session, goal: Goal, moment: datetime) -> None:
    """A student met a goal and reflected on it (``services.agency.goals.reflect_on_goal``)."""
    if goal.status != "met":
        return
    home = home_page_of(session, goal.school_id)
    if home is None:
        return
    course = session.get(Course, goal.course_id)
    assert course is not None
    account = account_for(session, goal.school_id, goal.student_id, home)
    statement = build.goal_met(new_id(), account, _course(session, home, course), _goal_facts(session, goal), moment)
    _add(session, goal.school_id, goal.student_id, "completed", statement, moment)


def drop_for_student(session: Session, student_id: int) -> int:
    """Erasure: delete the student's unsent statements and their account name; returns how many statements
    were deleted. Statements already delivered stay in the outbox's history without the student's id (the
    LRS holds them under a name that nothing links to the student any more)."""
    deleted = session.execute(
        delete(XapiOutbox)
        .where(XapiOutbox.student_id == student_id, XapiOutbox.sent_at.is_(None))
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.execute(
        update(XapiOutbox).where(XapiOutbox.student_id == student_id).values(student_id=None)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    session.execute(delete(XapiAccount).where(XapiAccount.student_id == student_id))
    session.info.get(ACCOUNTS, {}).pop(student_id, None)
    return int(deleted or 0)
