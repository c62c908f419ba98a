"""Goals: a student sets them, a teacher comments and co-signs, the student reflects at the end.

A goal is never deleted. While active, its outcome is read from the data: a skill goal is met when every
skill is mastered, a time goal when the minutes practised since it was set reach ``minutes_per_week`` for each
of its weeks; past its date and not met, it is missed. Reflecting closes it with that outcome; the student may
drop it instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.engine import forecast
from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.services import limits, xapi
from atpace.services.access import get_student
from atpace.services.agency.common import (
    StudentCourse,
    acting_student,
    reflection_texts,
    seen_student,
    today_of,
)
from atpace.services.auth import Actor
from atpace.services.progress import load_parameters, student_progress
from atpace.store.tables import Attempt, Course, Role, User
from atpace.store.tables_agency import Goal, GoalComment, GoalSkill, JournalEntry

GOAL_SKILLS_MAX = 10
GOAL_DAYS_MAX = 366  # a goal's date lies within a year
MINUTES_RANGE = (5, 3_000)  # practice minutes per week
ACCURACY_WINDOW = 20  # the newest answers on a skill that give its accuracy
OVERALL_WINDOW = 50  # the newest answers over all skills, used when a skill has too few


@dataclass(frozen=True)
class NewGoal:
    kind: str  # skills or time
    due_on: date
    title: str = ""
    skill_keys: Sequence[str] = ()
    minutes_per_week: int | None = None


@dataclass(frozen=True)
class CommentView:
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class GoalView:
    goal: Goal
    student_name: str
    skills: list[forecast.SkillOutlook]  # skill goals
    minutes_this_week: float  # time goals
    minutes_total: float
    minutes_needed: int  # over the whole period
    progress: float  # 0..1
    outcome: str  # active, met, missed (while active) or the stored status once closed
    forecast: forecast.Forecast | None  # active goals only
    cosigned_by: str | None
    comments: list[CommentView]
    reflection: JournalEntry | None

    @property
    def closed(self) -> bool:
        return self.goal.status != "active"

    @property
    def can_reflect(self) -> bool:
        return not self.closed and self.outcome in ("met", "missed")


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _weeks(goal: Goal) -> int:
    days = (goal.due_on - goal.created_at.astimezone(UTC).date()).days + 1
    return max(1, math.ceil(days / 7))


def create_goal(session: Session, actor: Actor, data: NewGoal, now: datetime | None = None) -> Goal:
    seen = acting_student(session, actor, "set their own goals")
    moment, today = today_of(now)
    if data.kind not in ("skills", "time"):
        raise InvalidInput("kind", "a goal is 'skills' (skills to master) or 'time' (minutes per week)")
    if not today <= data.due_on <= today + timedelta(days=GOAL_DAYS_MAX):
        raise InvalidInput("due_on", f"choose a date from today to {GOAL_DAYS_MAX} days ahead")
    title = data.title.strip()
    if len(title) > limits.TITLE_MAX:
        raise InvalidInput("title", f"keep the title under {limits.TITLE_MAX} characters")
    skills = []
    minutes = None
    if data.kind == "skills":
        keys = list(dict.fromkeys(k.strip() for k in data.skill_keys if k.strip()))
        if not keys:
            raise InvalidInput("skill_keys", "choose at least one skill to master")
        if len(keys) > GOAL_SKILLS_MAX:
            raise InvalidInput("skill_keys", f"choose at most {GOAL_SKILLS_MAX} skills for one goal")
        unknown = [k for k in keys if k not in seen.graph.skills]
        if unknown:
            raise InvalidInput("skill_keys", f"{', '.join(unknown)} is not a skill of {seen.course.title}")
        skills = [seen.graph.skills[k] for k in keys]
        title = title or "Master " + ", ".join(s.name for s in skills)
    else:
        low, high = MINUTES_RANGE
        if data.minutes_per_week is None or not low <= data.minutes_per_week <= high:
            raise InvalidInput("minutes_per_week", f"choose {low} to {high} minutes a week")
        minutes = data.minutes_per_week
        title = title or f"Practise {minutes} minutes a week"
    goal = Goal(
        school_id=seen.student.school_id, student_id=seen.student.id, course_id=seen.course.id,
        kind=data.kind, title=title[: limits.TITLE_MAX], minutes_per_week=minutes, due_on=data.due_on,
        created_at=moment,
    )  # fmt: skip
    session.add(goal)
    session.flush()
    session.add_all(GoalSkill(goal_id=goal.id, skill_id=s.id) for s in skills)
    session.flush()
    xapi.goal_set(session, goal)  # the outbox, when the school has an LRS
    return goal


def student_goals(
    session: Session, actor: Actor, student_id: int, now: datetime | None = None
) -> tuple[StudentCourse, list[GoalView]]:
    """The student's goals in the course the actor sees them in, active first, then the history."""
    seen = seen_student(session, actor, student_id)
    goals = session.scalars(
        select(Goal)
        .where(Goal.student_id == seen.student.id, Goal.course_id == seen.course.id)
        .order_by(Goal.created_at.desc(), Goal.id.desc())
    ).all()
    views = [_view(session, seen, g, now) for g in goals]
    return seen, sorted(views, key=lambda v: v.closed)


