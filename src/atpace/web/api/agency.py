"""JSON API of student agency (issue 11): goals, self-ratings and calibration, the journal, turnarounds.

Each route calls the same service function as its page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from atpace.services import limits
from atpace.services.agency import calibration, goals, journal, turnarounds
from atpace.services.agency.common import HELPED_MAX
from atpace.web.api.schemas import Request
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId
from atpace.web.templating import CONFIDENCE_LABELS

router = APIRouter(tags=["agency"])


class NewGoalRequest(Request):
    kind: Literal["skills", "time"]
    due_on: date
    title: str = Field(default="", max_length=limits.TITLE_MAX)
    skill_keys: list[str] = Field(default=[], max_length=goals.GOAL_SKILLS_MAX)
    minutes_per_week: int | None = Field(default=None, ge=goals.MINUTES_RANGE[0], le=goals.MINUTES_RANGE[1])


class SkillOutlookOut(BaseModel):
    skill_key: str
    name: str
    mastery: float
    mastered: bool
    accuracy: float | None = Field(description="the share of right answers the forecast assumes")
    answers_needed: int | None = Field(description="answers to mastery at that accuracy; null: not reached")


class ForecastOut(BaseModel):
    reach_on: date | None
    on_track: bool | None
    answers_needed: int | None
    per_day: float = Field(description="answers (skill goals) or minutes (time goals) per day, last 14 days")
    reason: str


class CommentOut(BaseModel):
    author: str
    body: str
    created_at: datetime


class ReflectionOut(BaseModel):
    id: int
    helped: str
    next_step: str
    created_at: datetime


class GoalOut(BaseModel):
    id: int
    student_id: int
    kind: str
    title: str
    due_on: date
    minutes_per_week: int | None
    status: str = Field(description="active, met, missed or dropped (stored)")
    outcome: str = Field(description="active, met or missed from the data now; the status once closed")
    progress: float
    skills: list[SkillOutlookOut]
    minutes_this_week: float
    minutes_total: float
    minutes_needed: int
    forecast: ForecastOut | None
    cosigned_by: str | None
    cosigned_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    comments: list[CommentOut]
    reflection: ReflectionOut | None


def goal_out(view: goals.GoalView) -> GoalOut:
    g = view.goal
    return GoalOut(
        id=g.id, student_id=g.student_id, kind=g.kind, title=g.title, due_on=g.due_on,
        minutes_per_week=g.minutes_per_week, status=g.status, outcome=view.outcome, progress=view.progress,
        skills=[SkillOutlookOut.model_validate(s, from_attributes=True) for s in view.skills],
        minutes_this_week=view.minutes_this_week, minutes_total=view.minutes_total,
        minutes_needed=view.minutes_needed,
        forecast=ForecastOut.model_validate(view.forecast, from_attributes=True) if view.forecast else None,
        cosigned_by=view.cosigned_by, cosigned_at=g.cosigned_at, created_at=g.created_at, closed_at=g.closed_at,
        comments=[CommentOut.model_validate(c, from_attributes=True) for c in view.comments],
        reflection=ReflectionOut.model_validate(view.reflection, from_attributes=True) if view.reflection else None,
    )  # fmt: skip


class GoalsOut(BaseModel):
    student_id: int
    course_title: str
    goals: list[GoalOut] = Field(description="active goals first, then the history (met, missed, dropped)")


class CommentRequest(Request):
    text: str = Field(min_length=1, max_length=limits.COMMENT_MAX)


class ReflectionRequest(Request):
    helped: str = Field(default="", max_length=HELPED_MAX)
    next_step: str = Field(default="", max_length=HELPED_MAX)


@router.get("/students/{student_id}/goals", response_model=GoalsOut)
def list_goals(student_id: PathId, actor: ActorDep, session: SessionDep) -> GoalsOut:
    """A student's goals: progress, forecast, comments; seen by the student, their teachers, admins."""
    seen, views = goals.student_goals(session, actor, student_id)
    return GoalsOut(
        student_id=seen.student.id, course_title=seen.course.title, goals=[goal_out(v) for v in views]
    )


@router.post("/goals", response_model=GoalOut, status_code=201)
def create_goal(body: NewGoalRequest, actor: ActorDep, session: SessionDep) -> GoalOut:
    """The acting student sets a goal: skills to master by a date, or minutes of practice per week."""
    goal = goals.create_goal(
        session, actor,
        goals.NewGoal(body.kind, body.due_on, body.title, body.skill_keys, body.minutes_per_week),
    )  # fmt: skip
    return goal_out(goals.goal_view(session, actor, goal.id))


@router.get("/goals/{goal_id}", response_model=GoalOut)
def get_goal(goal_id: PathId, actor: ActorDep, session: SessionDep) -> GoalOut:
    return goal_out(goals.goal_view(session, actor, goal_id))


