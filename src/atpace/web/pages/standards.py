"""The administrators' standards pages: import a CASE framework, read its outline, start a course from
chosen standards. The JSON API (web/api/standards.py) calls the same services."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services import courses, limits, standards
from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId, Text
from atpace.web.pages.common import render
from atpace.web.pages.courses import FormError, form_error, read_file

router = APIRouter()
CHOSEN_MAX = 5000  # standards chosen for one course


@router.get("/admin/standards")
def standards_page(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    standards.require_admin(actor)
    return render(request, "standards.html", actor, frameworks=standards.frameworks(session, actor))


@router.post("/admin/standards")
def import_framework(
    request: Request, actor: ActorDep, session: SessionDep, file: Annotated[UploadFile | None, File()] = None
) -> Response:
    """Import (or replace) a CASE framework from an uploaded CFPackage JSON file."""
    standards.require_admin(actor)
    template = "standards_import_result.html"
    try:
        data, _ = read_file(file, standards.MAX_FRAMEWORK_BYTES)
        result = standards.import_framework_as(session, actor, data)
    except (InvalidInput, Conflict) as error:
        return render(request, template, actor, status_code=422, error=error.message)
    return render(request, template, actor, status_code=201 if result.created else 200, result=result)


def _outline_page(
    request: Request, actor: Actor, session: Session, framework_id: int, *, error: FormError | None = None,
    chosen: frozenset[int] = frozenset(),
) -> Response:  # fmt: skip
    standards.require_admin(actor)
    summary, entries = standards.outline(session, actor, framework_id)
    return render(
        request, "standards_outline.html", actor, status_code=422 if error else 200, framework=summary,
        entries=entries, form_error=error, chosen=chosen, key_pattern=courses.SKILL_KEY.pattern,
    )  # fmt: skip


@router.get("/admin/standards/{framework_id}")
def outline_page(request: Request, framework_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    return _outline_page(request, actor, session, framework_id)


@router.post("/admin/standards/{framework_id}/courses")
def course_from_framework(
    request: Request,
    framework_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    item: Annotated[list[int] | None, Form(max_length=CHOSEN_MAX)] = None,
    key: Annotated[str, Form(max_length=courses.SKILL_KEY_MAX), Text] = "",
    title: Annotated[str, Form(max_length=200), Text] = "",
    mastery_threshold: Annotated[str, Form(max_length=16), Text] = "0.95",
) -> Response:
    """A new course with a skill per chosen standard (their ids from the outline)."""
    standards.require_admin(actor)
    chosen = frozenset(i for i in item or [] if 1 <= i <= limits.MAX_ID)
    try:
        try:
            threshold = float(mastery_threshold)
        except ValueError:
            raise InvalidInput("mastery_threshold", "the mastery threshold is a number like 0.95") from None
        if not courses.SKILL_KEY.fullmatch(key.strip()):
            raise InvalidInput(
                "key", "a course key is lowercase words and digits joined by hyphens, like 'ratios-6'"
            )
        _, entries = standards.outline(session, actor, framework_id)
        identifiers = [e.identifier for e in entries if e.id in chosen]
        course = standards.course_from_framework(
            session,
            actor,
            framework_id,
            identifiers,
            key=key.strip(),
            title=title,
            mastery_threshold=threshold,
        )
    except (InvalidInput, Conflict, NotFound) as error:
        failed = form_error("course", error, key=key, title=title, mastery_threshold=mastery_threshold)
        return _outline_page(request, actor, session, framework_id, error=failed, chosen=chosen)
    return RedirectResponse(f"/courses/{course.id}?done=from-framework", status_code=303)
