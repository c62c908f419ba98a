"""The teacher's "Today" of a class (who needs me now) and comments to a student, as JSON."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from atpace.services import limits, today
from atpace.web.api.schemas import Request
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId

router = APIRouter(tags=["today"])


class ActionOut(BaseModel):
    label: str
    url: str
    kind: str = Field(description="link (open the URL) or comment (POST a comment to the student there)")


class ReasonOut(BaseModel):
    kind: str = Field(description="stuck, grade, work, inactive or check")
    text: str = Field(description="the reason in the teacher's words")
    skill_key: str | None
    assignment_id: int | None


class TodayLineOut(BaseModel):
    student_id: int
    student_name: str
    reasons: list[ReasonOut] = Field(description="the most urgent first")
    actions: list[ActionOut]


class TodaySectionOut(BaseModel):
    key: str = Field(description="stuck, grade, work, inactive or check")
    title: str
    hint: str
    lines: list[TodayLineOut]


class GroupLineOut(BaseModel):
    name: str
    kind: str
    skill_key: str
    skill_name: str
    student_ids: list[int]
    student_names: list[str]
    activity: str
    action: ActionOut


class AttentionRuleOut(BaseModel):
    wrong_in_a_row: int
    window: int
    min_gain: float
    horizon_days: int
    inactive_days: int
    check_margin: float
    check_streak: int


class TodayOut(BaseModel):
    class_id: int
    class_name: str
    course_title: str
    at: datetime
    student_count: int
    sections: list[TodaySectionOut] = Field(
        description="only sections with lines, the most urgent first; a student is listed once, under "
        "their most urgent reason, apart from 'grade' (submissions waiting for the teacher)"
    )
    groups: list[GroupLineOut]
    rule: AttentionRuleOut


class CommentRequest(Request):
    text: str = Field(min_length=1, max_length=limits.COMMENT_MAX)


class CommentOut(BaseModel):
    id: int
    student_id: int
    subject: str
    body: str
    created_at: datetime


@router.get("/classes/{class_id}/today", response_model=TodayOut)
def class_today(class_id: PathId, actor: ActorDep, session: SessionDep) -> TodayOut:
    """Who needs the teacher now: stuck, not practising, ready for a check, work waiting; and groups."""
    view = today.class_today(session, actor, class_id)
    rule = view.rule
    return TodayOut(
        class_id=view.class_id, class_name=view.class_name, course_title=view.course_title, at=view.at,
        student_count=view.student_count,
        sections=[TodaySectionOut.model_validate(s, from_attributes=True) for s in view.sections],
        groups=[GroupLineOut.model_validate(g, from_attributes=True) for g in view.groups],
        rule=AttentionRuleOut(
            wrong_in_a_row=rule.wrong_in_a_row, window=rule.window, min_gain=rule.min_gain,
            horizon_days=rule.horizon.days, inactive_days=rule.inactive_days, check_margin=rule.check_margin,
            check_streak=rule.check_streak,
        ),
    )  # fmt: skip


@router.post("/classes/{class_id}/students/{student_id}/comments", response_model=CommentOut, status_code=201)
def comment(
    class_id: PathId, student_id: PathId, body: CommentRequest, actor: ActorDep, session: SessionDep
) -> CommentOut:
    """A comment from the teacher to a student of the class; the student sees it in Messages."""
    message = today.comment_student(session, actor, class_id, student_id, body.text)
    return CommentOut(
        id=message.id, student_id=message.recipient_id, subject=message.subject, body=message.body,
        created_at=message.created_at,
    )  # fmt: skip
