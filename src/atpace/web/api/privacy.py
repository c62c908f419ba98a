"""JSON API: a student's data: export and erasure (docs/privacy.md). The school's administrators only;
another school's student or request is 404."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from atpace.config import Settings
from atpace.services import privacy
from atpace.services.files import FileStore
from atpace.web.api.school_schemas import errors
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId, Text

router = APIRouter(tags=["privacy"])

ERRORS = errors(401, 403, 404, 409, 422)


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def files_of(request: Request) -> FileStore:
    files: FileStore = request.app.state.files
    return files


class ErasureRequestOut(BaseModel):
    id: int
    student_id: int
    state: str  # requested, confirmed, cancelled, erased
    reason: str
    requested_by_id: int | None
    requested_at: datetime
    confirmed_by_id: int | None
    confirmed_at: datetime | None
    executes_after: datetime | None  # the erasure runs after this time (set by the confirmation)
    executed_at: datetime | None
    cancelled_by_id: int | None
    cancelled_at: datetime | None

    @classmethod
    def of(cls, view: privacy.RequestView) -> ErasureRequestOut:
        return cls(
            id=view.id, student_id=view.student_id, state=view.state, reason=view.reason,
            requested_by_id=view.requested_by_id, requested_at=view.requested_at,
            confirmed_by_id=view.confirmed_by_id, confirmed_at=view.confirmed_at,
            executes_after=view.executes_after, executed_at=view.executed_at,
            cancelled_by_id=view.cancelled_by_id, cancelled_at=view.cancelled_at,
        )  # fmt: skip


class PrivacyStatusOut(BaseModel):
    student_id: int
    erased: bool
    grace_days: int
    other_admins: int = Field(description="active administrators besides you: a confirmation needs one")
    requests: list[ErasureRequestOut]


class ErasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(max_length=privacy.REASON_MAX), Text] = ""


@router.get("/privacy/erasures", response_model=list[ErasureRequestOut], responses=ERRORS)
def open_erasures(actor: ActorDep, session: SessionDep) -> list[ErasureRequestOut]:
    """The school's erasure requests not yet carried out nor cancelled, oldest first."""
    return [ErasureRequestOut.of(o.request) for o in privacy.open_requests(session, actor)]


@router.get("/privacy/students/{student_id}", response_model=PrivacyStatusOut, responses=ERRORS)
def student_privacy(
    student_id: PathId, request: Request, actor: ActorDep, session: SessionDep
) -> PrivacyStatusOut:
    """Where a student's erasure stands (every request, newest first)."""
    found = privacy.status(session, actor, student_id, settings_of(request).erasure_grace_days)
    return PrivacyStatusOut(
        student_id=found.student_id, erased=found.erased, grace_days=found.grace_days,
        other_admins=found.other_admins, requests=[ErasureRequestOut.of(r) for r in found.requests],
    )  # fmt: skip


ZIP_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/zip": {}}, "description": "A zip of JSON and CSV files"},
    **ERRORS,
}


def zip_download(data: privacy.DataZip) -> Response:
    return Response(
        data.content,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{data.filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/privacy/students/{student_id}/data.zip", response_class=Response, responses=ZIP_RESPONSE)
def student_data(student_id: PathId, request: Request, actor: ActorDep, session: SessionDep) -> Response:
    """Everything atpace holds of and about the student, as a zip (the export is recorded in the audit log)."""
    return zip_download(privacy.student_data_zip(session, actor, student_id, files_of(request)))


@router.post(
    "/privacy/students/{student_id}/erasure", response_model=ErasureRequestOut, status_code=201,
    responses=ERRORS,
)  # fmt: skip
def request_erasure(
    student_id: PathId, body: ErasureIn, actor: ActorDep, session: SessionDep
) -> ErasureRequestOut:
    """Ask to erase the student's data; a second administrator of the school must confirm."""
    return ErasureRequestOut.of(privacy.request_erasure(session, actor, student_id, body.reason))


@router.post("/privacy/erasures/{request_id}/confirm", response_model=ErasureRequestOut, responses=ERRORS)
def confirm_erasure(
    request_id: PathId, request: Request, actor: ActorDep, session: SessionDep
) -> ErasureRequestOut:
    """Confirm another administrator's request; the erasure runs after the grace period
    (``ATPACE_ERASURE_GRACE_DAYS``; at once when it is 0)."""
    grace = settings_of(request).erasure_grace_days
    return ErasureRequestOut.of(privacy.confirm_erasure(session, actor, request_id, grace, files_of(request)))


@router.post("/privacy/erasures/{request_id}/cancel", response_model=ErasureRequestOut, responses=ERRORS)
def cancel_erasure(request_id: PathId, actor: ActorDep, session: SessionDep) -> ErasureRequestOut:
    """Cancel a request that has not been carried out yet."""
    return ErasureRequestOut.of(privacy.cancel_erasure(session, actor, request_id))
