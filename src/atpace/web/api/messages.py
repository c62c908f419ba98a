from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from atpace.services import messages
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId

router = APIRouter(tags=["messages"])


class MessageOut(BaseModel):
    id: int
    kind: str
    subject: str
    body: str
    link: str
    author: str
    created_at: datetime
    read: bool


class InboxOut(BaseModel):
    unread: int
    messages: list[MessageOut]


class MarkedOut(BaseModel):
    marked_read: int


@router.get("/messages", response_model=InboxOut)
def inbox(actor: ActorDep, session: SessionDep, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> InboxOut:
    """Your own messages (feedback, comments, extensions, new work), newest first, and the unread count."""
    views = messages.inbox(session, actor, limit)
    return InboxOut(
        unread=messages.unread_count(session, actor.user_id),
        messages=[MessageOut.model_validate(v, from_attributes=True) for v in views],
    )


@router.post("/messages/{message_id}/read", response_model=MarkedOut)
def read_one(message_id: PathId, actor: ActorDep, session: SessionDep) -> MarkedOut:
    return MarkedOut(marked_read=messages.mark_read(session, actor, message_id))


@router.post("/messages/read", response_model=MarkedOut)
def read_all(actor: ActorDep, session: SessionDep) -> MarkedOut:
    return MarkedOut(marked_read=messages.mark_read(session, actor))
