"""The OIDC login and the launch: what a launch verified by pylti1p3next does in atpace.

- The LMS user (the registration's issuer + ``sub``) is an account of the registration's school, created on
  the first launch with the role the LMS gives (Instructor, TeachingAssistant, ContentDeveloper or an
  administrator role: teacher; Learner: student; any other role set is refused). The role of an existing
  account never changes (as for every account). Names come from the launch; the e-mail too when the LMS
  sends one that no other account has, otherwise an address under ``lti.invalid`` (never a way in by
  password: LTI accounts have none and sign in through the LMS).
- The LMS course (context) of a deployment is a class: created on the first launch from it (named after the
  course, with the school's course when it has exactly one), or linked by a teacher to a class that exists.
  The launching student is enrolled, the launching teacher becomes a teacher of the class.
- A nonce serves once (``lti_nonces``): a replayed launch is refused, nothing is created.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pylti1p3.exception import LtiException, OIDCException
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from atpace.services import audit, limits
from atpace.services.auth import EMAIL_PATTERN, issue_token
from atpace.services.lti import grades
from atpace.services.lti.adapter import (
    STATE_LIFETIME,
    CookieJar,
    DatabaseLaunchStorage,
    DatabaseSessionService,
    DatabaseToolConf,
    LaunchRefused,
    LtiRequest,
    TimeoutSession,
    ToolLaunch,
    ToolLogin,
    ToolServiceConnector,
    purge_expired,
    refusal,
)
from atpace.services.school.classes import _name_taken
from atpace.services.school.common import lock_school
from atpace.services.school.users import add_to_class_as, new_account
from atpace.store.tables import Classroom, Course, Role, User, utcnow
from atpace.store.tables_lti import LtiContext, LtiNonce, LtiPlatform, LtiResourceLink, LtiUserLink

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = CLAIM + "message_type"
DEPLOYMENT = CLAIM + "deployment_id"
ROLES = CLAIM + "roles"
CONTEXT = CLAIM + "context"
RESOURCE_LINK = CLAIM + "resource_link"
CUSTOM = CLAIM + "custom"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
TEACHING_ROLES = (
    "membership#Instructor", "membership/Instructor#", "membership#TeachingAssistant",
    "membership#ContentDeveloper", "membership#Administrator", "institution/person#Administrator",
    "institution/person#Faculty", "institution/person#Instructor", "system/person#Administrator",
)  # fmt: skip
LEARNING_ROLES = ("membership#Learner", "membership/Learner#", "institution/person#Student",
                  "institution/person#Learner")  # fmt: skip
NONCE_KEPT = timedelta(days=1)
LAUNCH_KEPT = 3600  # seconds a deep linking launch waits for the teacher's choice
SESSION_KIND = "session"
SYNTHETIC_DOMAIN = "lti.invalid"


def role_of(roles: list[str]) -> Role | None:
    """The account role for an LMS role set (short names such as "Instructor" are accepted too)."""
    full = [r if r.startswith("http") else f"{LIS}membership#{r}" for r in roles if isinstance(r, str)]
    if any(r.startswith(LIS) and any(r[len(LIS) :].startswith(t) for t in TEACHING_ROLES) for r in full):
        return Role.TEACHER
    if any(r.startswith(LIS) and any(r[len(LIS) :].startswith(t) for t in LEARNING_ROLES) for r in full):
        return Role.STUDENT
    return None


# -- the OIDC login ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginStart:
    redirect_url: str  # the LMS's authorization endpoint, with state and nonce
    cookies: list[tuple[str, str, int | None]]


def begin_login(session: Session, request: LtiRequest, launch_url: str) -> LoginStart:
    """Answer the LMS's third-party initiated login: remember a state (cookie) and a nonce (database), and
    send the browser to the LMS's authorization endpoint, which posts the launch to ``launch_url``."""
    purge_expired(session)  # states, nonces and kept launches past their time
    jar = CookieJar(request.cookies)
    storage = DatabaseLaunchStorage(session)
    login = ToolLogin(
        request, DatabaseToolConf(session), session_service=DatabaseSessionService(request, storage),
        cookie_service=jar,
    )  # fmt: skip
    try:
        url = login.set_launch_data_lifetime(STATE_LIFETIME).redirect(launch_url)
    except (LtiException, OIDCException) as error:
        raise refusal(error) from None
    return LoginStart(url, jar.to_set)


