"""JSON API of the school's Learning Record Store (xAPI): its administrators set the LRS and read the
outbox's state (docs/xapi.md). The secret is write-only: no answer carries it."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from atpace.services.xapi import lrs
from atpace.services.xapi.lrs import ENDPOINT_MAX, KEY_MAX, SECRET_MAX
from atpace.web.api.schemas import Request
from atpace.web.api.school_schemas import errors
from atpace.web.deps import ActorDep, SessionDep

router = APIRouter(tags=["xapi"])

ERRORS = errors(401, 403, 422)


class LrsIn(Request):
    endpoint: str = Field(max_length=ENDPOINT_MAX, description="the LRS's xAPI address, e.g. https://lrs.example/xAPI/")
    key: str = Field(max_length=KEY_MAX, description="Basic auth key (user name) the LRS gave the school")
    secret: str = Field(
        default="", max_length=SECRET_MAX, description="Basic auth secret; empty keeps the one already set"
    )
    home_page: str = Field(
        max_length=lrs.HOME_PAGE_MAX, description="the school's atpace address: the homePage of the accounts"
    )
    enabled: bool = Field(default=True, description="false: no statements are written or sent")


class LrsOut(BaseModel):
    endpoint: str
    key: str
    home_page: str
    enabled: bool
    secret_set: bool
    updated_at: datetime | None


class OutboxErrorOut(BaseModel):
    error: str
    count: int
    newest: datetime


class OutboxOut(BaseModel):
    waiting: int = Field(description="statements not tried yet")
    failing: int = Field(description="statements tried and waiting for their next try (backoff)")
    sent: int = Field(description="statements delivered (kept 30 days)")
    rejected: int = Field(description="statements the LRS refused (not retried until asked)")
    oldest_waiting: datetime | None
    last_sent: datetime | None
    next_try: datetime | None
    errors: list[OutboxErrorOut]


class RetryOut(BaseModel):
    retried: int = Field(description="statements that will be tried again at the next send")


def lrs_out(view: lrs.LrsView) -> LrsOut:
    return LrsOut.model_validate(view, from_attributes=True)


@router.get("/xapi/lrs", response_model=LrsOut | None, responses=ERRORS)
def get_lrs(actor: ActorDep, session: SessionDep) -> LrsOut | None:
    """The school's LRS (null: none set). Administrators only."""
    view = lrs.lrs_view(session, actor)
    return lrs_out(view) if view is not None else None


@router.put("/xapi/lrs", response_model=LrsOut, responses=ERRORS)
def put_lrs(body: LrsIn, actor: ActorDep, session: SessionDep) -> LrsOut:
    """Set or change the school's LRS, or switch it off (``enabled: false``). Administrators only."""
    data = lrs.LrsInput(body.endpoint, body.key, body.secret, body.home_page, body.enabled)
    return lrs_out(lrs.save_lrs(session, actor, data))


@router.get("/xapi/outbox", response_model=OutboxOut, responses=ERRORS)
def get_outbox(actor: ActorDep, session: SessionDep) -> OutboxOut:
    """The outbox's state: waiting, failing (with the last errors), sent, rejected."""
    return OutboxOut.model_validate(lrs.outbox_status(session, actor), from_attributes=True)


@router.post("/xapi/outbox/retry", response_model=RetryOut, responses=ERRORS)
def retry_outbox(actor: ActorDep, session: SessionDep) -> RetryOut:
    """Try every unsent statement again at the next send (rejected ones included), after fixing the LRS."""
    return RetryOut(retried=lrs.retry_now(session, actor))
