"""Assignments: setting work, extensions, "My work", submissions (multipart) and file downloads."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from atpace.errors import InvalidInput
from atpace.services import assignments, limits
from atpace.services.files import FileStore
from atpace.web.api.assignment_schemas import (
    AssignmentCreate,
    AssignmentDetailOut,
    AssignmentOut,
    AssignmentUpdate,
    ClassAssignmentsOut,
    ExtensionIn,
    ExtensionOut,
    SubmissionOut,
    WorkDetailOut,
    WorkLineOut,
    submission_out,
)
from atpace.web.api.school_schemas import errors
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId, Text

router = APIRouter(tags=["assignments"])
READ = errors(401, 403, 404)
WRITE = errors(401, 403, 404, 409, 422)


def file_store(request: Request) -> FileStore:
    store: FileStore = request.app.state.files
    return store


def read_uploads(files: list[UploadFile] | None) -> list[assignments.Upload]:
    """The uploaded files (an empty file input is skipped); each read up to one byte past the limit, so that
    an oversized file is refused by the check, not cut."""
    uploads = [f for f in files or [] if f.filename]
    if len(uploads) > limits.UPLOADS_PER_SUBMISSION:
        raise InvalidInput("files", f"attach at most {limits.UPLOADS_PER_SUBMISSION} files")
    return [assignments.Upload(f.filename or "", f.file.read(limits.UPLOAD_MAX_BYTES + 1)) for f in uploads]


def file_response(view: assignments.FileView, data: bytes) -> Response:
    """The file as an attachment with its stored type (never rendered inline, never sniffed)."""
    fallback = (
        "".join(c if c.isascii() and (c.isalnum() or c in "._- ") else "_" for c in view.name) or "file"
    )
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(view.name, safe='')}"
    return Response(
        data, media_type=view.media_type,
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff",
                 "Cache-Control": "private, no-store"},
    )  # fmt: skip


@router.get("/classes/{class_id}/assignments", response_model=ClassAssignmentsOut, responses=READ)
def list_class_assignments(class_id: PathId, actor: ActorDep, session: SessionDep) -> ClassAssignmentsOut:
    """The class's assignments with counts (submitted, waiting for feedback, late, overdue, complete)."""
    view = assignments.class_assignments(session, actor, class_id)
    return ClassAssignmentsOut.model_validate(view, from_attributes=True)


@router.post(
    "/classes/{class_id}/assignments", response_model=AssignmentOut, status_code=201, responses=WRITE
)
def create_assignment(
    class_id: PathId, body: AssignmentCreate, actor: ActorDep, session: SessionDep
) -> AssignmentOut:
    """Give work to the class, a saved group or named students; each recipient gets a message."""
    view = assignments.create_assignment(session, actor, class_id, body.to_input())
    return AssignmentOut.model_validate(view, from_attributes=True)


@router.get("/assignments/{assignment_id}", response_model=AssignmentDetailOut, responses=READ)
def get_assignment(assignment_id: PathId, actor: ActorDep, session: SessionDep) -> AssignmentDetailOut:
    """The assignment and where each of its students stands (the class's teachers and admins)."""
    detail = assignments.assignment_detail(session, actor, assignment_id)
    return AssignmentDetailOut.model_validate(detail, from_attributes=True)


@router.patch("/assignments/{assignment_id}", response_model=AssignmentOut, responses=WRITE)
def update_assignment(
    assignment_id: PathId, body: AssignmentUpdate, actor: ActorDep, session: SessionDep
) -> AssignmentOut:
    """Change the title, instructions or dates (``due_at: null`` removes the due date)."""
    view = assignments.update_assignment(session, actor, assignment_id, body.to_changes())
    return AssignmentOut.model_validate(view, from_attributes=True)


@router.post("/assignments/{assignment_id}/archive", response_model=AssignmentOut, responses=WRITE)
def archive_assignment(assignment_id: PathId, actor: ActorDep, session: SessionDep) -> AssignmentOut:
    """Take the work out of every list of open work; submissions and feedback are kept."""
    view = assignments.archive_assignment(session, actor, assignment_id)
    return AssignmentOut.model_validate(view, from_attributes=True)


@router.put(
    "/assignments/{assignment_id}/extensions/{student_id}", response_model=ExtensionOut, responses=WRITE
)
def set_extension(
    assignment_id: PathId, student_id: PathId, body: ExtensionIn, actor: ActorDep, session: SessionDep
) -> ExtensionOut:
    """Give one student a later due date, with a reason (replaces their earlier extension)."""
    view = assignments.set_extension(session, actor, assignment_id, student_id, body.due_at, body.reason)
    return ExtensionOut.model_validate(view, from_attributes=True)


@router.get("/me/work", response_model=list[WorkLineOut], responses=READ)
def my_work(actor: ActorDep, session: SessionDep) -> list[WorkLineOut]:
    """The acting student's work, by due date (undated last), with its state."""
    return [
        WorkLineOut.model_validate(line, from_attributes=True) for line in assignments.my_work(session, actor)
    ]


@router.get("/me/work/{assignment_id}", response_model=WorkDetailOut, responses=READ)
def my_work_detail(assignment_id: PathId, actor: ActorDep, session: SessionDep) -> WorkDetailOut:
    """One of the acting student's assignments: steps with every version handed in, skills (practice)."""
    detail = assignments.work_detail(session, actor, assignment_id)
    return WorkDetailOut.model_validate(detail, from_attributes=True)


@router.get("/assignments/{assignment_id}/submissions", response_model=list[SubmissionOut], responses=READ)
def list_submissions(assignment_id: PathId, actor: ActorDep, session: SessionDep) -> list[SubmissionOut]:
    """Every version handed in: all students' (the class's staff) or the student's own; oldest first."""
    return [submission_out(s) for s in assignments.list_submissions(session, actor, assignment_id)]


@router.post(
    "/assignments/{assignment_id}/submissions", response_model=SubmissionOut, status_code=201, responses=WRITE
)
def submit(
    request: Request,
    assignment_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    body: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
    step: Annotated[int, Form(ge=0, le=1000)] = 0,
    files: Annotated[list[UploadFile] | None, File(description="up to 5 files")] = None,
) -> SubmissionOut:
    """Hand in a version (multipart/form-data: ``body``, ``step``, ``files``). Late work is accepted and
    marked late; before the open date the answer is 409; a refused file refuses the whole submission."""
    view = assignments.submit(
        session, actor, file_store(request), assignment_id, body, read_uploads(files), step
    )
    return submission_out(view)


@router.get(
    "/files/{file_id}",
    responses={**READ, 200: {"content": {"application/octet-stream": {}}, "description": "the file"}},
)
def download(request: Request, file_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    """A file handed in: for the student who sent it, their class's teachers and the school's admins."""
    view, data = assignments.read_file(session, actor, file_store(request), file_id)
    return file_response(view, data)
