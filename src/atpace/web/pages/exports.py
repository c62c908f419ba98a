"""The exports page (issue 12): teachers and administrators ask for attempts, mastery or grades as CSV or
Parquet, watch the progress (the table refreshes itself with htmx while an export runs) and download the
files (through the JSON API's file route). The same service as the API and ``atpace export``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import InvalidInput
from atpace.services import exports
from atpace.web.api.exports import clean_later
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, Text
from atpace.web.pages.common import is_htmx, render

router = APIRouter()


@router.get("/exports")
def exports_page(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    class_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    started: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    choices = exports.export_choices(session, actor)  # teachers and administrators only (403 otherwise)
    found = exports.list_exports(session, actor)
    active = any(e.active for e in found)
    if is_htmx(request):  # the table alone, polled while an export is under way
        return render(request, "_exports_table.html", actor, found=found, active=active, started=started)
    return render(
        request, "exports.html", actor, choices=choices, chosen=class_id, found=found, active=active,
        started=started,
    )  # fmt: skip


@router.post("/exports")
def start_export(
    request: Request,
    background: BackgroundTasks,
    actor: ActorDep,
    session: SessionDep,
    kind: Annotated[Literal["attempts", "mastery", "grades"], Form()],
    format: Annotated[Literal["csv", "parquet"], Form()] = "csv",
    class_id: Annotated[str, Form(max_length=20), Text] = "",
) -> Response:
    chosen: int | None = None
    if class_id.strip():  # empty: the whole school
        if not class_id.strip().isdigit() or not 1 <= int(class_id) <= MAX_ID:
            raise InvalidInput("class_id", "choose a class from the list")
        chosen = int(class_id)
    view = exports.request_export(session, actor, kind=kind, fmt=format, class_id=chosen)
    clean_later(request, background)
    return RedirectResponse(f"/exports?started={view.id}", status_code=303)
