"""LTI 1.3 tool endpoints (OIDC login, launch, deep linking, JWKS, dynamic registration): outside /api,
as the LMS calls them.

The LMS-facing endpoints (``/lti/login``, ``/lti/launch``, ``/lti/register``) are exempt from atpace's form
CSRF check (web/app.py): the launch is a cross-site POST whose id_token signature, state cookie and nonce
are its proof. The state cookie is set ``SameSite=None; Secure`` so that the browser sends it back with the
LMS's cross-site POST (``SameSite=Lax`` where cookies are not Secure, the http:// demo). A refused login or
launch answers a page with the reason and a 4xx status; nothing is created (the transaction rolls back).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from atpace.errors import InvalidInput, Unauthenticated
from atpace.services.auth import Actor, resolve_token
from atpace.services.database import Database, Role
from atpace.services.lti import contexts, deep_linking, keys, registration, roster
from atpace.services.lti.adapter import LaunchRefused, LtiRequest
from atpace.services.lti.launch import begin_login, complete_launch
from atpace.web.deps import SESSION_COOKIE, ActorDep, SessionDep, get_database, token_of
from atpace.web.inputs import MAX_ID, PathId, Text
from atpace.web.pages.common import render
from atpace.web.templating import templates

router = APIRouter(include_in_schema=False)
DatabaseDep = Annotated[Database, Depends(get_database)]
LAUNCH_PATH = "/lti/launch"
LaunchId = Annotated[str, Path(pattern=r"^lti1p3-launch-[0-9a-f-]{36}$")]


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _secure(request: Request) -> bool:
    return bool(request.app.state.settings.cookie_secure)


async def _lti_request(request: Request) -> LtiRequest:
    params: dict[str, str] = {k: v for k, v in request.query_params.items()}
    if request.method == "POST":
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return LtiRequest(params, dict(request.cookies), request.url.scheme == "https" or _secure(request))


def refused_page(request: Request, error: LaunchRefused) -> HTMLResponse:
    response: HTMLResponse = templates.TemplateResponse(
        request, "lti_error.html",
        {"status": error.status, "message": error.message, "reason": error.reason, "actor": None},
        status_code=error.status,
    )  # fmt: skip
    response.headers["X-LTI-Refusal"] = error.reason
    return response


def _set_lti_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    if _secure(request):
        response.set_cookie(
            name, value, max_age=max_age, httponly=True, secure=True, samesite="none", path="/"
        )
    else:
        response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", path="/")


@router.api_route("/lti/login", methods=["GET", "POST"])
async def login(request: Request, database: DatabaseDep) -> Response:
    """The LMS's third-party initiated login: the browser goes on to the LMS's authorization endpoint."""
    lti_request = await _lti_request(request)
    try:
        with database.transaction() as session:
            start = begin_login(session, lti_request, base_url(request) + LAUNCH_PATH)
    except LaunchRefused as error:
        return refused_page(request, error)
    response = RedirectResponse(start.redirect_url, status_code=302)
    for name, value, max_age in start.cookies:
        _set_lti_cookie(request, response, name, value, max_age)
    return response


@router.post(LAUNCH_PATH)
async def launch(request: Request, database: DatabaseDep) -> Response:
    """The LMS posts the id_token here: verified, then the user is signed in and sent on."""
    lti_request = await _lti_request(request)
    settings = request.app.state.settings
    try:
        with database.transaction() as session:
            launched = complete_launch(session, lti_request, session_hours=settings.session_hours)
    except LaunchRefused as error:
        return refused_page(request, error)
    if launched.kind == "deep_linking":
        target = f"/lti/deep-link/{launched.launch_id}"
    elif launched.user.role == Role.STUDENT:
        target = "/learn"
    elif launched.context is not None and not launched.class_has_course:
        target = f"/lti/contexts/{launched.context.id}"  # link the LMS course to a class with a course
    elif launched.class_id is not None:
        target = f"/classes/{launched.class_id}"
    else:
        target = "/teach"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, launched.session_token, max_age=settings.session_hours * 3600, httponly=True,
        samesite="lax", secure=settings.cookie_secure, path="/",
    )  # fmt: skip
    return response


@router.get("/lti/jwks.json")
def jwks(database: DatabaseDep) -> JSONResponse:
    """The tool's public keys (the active one and those retired within the grace period)."""
    with database.transaction(write=False) as session:
        found: dict[str, Any] = keys.jwks(session)
    if not found["keys"]:
        with database.transaction() as session:
            keys.signing_key(session)
            found = keys.jwks(session)
    return JSONResponse(found)


