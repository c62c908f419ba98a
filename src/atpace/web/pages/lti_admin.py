"""The LTI page of a school's administrators: what to give the LMS (URLs, the JWKS, the Dynamic
Registration URL), the LMS registrations (add one by hand, turn one off or on) and the tool's keys (rotate).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from atpace.services.lti import keys, platforms, registration
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId, Text
from atpace.web.pages.common import render

router = APIRouter()
Url = Annotated[str, Form(max_length=1000), Text]
LtiId = Annotated[str, Form(max_length=255), Text]


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/admin/lti")
def lti_page(request: Request, actor: ActorDep, session: SessionDep, done: str = "") -> Response:
    registered = platforms.list_platforms(session, actor)  # administrators only (403 for anyone else)
    base = _base(request)
    return render(
        request, "lti_admin.html", actor, platforms=registered, keys=keys.key_rows(session), base=base,
        registration_url=registration.registration_url(actor, request.app.state.settings.secret_key, base),
        done=done[:40], error=None, typed={},
    )  # fmt: skip


@router.post("/admin/lti/platforms")
def add_platform(
    actor: ActorDep, session: SessionDep, issuer: LtiId, client_id: LtiId, auth_login_url: Url,
    auth_token_url: Url, key_set_url: Url, deployment_ids: Annotated[str, Form(max_length=5000), Text],
    name: Annotated[str, Form(max_length=200), Text] = "", auth_audience: Url = "",
) -> Response:  # fmt: skip
    data = platforms.PlatformInput(
        issuer, client_id, auth_login_url, auth_token_url, key_set_url,
        [d for d in deployment_ids.replace(",", "\n").splitlines()], name, auth_audience,
    )  # fmt: skip
    platforms.register(session, actor, data)
    return RedirectResponse("/admin/lti?done=registered", status_code=303)


@router.post("/admin/lti/platforms/{platform_id}/active")
def set_active(
    platform_id: PathId, actor: ActorDep, session: SessionDep, active: Annotated[bool, Form()] = False
) -> Response:
    platforms.set_active(session, actor, platform_id, active)
    return RedirectResponse("/admin/lti?done=" + ("enabled" if active else "disabled"), status_code=303)


@router.post("/admin/lti/keys/rotate")
def rotate_key(actor: ActorDep, session: SessionDep) -> Response:
    keys.rotate_by(session, actor)
    return RedirectResponse("/admin/lti?done=rotated", status_code=303)
