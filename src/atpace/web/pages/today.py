"""The teacher's "Today" page of a class (who needs me now) and the comment form on its lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import InvalidInput
from atpace.services import limits, today
from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId, Text
from atpace.web.pages.common import render

router = APIRouter()

NOTICES = {"comment": "Comment sent: the student sees it in Messages."}


@dataclass(frozen=True)
class CommentError:
    """A refused comment, shown next to the student's comment form with what the teacher typed."""

    student_id: int
    message: str
    text: str


@router.get("/classes/{class_id}/today")
def today_page(
    request: Request,
    class_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    sent: Annotated[str | None, Query(max_length=16), Text] = None,
) -> Response:
    return _page(request, actor, session, class_id, notice=NOTICES.get(sent or ""))


def _page(
    request: Request,
    actor: Actor,
    session: Session,
    class_id: int,
    *,
    notice: str | None = None,
    error: CommentError | None = None,
) -> Response:
    view = today.class_today(session, actor, class_id)
    return render(
        request,
        "today.html",
        actor,
        status_code=422 if error else 200,
        today=view,
        notice=notice,
        error=error,
    )


@router.post("/classes/{class_id}/students/{student_id}/comment")
def comment_form(
    request: Request,
    class_id: PathId,
    student_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    text: Annotated[str, Form(max_length=limits.COMMENT_MAX), Text] = "",
) -> Response:
    try:
        today.comment_student(session, actor, class_id, student_id, text)
    except InvalidInput as refused:
        return _page(request, actor, session, class_id, error=CommentError(student_id, refused.message, text))
    return RedirectResponse(f"/classes/{class_id}/today?sent=comment#line-{student_id}", status_code=303)
