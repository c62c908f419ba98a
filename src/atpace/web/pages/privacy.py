"""Pages: a student's data: export and erasure (docs/privacy.md). The school's administrators see the open
erasure requests (/admin/privacy) and each student's privacy page: download the data, ask to erase it,
confirm or cancel a request (a second administrator confirms). Each action calls the same service as its
JSON API route (web/api/privacy.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import Conflict, Forbidden, InvalidInput
from atpace.services import privacy
from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.services.privacy.export import require_admin
from atpace.web.api.privacy import files_of, settings_of
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text
from atpace.web.pages.common import render

router = APIRouter()
NOTICES = {
    "requested": "Erasure requested. A second administrator of the school must now confirm it.",
    "confirmed": "Erasure confirmed.",
    "cancelled": "Erasure request cancelled: nothing was erased.",
}
ACTION_ERRORS = (Conflict, Forbidden, InvalidInput)


def _see(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _list(
    request: Request, actor: Actor, session: Session, error: Exception | None = None, status_code: int = 200
) -> Response:
    return render(
        request, "privacy/requests.html", actor, status_code=status_code,
        open=privacy.open_requests(session, actor), students=privacy.students_of_school(session, actor), error=error,
    )  # fmt: skip


@router.get("/admin/privacy")
def privacy_requests(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    student_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    require_admin(actor)
    if student_id is not None:
        return _see(f"/admin/students/{student_id}/privacy")
    return _list(request, actor, session)


def _student_page(
    request: Request,
    actor: Actor,
    session: Session,
    student_id: int,
    *,
    notice: str | None = None,
    error: Exception | None = None,
    status_code: int = 200,
) -> Response:
    found = privacy.status(session, actor, student_id, settings_of(request).erasure_grace_days)
    return render(
        request, "privacy/student.html", actor, status_code=status_code, found=found, notice=notice,
        error=error,
    )  # fmt: skip


@router.get("/admin/students/{student_id}/privacy")
def student_privacy(
    student_id: PathId,
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    done: Annotated[str, Query(max_length=20), Text] = "",
) -> Response:
    return _student_page(request, actor, session, student_id, notice=NOTICES.get(done))


def _status_of(error: Exception) -> int:
    return 409 if isinstance(error, Conflict) else 403 if isinstance(error, Forbidden) else 422


@router.post("/admin/students/{student_id}/privacy/erasure")
def request_erasure(
    student_id: PathId,
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=privacy.REASON_MAX), Text] = "",
) -> Response:
    try:
        privacy.request_erasure(session, actor, student_id, reason)
    except ACTION_ERRORS as error:
        require_admin(actor)  # anyone else: 403 as it is, not the page
        return _student_page(request, actor, session, student_id, error=error, status_code=_status_of(error))
    return _see(f"/admin/students/{student_id}/privacy?done=requested")


@router.post("/admin/erasures/{request_id}/confirm")
def confirm_erasure(request_id: PathId, request: Request, actor: ActorDep, session: SessionDep) -> Response:
    grace = settings_of(request).erasure_grace_days
    try:
        view = privacy.confirm_erasure(session, actor, request_id, grace, files_of(request))
    except ACTION_ERRORS as error:
        require_admin(actor)
        return _list(request, actor, session, error, _status_of(error))
    return _see(f"/admin/students/{view.student_id}/privacy?done=confirmed")


@router.post("/admin/erasures/{request_id}/cancel")
def cancel_erasure(request_id: PathId, request: Request, actor: ActorDep, session: SessionDep) -> Response:
    try:
        view = privacy.cancel_erasure(session, actor, request_id)
    except ACTION_ERRORS as error:
        require_admin(actor)
        return _list(request, actor, session, error, _status_of(error))
    return _see(f"/admin/students/{view.student_id}/privacy?done=cancelled")
