"""Standards' JSON API: CASE 1.1 frameworks imported into the school (administrators), their outline
(anyone in the school) and a course started from chosen standards (administrators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import JSONResponse

from atpace.services import course_editor, standards
from atpace.web.api.course_editor import read_upload
from atpace.web.api.course_schemas import (
    CourseCreatedOut,
    CourseFromFrameworkRequest,
    FrameworkImportOut,
    FrameworkOut,
    OutlineEntryOut,
    OutlineOut,
    errors,
)
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId

router = APIRouter(tags=["standards"])


@router.get("/standards", response_model=list[FrameworkOut], responses=errors(401))
def list_frameworks(actor: ActorDep, session: SessionDep) -> list[FrameworkOut]:
    """The school's frameworks (anyone in the school may read standards)."""
    return [
        FrameworkOut.model_validate(f, from_attributes=True) for f in standards.frameworks(session, actor)
    ]


@router.post(
    "/standards",
    response_model=FrameworkImportOut,
    status_code=201,
    responses={200: {"model": FrameworkImportOut, "description": "an earlier import was replaced"},
               **errors(401, 403, 409, 422)},
)  # fmt: skip
def import_framework(
    actor: ActorDep,
    session: SessionDep,
    file: Annotated[UploadFile | None, File(description="a CASE 1.1 CFPackage (JSON)")] = None,
) -> FrameworkImportOut | JSONResponse:
    """Import a CASE framework (administrators); importing the same CFDocument again replaces it (200).
    A file that is not a CASE framework is a 422 naming its problems."""
    standards.require_admin(actor)
    data, _ = read_upload(file, standards.MAX_FRAMEWORK_BYTES)
    result = standards.import_framework_as(session, actor, data)
    out = FrameworkImportOut.model_validate(result, from_attributes=True)
    if not result.created:
        return JSONResponse(out.model_dump(), status_code=200)
    return out


@router.get("/standards/{framework_id}", response_model=OutlineOut, responses=errors(401, 404))
def framework_outline(framework_id: PathId, actor: ActorDep, session: SessionDep) -> OutlineOut:
    """The framework's standards in outline order, with their depth in the isChildOf tree."""
    summary, entries = standards.outline(session, actor, framework_id)
    return OutlineOut(
        framework=FrameworkOut.model_validate(summary, from_attributes=True),
        items=[OutlineEntryOut.model_validate(e, from_attributes=True) for e in entries],
    )


@router.post(
    "/standards/{framework_id}/courses",
    response_model=CourseCreatedOut,
    status_code=201,
    responses=errors(401, 403, 404, 409, 422),
)
def course_from_framework(
    framework_id: PathId, body: CourseFromFrameworkRequest, actor: ActorDep, session: SessionDep
) -> CourseCreatedOut:
    """Start a course from chosen standards (administrators): a skill per standard, aligned to it, with
    prerequisites from the framework's `precedes` associations among them; all editable afterwards.
    Items come later, from the course editor or an item import."""
    course = standards.course_from_framework(
        session, actor, framework_id, body.item_identifiers, key=body.key, title=body.title,
        mastery_threshold=body.mastery_threshold,
    )  # fmt: skip
    view = course_editor.course_view(session, actor, course.id)
    return CourseCreatedOut(id=course.id, key=course.key, title=course.title, skills=len(view.skills))