@router.post("/goals/{goal_id}/comments", response_model=CommentOut, status_code=201)
def comment_goal(goal_id: PathId, body: CommentRequest, actor: ActorDep, session: SessionDep) -> CommentOut:
    """A comment by the student, one of their teachers or an admin."""
    comment = goals.comment_goal(session, actor, goal_id, body.text)
    return CommentOut(author=actor.display_name, body=comment.body, created_at=comment.created_at)


@router.post("/goals/{goal_id}/cosign", response_model=GoalOut)
def cosign_goal(goal_id: PathId, actor: ActorDep, session: SessionDep) -> GoalOut:
    """A teacher of the student co-signs the goal (409 when a colleague signed it first)."""
    goals.cosign_goal(session, actor, goal_id)
    return goal_out(goals.goal_view(session, actor, goal_id))


@router.post("/goals/{goal_id}/reflection", response_model=GoalOut, status_code=201)
def reflect_on_goal(
    goal_id: PathId, body: ReflectionRequest, actor: ActorDep, session: SessionDep
) -> GoalOut:
    """The student's reflection once the goal is reached or its date has passed; closes it as met or missed."""
    goals.reflect_on_goal(session, actor, goal_id, body.helped, body.next_step)
    return goal_out(goals.goal_view(session, actor, goal_id))


@router.post("/goals/{goal_id}/drop", response_model=GoalOut)
def drop_goal(goal_id: PathId, actor: ActorDep, session: SessionDep) -> GoalOut:
    """The student drops an active goal; it stays in the history."""
    goals.drop_goal(session, actor, goal_id)
    return goal_out(goals.goal_view(session, actor, goal_id))


class LevelOut(BaseModel):
    confidence: int
    label: str
    answers: int
    right: int


class WeekOut(BaseModel):
    week: date = Field(description="the week's Monday (UTC)")
    sure: int
    sure_right: int
    unsure: int
    unsure_right: int


class SkillCalibrationOut(BaseModel):
    skill_key: str
    name: str
    self_rating: int | None = Field(description="the newest 'I can ...' rating, 1-4")
    model_level: int = Field(description="the model's estimate on the same 1-4 scale")
    mastery: float | None
    sure: int
    sure_wrong: int
    unsure: int
    unsure_right: int


class AdviceOut(BaseModel):
    skill_key: str
    kind: str = Field(description="sure-when-wrong, unsure-when-right, rates-higher or rates-lower")
    text: str


class SummaryOut(BaseModel):
    rated: int
    sure: int
    sure_wrong: int
    unsure: int
    unsure_right: int
    label: str = Field(description="too-few, sure-when-wrong, unsure-when-right, mixed or matched")


class CalibrationOut(BaseModel):
    student_id: int
    course_title: str
    levels: list[LevelOut]
    weeks: list[WeekOut]
    skills: list[SkillCalibrationOut]
    advice: list[AdviceOut]
    summary: SummaryOut


def levels_out(levels: list[calibration.LevelPoint]) -> list[LevelOut]:
    return [LevelOut(confidence=p.confidence, label=CONFIDENCE_LABELS[p.confidence], answers=p.answers,
                     right=p.right) for p in levels]  # fmt: skip


@router.get("/students/{student_id}/calibration", response_model=CalibrationOut)
def student_calibration(student_id: PathId, actor: ActorDep, session: SessionDep) -> CalibrationOut:
    """Confidence against correctness, self-ratings against the model, and plain advice."""
    view = calibration.student_calibration(session, actor, student_id)
    return CalibrationOut(
        student_id=view.seen.student.id, course_title=view.seen.course.title, levels=levels_out(view.levels),
        weeks=[WeekOut.model_validate(w, from_attributes=True) for w in view.weeks],
        skills=[
            SkillCalibrationOut(
                skill_key=s.key, name=s.name, self_rating=s.self_rating, model_level=s.model_level,
                mastery=s.mastery, sure=s.calibration.sure if s.calibration else 0,
                sure_wrong=s.calibration.sure_wrong if s.calibration else 0,
                unsure=s.calibration.unsure if s.calibration else 0,
                unsure_right=s.calibration.unsure_right if s.calibration else 0,
            )
            for s in view.skills
        ],
        advice=[AdviceOut.model_validate(a, from_attributes=True) for a in view.advice],
        summary=SummaryOut.model_validate(view.summary, from_attributes=True),
    )  # fmt: skip


class SelfRatingRequest(Request):
    skill_key: str = Field(min_length=1, max_length=limits.KEY_MAX)
    rating: int = Field(ge=1, le=4, description="1 can't yet, 2 with help, 3 on my own, 4 can explain it")


