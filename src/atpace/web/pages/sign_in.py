"""The page a one-time sign-in link opens (first sign-in or password reset): choose a password, then signed
in. Its form is CSRF-protected like the login form (app.py lists it among the always-checked URLs)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import InvalidInput
from atpace.services import auth, limits
from atpace.services.school import sign_in
from atpace.web.deps import SESSION_COOKIE, SessionDep
from atpace.web.inputs import Text
from atpace.web.pages.auth import home_of
from atpace.web.pages.common import render
from atpace.web.pages.forms import no_store

router = APIRouter()
# Any text is looked up (a mistyped or cut link is "expired or used", a 404, not a 422 about its form).
Secret = Annotated[str, Path(max_length=256), Text]


@router.get("/sign-in/{secret}")
def sign_in_page(request: Request, secret: Secret, session: SessionDep) -> Response:
    """Greets the user by name (the link stays unused until the form is sent); expired or used: a 404 page."""
    user = sign_in.greet(session, secret)
    return no_store(render(request, "school/sign_in.html", None, user=user, secret=secret, error=None))


@router.post("/sign-in/{secret}")
def choose_password(
    request: Request,
    secret: Secret,
    session: SessionDep,
    password: Annotated[str, Form(max_length=limits.PASSWORD_MAX), Text] = "",
    confirm: Annotated[str, Form(max_length=limits.PASSWORD_MAX), Text] = "",
) -> Response:
    try:
        user = sign_in.choose_password(session, secret, password, confirm)
    except InvalidInput as error:
        user = sign_in.greet(session, secret)
        page = render(
            request, "school/sign_in.html", None, status_code=422, user=user, secret=secret, error=error
        )
        return no_store(page)
    settings = request.app.state.settings
    lifetime = timedelta(hours=settings.session_hours)
    token = auth.issue_token(session, user, kind="session", lifetime=lifetime)
    response = RedirectResponse(home_of(user.role), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(lifetime.total_seconds()), httponly=True, samesite="lax",
        secure=settings.cookie_secure, path="/",
    )  # fmt: skip
    return response
