"""Mastery check pages: the student's check of a skill (offer, items one at a time, result) and a class's
"check required" setting with its students' checks. The JSON API (web/api/checks.py) calls the same
service functions."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import Conflict, InvalidInput
from atpace.services import checks, limits
from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text
from atpace.web.pages.common import render

router = APIRouter()

SkillKey = Annotated[str, Path(min_length=1, max_length=limits.KEY_MAX)]


@router.get("/checks/{skill_key}")
def check_page(request: Request, skill_key: SkillKey, actor: ActorDep, session: SessionDep) -> Response:
    """Start or take the mastery check of a skill (the student's own)."""
    return _check_page(request, actor, session, skill_key)


def _check_page(
    request: Request,
    actor: Actor,
    session: Session,
    skill_key: str,
    *,
    status_code: int = 200,
    error: str | None = None,
    response: str = "",
) -> Response:
    offer = checks.offer(session, actor, skill_key)
    return render(
        request, "check.html", actor, status_code=status_code, offer=offer, error=error, response=response,
        client_attempt_id=str(uuid.uuid4()), rule=checks.RULE,
    )  # fmt: skip


@router.post("/checks/{skill_key}")
def start_form(request: Request, skill_key: SkillKey, actor: ActorDep, session: SessionDep) -> Response:
    try:
        checks.start(session, actor, skill_key)
    except Conflict as refused:  # not ready, or too few unseen items: the page says why
        return _check_page(request, actor, session, skill_key, status_code=409, error=refused.message)
    return RedirectResponse(f"/checks/{skill_key}", status_code=303)


@router.post("/checks/{skill_key}/answer")
def answer_form(
    request: Request,
    skill_key: SkillKey,
    actor: ActorDep,
    session: SessionDep,
    item_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    client_attempt_id: Annotated[str, Form(min_length=1, max_length=limits.KEY_MAX), Text],
    # No max_length: the service refuses an over-long answer with the inline message of malformed input.
    response: Annotated[str, Form(), Text] = "",
    picked: Annotated[list[Annotated[str, Text]] | None, Form(max_length=limits.MAX_CHOICES)] = None,
) -> Response:
    if picked:  # a multiple-select or ordering answer, one choice per line
        response = "\n".join(p for p in picked if p)
    try:
        checks.answer(session, actor, skill_key, item_id, response, client_attempt_id)
    except InvalidInput as error:
        if error.field != "response":
            raise
        return _check_page(
            request, actor, session, skill_key, status_code=422, error=error.message, response=response
        )
    return RedirectResponse(f"/checks/{skill_key}#check", status_code=303)


@router.get("/classes/{class_id}/checks")
def class_checks_page(request: Request, class_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    view = checks.check_setting(session, actor, class_id)
    return render(
        request, "checks_class.html", actor, view=view, saved=request.query_params.get("saved") == "1"
    )


@router.post("/classes/{class_id}/checks")
def class_checks_form(
    class_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    required: Annotated[str, Form(max_length=8), Text] = "",
) -> Response:
    checks.set_check_required(session, actor, class_id, required == "on")
    return RedirectResponse(f"/classes/{class_id}/checks?saved=1", status_code=303)
