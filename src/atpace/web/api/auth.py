from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response

from atpace.services import auth
from atpace.web.api.schemas import MeOut, TokenOut, TokenRequest
from atpace.web.deps import ActorDep, SessionDep, token_of

router = APIRouter(tags=["auth"])
API_TOKEN_LIFETIME = timedelta(days=30)


@router.post("/auth/token", response_model=TokenOut, status_code=201)
def create_token(body: TokenRequest, request: Request, session: SessionDep) -> TokenOut:
    """Exchange an e-mail and password for a bearer token (valid 30 days). Throttled after failures."""
    client = request.client.host if request.client else "unknown"
    user = auth.authenticate(session, body.email, body.password, request.app.state.login_throttle, client)
    return TokenOut(
        access_token=auth.issue_token(session, user, kind="api", lifetime=API_TOKEN_LIFETIME, name=body.name)
    )


@router.delete("/auth/token", status_code=204)
def revoke_token(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    """Revoke the bearer token (or browser session) this request authenticated with."""
    token = token_of(request)
    if token:
        auth.revoke_token(session, token)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut)
def me(actor: ActorDep) -> MeOut:
    return MeOut(
        id=actor.user_id, email=actor.email, display_name=actor.display_name, role=actor.role.value,
        school_id=actor.school_id,
    )  # fmt: skip
