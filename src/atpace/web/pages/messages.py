from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from atpace.services import messages
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId
from atpace.web.pages.common import render

router = APIRouter()


@router.get("/messages")
def inbox_page(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    return render(request, "messages.html", actor, messages=messages.inbox(session, actor, 100))


@router.post("/messages/{message_id}/open")
def open_message(message_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    """Mark the message read and go to what it is about."""
    link = messages.open_message(session, actor, message_id)
    return RedirectResponse(link or "/messages", status_code=303)


@router.post("/messages/read")
def read_all(actor: ActorDep, session: SessionDep) -> Response:
    messages.mark_read(session, actor)
    return RedirectResponse("/messages", status_code=303)
