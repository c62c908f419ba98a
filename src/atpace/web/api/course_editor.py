"""The course editor's JSON API: courses, skills, prerequisites, items (versions, try an answer, import),
course packages (export, import) and skills' standards. Editing is for the school's administrators and the
teachers of a class that uses the course; another school's course is 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import JSONResponse, Response

from atpace.errors import InvalidInput
from atpace.services import course_editor, courses, limits, standards
from atpace.services.course_editor import CourseView, ItemDraft, PackageProblems
from atpace.services.items import ItemImportReport, ItemVersion, course_items, import_items
from atpace.services.standards import Alignment
from atpace.web.api.course_schemas import (
    AlignRequest,
    CourseCreatedOut,
    CourseSkillOut,
    CourseSkillsOut,
    CourseSummaryOut,
    ImportProblemOut,
    ItemEditRequest,
    ItemImportOut,
    ItemImportRefusedOut,
    ItemSavedOut,
    ItemVersionOut,
    ItemVersionsOut,
    PackageProblemsOut,
    SkillCreateRequest,
    SkillUpdateRequest,
    SkippedOut,
    StandardOut,
    TryOut,
    TryRequest,
    errors,
)
from atpace.web.api.courses import graph_out
from atpace.web.api.schemas import CourseGraphOut
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId, Text

router = APIRouter(tags=["course editor"])

EDIT_ERRORS = errors(401, 403, 404, 409, 422)
SkillKeyPath = Annotated[str, Path(min_length=1, max_length=limits.KEY_MAX), Text]
UPLOAD_FIELD_MAX = 200


def standard_out(a: Alignment) -> StandardOut:
    return StandardOut(
        code=a.code, statement=a.statement, framework_identifier=a.framework_identifier,
        item_identifier=a.item_identifier, uri=a.uri,
    )  # fmt: skip


def skills_out(view: CourseView) -> CourseSkillsOut:
    return CourseSkillsOut(
        course_id=view.course.id,
        title=view.course.title,
        mastery_threshold=view.course.mastery_threshold,
        skills=[
            CourseSkillOut(
                key=s.key, name=s.name, description=s.description, grade=s.grade, prerequisites=s.prerequisites,
                standards=[standard_out(a) for a in s.standards], items=s.items,
            )
            for s in view.skills
        ],
    )  # fmt: skip


def version_out(v: ItemVersion) -> ItemVersionOut:
    return ItemVersionOut(
        id=v.id, key=v.key, version=v.version, is_current=v.is_current, kind=v.kind, prompt=v.prompt,
        answer=v.answer, hints=v.hints, worked_solution=v.worked_solution, difficulty=v.difficulty,
        skill_keys=v.skill_keys, answered=v.answered,
    )  # fmt: skip


def import_out(report: ItemImportReport) -> ItemImportOut:
    parsed = report.parsed
    return ItemImportOut(
        format=report.format, ok=report.ok, applied=report.applied and report.ok, created=report.created,
        versioned=report.versioned, unchanged=report.unchanged,
        problems=[ImportProblemOut(source=p.source, line=p.line, where=p.where, message=p.message)
                  for p in parsed.problems],
        skipped=[SkippedOut(source=s.source, line=s.line, identifier=s.identifier, interaction=s.interaction,
                            reason=s.reason) for s in parsed.skipped],
        warnings=[ImportProblemOut(source=w.source, line=w.line, where=w.where, message=w.message)
                  for w in parsed.warnings],
    )  # fmt: skip


def draft_of(body: ItemEditRequest) -> ItemDraft:
    return ItemDraft(
        prompt=body.prompt, answer=body.answer.model_dump(), skill_keys=body.skill_keys, hints=body.hints,
        worked_solution=body.worked_solution, difficulty=body.difficulty,
    )  # fmt: skip


def read_upload(upload: UploadFile | None, most: int) -> tuple[bytes, str]:
    """The uploaded file's bytes and name; InvalidInput("file") when none was sent or it is too large."""
    if upload is None or not upload.filename:
        raise InvalidInput("file", "send the file as the multipart field 'file'")
    data = upload.file.read(most + 1)
    if len(data) > most:
        raise InvalidInput("file", f"the file is larger than {most // 2**20} MiB")
    return data, upload.filename[:UPLOAD_FIELD_MAX]


# ------------------------------------------------------------------------------------------------ courses


