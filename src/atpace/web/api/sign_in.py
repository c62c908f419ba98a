"""One-time sign-in links through the API: who a link is for, and choosing a password with it."""

from __future__ import annotations

from fastapi import APIRouter, Path

from atpace.services import auth
from atpace.services.school import sign_in
from atpace.web.api.auth import API_TOKEN_LIFETIME
from atpace.web.api.schemas import TokenOut
from atpace.web.api.school_schemas import ChoosePasswordRequest, SignInLinkUserOut, errors
from atpace.web.deps import SessionDep

router = APIRouter(tags=["auth"])
Secret = Path(max_length=256)


@router.get("/sign-in/{secret}", response_model=SignInLinkUserOut, responses=errors(404, 422))
def link_user(session: SessionDep, secret: str = Secret) -> SignInLinkUserOut:
    """Whom a sign-in link greets; the link stays unused. An expired or used link is a 404."""
    user = sign_in.greet(session, secret)
    return SignInLinkUserOut(display_name=user.display_name, email=user.email)


@router.post("/sign-in/{secret}", response_model=TokenOut, status_code=201, responses=errors(404, 422))
def choose_password(body: ChoosePasswordRequest, session: SessionDep, secret: str = Secret) -> TokenOut:
    """Choose a password with a one-time link (used up) and get a bearer token; the user's browser sessions
    end."""
    user = sign_in.choose_password(session, secret, body.password)
    return TokenOut(
        access_token=auth.issue_token(
            session, user, kind="api", lifetime=API_TOKEN_LIFETIME, name=body.token_name
        )
    )