def _goal(session: Session, actor: Actor, goal_id: int, *, lock: bool = False) -> Goal:
    query = select(Goal).where(Goal.id == goal_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    goal = session.scalar(query)
    if goal is None or goal.school_id != actor.school_id:
        raise NotFound(f"goal {goal_id} not found")
    get_student(session, actor, goal.student_id)  # the student themself, their teachers, the school's admins
    return goal


def goal_view(session: Session, actor: Actor, goal_id: int, now: datetime | None = None) -> GoalView:
    goal = _goal(session, actor, goal_id)
    student = session.get(User, goal.student_id)
    course = session.get(Course, goal.course_id)
    assert student is not None and course is not None
    from atpace.services.courses import load_graph

    return _view(session, StudentCourse(student, course, load_graph(session, course)), goal, now)


def _view(session: Session, seen: StudentCourse, goal: Goal, now: datetime | None) -> GoalView:
    moment, today = today_of(now)
    student = seen.student
    per_day_answers = _answers_per_day(session, student.id, moment)
    outlooks: list[forecast.SkillOutlook] = []
    minutes_week = minutes_total = 0.0
    minutes_needed = 0
    if goal.kind == "skills":
        outlooks = _outlooks(session, seen, goal, moment)
        progress = sum(o.mastered for o in outlooks) / len(outlooks) if outlooks else 0.0
        reached = bool(outlooks) and all(o.mastered for o in outlooks)
    else:
        minutes = goal.minutes_per_week or 0
        week_from = max(_start(forecast.week_start(today)), goal.created_at)
        minutes_week = _minutes(session, student.id, week_from, moment)
        minutes_total = _minutes(session, student.id, goal.created_at, moment)
        minutes_needed = minutes * _weeks(goal)
        progress = min(1.0, minutes_total / minutes_needed) if minutes_needed else 0.0
        reached = minutes_total >= minutes_needed
    if goal.status != "active":
        outcome = goal.status
    else:
        outcome = "met" if reached else ("missed" if today > goal.due_on else "active")
    predicted = None
    if goal.status == "active" and outcome == "active":
        if goal.kind == "skills":
            predicted = forecast.skill_goal_forecast(outlooks, per_day_answers, goal.due_on, today)
        else:
            per_day_minutes = (
                _minutes(session, student.id, moment - timedelta(days=forecast.PACE_WINDOW_DAYS), moment)
                / forecast.PACE_WINDOW_DAYS
            )
            predicted = forecast.time_goal_forecast(
                goal.minutes_per_week or 0, minutes_week, per_day_minutes, goal.due_on, today
            )
    cosigner = session.get(User, goal.cosigned_by_id) if goal.cosigned_by_id else None
    comments = [
        CommentView(name or "(removed user)", c.body, c.created_at)
        for c, name in session.execute(
            select(GoalComment, User.display_name)
            .outerjoin(User, User.id == GoalComment.author_id)
            .where(GoalComment.goal_id == goal.id)
            .order_by(GoalComment.created_at, GoalComment.id)
        )
    ]
    reflection = session.scalar(select(JournalEntry).where(JournalEntry.goal_id == goal.id))
    return GoalView(
        goal, student.display_name, outlooks, minutes_week, minutes_total, minutes_needed, progress, outcome,
        predicted, cosigner.display_name if cosigner else None, comments, reflection,
    )  # fmt: skip


def _answers_per_day(session: Session, student_id: int, moment: datetime) -> float:
    since = moment - timedelta(days=forecast.PACE_WINDOW_DAYS)
    count = session.scalar(
        select(func.count(Attempt.id)).where(Attempt.student_id == student_id, Attempt.created_at > since)
    )
    count = int(count or 0)
    return count / forecast.PACE_WINDOW_DAYS if count >= forecast.MIN_RECENT_ANSWERS else 0.0


def _minutes(session: Session, student_id: int, since: datetime, until: datetime) -> float:
    total = session.scalar(
        select(func.coalesce(func.sum(Attempt.duration_ms), 0)).where(
            Attempt.student_id == student_id, Attempt.created_at >= since, Attempt.created_at <= until
        )
    )
    return int(total or 0) / 60_000


def _outlooks(
    session: Session, seen: StudentCourse, goal: Goal, moment: datetime
) -> list[forecast.SkillOutlook]:
    by_id = seen.graph.skill_by_id()
    skill_ids = list(session.scalars(select(GoalSkill.skill_id).where(GoalSkill.goal_id == goal.id)))
    progress = student_progress(session, seen.student, seen.course, seen.graph, now=moment)
    params = load_parameters(session, seen.course.id)
    overall = [
        bool(c)
        for c in session.scalars(
            select(Attempt.correct)
            .where(Attempt.student_id == seen.student.id)
            .order_by(Attempt.created_at.desc(), Attempt.id.desc())
            .limit(OVERALL_WINDOW)
        )
    ]
    out = []
    for skill_id in sorted(skill_ids, key=lambda i: list(by_id).index(i) if i in by_id else len(by_id)):
        skill = by_id.get(skill_id)
        if skill is None:  # the skill left the course: the goal keeps the others
            continue
        state = progress.skills[skill.key]
        recent = [
            bool(c)
            for c in session.scalars(
                select(Attempt.correct)
                .where(Attempt.student_id == seen.student.id, Attempt.skill_id == skill_id)
                .order_by(Attempt.created_at.desc(), Attempt.id.desc())
                .limit(ACCURACY_WINDOW)
            )
        ]
        source = recent if len(recent) >= forecast.MIN_ANSWERS_FOR_ACCURACY else overall
        accuracy = (
            forecast.share_correct(source) if len(source) >= forecast.MIN_ANSWERS_FOR_ACCURACY else None
        )
        p = state.mastery if state.mastery is not None else params.for_skill(skill.key).prior
        mastered = state.state == "mastered"
        needed = None
        if accuracy is not None and not mastered:
            needed = forecast.answers_to_mastery(
                p, accuracy, params.for_skill(skill.key), seen.course.mastery_threshold
            )
        out.append(
            forecast.SkillOutlook(skill.key, skill.name, p, mastered, accuracy, 0 if mastered else needed)
        )
    return out


def comment_goal(session: Session, actor: Actor, goal_id: int, text: str) -> GoalComment:
    """A comment on a goal by the student, one of their teachers or an admin of the school."""
    goal = _goal(session, actor, goal_id)
    body = text.strip()
    if not body:
        raise InvalidInput("text", "write a comment first")
    if len(body) > limits.COMMENT_MAX:
        raise InvalidInput("text", f"keep the comment under {limits.COMMENT_MAX} characters")
    comment = GoalComment(school_id=goal.school_id, goal_id=goal.id, author_id=actor.user_id, body=body)
    session.add(comment)
    session.flush()
    return comment


def cosign_goal(session: Session, actor: Actor, goal_id: int, now: datetime | None = None) -> Goal:
    """A teacher of the student signs the goal with them; once signed it stays signed by that teacher."""
    goal = _goal(session, actor, goal_id, lock=True)  # two teachers at once: the second sees the first
    if actor.role != Role.TEACHER:
        raise Forbidden("only the student's teachers co-sign goals")
    if goal.cosigned_by_id == actor.user_id:
        return goal  # signed already: the same request again changes nothing
    if goal.cosigned_by_id is not None:
        signer = session.get(User, goal.cosigned_by_id)
        raise Conflict(f"{signer.display_name if signer else 'another teacher'} co-signed this goal already")
    if goal.status != "active":
        raise Conflict("this goal is closed: only active goals are co-signed")
    goal.cosigned_by_id, goal.cosigned_at = actor.user_id, today_of(now)[0]
    session.flush()
    return goal


def reflect_on_goal(
    session: Session, actor: Actor, goal_id: int, helped: str, next_step: str, now: datetime | None = None
) -> JournalEntry:
    """The student's reflection at the end of the period: closes the goal as met or missed."""
    goal = _goal(session, actor, goal_id, lock=True)
    if actor.user_id != goal.student_id:
        raise Forbidden("only the student reflects on their own goal")
    texts = reflection_texts(helped, next_step)
    if goal.status != "active":
        raise Conflict(f"this goal is closed already ({goal.status})")
    view = goal_view(session, actor, goal_id, now)
    if not view.can_reflect:
        raise Conflict(
            f"reflect when the goal is reached or its date ({goal.due_on.isoformat()}) has passed; "
            "drop it if it no longer fits"
        )
    moment = today_of(now)[0]
    goal.status, goal.closed_at = view.outcome, moment
    entry = JournalEntry(
        school_id=goal.school_id, student_id=goal.student_id, context="goal", goal_id=goal.id,
        helped=texts[0], next_step=texts[1], created_at=moment,
    )  # fmt: skip
    session.add(entry)
    session.flush()
    xapi.goal_met(session, goal, moment)  # met goals only; the outbox, when the school has an LRS
    return entry


def drop_goal(session: Session, actor: Actor, goal_id: int, now: datetime | None = None) -> Goal:
    """The student gives up an active goal; it stays in the history as dropped."""
    goal = _goal(session, actor, goal_id, lock=True)
    if actor.user_id != goal.student_id:
        raise Forbidden("only the student drops their own goal")
    if goal.status != "active":
        raise Conflict(f"this goal is closed already ({goal.status})")
    goal.status, goal.closed_at = "dropped", today_of(now)[0]
    session.flush()
    return goal
