"""In-app messages: feedback, comments, extensions and new work reach a user here (no e-mail needed).

Every message has one recipient and is theirs alone; the menu shows their unread count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from atpace.errors import InvalidInput, NotFound
from atpace.services import limits
from atpace.services.auth import Actor
from atpace.store.tables import Message, User, utcnow

MESSAGE_KINDS = ("feedback", "returned", "comment", "extension", "assigned")


def notify(
    session: Session,
    *,
    school_id: int,
    recipient_id: int,
    author_id: int | None,
    kind: str,
    subject: str,
    body: str = "",
    link: str = "",
    assignment_id: int | None = None,
) -> Message:
    """Leave a message for one user, in the caller's transaction."""
    if kind not in MESSAGE_KINDS:
        raise ValueError(f"unknown message kind {kind!r}")
    if link and not link.startswith("/"):
        raise ValueError("a message links to a page of atpace only")
    message = Message(
        school_id=school_id, recipient_id=recipient_id, author_id=author_id, kind=kind,
        subject=subject[: limits.TITLE_MAX], body=body[: limits.TEXT_MAX], link=link[: limits.URL_MAX],
        assignment_id=assignment_id,
    )  # fmt: skip
    session.add(message)
    return message


def unread_count(session: Session, user_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(Message.id)).where(Message.recipient_id == user_id, Message.read_at.is_(None))
        )
        or 0
    )


@dataclass(frozen=True)
class MessageView:
    id: int
    kind: str
    subject: str
    body: str
    link: str
    author: str
    created_at: datetime
    read: bool


def inbox(session: Session, actor: Actor, limit: int = 50) -> list[MessageView]:
    """The actor's own messages, newest first."""
    if not 1 <= limit <= 200:
        raise InvalidInput("limit", "limit must be between 1 and 200")
    author = aliased(User)
    rows = session.execute(
        select(Message, author.display_name)
        .outerjoin(author, author.id == Message.author_id)
        .where(Message.recipient_id == actor.user_id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    ).all()
    return [
        MessageView(m.id, m.kind, m.subject, m.body, m.link, name or "", m.created_at, m.read_at is not None)
        for m, name in rows
    ]


def open_message(session: Session, actor: Actor, message_id: int) -> str:
    """Mark one of the actor's messages read and return the page it is about ("" when none)."""
    message = _own(session, actor, message_id)
    if message.read_at is None:
        message.read_at = utcnow()
    return message.link


def _own(session: Session, actor: Actor, message_id: int) -> Message:
    message = session.get(Message, message_id)
    if message is None or message.recipient_id != actor.user_id:
        raise NotFound(f"message {message_id} not found")  # another user's message does not exist here
    return message


def mark_read(session: Session, actor: Actor, message_id: int | None = None) -> int:
    """Mark one of the actor's messages (or all of them) read; returns how many changed."""
    if message_id is not None:
        _own(session, actor, message_id)
    query = update(Message).where(Message.recipient_id == actor.user_id, Message.read_at.is_(None))
    if message_id is not None:
        query = query.where(Message.id == message_id)
    return int(session.execute(query.values(read_at=utcnow())).rowcount or 0)  # type: ignore[attr-defined]
