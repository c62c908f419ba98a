"""Choice boards and passion projects (docs/choices.md): the hub, the board (teacher and student sides), the
board form, assessing a pick; a project's proposal, decision, checkpoints and final assessment. Every page
calls the same service functions as ``web/api/choices.py``; a refused form comes back with its message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from atpace.errors import InvalidInput
from atpace.services import limits
from atpace.services.auth import Actor
from atpace.services.choices import boards, projects
from atpace.services.database import Role, Session
from atpace.services.rubrics import get_rubric
from atpace.web.api.assignments import file_response, file_store, read_uploads
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text
from atpace.web.pages.common import render
from atpace.web.pages.forms import FORM_ERRORS, FormError, form_error
from atpace.web.pages.grading import Kept, parse_kept

router = APIRouter()

FORM_FIELDS_MAX = 400
Position = Annotated[int, Path(ge=0, le=projects.CHECKPOINTS_MAX)]
NOTICES = {
    "created": "Choice board created: the class's students see it now.",
    "saved": "Changes saved.",
    "picked": "Your pick is saved. You can change it until you hand in your work.",
    "submitted": "Handed in. Your teacher sees it now.",
    "assessed": "Assessment saved: the student has been told.",
    "proposed": "Proposal sent: a teacher of your class will read it.",
    "revised": "Revised proposal sent: it waits for your teacher again.",
    "decided": "Decision saved: the student has been told.",
    "commented": "Comment saved: the student has been told.",
}


async def multi_form(request: Request) -> list[tuple[str, str]]:
    """Every text field of a url-encoded form, repeated names kept (skills are checkboxes)."""
    async with request.form(max_files=0, max_fields=FORM_FIELDS_MAX) as form:
        return [(key, value) for key, value in form.multi_items() if isinstance(value, str)]


MultiFormDep = Annotated[list[tuple[str, str]], Depends(multi_form)]


def _one(form: list[tuple[str, str]], name: str) -> str:
    value = next((v for k, v in form if k == name), "")
    if "\x00" in value:
        raise InvalidInput(name, "must not contain NUL characters")
    return value


def _day(value: str, field_name: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise InvalidInput(field_name, f"{value!r} is not a date (YYYY-MM-DD)") from error


def _id(value: str, field_name: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise InvalidInput(field_name, "choose one of the listed entries")
    return int(value)


# The hub


@router.get("/choices")
def hub(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    """A student's boards and projects; a teacher's boards (by class) and projects waiting."""
    if actor.role == Role.STUDENT:
        return render(
            request, "choices.html", actor, board_list=boards.my_boards(session, actor),
            project_list=projects.my_projects(session, actor), classes=[],
        )  # fmt: skip
    return render(
        request, "choices.html", actor, board_list=boards.staff_boards(session, actor),
        project_list=projects.staff_projects(session, actor), classes=boards.staff_classes(session, actor),
    )  # fmt: skip


# The board form (teachers)


@dataclass
class BoardValues:
    """What the teacher typed, shown again on a refused form."""

    title: str = ""
    instructions: str = ""
    due_on: str = ""
    rubric_id: str = ""
    skill_keys: list[str] = field(default_factory=list)
    options: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, view: boards.BoardView) -> BoardValues:
        return cls(
            view.title, view.instructions, view.due_on.isoformat() if view.due_on else "",
            str(view.rubric.id) if view.rubric else "", [k for k, _ in view.skills],
            [{"id": str(o.id), "kind": o.kind, "title": o.title, "description": o.description} for o in view.options],
        )  # fmt: skip

    def rows(self) -> list[dict[str, str]]:
        blank = {"id": "", "kind": "", "title": "", "description": ""}
        return self.options + [dict(blank) for _ in range(boards.OPTIONS_MAX - len(self.options))]


def _board_values(form: list[tuple[str, str]]) -> BoardValues:
    values = BoardValues(
        _one(form, "title"), _one(form, "instructions"), _one(form, "due_on"), _one(form, "rubric_id"),
        [v for k, v in form if k == "skill_keys"],
    )  # fmt: skip
    for i in range(boards.OPTIONS_MAX):
        row = {name: _one(form, f"option_{i}_{name}") for name in ("id", "kind", "title", "description")}
        if row["kind"].strip() or row["title"].strip():
            values.options.append(row)
    return values


def _board_input(values: BoardValues) -> boards.BoardInput:
    options = [
        boards.OptionInput(
            row["kind"].strip(), row["title"], row["description"], _id(row["id"], f"options.{i}.id")
        )
        for i, row in enumerate(values.options)
    ]
    return boards.BoardInput(
        title=values.title, skill_keys=values.skill_keys, options=options, instructions=values.instructions,
        rubric_id=_id(values.rubric_id, "rubric_id"), due_on=_day(values.due_on, "due_on"),
    )  # fmt: skip


def _board_form(
    request: Request, actor: Actor, session: Session, class_id: int, values: BoardValues,
    board_id: int | None = None, error: FormError | None = None,
) -> Response:  # fmt: skip
    options = boards.board_form_options(session, actor, class_id)
    return render(
        request, "choice_form.html", actor, status_code=error.status if error else 200, form=options,
        values=values, board_id=board_id, form_error=error, kinds=boards.KIND_LABELS,
    )  # fmt: skip


@router.get("/classes/{class_id}/choices/new")
def new_board(request: Request, class_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    values = BoardValues(
        options=[{"id": "", "kind": k, "title": "", "description": ""} for k in boards.KIND_LABELS]
    )
    return _board_form(request, actor, session, class_id, values)


@router.post("/classes/{class_id}/choices")
def create_board(
    request: Request, class_id: PathId, actor: ActorDep, session: SessionDep, form: MultiFormDep
) -> Response:
    values = BoardValues()
    try:
        values = _board_values(form)
        view = boards.create_board(session, actor, class_id, _board_input(values))
    except FORM_ERRORS as error:
        return _board_form(request, actor, session, class_id, values, error=form_error("board", error))
    return RedirectResponse(f"/choices/{view.id}?saved=created", status_code=303)


@router.get("/choices/{board_id}/edit")
def edit_board(request: Request, board_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    view = boards.staff_board(session, actor, board_id)
    return _board_form(request, actor, session, view.class_id, BoardValues.of(view), board_id)


@router.post("/choices/{board_id}")
def update_board(
    request: Request, board_id: PathId, actor: ActorDep, session: SessionDep, form: MultiFormDep
) -> Response:
    values = BoardValues()
    try:
        values = _board_values(form)
        boards.update_board(session, actor, board_id, _board_input(values))
    except FORM_ERRORS as error:
        view = boards.staff_board(session, actor, board_id)
        return _board_form(
            request, actor, session, view.class_id, values, board_id, form_error("board", error)
        )
    return RedirectResponse(f"/choices/{board_id}?saved=saved", status_code=303)


# The board (both sides)


def _board_page(
    request: Request, actor: Actor, session: Session, board_id: int, *,
    notice: str | None = None, error: FormError | None = None,
) -> Response:  # fmt: skip
    view = boards.board_view(session, actor, board_id)
    return render(
        request, "choice_board.html", actor, status_code=error.status if error else 200, view=view,
        notice=notice, form_error=error, check_link=boards.check_link,
        max_files=limits.UPLOADS_PER_SUBMISSION, max_mb=limits.UPLOAD_MAX_BYTES // (1024 * 1024),
    )  # fmt: skip


@router.get("/choices/{board_id}")
def board_page(
    request: Request,
    board_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    saved: Annotated[str | None, Query(max_length=16), Text] = None,
) -> Response:
    return _board_page(request, actor, session, board_id, notice=NOTICES.get(saved or ""))


@router.post("/choices/{board_id}/pick")
def pick(
    request: Request,
    board_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    option_id: Annotated[str, Form(max_length=20), Text] = "",
) -> Response:
    try:
        chosen = _id(option_id, "option_id")
        if chosen is None:
            raise InvalidInput("option_id", "choose one of the ways to show mastery")
        boards.pick_option(session, actor, board_id, chosen)
    except FORM_ERRORS as error:
        return _board_page(request, actor, session, board_id, error=form_error("pick", error))
    return RedirectResponse(f"/choices/{board_id}?saved=picked#my-pick", status_code=303)


@router.post("/choices/{board_id}/work")
def submit_work(
    request: Request,
    board_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    body: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    try:
        boards.submit_work(session, actor, file_store(request), board_id, body, read_uploads(files))
    except FORM_ERRORS as error:
        return _board_page(request, actor, session, board_id, error=form_error("work", error, body=body))
    return RedirectResponse(f"/choices/{board_id}?saved=submitted#my-pick", status_code=303)


async def levels_form(request: Request) -> dict[str, str]:
    async with request.form(max_files=0, max_fields=FORM_FIELDS_MAX) as form:
        return {key: value for key, value in form.items() if isinstance(value, str)}


LevelsDep = Annotated[dict[str, str], Depends(levels_form)]


def _assess_page(
    request: Request, actor: Actor, session: Session, pick_id: int, *,
    kept: Kept | None = None, error: FormError | None = None,
) -> Response:  # fmt: skip
    view = boards.assessment_form(session, actor, pick_id)
    return render(
        request, "choice_assess.html", actor, status_code=error.status if error else 200, view=view,
        kept=kept or Kept(), form_error=error,
    )  # fmt: skip


@router.get("/choices/picks/{pick_id}")
def assess_page(request: Request, pick_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    return _assess_page(request, actor, session, pick_id)


@router.post("/choices/picks/{pick_id}/assess")
def assess(
    request: Request, pick_id: PathId, actor: ActorDep, session: SessionDep, form: LevelsDep
) -> Response:
    kept = Kept()
    try:
        kept = parse_kept(form)
        result = boards.assess_pick(session, actor, pick_id, kept.scores(), kept.comment)
    except FORM_ERRORS as error:
        return _assess_page(request, actor, session, pick_id, kept=kept, error=form_error("assess", error))
    return RedirectResponse(f"/choices/{result.board_id}?saved=assessed", status_code=303)


@router.get("/choices/picks/{pick_id}/files/{file_id}")
def pick_file(
    request: Request, pick_id: PathId, file_id: PathId, actor: ActorDep, session: SessionDep
) -> Response:
    view, data = boards.read_pick_file(session, actor, file_store(request), pick_id, file_id)
    return file_response(view, data)


# Projects


@dataclass
class ProposalValues:
    title: str = ""
    question: str = ""
    class_id: str = ""
    skill_keys: list[str] = field(default_factory=list)
    checkpoints: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, view: projects.ProjectView) -> ProposalValues:
        return cls(
            view.title, view.question, str(view.class_id), [k for k, _ in view.skills],
            [{"title": t, "due_on": d.isoformat()} for t, d in view.current.checkpoints],
        )  # fmt: skip

    def rows(self) -> list[dict[str, str]]:
        blank = {"title": "", "due_on": ""}
        return self.checkpoints + [
            dict(blank) for _ in range(projects.CHECKPOINTS_MAX - len(self.checkpoints))
        ]


def _proposal_values(form: list[tuple[str, str]]) -> ProposalValues:
    values = ProposalValues(
        _one(form, "title"),
        _one(form, "question"),
        _one(form, "class_id"),
        [v for k, v in form if k == "skill_keys"],
    )
    for i in range(projects.CHECKPOINTS_MAX):
        row = {"title": _one(form, f"checkpoint_{i}_title"), "due_on": _one(form, f"checkpoint_{i}_due_on")}
        if row["title"].strip() or row["due_on"].strip():
            values.checkpoints.append(row)
    return values


def _proposal_input(values: ProposalValues) -> projects.ProposalInput:
    return projects.ProposalInput(
        values.title, values.question, values.skill_keys,
        [
            projects.CheckpointInput(row["title"], _day(row["due_on"], f"checkpoints.{i}.due_on"))
            for i, row in enumerate(values.checkpoints)
        ],
    )  # fmt: skip


def _proposal_form(
    request: Request, actor: Actor, session: Session, values: ProposalValues, error: FormError | None = None
) -> Response:
    return render(
        request, "project_new.html", actor, status_code=error.status if error else 200,
        classes=projects.proposal_options(session, actor), values=values, form_error=error,
    )  # fmt: skip


@router.get("/projects/new")
def new_project(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    return _proposal_form(request, actor, session, ProposalValues())


@router.post("/projects")
def propose(request: Request, actor: ActorDep, session: SessionDep, form: MultiFormDep) -> Response:
    values = ProposalValues()
    try:
        values = _proposal_values(form)
        view = projects.propose(session, actor, _proposal_input(values), _id(values.class_id, "class_id"))
    except FORM_ERRORS as error:
        return _proposal_form(request, actor, session, values, form_error("proposal", error))
    return RedirectResponse(f"/projects/{view.id}?saved=proposed", status_code=303)


def _project_page(
    request: Request, actor: Actor, session: Session, project_id: int, *,
    notice: str | None = None, error: FormError | None = None, kept: Kept | None = None,
    values: ProposalValues | None = None, rubric_id: int | None = None, body: str = "",
) -> Response:  # fmt: skip
    view = projects.project_view(session, actor, project_id)
    staff = actor.role != Role.STUDENT
    rubric_list = (
        projects.rubric_choices(session, actor, project_id) if staff and view.status == "submitted" else []
    )
    rubric = None
    if rubric_list:
        chosen = rubric_id if rubric_id in {i for i, _ in rubric_list} else rubric_list[0][0]
        rubric = get_rubric(session, actor, chosen)
    skill_options = (
        [c.skills for c in projects.proposal_options(session, actor) if c.class_id == view.class_id]
        if not staff
        else []
    )
    return render(
        request, "project.html", actor, status_code=error.status if error else 200, view=view, staff=staff,
        notice=notice, form_error=error, kept=kept or Kept(), values=values or ProposalValues.of(view),
        rubric_list=rubric_list, rubric=rubric, skill_options=skill_options[0] if skill_options else (),
        body=body, max_files=limits.UPLOADS_PER_SUBMISSION,
    )  # fmt: skip


@router.get("/projects/{project_id}")
def project_page(
    request: Request,
    project_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    saved: Annotated[str | None, Query(max_length=16), Text] = None,
    rubric: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    return _project_page(
        request, actor, session, project_id, notice=NOTICES.get(saved or ""), rubric_id=rubric
    )


@router.post("/projects/{project_id}/proposal")
def revise(
    request: Request, project_id: PathId, actor: ActorDep, session: SessionDep, form: MultiFormDep
) -> Response:
    values = ProposalValues()
    try:
        values = _proposal_values(form)
        projects.revise(session, actor, project_id, _proposal_input(values))
    except FORM_ERRORS as error:
        return _project_page(
            request, actor, session, project_id, error=form_error("proposal", error), values=values
        )
    return RedirectResponse(f"/projects/{project_id}?saved=revised", status_code=303)


@router.post("/projects/{project_id}/decision")
def decide(
    request: Request,
    project_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    decision: Annotated[str, Form(max_length=16), Text] = "",
    comment: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
) -> Response:
    try:
        projects.decide(session, actor, project_id, decision, comment)
    except FORM_ERRORS as error:
        failed = form_error("decision", error, comment=comment)
        return _project_page(request, actor, session, project_id, error=failed)
    return RedirectResponse(f"/projects/{project_id}?saved=decided", status_code=303)


@router.post("/projects/{project_id}/checkpoints/{position}/work")
def submit_checkpoint(
    request: Request,
    project_id: PathId,
    position: Position,
    actor: ActorDep,
    session: SessionDep,
    body: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    try:
        projects.submit_checkpoint(
            session, actor, file_store(request), project_id, position, body, read_uploads(files)
        )
    except FORM_ERRORS as error:
        failed = form_error(f"work-{position}", error, body=body)
        return _project_page(request, actor, session, project_id, error=failed, body=body)
    return RedirectResponse(f"/projects/{project_id}?saved=submitted#checkpoint-{position}", status_code=303)


@router.post("/projects/{project_id}/checkpoints/{position}/comment")
def comment_checkpoint(
    request: Request,
    project_id: PathId,
    position: Position,
    actor: ActorDep,
    session: SessionDep,
    comment: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
) -> Response:
    try:
        projects.comment_checkpoint(session, actor, project_id, position, comment)
    except FORM_ERRORS as error:
        failed = form_error(f"comment-{position}", error, comment=comment)
        return _project_page(request, actor, session, project_id, error=failed)
    return RedirectResponse(f"/projects/{project_id}?saved=commented#checkpoint-{position}", status_code=303)


@router.post("/projects/{project_id}/assess")
def assess_project(
    request: Request, project_id: PathId, actor: ActorDep, session: SessionDep, form: LevelsDep
) -> Response:
    kept = Kept()
    rubric_id: int | None = None
    try:
        rubric_id = _id(form.get("rubric_id", ""), "rubric_id")
        if rubric_id is None:
            raise InvalidInput("rubric_id", "choose the rubric to assess with")
        kept = parse_kept(form)
        projects.assess_project(session, actor, project_id, rubric_id, kept.scores(), kept.comment)
    except FORM_ERRORS as error:
        failed = form_error("assess", error)
        return _project_page(
            request, actor, session, project_id, error=failed, kept=kept, rubric_id=rubric_id
        )
    return RedirectResponse(f"/projects/{project_id}?saved=assessed", status_code=303)


@router.get("/projects/{project_id}/files/{file_id}")
def project_file(
    request: Request, project_id: PathId, file_id: PathId, actor: ActorDep, session: SessionDep
) -> Response:
    view, data = projects.read_project_file(session, actor, file_store(request), project_id, file_id)
    return file_response(view, data)