# -- pages behind atpace's own session (CSRF-checked forms) ---------------------------------------------


@router.get("/lti/contexts/{context_pk}")
def context_page(
    request: Request, context_pk: PathId, actor: ActorDep, session: SessionDep, done: str = ""
) -> Response:
    """An LMS course and its class: link it to another class the teacher teaches; bring in its roster."""
    found = contexts.view(session, actor, context_pk)
    return render(request, "lti_context.html", actor, context=found, done=done[:200])


@router.post("/lti/contexts/{context_pk}/link")
def link_context(
    context_pk: PathId, actor: ActorDep, session: SessionDep, class_id: Annotated[int, Form(ge=1, le=MAX_ID)]
) -> Response:
    contexts.link(session, actor, context_pk, class_id)
    return RedirectResponse(f"/lti/contexts/{context_pk}?done=linked", status_code=303)


def _actor_outside_transaction(request: Request, database: DatabaseDep) -> Actor:
    """The signed-in user, read in a short transaction of its own: for routes that call the LMS and must
    not hold a database transaction (on SQLite, the write lock) while they wait for it."""
    token = token_of(request)
    if not token:
        raise Unauthenticated("Please log in.")
    with database.transaction(write=False) as session:
        return Actor.of(resolve_token(session, token))


@router.post("/lti/contexts/{context_pk}/sync")
def sync_roster(
    context_pk: PathId, actor: Annotated[Actor, Depends(_actor_outside_transaction)], database: DatabaseDep
) -> Response:
    """Names and Role Provisioning Services: the LMS course's roster, now (the LMS is asked outside any
    database transaction)."""
    result = roster.sync(database, actor, context_pk)
    summary = (
        f"{result.members} in the LMS roster: {result.created} new accounts, {result.enrolled} students and "
        f"{result.teachers} teachers added, {result.skipped} left out (other roles), {result.not_listed} "
        "no longer listed (kept)."
    )
    return RedirectResponse(f"/lti/contexts/{context_pk}?{urlencode({'done': summary})}", status_code=303)


@router.get("/lti/deep-link/{launch_id}")
def deep_link_page(request: Request, launch_id: LaunchId, actor: ActorDep, session: SessionDep) -> Response:
    """Deep Linking: the teacher picks what to place in the LMS course."""
    found = deep_linking.picker(session, actor, launch_id)
    return render(request, "lti_deep_link.html", actor, picker=found)


@router.post("/lti/deep-link/{launch_id}")
def deep_link_answer(
    request: Request, launch_id: LaunchId, actor: ActorDep, session: SessionDep,
    choice: Annotated[str, Form(max_length=40), Text],
) -> Response:  # fmt: skip
    kind, _, number = choice.partition(":")
    if not number.isdigit() or not 1 <= int(number) <= MAX_ID:
        raise InvalidInput("choice", "choose one of the listed activities")
    answer = deep_linking.answer(
        session, actor, launch_id, kind, int(number), base_url(request) + LAUNCH_PATH
    )
    return render(request, "lti_deep_link_answer.html", actor, answer=answer)


@router.get("/lti/register")
def dynamic_registration(
    request: Request, database: DatabaseDep,
    atpace_token: Annotated[str, Query(max_length=500), Text] = "",
    openid_configuration: Annotated[str, Query(max_length=1000), Text] = "",
    registration_token: Annotated[str, Query(max_length=4000), Text] = "",
) -> Response:  # fmt: skip
    """LTI Dynamic Registration, opened by the LMS (its administrator pasted atpace's registration URL)."""
    settings = request.app.state.settings
    try:
        platform = registration.register(
            database, secret=settings.secret_key, base_url=base_url(request), atpace_token=atpace_token,
            openid_configuration=openid_configuration, registration_token=registration_token,
        )  # fmt: skip
    except LaunchRefused as error:
        return refused_page(request, error)
    return templates.TemplateResponse(
        request, "lti_registered.html", {"platform": platform, "actor": None}, status_code=200
    )