@router.get("/courses", response_model=list[CourseSummaryOut], responses=errors(401, 403))
def list_courses(actor: ActorDep, session: SessionDep) -> list[CourseSummaryOut]:
    """The school's courses (administrators) or those of the teacher's classes (teachers)."""
    return [
        CourseSummaryOut.model_validate(c, from_attributes=True) for c in courses.courses_for(session, actor)
    ]


@router.post(
    "/courses/import",
    response_model=CourseCreatedOut,
    status_code=201,
    responses={
        **errors(401, 403, 409),
        422: {"model": PackageProblemsOut, "description": "the package's problems"},
    },
)
def import_course_package(
    actor: ActorDep, session: SessionDep, file: Annotated[UploadFile | None, File()] = None
) -> CourseCreatedOut | JSONResponse:
    """Import a course package (.zip, docs/course-package.md) into the school: all of it or nothing
    (administrators). Every problem of the package is listed, each with its file and place."""
    standards.require_admin(actor)
    data, name = read_upload(file, course_editor.PACKAGE_MAX_BYTES)
    try:
        course = course_editor.import_package(session, actor, data, name)
    except PackageProblems as error:
        return JSONResponse(
            PackageProblemsOut(detail=error.message, field="file", problems=error.problems).model_dump(),
            status_code=422,
        )
    view = course_editor.course_view(session, actor, course.id)
    return CourseCreatedOut(id=course.id, key=course.key, title=course.title, skills=len(view.skills))


