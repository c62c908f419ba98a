"""Mastery checks on demand as JSON: offer, start and answer a check; a class's "check required" setting."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from atpace.services import checks, limits
from atpace.web.api.schemas import Request
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId

router = APIRouter(tags=["checks"])

SkillKey = Annotated[str, Path(min_length=1, max_length=limits.KEY_MAX)]


class CheckItemOut(BaseModel):
    item_id: int
    kind: str
    prompt: str
    choices: list[str]
    response: str | None = Field(description="the student's answer once given")
    correct: bool | None


class CheckOut(BaseModel):
    id: int
    student_id: int
    skill_key: str
    skill_name: str
    status: str = Field(description="open, passed or failed")
    items: list[CheckItemOut] = Field(description="the check's items in order; answer them without hints")
    right: int
    pass_min: int = Field(description="right answers a pass needs (and mastery at the threshold after)")
    reason: str = Field(description="why it passed or failed, once finished")
    mastery_start: float
    mastery_end: float | None
    started_at: datetime
    finished_at: datetime | None


class CheckOfferOut(BaseModel):
    skill_key: str
    skill_name: str
    mastery: float
    threshold: float
    ready: bool = Field(description="a check may be started now")
    reason: str
    check_required: bool = Field(
        description="the student's class counts a skill as mastered only once confirmed"
    )
    confirmed: bool
    open_check: CheckOut | None
    last_check: CheckOut | None


class CheckAnswerRequest(Request):
    item_id: int = Field(ge=1, le=MAX_ID)
    response: str = Field(max_length=limits.RESPONSE_MAX)
    client_attempt_id: str = Field(min_length=1, max_length=limits.KEY_MAX)


class CheckAnswerOut(BaseModel):
    check: CheckOut
    item_id: int
    correct: bool
    message: str
    replayed: bool


class CheckSettingRequest(Request):
    required: bool


class ClassChecksOut(BaseModel):
    class_id: int
    class_name: str
    required: bool = Field(description="skills count as mastered only once a mastery check confirmed them")
    checks: list[CheckOut]


def check_out(view: checks.CheckView) -> CheckOut:
    return CheckOut(
        id=view.id, student_id=view.student_id, skill_key=view.skill_key, skill_name=view.skill_name,
        status=view.status,
        items=[
            CheckItemOut(item_id=i.item_id, kind=i.kind, prompt=i.prompt, choices=list(i.choices),
                         response=i.response, correct=i.correct)
            for i in view.items
        ],
        right=view.right, pass_min=view.pass_min, reason=view.reason, mastery_start=view.mastery_start,
        mastery_end=view.mastery_end, started_at=view.started_at, finished_at=view.finished_at,
    )  # fmt: skip


@router.get("/checks/{skill_key}")
def get_offer(skill_key: SkillKey, actor: ActorDep, session: SessionDep) -> CheckOfferOut:
    """Whether the student may take a mastery check of the skill now, and the open or last check."""
    offer = checks.offer(session, actor, skill_key)
    return CheckOfferOut(
        skill_key=offer.skill_key, skill_name=offer.skill_name, mastery=offer.mastery,
        threshold=offer.threshold, ready=offer.ready, reason=offer.reason,
        check_required=offer.check_required, confirmed=offer.confirmed,
        open_check=check_out(offer.open_check) if offer.open_check else None,
        last_check=check_out(offer.last_check) if offer.last_check else None,
    )  # fmt: skip


@router.post("/checks/{skill_key}", status_code=201)
def start_check(skill_key: SkillKey, actor: ActorDep, session: SessionDep) -> CheckOut:
    """Start a check of the skill (409 with the reason when not ready); an open one is returned as it is."""
    return check_out(checks.start(session, actor, skill_key))


@router.post("/checks/{skill_key}/answers")
def answer_check(
    skill_key: SkillKey, body: CheckAnswerRequest, actor: ActorDep, session: SessionDep
) -> CheckAnswerOut:
    """Answer one item of the open check; idempotent on ``client_attempt_id``."""
    outcome = checks.answer(session, actor, skill_key, body.item_id, body.response, body.client_attempt_id)
    return CheckAnswerOut(
        check=check_out(outcome.check), item_id=outcome.item_id, correct=outcome.correct,
        message=outcome.message, replayed=outcome.replayed,
    )  # fmt: skip


@router.get("/classes/{class_id}/checks")
def class_checks(class_id: PathId, actor: ActorDep, session: SessionDep) -> ClassChecksOut:
    return _class_out(checks.check_setting(session, actor, class_id))


@router.put("/classes/{class_id}/checks")
def set_class_checks(
    class_id: PathId, body: CheckSettingRequest, actor: ActorDep, session: SessionDep
) -> ClassChecksOut:
    """Require (or not) a passed mastery check before a skill counts as mastered for the class."""
    return _class_out(checks.set_check_required(session, actor, class_id, body.required))


def _class_out(view: checks.ClassChecks) -> ClassChecksOut:
    return ClassChecksOut(
        class_id=view.class_id, class_name=view.class_name, required=view.required,
        checks=[check_out(c) for _, c in view.checks],
    )  # fmt: skip


@router.get("/students/{student_id}/checks")
def student_checks(student_id: PathId, actor: ActorDep, session: SessionDep) -> list[CheckOut]:
    """A student's mastery checks, newest first (the student, their teachers, the school's admins)."""
    return [check_out(c) for c in checks.student_checks(session, actor, student_id)]
