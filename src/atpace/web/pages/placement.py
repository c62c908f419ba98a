from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import InvalidInput
from atpace.services import limits, placement
from atpace.services.access import NoCourseYet
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, Text
from atpace.web.pages.common import render
from atpace.web.pages.enrolment import no_class_page

router = APIRouter()


@router.get("/placement")
def placement_page(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    try:
        status = placement.status(session, actor)
    except NoCourseYet as missing:  # no class yet: a page with the menu that says what to do next
        return no_class_page(request, actor, session, missing)
    return render(request, "placement.html", actor, status=status, error=None)


@router.post("/placement/start")
def placement_start(actor: ActorDep, session: SessionDep) -> Response:
    placement.start(session, actor)
    return RedirectResponse("/placement", status_code=303)


@router.post("/placement/answer")
def placement_answer(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    item_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    response: Annotated[str, Form(max_length=limits.RESPONSE_MAX), Text] = "",
    picked: Annotated[list[Annotated[str, Text]] | None, Form(max_length=limits.MAX_CHOICES)] = None,
) -> Response:
    if picked:  # a multiple-select or ordering answer: the choices picked, in order, one per line
        response = "\n".join(p for p in picked if p)
    try:
        placement.answer(session, actor, item_id, response)
    except InvalidInput as error:
        if error.field != "response":
            raise
        status = placement.status(session, actor)
        return render(
            request,
            "placement.html",
            actor,
            status_code=422,
            status=status,
            error=error.message,
            response=response,
        )
    return RedirectResponse("/placement", status_code=303)