@router.get(
    "/courses/{course_id}/export",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "the course package"},
               **errors(401, 403, 404)},
)  # fmt: skip
def export_course(course_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    """The course as a course package .zip (current item versions; the package holds the answers, so it
    is for the course's editors)."""
    filename, data = course_editor.export_package(session, actor, course_id)
    return Response(
        data, media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )  # fmt: skip


# ------------------------------------------------------------------------------------------------- skills


@router.get("/courses/{course_id}/skills", response_model=CourseSkillsOut, responses=errors(401, 404))
def list_skills(course_id: PathId, actor: ActorDep, session: SessionDep) -> CourseSkillsOut:
    """The course's skills with prerequisites, standards and item counts (anyone in the school)."""
    return skills_out(course_editor.course_view(session, actor, course_id, editing=False))


@router.post(
    "/courses/{course_id}/skills", response_model=CourseSkillsOut, status_code=201, responses=EDIT_ERRORS
)
def add_skill(
    course_id: PathId, body: SkillCreateRequest, actor: ActorDep, session: SessionDep
) -> CourseSkillsOut:
    """Add a skill at the end of the course; it needs items before students can master it."""
    courses.add_skill(session, actor, course_id, body.key, body.name, body.description, body.grade)
    return skills_out(course_editor.course_view(session, actor, course_id))


@router.put("/courses/{course_id}/skills/{skill_key}", response_model=CourseSkillsOut, responses=EDIT_ERRORS)
def update_skill(
    course_id: PathId, skill_key: SkillKeyPath, body: SkillUpdateRequest, actor: ActorDep, session: SessionDep
) -> CourseSkillsOut:
    """Rename a skill and set its description (and grade); its key stays."""
    courses.update_skill(session, actor, course_id, skill_key, body.name, body.description, body.grade)
    return skills_out(course_editor.course_view(session, actor, course_id))


@router.delete("/courses/{course_id}/prerequisites", response_model=CourseGraphOut, responses=EDIT_ERRORS)
def remove_prerequisite(
    course_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    skill_key: Annotated[str, Query(min_length=1, max_length=limits.KEY_MAX), Text],
    prerequisite_key: Annotated[str, Query(min_length=1, max_length=limits.KEY_MAX), Text],
) -> CourseGraphOut:
    """Remove the prerequisite `prerequisite_key -> skill_key`; 404 when there is no such edge."""
    return graph_out(courses.remove_prerequisite(session, actor, course_id, skill_key, prerequisite_key))


@router.post(
    "/courses/{course_id}/skills/{skill_key}/standards",
    response_model=list[StandardOut],
    status_code=201,
    responses=EDIT_ERRORS,
)
def align_skill(
    course_id: PathId, skill_key: SkillKeyPath, body: AlignRequest, actor: ActorDep, session: SessionDep
) -> list[StandardOut]:
    """Align a skill to a standard of one of the school's frameworks; returns the skill's standards."""
    aligned = standards.align_skill(session, actor, course_id, skill_key, body.standard_item_id)
    return [standard_out(a) for a in aligned]


@router.delete("/courses/{course_id}/skills/{skill_key}/standards", status_code=204, responses=EDIT_ERRORS)
def unalign_skill(
    course_id: PathId,
    skill_key: SkillKeyPath,
    actor: ActorDep,
    session: SessionDep,
    code: Annotated[str, Query(min_length=1, max_length=255), Text],
) -> Response:
    """Remove the skill's alignment to the standard with this code."""
    standards.unalign_skill(session, actor, course_id, skill_key, code)
    return Response(status_code=204)


# -------------------------------------------------------------------------------------------------- items


@router.get("/courses/{course_id}/items", response_model=list[ItemVersionOut], responses=EDIT_ERRORS)
def list_items(
    course_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    skill_key: Annotated[str | None, Query(max_length=limits.KEY_MAX), Text] = None,
) -> list[ItemVersionOut]:
    """The current version of every item of the course, or of one skill (course editors)."""
    return [version_out(v) for v in course_items(session, actor, course_id, skill_key)]


@router.post("/courses/{course_id}/items/try", response_model=TryOut, responses=EDIT_ERRORS)
def try_answer(course_id: PathId, body: TryRequest, actor: ActorDep, session: SessionDep) -> TryOut:
    """What the answer checker says about a response to an answer spec (nothing is stored)."""
    result = course_editor.try_answer(session, actor, course_id, body.answer.model_dump(), body.response)
    return TryOut(
        status=result.status,
        correct=result.status == "correct",
        message=result.message,
        normalized=result.normalized,
    )


@router.post(
    "/courses/{course_id}/items/import",
    response_model=ItemImportOut,
    responses={
        **errors(401, 403, 404),
        422: {
            "model": ItemImportRefusedOut,
            "description": "the file's problems (nothing imported), or bad input",
        },
    },
)
def import_item_file(
    course_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    file: Annotated[
        UploadFile | None, File(description="GIFT, QTI 2.x/3.0, Canvas QTI 1.2, Aiken or CSV")
    ] = None,
    skill_key: Annotated[str, Form(min_length=1, max_length=limits.KEY_MAX), Text] = "",
    format: Annotated[
        str | None, Form(max_length=16, description="gift, qti, qti12, aiken or csv"), Text
    ] = None,
    dry_run: Annotated[bool, Form(description="report what would be imported; write nothing")] = False,
) -> ItemImportOut | JSONResponse:
    """Import a file of items into a skill: new keys are created, changed ones get a new version. One
    transaction; nothing is written while the file has a problem, or on a dry run."""
    course_editor.editable_course(session, actor, course_id)  # before reading the file
    if not skill_key:
        raise InvalidInput("skill_key", "name the skill the items practise")
    data, name = read_upload(file, course_editor.ITEM_FILE_MAX_BYTES)
    report = import_items(
        session, actor, course_id, data, name, skill_key=skill_key, format=format or None, dry_run=dry_run
    )
    out = import_out(report)
    if not report.ok:
        count = len(out.problems)
        refused = ItemImportRefusedOut(
            detail=f"the file has {count} problem{'s' if count != 1 else ''}; nothing was imported",
            field="file", report=out,
        )  # fmt: skip
        return JSONResponse(refused.model_dump(), status_code=422)
    return out


@router.get("/courses/{course_id}/items/{item_id}", response_model=ItemVersionsOut, responses=EDIT_ERRORS)
def item_versions(
    course_id: PathId, item_id: PathId, actor: ActorDep, session: SessionDep
) -> ItemVersionsOut:
    """Every version of the item that `item_id` is a version of, newest (the current one) first."""
    history = course_editor.item_history(session, actor, course_id, item_id)
    current = next(v for v in history if v.is_current)
    return ItemVersionsOut(
        key=current.key, current=version_out(current), versions=[version_out(v) for v in history]
    )


@router.put("/courses/{course_id}/items/{item_id}", response_model=ItemSavedOut, responses=EDIT_ERRORS)
def save_item(
    course_id: PathId, item_id: PathId, body: ItemEditRequest, actor: ActorDep, session: SessionDep
) -> ItemSavedOut:
    """Save an item over its version `item_id`: in place while nobody has answered it, else as its next
    version (answers keep the version they answered). When another editor saved a newer version since,
    this edit becomes the next version too instead of overwriting that one."""
    saved = course_editor.save_item(session, actor, course_id, item_id, draft_of(body))
    return ItemSavedOut(
        item=version_out(saved.item), new_version=saved.new_version, kept_answers=saved.kept_answers,
        newer_meanwhile=saved.newer_meanwhile,
    )  # fmt: skip
