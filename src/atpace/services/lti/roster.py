"""Names and Role Provisioning Services: a teacher brings the LMS course's roster into its class on demand.

Every active member becomes (or already is) an account of the school, linked by the LMS's user id, with the
role the LMS gives; learners are enrolled in the class and instructors become its teachers. Members whose
role is neither are left out. Nobody is removed from the class: a member the LMS no longer lists stays
enrolled (their work is kept), and the result says how many there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pylti1p3.names_roles import NamesRolesProvisioningService
from sqlalchemy import select

from atpace.errors import Conflict
from atpace.services import audit
from atpace.services.auth import Actor
from atpace.services.lti.adapter import LaunchRefused, ToolServiceConnector, registration_of
from atpace.services.lti.contexts import _context
from atpace.services.lti.launch import account_for, role_of
from atpace.services.school.users import add_to_class_as
from atpace.store.db import Database
from atpace.store.tables import Classroom, Enrollment, Role, utcnow
from atpace.store.tables_lti import LtiContext, LtiPlatform, LtiUserLink


@dataclass(frozen=True)
class RosterSync:
    members: int  # active members the LMS listed
    created: int  # accounts created
    enrolled: int  # students newly enrolled
    teachers: int  # teachers newly added to the class
    skipped: int  # members with a role atpace does not take (observers, mentors...)
    not_listed: int  # students of the class linked to this LMS whom it did not list (kept enrolled)


def sync(database: Database, actor: Actor, context_pk: int) -> RosterSync:
    with database.transaction(write=False) as session:
        context, platform = _context(session, actor, context_pk)
        if not context.memberships_url:
            raise Conflict(
                "The LMS has not offered its roster for this course (Names and Role Provisioning Services): "
                "launch atpace from the course once, or turn the service on in the LMS's tool settings."
            )
        registration = registration_of(session, platform)
        url = context.memberships_url
    service = NamesRolesProvisioningService(
        ToolServiceConnector(registration), {"context_memberships_url": url}
    )
    try:
        members: list[dict[str, Any]] = [dict(m) for m in service.get_members()]
    except Exception as error:
        raise Conflict(f"The LMS did not send its roster: {error}") from None
    with database.transaction() as session:
        context, platform = _context(session, actor, context_pk, lock=True)
        return _apply(session, actor, context, platform, members)


def _apply(session: Any, actor: Actor, context: LtiContext, platform: LtiPlatform,
           members: list[dict[str, Any]]) -> RosterSync:  # fmt: skip
    classroom = session.get(Classroom, context.class_id)
    assert classroom is not None
    created = enrolled = teachers = skipped = active = 0
    listed: set[str] = set()
    for member in members:
        if str(member.get("status") or "Active") != "Active" or not member.get("user_id"):
            continue
        active += 1
        sub = str(member["user_id"])[:255]
        listed.add(sub)
        role = role_of([str(r) for r in member.get("roles") or []])
        if role is None:
            skipped += 1
            continue
        known = session.scalar(select(LtiUserLink.id).where(LtiUserLink.platform_id == platform.id,
                                                            LtiUserLink.sub == sub))  # fmt: skip
        try:
            user = account_for(session, platform, sub, role, member)
        except LaunchRefused:  # a deactivated account stays as it is
            skipped += 1
            continue
        created += known is None
        if user.role in (Role.STUDENT, Role.TEACHER) and add_to_class_as(session, classroom, user):
            enrolled += user.role == Role.STUDENT
            teachers += user.role == Role.TEACHER
    not_listed = len(
        [
            sub for sub in session.scalars(
                select(LtiUserLink.sub).join(Enrollment, Enrollment.user_id == LtiUserLink.user_id)
                .where(Enrollment.class_id == classroom.id, LtiUserLink.platform_id == platform.id)
            )
            if sub not in listed
        ]
    )  # fmt: skip
    context.roster_synced_at = utcnow()
    result = RosterSync(active, created, enrolled, teachers, skipped, not_listed)
    audit.record(
        session, school_id=actor.school_id, actor_id=actor.user_id, action="lti.roster_synced",
        subject=("class", classroom.id), detail={"platform_id": platform.id, **result.__dict__},
    )  # fmt: skip
    return result
