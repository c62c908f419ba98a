"""LMS courses (contexts) and their classes, as teachers see them: which class an LMS course is, and the
teacher's action that links it to another class they teach (an administrator: any class of the school)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput, NotFound
from atpace.services import audit
from atpace.services.auth import Actor
from atpace.services.school.common import is_class_teacher, require_open, roster_class
from atpace.services.school.enrolment import add_to_class
from atpace.store.tables import Classroom, ClassTeacher, Enrollment, Role, User
from atpace.store.tables_lti import LtiContext, LtiPlatform, LtiUserLink


@dataclass(frozen=True)
class ClassChoice:
    id: int
    name: str
    has_course: bool


@dataclass(frozen=True)
class ContextView:
    id: int
    title: str
    platform_name: str
    class_id: int
    class_name: str
    class_has_course: bool
    choices: list[ClassChoice]
    can_sync_roster: bool
    roster_synced_at: datetime | None


def _context(
    session: Session, actor: Actor, context_pk: int, *, lock: bool = False
) -> tuple[LtiContext, LtiPlatform]:
    query = select(LtiContext).where(LtiContext.id == context_pk)
    context = session.scalar(query.with_for_update() if lock else query)
    platform = session.get(LtiPlatform, context.platform_id) if context is not None else None
    if context is None or platform is None or platform.school_id != actor.school_id:
        raise NotFound(f"LMS course {context_pk} not found")
    if actor.role != Role.ADMIN and not (
        actor.role == Role.TEACHER and is_class_teacher(session, actor, context.class_id)
    ):
        raise Forbidden("only the class's teachers and the school's administrators manage its LMS course")
    return context, platform


def _choices(session: Session, actor: Actor) -> list[ClassChoice]:
    query = select(Classroom).where(Classroom.school_id == actor.school_id, Classroom.archived_at.is_(None))
    if actor.role != Role.ADMIN:
        query = query.join(ClassTeacher, ClassTeacher.class_id == Classroom.id).where(
            ClassTeacher.user_id == actor.user_id
        )
    return [
        ClassChoice(c.id, c.name, c.course_id is not None)
        for c in session.scalars(query.order_by(Classroom.name))
    ]


def view(session: Session, actor: Actor, context_pk: int) -> ContextView:
    context, platform = _context(session, actor, context_pk)
    classroom = session.get(Classroom, context.class_id)
    assert classroom is not None
    return ContextView(
        context.id, context.title, platform.name, classroom.id, classroom.name, classroom.course_id is not None,
        _choices(session, actor), bool(context.memberships_url), context.roster_synced_at,
    )  # fmt: skip


def contexts_of_class(session: Session, class_id: int) -> list[LtiContext]:
    return list(
        session.scalars(select(LtiContext).where(LtiContext.class_id == class_id).order_by(LtiContext.id))
    )


def link(session: Session, actor: Actor, context_pk: int, class_id: int) -> LtiContext:
    """Make the LMS course the class ``class_id`` (one the actor teaches); the LMS students already
    enrolled through it are enrolled in that class too. Linking to the same class changes nothing."""
    context, platform = _context(session, actor, context_pk, lock=True)
    if context.class_id == class_id:
        return context
    target = roster_class(session, actor, class_id)  # 404 / 403 for a class the actor may not manage
    require_open(target)
    if target.course_id is None:
        raise InvalidInput("class_id", f"{target.name} has no course yet: choose a class with a course")
    students = session.scalars(
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .join(LtiUserLink, LtiUserLink.user_id == User.id)
        .where(Enrollment.class_id == context.class_id, LtiUserLink.platform_id == platform.id)
    )
    for student in students:
        add_to_class(session, target, student)
    before = context.class_id
    context.class_id = target.id
    session.flush()
    audit.record(
        session, school_id=actor.school_id, actor_id=actor.user_id, action="lti.context_linked",
        subject=("class", target.id),
        detail={"platform_id": platform.id, "context": context.context_id, "previous_class_id": before},
    )  # fmt: skip
    return context
