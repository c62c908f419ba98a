"""Assignment pages: the class's work and the "New assignment" form, one assignment's students with their
extensions (teachers); "My work" and one piece of work with its versions and feedback (students); files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from atpace.errors import Conflict, Forbidden, InvalidInput
from atpace.services import assignments, grading, limits
from atpace.services.auth import Actor
from atpace.services.database import Role, Session
from atpace.web.api.assignments import file_response, file_store, read_uploads
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text
from atpace.web.pages.common import render

router = APIRouter()

DATE_MAX = 40  # what a date input may send
CHECKPOINT_ROWS = 5  # blank checkpoint rows the form offers
NOTICES = {
    "created": "Assignment created: each student has a message about it.",
    "saved": "Changes saved.",
    "archived": "Assignment archived: it has left the lists of open work.",
    "extension": "Extension saved: the student has a message about it.",
    "submitted": "Handed in. Your teacher sees it now.",
}


@dataclass(frozen=True)
class FormError:
    """A refused form, shown next to its field with what the user typed."""

    form: str  # "new", "edit", "extension", "submit"
    field: str
    message: str
    values: dict[str, Any]


def parse_when(value: str, field_name: str) -> datetime | None:
    """A date from a form: ``datetime-local`` (taken as UTC) or ISO 8601 with a zone; empty: None."""
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise InvalidInput(field_name, f"{value!r} is not a date and time") from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_value(moment: datetime | None) -> str:
    """A stored time as a ``datetime-local`` input's value (UTC)."""
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


# --- teachers --------------------------------------------------------------------------------------------


@router.get("/classes/{class_id}/assignments")
def class_assignments_page(
    request: Request,
    class_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    group: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    saved: Annotated[str | None, Query(max_length=16), Text] = None,
    student: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    skill: Annotated[str | None, Query(max_length=limits.KEY_MAX), Text] = None,
) -> Response:
    """``?group=`` prefills the form for a saved group; ``?student=&skill=`` (Today's "Assign practice")
    for practice on one skill for one student."""
    values: dict[str, Any] = {"target": "group", "group_id": str(group)} if group else {}
    if student:
        values.update(target="students", student_ids=[str(student)])
    if skill:
        values.update(kind="practice", skill_keys=[skill])
    return _class_page(request, actor, session, class_id, values=values, notice=NOTICES.get(saved or ""))


def _class_page(
    request: Request,
    actor: Actor,
    session: Session,
    class_id: int,
    *,
    values: dict[str, Any] | None = None,
    notice: str | None = None,
    form_error: FormError | None = None,
) -> Response:
    overview = assignments.class_assignments(session, actor, class_id)
    options = assignments.form_options(session, actor, class_id)
    return render(
        request, "assignments.html", actor, status_code=422 if form_error else 200, overview=overview,
        options=options, values={"kind": "task", "target": "class", "accepts_text": "on", **(values or {})},
        notice=notice, form_error=form_error, checkpoint_rows=CHECKPOINT_ROWS,
    )  # fmt: skip