# -- the launch -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Launched:
    kind: str  # "resource" or "deep_linking"
    user: User
    platform: LtiPlatform
    context: LtiContext | None
    class_id: int | None
    class_has_course: bool
    session_token: str  # the atpace session the launch opens
    launch_id: str  # the kept launch (deep linking: the teacher's choice is answered with it)
    resource_link: LtiResourceLink | None


def verify(session: Session, request: LtiRequest) -> tuple[ToolLaunch, DatabaseToolConf, dict[str, Any]]:
    """The launch's id_token checked by pylti1p3next (state, signature, expiry, issuer, audience,
    deployment, nonce, message), and its nonce spent; ``LaunchRefused`` otherwise."""
    conf = DatabaseToolConf(session)
    storage = DatabaseLaunchStorage(session)
    launch = ToolLaunch(
        request, conf, session_service=DatabaseSessionService(request, storage),
        cookie_service=CookieJar(request.cookies), service_connector_cls=ToolServiceConnector,
        requests_session=TimeoutSession(),
    )  # fmt: skip
    launch.set_launch_data_lifetime(LAUNCH_KEPT)
    try:
        body: dict[str, Any] = dict(launch.get_launch_data())
    except (LtiException, OIDCException) as error:
        raise refusal(error) from None
    _spend_nonce(session, str(body.get("nonce", "")), body.get("exp"))
    return launch, conf, body


