from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import TooManyAttempts, Unauthenticated
from atpace.services import auth, limits
from atpace.services.database import Role
from atpace.web.deps import SESSION_COOKIE, OptionalActorDep, SessionDep
from atpace.web.inputs import Text
from atpace.web.pages.common import render

router = APIRouter()


def home_of(role: Role) -> str:
    return "/learn" if role == Role.STUDENT else "/teach"


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths: "//evil.example" or "https://..." would be an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


@router.get("/")
def index(actor: OptionalActorDep) -> Response:
    return RedirectResponse(home_of(actor.role) if actor else "/login", status_code=303)


@router.get("/login")
def login_page(request: Request, actor: OptionalActorDep, next: str | None = None) -> Response:
    if actor:
        return RedirectResponse(home_of(actor.role), status_code=303)
    return render(request, "login.html", None, next=_safe_next(next) or "", error=None, email="")


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=limits.EMAIL_MAX), Text],
    password: Annotated[str, Form(max_length=limits.PASSWORD_MAX), Text],
    next: Annotated[str, Form(max_length=limits.URL_MAX), Text] = "",
) -> Response:
    settings = request.app.state.settings
    client = request.client.host if request.client else "unknown"
    try:
        user = auth.authenticate(session, email, password, request.app.state.login_throttle, client)
    except (Unauthenticated, TooManyAttempts) as error:
        status = 429 if isinstance(error, TooManyAttempts) else 401
        return render(
            request, "login.html", None, status_code=status, next=next, error=error.message, email=email
        )
    lifetime = timedelta(hours=settings.session_hours)
    token = auth.issue_token(session, user, kind="session", lifetime=lifetime)
    response = RedirectResponse(_safe_next(next) or home_of(user.role), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(lifetime.total_seconds()), httponly=True, samesite="lax",
        secure=settings.cookie_secure, path="/",
    )  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.revoke_token(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
