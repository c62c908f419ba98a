"""Grading: feedback on a submission with the assignment's rubric, its mastery preview, and the queue.

The teachers and co-teachers of the assignment's class and the school's admins; another school's
submission or assignment is missing (404)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from atpace.services import grading, limits
from atpace.web.api.schemas import Request
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId

router = APIRouter(tags=["grading"])


class ScoreIn(Request):
    criterion_id: int = Field(ge=1, le=MAX_ID)
    level: int | None = Field(default=None, ge=0, le=100, description="index of the level, 0 = lowest")
    comment: str = Field(default="", max_length=limits.COMMENT_MAX)


class FeedbackIn(Request):
    decision: Literal["graded", "returned"] = Field(
        description="graded (a level on every criterion) or returned (for revision: the student resubmits)"
    )
    comment: str = Field(default="", max_length=limits.TEXT_MAX)
    scores: list[ScoreIn] = Field(default_factory=list, max_length=100)


class PreviewIn(Request):
    scores: list[ScoreIn] = Field(default_factory=list, max_length=100)


class SkillEffectOut(BaseModel):
    skill_key: str
    skill_name: str
    criteria: list[str]
    before: float
    after: float
    threshold: float
    mastered_before: bool
    mastered_after: bool
    label: str = Field(description='as the page shows it, e.g. "Equivalent fractions: 62% → 67%" (docs/rubrics.md)')


class PreviewOut(BaseModel):
    skills: list[SkillEffectOut]
    not_counted: list[str] = Field(description="aligned criteria that are no evidence here, and why")


class FeedbackOut(BaseModel):
    id: int
    submission_id: int
    assignment_id: int
    student_id: int
    decision: str
    effects: list[SkillEffectOut]
    next_submission_id: int | None = Field(description="the next submission waiting for feedback")


class QueueEntryOut(BaseModel):
    submission_id: int
    student_id: int
    student_name: str
    step: int
    step_title: str
    version: int
    submitted_at: datetime
    late: bool
    status: str
    waiting: bool


class QueueOut(BaseModel):
    assignment_id: int
    waiting: int
    entries: list[QueueEntryOut]


def _effect(e: grading.SkillEffect) -> SkillEffectOut:
    return SkillEffectOut(
        skill_key=e.skill_key, skill_name=e.skill_name, criteria=list(e.criteria), before=e.before,
        after=e.after, threshold=e.threshold, mastered_before=e.mastered_before,
        mastered_after=e.mastered_after, label=e.label,
    )  # fmt: skip


def _scores(scores: list[ScoreIn]) -> list[grading.ScoreInput]:
    return [grading.ScoreInput(s.criterion_id, s.level, s.comment) for s in scores]


@router.post("/submissions/{submission_id}/feedback", response_model=FeedbackOut, status_code=201)
def save_feedback(
    submission_id: PathId, body: FeedbackIn, actor: ActorDep, session: SessionDep
) -> FeedbackOut:
    """Feedback on the newest version of the work, once (409 otherwise); levels on skill-aligned criteria
    become evidence for those skills, and the student is notified."""
    saved = grading.save_feedback(
        session, actor, submission_id, _scores(body.scores), body.comment, body.decision
    )
    return FeedbackOut(
        id=saved.feedback_id, submission_id=saved.submission_id, assignment_id=saved.assignment_id,
        student_id=saved.student_id, decision=saved.decision, effects=[_effect(e) for e in saved.effects],
        next_submission_id=saved.next_submission_id,
    )  # fmt: skip


@router.post("/submissions/{submission_id}/feedback/preview", response_model=PreviewOut)
def preview_feedback(
    submission_id: PathId, body: PreviewIn, actor: ActorDep, session: SessionDep
) -> PreviewOut:
    """What these levels would do to the student's mastery of the aligned skills; nothing is saved."""
    preview = grading.preview_feedback(session, actor, submission_id, _scores(body.scores))
    return PreviewOut(skills=[_effect(e) for e in preview.skills], not_counted=list(preview.not_counted))


@router.get("/assignments/{assignment_id}/grading", response_model=QueueOut)
def grading_queue(assignment_id: PathId, actor: ActorDep, session: SessionDep) -> QueueOut:
    """The newest version of each student's work: those waiting for feedback first (oldest first)."""
    entries = grading.grading_queue(session, actor, assignment_id)
    return QueueOut(
        assignment_id=assignment_id,
        waiting=sum(1 for e in entries if e.waiting),
        entries=[QueueEntryOut.model_validate(e, from_attributes=True) for e in entries],
    )
