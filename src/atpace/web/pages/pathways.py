"""Pathway pages: a skill's playlist for its editors (add, edit, remove, order, what followed each resource)
and for the student (choose one, then read or follow it). The JSON API (web/api/pathways.py) calls the same
service functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import InvalidInput
from atpace.services import limits, pathways
from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId, Text
from atpace.web.pages.common import render

router = APIRouter()

SkillKey = Annotated[str, Path(min_length=1, max_length=limits.KEY_MAX)]
# Form fields take a little more than the service allows, so an over-long entry gets the inline message.
KindField = Annotated[str, Form(max_length=64), Text]
TitleField = Annotated[str, Form(max_length=pathways.TITLE_MAX * 2), Text]
UrlField = Annotated[str, Form(max_length=pathways.URL_MAX * 2), Text]
BodyField = Annotated[str, Form(max_length=pathways.BODY_MAX * 2), Text]


@dataclass(frozen=True)
class FormError:
    resource_id: int | None  # None: the add form
    field: str
    message: str
    values: pathways.ResourceInput


@router.get("/courses/{course_id}/skills/{skill_key}/resources")
def playlist_page(
    request: Request, course_id: PathId, skill_key: SkillKey, actor: ActorDep, session: SessionDep
) -> Response:
    return _playlist_page(request, actor, session, course_id, skill_key)


def _playlist_page(
    request: Request,
    actor: Actor,
    session: Session,
    course_id: int,
    skill_key: str,
    error: FormError | None = None,
) -> Response:
    view = pathways.playlist(session, actor, course_id, skill_key)
    return render(
        request, "pathway_edit.html", actor, status_code=422 if error else 200, view=view, error=error,
        kinds=list(pathways.KIND_LABELS.items()), saved=request.query_params.get("saved"),
    )  # fmt: skip


@router.post("/courses/{course_id}/skills/{skill_key}/resources")
def add_form(
    request: Request,
    course_id: PathId,
    skill_key: SkillKey,
    actor: ActorDep,
    session: SessionDep,
    kind: KindField = "",
    title: TitleField = "",
    url: UrlField = "",
    body: BodyField = "",
) -> Response:
    data = pathways.ResourceInput(kind, title, url, body)
    try:
        pathways.add_resource(session, actor, course_id, skill_key, data)
    except InvalidInput as refused:
        error = FormError(None, refused.field or "", refused.message, data)
        return _playlist_page(request, actor, session, course_id, skill_key, error)
    return RedirectResponse(f"/courses/{course_id}/skills/{skill_key}/resources?saved=added", status_code=303)


@router.post("/resources/{resource_id}/edit")
def edit_form(
    request: Request,
    resource_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    kind: KindField = "",
    title: TitleField = "",
    url: UrlField = "",
    body: BodyField = "",
) -> Response:
    data = pathways.ResourceInput(kind, title, url, body)
    try:
        view = pathways.update_resource(session, actor, resource_id, data)
    except InvalidInput as refused:
        current = pathways.open_resource(session, actor, resource_id)
        error = FormError(resource_id, refused.field or "", refused.message, data)
        return _playlist_page(request, actor, session, current.course_id, current.skill_key, error)
    return RedirectResponse(
        f"/courses/{view.course_id}/skills/{view.skill_key}/resources?saved=edited#resource-{view.id}",
        status_code=303,
    )


@router.post("/resources/{resource_id}/delete")
def delete_form(resource_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    course_id, skill_key = pathways.delete_resource(session, actor, resource_id)
    return RedirectResponse(
        f"/courses/{course_id}/skills/{skill_key}/resources?saved=removed", status_code=303
    )


@router.post("/resources/{resource_id}/move")
def move_form(
    resource_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    direction: Annotated[str, Form(max_length=8), Text] = "",
) -> Response:
    offset = {"up": -1, "down": 1}.get(direction, 0)
    course_id, skill_key = pathways.move_resource(session, actor, resource_id, offset)
    return RedirectResponse(
        f"/courses/{course_id}/skills/{skill_key}/resources?saved=moved#resource-{resource_id}",
        status_code=303,
    )


@router.get("/pathways/{skill_key}")
def student_playlist_page(
    request: Request, skill_key: SkillKey, actor: ActorDep, session: SessionDep
) -> Response:
    """The student chooses a way to learn the skill (linked from the practice page)."""
    view = pathways.student_playlist(session, actor, skill_key)
    return render(request, "pathway.html", actor, view=view)


@router.post("/resources/{resource_id}/use")
def use_form(resource_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    pathways.use_resource(session, actor, resource_id)
    return RedirectResponse(f"/resources/{resource_id}", status_code=303)


@router.get("/resources/{resource_id}")
def resource_page(request: Request, resource_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    return render(
        request, "resource.html", actor, resource=pathways.open_resource(session, actor, resource_id)
    )