@router.post("/classes/{class_id}/assignments")
def create_assignment_form(
    request: Request,
    class_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    kind: Annotated[str, Form(max_length=16), Text] = "",
    title: Annotated[str, Form(max_length=limits.TITLE_MAX), Text] = "",
    instructions: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
    target: Annotated[str, Form(max_length=16), Text] = "class",
    group_id: Annotated[str, Form(max_length=20), Text] = "",
    student_ids: Annotated[list[int] | None, Form()] = None,
    skill_keys: Annotated[list[str] | None, Form()] = None,
    rubric_id: Annotated[str, Form(max_length=20), Text] = "",
    accepts_text: Annotated[str, Form(max_length=8), Text] = "",
    accepts_files: Annotated[str, Form(max_length=8), Text] = "",
    open_at: Annotated[str, Form(max_length=DATE_MAX), Text] = "",
    due_at: Annotated[str, Form(max_length=DATE_MAX), Text] = "",
    checkpoint_title: Annotated[list[str] | None, Form()] = None,
    checkpoint_description: Annotated[list[str] | None, Form()] = None,
    checkpoint_due: Annotated[list[str] | None, Form()] = None,
) -> Response:
    titles, descriptions, dues = checkpoint_title or [], checkpoint_description or [], checkpoint_due or []
    values: dict[str, Any] = {
        "kind": kind, "title": title, "instructions": instructions, "target": target, "group_id": group_id,
        "student_ids": [str(s) for s in student_ids or []], "skill_keys": skill_keys or [],
        "rubric_id": rubric_id, "accepts_text": accepts_text, "accepts_files": accepts_files,
        "open_at": open_at, "due_at": due_at, "checkpoints": list(zip(titles, descriptions, dues, strict=False)),
    }  # fmt: skip
    try:
        rows = [
            (t, descriptions[i] if i < len(descriptions) else "", dues[i] if i < len(dues) else "")
            for i, t in enumerate(titles)
        ]
        checkpoints = tuple(
            assignments.CheckpointInput(t, d, parse_when(due, f"checkpoints.{i}.due_at"))
            for i, (t, d, due) in enumerate(r for r in rows if any(part.strip() for part in r))
        )
        for text in [*titles, *descriptions, *(skill_keys or [])]:
            if "\x00" in text or len(text) > limits.TEXT_MAX:
                raise InvalidInput("checkpoints", "a field holds text atpace cannot store")
        data = assignments.AssignmentInput(
            kind=kind, title=title, instructions=instructions, target=target,
            group_id=_int_or_none(group_id, "group_id") if target == "group" else None,
            student_ids=tuple(student_ids or []) if target == "students" else (),
            skill_keys=tuple(skill_keys or []) if kind == "practice" else (),
            rubric_id=_int_or_none(rubric_id, "rubric_id") if kind != "practice" else None,
            accepts_text=bool(accepts_text), accepts_files=bool(accepts_files),
            open_at=parse_when(open_at, "open_at"), due_at=parse_when(due_at, "due_at"),
            checkpoints=checkpoints if kind == "project" else (),
        )  # fmt: skip
        view = assignments.create_assignment(session, actor, class_id, data)
    except (InvalidInput, Conflict) as error:
        failed = FormError("new", getattr(error, "field", None) or "", error.message, values)
        return _class_page(request, actor, session, class_id, values=values, form_error=failed)
    return RedirectResponse(f"/assignments/{view.id}?saved=created", status_code=303)


