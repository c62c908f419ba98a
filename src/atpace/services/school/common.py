"""What the school services share: who may act, rows of the actor's school, names and savepoints."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.services import limits
from atpace.services.auth import Actor
from atpace.store.tables import Classroom, ClassTeacher, Role, School, User

ADMINS_ONLY = "only the school's administrators may do this"


def require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden(ADMINS_ONLY)


def school_class(session: Session, actor: Actor, class_id: int, *, lock: bool = False) -> Classroom:
    """A class of the actor's school (another school's is missing); ``lock`` holds its row until commit."""
    query = select(Classroom).where(Classroom.id == class_id)
    classroom = session.scalar(query.with_for_update() if lock else query)
    if classroom is None or classroom.school_id != actor.school_id:
        raise NotFound(f"class {class_id} not found")
    return classroom


def admin_class(session: Session, actor: Actor, class_id: int, *, lock: bool = False) -> Classroom:
    """A class of the actor's school that only an administrator may change."""
    classroom = school_class(session, actor, class_id, lock=lock)
    require_admin(actor)
    return classroom


def is_class_teacher(session: Session, actor: Actor, class_id: int) -> bool:
    return session.get(ClassTeacher, (class_id, actor.user_id)) is not None


def roster_class(session: Session, actor: Actor, class_id: int, *, lock: bool = False) -> Classroom:
    """A class whose roster the actor manages: one they teach (teacher or co-teacher), or any of their school
    for an administrator."""
    classroom = school_class(session, actor, class_id, lock=lock)
    if actor.role == Role.ADMIN:
        return classroom
    if actor.role == Role.TEACHER and is_class_teacher(session, actor, class_id):
        return classroom
    raise Forbidden("only the class's teachers and the school's administrators may change its students")


def require_open(classroom: Classroom) -> None:
    """Archived classes are read-only."""
    if classroom.archived_at is not None:
        raise Conflict(f"{classroom.name} is archived and read-only; an administrator can restore it first")


def school_user(session: Session, actor: Actor, user_id: int, *, lock: bool = False) -> User:
    query = select(User).where(User.id == user_id)
    user = session.scalar(query.with_for_update() if lock else query)
    if user is None or user.school_id != actor.school_id:
        raise NotFound(f"user {user_id} not found")
    return user


def lock_school(session: Session, school_id: int) -> None:
    """Serialise checks such as "no other class has this name" per school (no-op lock on SQLite, where
    write transactions are serialised by ``BEGIN IMMEDIATE``)."""
    # NO KEY UPDATE: rows that only refer to the school (audit entries, answers) are not held up
    session.execute(select(School.id).where(School.id == school_id).with_for_update(key_share=True))


def clean_name(value: str, field: str, what: str = "name") -> str:
    """A display name: trimmed, 1 to NAME_MAX characters, no control characters."""
    text = " ".join(value.split())
    if not text:
        raise InvalidInput(field, f"{what} must not be empty")
    if len(text) > limits.NAME_MAX:
        raise InvalidInput(field, f"{what} must have at most {limits.NAME_MAX} characters")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InvalidInput(field, f"{what} must not contain control characters")
    return text


@contextmanager
def savepoint(session: Session, clash: Conflict) -> Iterator[None]:
    """Run a write in a savepoint; a unique-constraint clash (a concurrent request wrote the same thing a
    moment ago) becomes ``clash`` instead of a server error, and the outer transaction stays usable."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError:
        raise clash from None
