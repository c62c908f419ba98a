"""The LMS registrations of a school: an administrator adds one by hand (the values the LMS shows) or the
LMS adds it itself (Dynamic Registration, ``atpace.services.lti.registration``)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services import audit
from atpace.services.auth import Actor
from atpace.services.school.common import require_admin, savepoint
from atpace.store.tables_lti import ID_MAX, NAME_MAX, URL_MAX, LtiPlatform

DEPLOYMENTS_MAX = 50


@dataclass(frozen=True)
class PlatformInput:
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_ids: list[str]
    name: str = ""
    auth_audience: str = ""


def clean_url(value: str, field: str, *, required: bool = True) -> str:
    url = value.strip()
    if not url and not required:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or len(url) > URL_MAX:
        raise InvalidInput(field, f"{value!r} is not an http(s) address")
    return url


def _clean_id(value: str, field: str, what: str) -> str:
    text = value.strip()
    if not text or len(text) > ID_MAX:
        raise InvalidInput(field, f"{what} must have 1 to {ID_MAX} characters")
    return text


def clean(data: PlatformInput) -> PlatformInput:
    deployments = [d.strip() for d in data.deployment_ids if d.strip()]
    if not deployments:
        raise InvalidInput("deployment_ids", "give at least one deployment id (the LMS shows it)")
    if len(deployments) > DEPLOYMENTS_MAX or any(len(d) > ID_MAX for d in deployments):
        raise InvalidInput(
            "deployment_ids", f"at most {DEPLOYMENTS_MAX} deployment ids of {ID_MAX} characters"
        )
    return PlatformInput(
        issuer=_clean_id(data.issuer, "issuer", "the issuer"),
        client_id=_clean_id(data.client_id, "client_id", "the client id"),
        auth_login_url=clean_url(data.auth_login_url, "auth_login_url"),
        auth_token_url=clean_url(data.auth_token_url, "auth_token_url"),
        key_set_url=clean_url(data.key_set_url, "key_set_url"),
        deployment_ids=list(dict.fromkeys(deployments)),
        name=" ".join(data.name.split())[:NAME_MAX],
        auth_audience=clean_url(data.auth_audience, "auth_audience", required=False),
    )


def _taken(issuer: str, client_id: str) -> Conflict:
    return Conflict(f"{issuer} with client id {client_id} is already registered", field="client_id")


def add_platform(session: Session, school_id: int, data: PlatformInput, actor_id: int | None) -> LtiPlatform:
    """Register an LMS for a school (inputs checked here); the same issuer and client id twice is a 409."""
    data = clean(data)
    if session.scalar(
        select(LtiPlatform.id).where(
            LtiPlatform.issuer == data.issuer, LtiPlatform.client_id == data.client_id
        )
    ):
        raise _taken(data.issuer, data.client_id)
    platform = LtiPlatform(
        school_id=school_id, name=data.name or urlsplit(data.issuer).netloc or data.issuer,
        issuer=data.issuer, client_id=data.client_id, auth_login_url=data.auth_login_url,
        auth_token_url=data.auth_token_url, auth_audience=data.auth_audience, key_set_url=data.key_set_url,
        deployment_ids=data.deployment_ids, is_active=True,
    )  # fmt: skip
    with savepoint(session, _taken(data.issuer, data.client_id)):
        session.add(platform)
        session.flush()
    audit.record(
        session, school_id=school_id, actor_id=actor_id, action="lti.platform_registered",
        detail={"platform_id": platform.id, "issuer": platform.issuer, "client_id": platform.client_id},
    )  # fmt: skip
    return platform


def register(session: Session, actor: Actor, data: PlatformInput) -> LtiPlatform:
    require_admin(actor)
    return add_platform(session, actor.school_id, data, actor.user_id)


def list_platforms(session: Session, actor: Actor) -> list[LtiPlatform]:
    require_admin(actor)
    return list(
        session.scalars(
            select(LtiPlatform).where(LtiPlatform.school_id == actor.school_id).order_by(LtiPlatform.id)
        )
    )


def school_platform(session: Session, actor: Actor, platform_id: int) -> LtiPlatform:
    require_admin(actor)
    platform = session.get(LtiPlatform, platform_id)
    if platform is None or platform.school_id != actor.school_id:
        raise NotFound(f"LMS registration {platform_id} not found")
    return platform


def set_active(session: Session, actor: Actor, platform_id: int, active: bool) -> LtiPlatform:
    """Turn a registration off (its launches are refused, nothing is deleted) or back on."""
    platform = school_platform(session, actor, platform_id)
    if platform.is_active != active:
        platform.is_active = active
        session.flush()
        audit.record(
            session, school_id=actor.school_id, actor_id=actor.user_id,
            action="lti.platform_enabled" if active else "lti.platform_disabled",
            detail={"platform_id": platform.id, "issuer": platform.issuer},
        )  # fmt: skip
    return platform


def add_deployment(session: Session, actor: Actor, platform_id: int, deployment_id: str) -> LtiPlatform:
    platform = school_platform(session, actor, platform_id)
    value = _clean_id(deployment_id, "deployment_id", "the deployment id")
    if value not in platform.deployment_ids:
        if len(platform.deployment_ids) >= DEPLOYMENTS_MAX:
            raise InvalidInput("deployment_id", f"at most {DEPLOYMENTS_MAX} deployment ids")
        platform.deployment_ids = [*platform.deployment_ids, value]
        session.flush()
    return platform