def _int_or_none(value: str, field_name: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise InvalidInput(field_name, f"{value!r} is not an id")
    return int(value)


@router.get("/assignments/{assignment_id}")
def assignment_page(
    request: Request,
    assignment_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    saved: Annotated[str | None, Query(max_length=16), Text] = None,
) -> Response:
    return _assignment_page(request, actor, session, assignment_id, notice=NOTICES.get(saved or ""))


def _assignment_page(
    request: Request,
    actor: Actor,
    session: Session,
    assignment_id: int,
    *,
    notice: str | None = None,
    form_error: FormError | None = None,
) -> Response:
    detail = assignments.assignment_detail(session, actor, assignment_id)
    return render(
        request, "assignment.html", actor, status_code=422 if form_error else 200, detail=detail,
        a=detail.assignment, notice=notice, form_error=form_error, local_value=local_value,
    )  # fmt: skip


@router.post("/assignments/{assignment_id}/edit")
def edit_assignment_form(
    request: Request,
    assignment_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    title: Annotated[str, Form(max_length=limits.TITLE_MAX), Text] = "",
    instructions: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
    open_at: Annotated[str, Form(max_length=DATE_MAX), Text] = "",
    due_at: Annotated[str, Form(max_length=DATE_MAX), Text] = "",
) -> Response:
    values = {"title": title, "instructions": instructions, "open_at": open_at, "due_at": due_at}
    try:
        changes = assignments.AssignmentChanges(
            title=title, instructions=instructions, open_at=parse_when(open_at, "open_at"),
            due_at=parse_when(due_at, "due_at"), clear_due=not due_at.strip(),
        )  # fmt: skip
        assignments.update_assignment(session, actor, assignment_id, changes)
    except (InvalidInput, Conflict) as error:
        failed = FormError("edit", getattr(error, "field", None) or "", error.message, values)
        return _assignment_page(request, actor, session, assignment_id, form_error=failed)
    return RedirectResponse(f"/assignments/{assignment_id}?saved=saved", status_code=303)


@router.post("/assignments/{assignment_id}/archive")
def archive_assignment_form(assignment_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    view = assignments.archive_assignment(session, actor, assignment_id)
    return RedirectResponse(f"/classes/{view.class_id}/assignments?saved=archived", status_code=303)


@router.post("/assignments/{assignment_id}/extensions")
def extension_form(
    request: Request,
    assignment_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    student_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    due_at: Annotated[str, Form(max_length=DATE_MAX), Text] = "",
    reason: Annotated[str, Form(max_length=limits.REASON_MAX), Text] = "",
) -> Response:
    values = {"student_id": student_id, "due_at": due_at, "reason": reason}
    try:
        moment = parse_when(due_at, "due_at")
        if moment is None:
            raise InvalidInput("due_at", "choose the new due date")
        assignments.set_extension(session, actor, assignment_id, student_id, moment, reason)
    except (InvalidInput, Conflict) as error:
        failed = FormError("extension", getattr(error, "field", None) or "", error.message, values)
        return _assignment_page(request, actor, session, assignment_id, form_error=failed)
    return RedirectResponse(
        f"/assignments/{assignment_id}?saved=extension#student-{student_id}", status_code=303
    )


# --- students --------------------------------------------------------------------------------------------


@router.get("/work")
def my_work_page(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    if actor.role != Role.STUDENT:
        raise Forbidden("“My work” is the students' list; teachers find work under each class")
    return render(request, "work.html", actor, lines=assignments.my_work(session, actor))


@router.get("/work/{assignment_id}")
def work_page(
    request: Request,
    assignment_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    saved: Annotated[str | None, Query(max_length=16), Text] = None,
) -> Response:
    return _work_page(request, actor, session, assignment_id, notice=NOTICES.get(saved or ""))


def _work_page(
    request: Request,
    actor: Actor,
    session: Session,
    assignment_id: int,
    *,
    notice: str | None = None,
    form_error: FormError | None = None,
) -> Response:
    detail = assignments.work_detail(session, actor, assignment_id)
    ids = [s.id for step in detail.steps for s in step.submissions]
    feedback = grading.feedback_views(session, ids)
    return render(
        request, "work_detail.html", actor, status_code=422 if form_error else 200, detail=detail,
        a=detail.assignment, feedback_by_id=feedback,
        notice=notice, form_error=form_error, max_files=limits.UPLOADS_PER_SUBMISSION,
        max_mb=limits.UPLOAD_MAX_BYTES // (1024 * 1024),
    )  # fmt: skip


@router.post("/work/{assignment_id}/submissions")
def submit_form(
    request: Request,
    assignment_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    body: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
    step: Annotated[int, Form(ge=0, le=1000)] = 0,
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    try:
        assignments.submit(
            session, actor, file_store(request), assignment_id, body, read_uploads(files), step
        )
    except (InvalidInput, Conflict) as error:
        values = {"body": body, "step": step}
        failed = FormError("submit", getattr(error, "field", None) or "", error.message, values)
        return _work_page(request, actor, session, assignment_id, form_error=failed)
    return RedirectResponse(f"/work/{assignment_id}?saved=submitted#versions", status_code=303)


@router.get("/files/{file_id}")
def file_page(request: Request, file_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    view, data = assignments.read_file(session, actor, file_store(request), file_id)
    return file_response(view, data)
