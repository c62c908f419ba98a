"""Deep Linking 2.0: a teacher, launched from the LMS's "add activity" dialog, picks a skill, an assignment
or a reading of the class; atpace answers the LMS with a signed LtiDeepLinkingResponse holding one LTI
resource link (custom parameters ``atpace_kind``, ``atpace_id``, ``atpace_course``), and, for a skill or an
assignment, a line item (the gradebook column that Assignment and Grade Services fills)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.lineitem import LineItem
from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput, NotFound
from atpace.services.auth import Actor
from atpace.services.lti import grades
from atpace.services.lti.adapter import (
    CookieJar,
    DatabaseLaunchStorage,
    DatabaseSessionService,
    DatabaseToolConf,
    LtiRequest,
    ToolLaunch,
)
from atpace.services.lti.launch import CONTEXT, DEPLOYMENT
from atpace.store.tables import Assignment, Classroom, Course, Skill
from atpace.store.tables_lti import LtiContext, LtiUserLink
from atpace.store.tables_readings import Reading

KINDS = ("skill", "assignment", "reading")


@dataclass(frozen=True)
class Choice:
    kind: str
    id: int
    title: str


@dataclass(frozen=True)
class Picker:
    launch_id: str
    class_name: str
    skills: list[Choice]
    assignments: list[Choice]
    readings: list[Choice]


@dataclass(frozen=True)
class Answer:
    return_url: str  # the LMS's deep_link_return_url: the form posts the JWT there
    jwt: str
    title: str


def _restore(
    session: Session, actor: Actor, launch_id: str
) -> tuple[ToolLaunch, DatabaseToolConf, dict[str, Any]]:
    request = LtiRequest({}, {}, True)
    conf = DatabaseToolConf(session)
    try:
        launch = ToolLaunch.from_cache(
            launch_id, request, conf,
            session_service=DatabaseSessionService(request, DatabaseLaunchStorage(session)),
            cookie_service=CookieJar({}),
        )  # fmt: skip
    except LtiException:
        raise NotFound("This LMS request has expired: start again from the LMS.") from None
    assert isinstance(launch, ToolLaunch)
    body: dict[str, Any] = dict(launch.get_launch_data())
    platform = conf.platform
    assert platform is not None
    link = session.scalar(
        select(LtiUserLink).where(
            LtiUserLink.platform_id == platform.id, LtiUserLink.sub == str(body.get("sub"))
        )
    )
    if link is None or link.user_id != actor.user_id:
        raise Forbidden("This LMS request was made by someone else: start again from the LMS.")
    return launch, conf, body


def _classroom(
    session: Session, conf: DatabaseToolConf, body: dict[str, Any]
) -> tuple[LtiContext, Classroom]:
    claim = body.get(CONTEXT) if isinstance(body.get(CONTEXT), dict) else {}
    assert conf.platform is not None and isinstance(claim, dict)
    context = session.scalar(
        select(LtiContext).where(
            LtiContext.platform_id == conf.platform.id, LtiContext.deployment_id == str(body.get(DEPLOYMENT)),
            LtiContext.context_id == str(claim.get("id")),
        )
    )  # fmt: skip
    classroom = session.get(Classroom, context.class_id) if context else None
    if context is None or classroom is None:
        raise NotFound("The LMS sent no course with this request: add atpace from inside a course.")
    return context, classroom


def picker(session: Session, actor: Actor, launch_id: str) -> Picker:
    _launch, conf, body = _restore(session, actor, launch_id)
    _context, classroom = _classroom(session, conf, body)
    skills: list[Choice] = []
    readings: list[Choice] = []
    if classroom.course_id is not None:
        skills = [
            Choice("skill", s.id, s.name)
            for s in session.scalars(
                select(Skill).where(Skill.course_id == classroom.course_id).order_by(Skill.position, Skill.id)
            )
        ]
        readings = [
            Choice("reading", r.id, r.title)
            for r in session.scalars(
                select(Reading).where(Reading.course_id == classroom.course_id).order_by(Reading.title)
            )
        ]
    assignments = [
        Choice("assignment", a.id, a.title)
        for a in session.scalars(
            select(Assignment).where(Assignment.class_id == classroom.id, Assignment.archived_at.is_(None))
            .order_by(Assignment.created_at.desc())
        )
    ]  # fmt: skip
    return Picker(launch_id, classroom.name, skills, assignments, readings)


def answer(
    session: Session, actor: Actor, launch_id: str, kind: str, target_id: int, launch_url: str
) -> Answer:
    """The signed deep linking response for the teacher's choice (its line item noted for grades)."""
    if kind not in KINDS:
        raise InvalidInput("kind", f"choose a skill, an assignment or a reading, not {kind!r}")
    launch, conf, body = _restore(session, actor, launch_id)
    context, classroom = _classroom(session, conf, body)
    choices = picker(session, actor, launch_id)
    found = next(
        (
            c
            for c in [*choices.skills, *choices.assignments, *choices.readings]
            if c.kind == kind and c.id == target_id
        ),
        None,
    )
    if found is None:
        raise InvalidInput("target_id", f"that {kind} is not one of {classroom.name}'s")
    course = session.get(Course, classroom.course_id) if classroom.course_id else None
    custom = {"atpace_kind": kind, "atpace_id": str(target_id)}
    if course is not None:
        custom["atpace_course"] = course.key
    resource = (
        DeepLinkResource().set_type("ltiResourceLink").set_title(found.title).set_url(launch_url)
        .set_custom_params(custom)
    )  # fmt: skip
    if kind in (grades.SKILL, grades.ASSIGNMENT):
        tag = grades.tag_of(kind, target_id)
        resource.set_lineitem(
            LineItem().set_label(found.title).set_score_maximum(100).set_resource_id(tag).set_tag(tag)
        )
        grades.ensure_line_item(session, context, kind, target_id)
    deep_link = launch.get_deep_link()
    settings = body.get("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings") or {}
    return Answer(
        str(settings.get("deep_link_return_url", "")), deep_link.get_response_jwt([resource]), found.title
    )
