"""The school's Learning Record Store page (administrators): set the LRS (endpoint, key, secret, home page,
on/off) and see the outbox: statements waiting, sent, failing with their last error, rejected. Each action
calls the same service as the JSON API (atpace/web/api/xapi.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.services.xapi import lrs
from atpace.services.xapi.lrs import ENDPOINT_MAX, KEY_MAX, SECRET_MAX
from atpace.services.xapi.vocabulary import VERBS
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import Text
from atpace.web.pages.common import render
from atpace.web.pages.forms import FORM_ERRORS, FormError, form_error

router = APIRouter()

DONE = {"saved": "Learning Record Store saved.", "retried": "Unsent statements will be tried again at the next send."}
Done = Annotated[str | None, Query(max_length=16), Text]


def _page(request: Request, actor: Actor, session: Session, *, notice: str | None = None,
          error: FormError | None = None) -> Response:  # fmt: skip
    return render(
        request, "xapi.html", actor, status_code=error.status if error else 200,
        lrs=lrs.lrs_view(session, actor), status=lrs.outbox_status(session, actor), verbs=VERBS.values(),
        notice=notice, form_error=error,
    )  # fmt: skip


@router.get("/admin/xapi")
def xapi_page(request: Request, actor: ActorDep, session: SessionDep, done: Done = None) -> Response:
    return _page(request, actor, session, notice=DONE.get(done or ""))


@router.post("/admin/xapi")
def save_lrs(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    endpoint: Annotated[str, Form(max_length=ENDPOINT_MAX), Text] = "",
    key: Annotated[str, Form(max_length=KEY_MAX), Text] = "",
    secret: Annotated[str, Form(max_length=SECRET_MAX), Text] = "",
    home_page: Annotated[str, Form(max_length=lrs.HOME_PAGE_MAX), Text] = "",
    enabled: Annotated[str, Form(max_length=8), Text] = "",
) -> Response:
    lrs.require_admin(actor)
    on = enabled in ("1", "on", "true")
    try:
        lrs.save_lrs(session, actor, lrs.LrsInput(endpoint, key, secret, home_page, on))
    except FORM_ERRORS as error:
        values = {"endpoint": endpoint, "key": key, "home_page": home_page, "enabled": "1" if on else ""}
        return _page(request, actor, session, error=form_error("lrs", error, **values))
    return RedirectResponse("/admin/xapi?done=saved", status_code=303)


@router.post("/admin/xapi/retry")
def retry(actor: ActorDep, session: SessionDep) -> Response:
    lrs.retry_now(session, actor)
    return RedirectResponse("/admin/xapi?done=retried", status_code=303)