def _spend_nonce(session: Session, nonce: str, exp: Any) -> None:
    session.execute(delete(LtiNonce).where(LtiNonce.expires_at <= utcnow()))
    expires = max(
        utcnow() + NONCE_KEPT,
        datetime.fromtimestamp(int(exp), UTC) + NONCE_KEPT if isinstance(exp, int) else utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(LtiNonce(nonce=nonce[:255], expires_at=expires))
            session.flush()
    except IntegrityError:
        raise LaunchRefused(
            "This launch was already used (its nonce is spent): open the link in the LMS again.",
            reason="replayed_nonce",
        ) from None


def complete_launch(session: Session, request: LtiRequest, *, session_hours: int) -> Launched:
    launch, conf, body = verify(session, request)
    platform = conf.platform
    assert platform is not None  # set by the registration check
    message_type = body.get(MESSAGE_TYPE)
    if message_type not in ("LtiResourceLinkRequest", "LtiDeepLinkingRequest"):
        raise LaunchRefused(
            f"atpace does not handle {message_type!r} messages.", status=400, reason="message"
        )
    roles = body.get(ROLES) or []
    role = role_of(roles if isinstance(roles, list) else [])
    if role is None:
        raise LaunchRefused(
            "Your role in this LMS course is neither a teacher's nor a learner's: atpace has nothing to show.",
            reason="role",
        )
    if message_type == "LtiDeepLinkingRequest" and role != Role.TEACHER:
        raise LaunchRefused("Only a teacher places atpace activities in an LMS course.", reason="role")
    user = _account(session, platform, body, role)
    context = _context(session, platform, body, user)
    link = _resource_link(session, context, body) if context is not None else None
    audit.record(
        session, school_id=platform.school_id, actor_id=user.id, action="lti.launch", subject=("user", user.id),
        detail={"platform_id": platform.id, "message": str(message_type),
                "class_id": context.class_id if context else None},
    )  # fmt: skip
    token = issue_token(session, user, kind=SESSION_KIND, lifetime=timedelta(hours=session_hours))
    classroom = session.get(Classroom, context.class_id) if context else None
    return Launched(
        "deep_linking" if message_type == "LtiDeepLinkingRequest" else "resource", user, platform, context,
        classroom.id if classroom else None, bool(classroom and classroom.course_id), token,
        launch.get_launch_id(), link,
    )  # fmt: skip


def _names(body: dict[str, Any]) -> tuple[str, str, str]:
    given = str(body.get("given_name") or "").strip()[: limits.NAME_MAX]
    family = str(body.get("family_name") or "").strip()[: limits.NAME_MAX]
    name = " ".join(str(body.get("name") or f"{given} {family}").split())[: limits.NAME_MAX]
    return name or "LMS user", given, family


def synthetic_email(platform_id: int, sub: str) -> str:
    return f"lti-{platform_id}-{hashlib.sha256(sub.encode()).hexdigest()[:24]}@{SYNTHETIC_DOMAIN}"


def _account(session: Session, platform: LtiPlatform, body: dict[str, Any], role: Role) -> User:
    sub = str(body.get("sub") or "").strip()
    if not sub or len(sub) > 255:
        raise LaunchRefused("The launch names no user (its 'sub' claim is empty).", status=400, reason="user")
    return account_for(session, platform, sub, role, body)


def account_for(
    session: Session, platform: LtiPlatform, sub: str, role: Role, claims: dict[str, Any]
) -> User:
    """The account of the LMS user ``sub`` (created with ``role`` if new; names and e-mail from ``claims``)."""
    found = _linked(session, platform.id, sub)
    if found is not None:
        return found
    name, given, family = _names(claims)
    email = str(claims.get("email") or "").strip().lower()
    if (
        not EMAIL_PATTERN.match(email)
        or len(email) > limits.EMAIL_MAX
        or session.scalar(select(User.id).where(User.email == email))
    ):
        email = synthetic_email(platform.id, sub)
    try:
        with session.begin_nested():
            user = new_account(session, platform.school_id, email, name, role, None)
            user.given_name, user.family_name = given, family
            session.add(LtiUserLink(platform_id=platform.id, sub=sub, user_id=user.id))
            session.flush()
            session.info.get(grades.LMS_STUDENTS_KEY, {}).pop(user.id, None)
    except IntegrityError:  # the same LMS user's first launch in another tab, a moment ago
        again = _linked(session, platform.id, sub)
        if again is None:
            raise
        return again
    audit.record(
        session, school_id=platform.school_id, actor_id=None, action="user.created", subject=("user", user.id),
        detail={"role": role.value, "via": "lti", "platform_id": platform.id},
    )  # fmt: skip
    return user


def _linked(session: Session, platform_id: int, sub: str) -> User | None:
    user = session.scalar(
        select(User).join(LtiUserLink, LtiUserLink.user_id == User.id)
        .where(LtiUserLink.platform_id == platform_id, LtiUserLink.sub == sub)
    )  # fmt: skip
    if user is not None and not user.is_active:
        raise LaunchRefused(
            "Your atpace account is deactivated: ask your school's administrator.", reason="user"
        )
    return user


def _context(session: Session, platform: LtiPlatform, body: dict[str, Any], user: User) -> LtiContext | None:
    claim = body.get(CONTEXT)
    if not isinstance(claim, dict) or not str(claim.get("id") or "").strip():
        return None
    deployment_id = str(body.get(DEPLOYMENT))
    context_id = str(claim["id"]).strip()[:255]
    title = " ".join(str(claim.get("title") or claim.get("label") or "LMS course").split())[: limits.NAME_MAX]
    context = _find_context(session, platform.id, deployment_id, context_id)
    if context is None:
        lock_school(session, platform.school_id)  # one class per new LMS course, even for launches at once
        context = _find_context(session, platform.id, deployment_id, context_id)
    if context is None:
        custom = body.get(CUSTOM)
        course_key = str(custom.get("atpace_course") or "") if isinstance(custom, dict) else ""
        classroom = _new_class(session, platform.school_id, title, course_key)
        context = LtiContext(
            platform_id=platform.id, deployment_id=deployment_id, context_id=context_id, title=title,
            class_id=classroom.id, memberships_url="", lineitems_url="", ags_scopes=[],
        )  # fmt: skip
        session.add(context)
        session.flush()
        audit.record(
            session, school_id=platform.school_id, actor_id=user.id, action="lti.context_linked",
            subject=("class", classroom.id), detail={"platform_id": platform.id, "context": context_id,
                                                     "created": True},
        )  # fmt: skip
    context.title = title
    nrps = body.get(NRPS)
    if isinstance(nrps, dict) and nrps.get("context_memberships_url"):
        context.memberships_url = str(nrps["context_memberships_url"])[:1000]
    ags = body.get(AGS)
    if isinstance(ags, dict):
        if ags.get("lineitems"):
            context.lineitems_url = str(ags["lineitems"])[:1000]
        if isinstance(ags.get("scope"), list):
            context.ags_scopes = [str(s) for s in ags["scope"]]
    linked = session.get(Classroom, context.class_id)
    assert linked is not None
    if linked.archived_at is not None:
        raise LaunchRefused(
            f"The class {linked.name} linked to this LMS course is archived: ask your school's administrator.",
            reason="archived",
        )
    if user.role in (Role.STUDENT, Role.TEACHER):
        add_to_class_as(session, linked, user)
    session.flush()
    return context


def _find_context(
    session: Session, platform_id: int, deployment_id: str, context_id: str
) -> LtiContext | None:
    return session.scalar(
        select(LtiContext).where(
            LtiContext.platform_id == platform_id, LtiContext.deployment_id == deployment_id,
            LtiContext.context_id == context_id,
        )
    )  # fmt: skip


def _new_class(session: Session, school_id: int, title: str, course_key: str) -> Classroom:
    """A class for a new LMS course: its course is the one the link's custom parameter ``atpace_course``
    names, or the school's only course; otherwise none yet (a teacher links the LMS course to a class)."""
    name, number = title, 1
    while _name_taken(session, school_id, name) is not None:
        number += 1
        name = f"{title[: limits.NAME_MAX - 12]} (LMS {number})"
    courses = list(session.scalars(select(Course.id).where(Course.school_id == school_id).limit(2)))
    course_id = courses[0] if len(courses) == 1 else None
    if course_key:
        course_id = session.scalar(
            select(Course.id).where(Course.school_id == school_id, Course.key == course_key)
        )
    classroom = Classroom(school_id=school_id, name=name, course_id=course_id)
    session.add(classroom)
    session.flush()
    return classroom


def _resource_link(session: Session, context: LtiContext, body: dict[str, Any]) -> LtiResourceLink | None:
    claim = body.get(RESOURCE_LINK)
    if not isinstance(claim, dict) or not claim.get("id"):
        return None
    link_id = str(claim["id"])[:255]
    link = session.scalar(
        select(LtiResourceLink).where(
            LtiResourceLink.context_pk == context.id, LtiResourceLink.resource_link_id == link_id
        )
    )
    if link is None:
        link = LtiResourceLink(context_pk=context.id, resource_link_id=link_id, title="", target_kind="",
                               lineitem_url="")  # fmt: skip
        try:
            with session.begin_nested():
                session.add(link)
                session.flush()
        except IntegrityError:
            link = session.scalar(
                select(LtiResourceLink).where(
                    LtiResourceLink.context_pk == context.id, LtiResourceLink.resource_link_id == link_id
                )
            )
            assert link is not None
    link.title = str(claim.get("title") or "")[:200]
    custom = body.get(CUSTOM)
    if isinstance(custom, dict):
        kind, target = str(custom.get("atpace_kind") or ""), str(custom.get("atpace_id") or "")
        if kind in ("skill", "assignment", "reading") and target.isdigit():
            link.target_kind, link.target_id = kind, int(target)
    ags = body.get(AGS)
    if isinstance(ags, dict) and ags.get("lineitem"):
        link.lineitem_url = str(ags["lineitem"])[:1000]
    session.flush()
    grades.link_targets(session, link, context)
    return link
