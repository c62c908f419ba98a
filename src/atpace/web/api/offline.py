"""Practice without a connection: the batch of items the browser keeps, and the answers it queued."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from atpace.services import limits
from atpace.services.practice import offline
from atpace.web.api.schemas import Request
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId

router = APIRouter(tags=["offline practice"])


class OfflineItemOut(BaseModel):
    item_id: int
    skill_key: str
    kind: str
    prompt: str
    choices: list[str]
    hints: list[str]
    worked_solution: list[str]
    answer: dict[str, object] = Field(description="The answer spec the browser's checker reads.")


class OfflineSkillOut(BaseModel):
    key: str
    name: str
    mastery: float
    items: list[OfflineItemOut]


class OfflineBatchOut(BaseModel):
    student_id: int
    course_title: str
    issued_at: datetime
    skills: list[OfflineSkillOut]


class OfflineAnswerIn(Request):
    client_attempt_id: str = Field(min_length=1, max_length=limits.KEY_MAX)
    item_id: int = Field(ge=1, le=MAX_ID)
    skill_key: str = Field(min_length=1, max_length=limits.KEY_MAX)
    response: str = Field(max_length=limits.RESPONSE_MAX)
    answered_at: datetime = Field(
        description="When the student answered, by the browser's clock (with zone)."
    )
    duration_ms: int | None = Field(default=None, ge=0, le=limits.DURATION_MAX_MS)
    hints_used: int = Field(default=0, ge=0, le=limits.HINTS_MAX)
    confidence: int | None = Field(default=None, ge=limits.CONFIDENCE_MIN, le=limits.CONFIDENCE_MAX)


class OfflineSyncIn(Request):
    student_id: int = Field(ge=1, le=MAX_ID, description="The student who gave these answers.")
    answers: list[OfflineAnswerIn] = Field(max_length=offline.MAX_ANSWERS)


class OfflineResultOut(BaseModel):
    client_attempt_id: str
    status: Literal["stored", "replayed", "refused"]
    message: str
    attempt_id: int | None
    correct: bool | None
    skill_key: str | None
    mastery_after: float | None
    stored_at: datetime | None


class OfflineSyncOut(BaseModel):
    results: list[OfflineResultOut]


def item_out(item: offline.OfflineItem) -> OfflineItemOut:
    return OfflineItemOut(
        item_id=item.item_id, skill_key=item.skill_key, kind=item.kind, prompt=item.prompt,
        choices=list(item.choices), hints=list(item.hints), worked_solution=list(item.worked_solution),
        answer=item.answer,
    )  # fmt: skip


@router.get("/offline/batch", response_model=OfflineBatchOut)
def offline_batch(
    actor: ActorDep,
    session: SessionDep,
    per_skill: int = Query(default=offline.PER_SKILL, ge=1, le=offline.MAX_PER_SKILL),
) -> OfflineBatchOut:
    """Items to practise offline on every ready skill, with their answer specs (docs/offline.md)."""
    batch = offline.prefetch(session, actor, per_skill)
    return OfflineBatchOut(
        student_id=batch.student_id, course_title=batch.course_title, issued_at=batch.issued_at,
        skills=[
            OfflineSkillOut(key=s.key, name=s.name, mastery=s.mastery, items=[item_out(i) for i in s.items])
            for s in batch.skills
        ],
    )  # fmt: skip


@router.get("/offline/items/{item_id}", response_model=OfflineItemOut)
def offline_item(
    item_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    skill_key: str = Query(min_length=1, max_length=limits.KEY_MAX),
) -> OfflineItemOut:
    """One item of the student's course with its answer spec (the item on screen, kept for offline use)."""
    return item_out(offline.offline_item(session, actor, item_id, skill_key))


@router.post("/offline/answers", response_model=OfflineSyncOut)
def sync_answers(body: OfflineSyncIn, actor: ActorDep, session: SessionDep) -> OfflineSyncOut:
    """Answers given offline, in the order given: each is checked again and stored once (by
    `client_attempt_id`); one the server cannot accept is `refused` with the reason, the others stored."""
    answers = [offline.OfflineAnswer(**answer.model_dump()) for answer in body.answers]
    results = offline.sync_answers(session, actor, body.student_id, answers)
    return OfflineSyncOut(
        results=[
            OfflineResultOut(
                client_attempt_id=r.client_attempt_id, status=r.status,
                message=r.message, attempt_id=r.attempt_id, correct=r.correct, skill_key=r.skill_key,
                mastery_after=r.mastery_after, stored_at=r.stored_at,
            )
            for r in results
        ]
    )  # fmt: skip