class SelfRatingOut(BaseModel):
    id: int
    skill_key: str
    rating: int
    created_at: datetime


@router.post("/self-ratings", response_model=SelfRatingOut, status_code=201)
def rate_skill(body: SelfRatingRequest, actor: ActorDep, session: SessionDep) -> SelfRatingOut:
    """The acting student's "I can ..." rating of a skill (every rating is kept; the newest counts)."""
    row = calibration.rate_skill(session, actor, body.skill_key, body.rating)
    return SelfRatingOut(id=row.id, skill_key=body.skill_key, rating=row.rating, created_at=row.created_at)


class StudentLineOut(BaseModel):
    student_id: int
    name: str
    summary: SummaryOut
    sure_when_wrong_skills: list[str]


class ClassCalibrationOut(BaseModel):
    class_id: int
    class_name: str
    course_title: str
    levels: list[LevelOut] = Field(description="the class's rated answers per confidence level")
    students: list[StudentLineOut]


@router.get("/classes/{class_id}/calibration", response_model=ClassCalibrationOut)
def class_calibration(class_id: PathId, actor: ActorDep, session: SessionDep) -> ClassCalibrationOut:
    """Each student's calibration summary and the class picture, for the class's teachers and admins."""
    view = calibration.class_calibration(session, actor, class_id)
    return ClassCalibrationOut(
        class_id=view.classroom.id, class_name=view.classroom.name, course_title=view.course_title,
        levels=levels_out(view.levels),
        students=[
            StudentLineOut(
                student_id=s.student_id, name=s.name, sure_when_wrong_skills=s.sure_when_wrong_skills,
                summary=SummaryOut.model_validate(s.summary, from_attributes=True),
            )
            for s in view.students
        ],
    )  # fmt: skip


class NewEntryRequest(Request):
    context: Literal["practice", "work", "free"]
    helped: str = Field(default="", max_length=HELPED_MAX)
    next_step: str = Field(default="", max_length=HELPED_MAX)
    skill_key: str | None = Field(default=None, max_length=limits.KEY_MAX)
    assignment_id: int | None = Field(default=None, ge=1, le=limits.MAX_ID)


class EntryOut(BaseModel):
    id: int
    context: str
    context_label: str
    about: str
    helped: str
    next_step: str
    created_at: datetime


def entry_out(view: journal.EntryView) -> EntryOut:
    e = view.entry
    return EntryOut(id=e.id, context=e.context, context_label=view.context_label, about=view.about,
                    helped=e.helped, next_step=e.next_step, created_at=e.created_at)  # fmt: skip


class JournalOut(BaseModel):
    student_id: int
    entries: list[EntryOut] = Field(description="newest first")


@router.get("/students/{student_id}/journal", response_model=JournalOut)
def student_journal(student_id: PathId, actor: ActorDep, session: SessionDep) -> JournalOut:
    """The student's reflections, seen by the student, their teachers and the school's admins."""
    seen, entries = journal.journal(session, actor, student_id)
    return JournalOut(student_id=seen.student.id, entries=[entry_out(v) for v in entries])


@router.post("/journal", response_model=EntryOut, status_code=201)
def add_entry(body: NewEntryRequest, actor: ActorDep, session: SessionDep) -> EntryOut:
    """A reflection by the acting student: after practice, on returned work, or free."""
    entry = journal.add_entry(
        session, actor,
        journal.NewEntry(body.context, body.helped, body.next_step, body.skill_key, body.assignment_id),
    )  # fmt: skip
    return entry_out(journal.EntryView(entry, journal.CONTEXT_LABELS[entry.context], ""))


class TurnaroundOut(BaseModel):
    skill_key: str
    skill_name: str
    wrong_before: int
    answers_before: int
    first_wrong_at: datetime
    mastered_at: datetime


class TurnaroundsOut(BaseModel):
    student_id: int
    skills: list[TurnaroundOut] = Field(description="mastered after earlier wrong answers, newest first")


@router.get("/students/{student_id}/turnarounds", response_model=TurnaroundsOut)
def student_turnarounds(student_id: PathId, actor: ActorDep, session: SessionDep) -> TurnaroundsOut:
    """Mistakes turned around: skills mastered after earlier wrong answers."""
    seen, found = turnarounds.turned_around(session, actor, student_id)
    return TurnaroundsOut(
        student_id=seen.student.id,
        skills=[
            TurnaroundOut(
                skill_key=t.skill_key, skill_name=t.skill_name, wrong_before=t.found.wrong_before,
                answers_before=t.found.answers_before, first_wrong_at=t.found.first_wrong_at,
                mastered_at=t.found.mastered_at,
            )
            for t in found
        ],
    )  # fmt: skip
