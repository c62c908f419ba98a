"""Choice boards and passion projects (docs/choices.md): the same services as the pages.

Boards: the class's staff create, edit, list and assess; the class's students read, pick and hand in.
Projects: the student proposes, revises and hands in; the class's staff decide, comment and assess.
Another school's board, pick or project is missing (404); anyone else of the school is refused (403).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from atpace.services import limits
from atpace.services.choices import boards, projects
from atpace.services.grading import ScoreInput
from atpace.web.api.assignments import file_response, file_store, read_uploads
from atpace.web.api.grading import ScoreIn, SkillEffectOut
from atpace.web.api.schemas import Request as RequestModel
from atpace.web.api.school_schemas import errors
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text

router = APIRouter(tags=["choices"])
READ = errors(401, 403, 404)
WRITE = errors(401, 403, 404, 409, 422)
FILE = {**READ, 200: {"content": {"application/octet-stream": {}}, "description": "the file"}}


# Schemas


class OptionIn(RequestModel):
    id: int | None = Field(default=None, ge=1, le=MAX_ID, description="an existing option, kept in place")
    kind: Literal["check", "explanation", "product", "conference"]
    title: str = Field(default="", max_length=limits.TITLE_MAX, description="blank: the kind's name")
    description: str = Field(default="", max_length=limits.COMMENT_MAX)


class BoardIn(RequestModel):
    title: str = Field(max_length=limits.TITLE_MAX)
    instructions: str = Field(default="", max_length=limits.TEXT_MAX)
    skill_keys: list[Annotated[str, Field(max_length=limits.KEY_MAX)]] = Field(max_length=100)
    options: list[OptionIn] = Field(max_length=20)
    rubric_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    due_on: date | None = None


class PickIn(RequestModel):
    option_id: int = Field(ge=1, le=MAX_ID)


class AssessIn(RequestModel):
    comment: str = Field(default="", max_length=limits.TEXT_MAX)
    scores: list[ScoreIn] = Field(default_factory=list, max_length=100)


class ProjectAssessIn(AssessIn):
    rubric_id: int = Field(ge=1, le=MAX_ID)


class CheckpointIn(RequestModel):
    title: str = Field(max_length=limits.TITLE_MAX)
    due_on: date | None = None


class ProposalIn(RequestModel):
    title: str = Field(max_length=limits.TITLE_MAX)
    question: str = Field(max_length=projects.QUESTION_MAX)
    skill_keys: list[Annotated[str, Field(max_length=limits.KEY_MAX)]] = Field(max_length=100)
    checkpoints: list[CheckpointIn] = Field(max_length=50)


class NewProjectIn(ProposalIn):
    class_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="default: your first class")


class DecisionIn(RequestModel):
    decision: Literal["approve", "changes"]
    comment: str = Field(default="", max_length=limits.TEXT_MAX, description="required to ask for changes")


class CommentIn(RequestModel):
    comment: str = Field(max_length=limits.TEXT_MAX)


class FileOut(BaseModel):
    id: int
    name: str
    media_type: str
    size: int


class SkillOut(BaseModel):
    key: str
    name: str


class CriterionLevelOut(BaseModel):
    title: str
    level: int | None
    level_title: str | None
    points: float | None
    max_points: float
    comment: str
    skill_name: str | None


class AssessmentOut(BaseModel):
    comment: str
    teacher_name: str
    created_at: datetime
    points: float | None
    max_points: float
    criteria: list[CriterionLevelOut]


class OptionOut(BaseModel):
    id: int
    position: int
    kind: str
    kind_label: str
    title: str
    description: str
    pick_count: int
    check_links: list[str] = Field(description="a mastery check: the check page of each skill")


class PickOut(BaseModel):
    id: int
    board_id: int
    student_id: int
    student_name: str
    option_id: int
    option_title: str
    kind: str
    status: str = Field(description="picked, submitted (waiting for assessment) or assessed")
    waiting: bool = Field(description="the teacher has something to do (work to assess, a conference)")
    picked_at: datetime
    body: str
    submitted_at: datetime | None
    files: list[FileOut]
    assessment: AssessmentOut | None
    effects: list[SkillEffectOut]


class BoardOut(BaseModel):
    id: int
    class_id: int
    class_name: str
    title: str
    instructions: str
    skills: list[SkillOut]
    rubric_id: int | None
    due_on: date | None
    options: list[OptionOut]
    picks: list[PickOut] = Field(description="staff: every pick, waiting first; a student: their own")
    not_picked: list[str] = Field(description="staff: the class's students without a pick")


class BoardSummaryOut(BaseModel):
    id: int
    class_id: int
    class_name: str
    title: str
    due_on: date | None
    option_count: int
    pick_count: int
    waiting_count: int
    my_status: str | None


class AssessedOut(BaseModel):
    id: int
    student_id: int
    effects: list[SkillEffectOut]
    not_counted: list[str]


class ProposalOut(BaseModel):
    version: int
    title: str
    question: str
    skills: list[SkillOut]
    checkpoints: list[CheckpointIn]
    submitted_at: datetime
    decision: str | None
    decided_by: str
    decided_at: datetime | None
    comment: str


class CheckpointOut(BaseModel):
    position: int = Field(description="1..n, 0 for the final work")
    title: str
    due_on: date | None
    body: str
    submitted_at: datetime | None
    files: list[FileOut]
    comment: str
    commented_by: str
    commented_at: datetime | None


class ProjectOut(BaseModel):
    id: int
    class_id: int
    class_name: str
    student_id: int
    student_name: str
    title: str
    question: str
    skills: list[SkillOut]
    status: str
    revision: int
    proposals: list[ProposalOut] = Field(description="every version, newest first")
    checkpoints: list[CheckpointOut]
    assessment: AssessmentOut | None
    effects: list[SkillEffectOut]


class ProjectSummaryOut(BaseModel):
    id: int
    class_id: int
    class_name: str
    student_id: int
    student_name: str
    title: str
    status: str
    revision: int
    updated_at: datetime
    waiting: bool
    next_checkpoint: str


# Conversions


def _skills(pairs: tuple[tuple[str, str], ...]) -> list[SkillOut]:
    return [SkillOut(key=k, name=n) for k, n in pairs]


def _effects(effects: tuple[object, ...]) -> list[SkillEffectOut]:
    return [SkillEffectOut.model_validate(e, from_attributes=True) for e in effects]


def _assessment(view: object | None) -> AssessmentOut | None:
    return AssessmentOut.model_validate(view, from_attributes=True) if view is not None else None


def _pick(p: boards.PickView) -> PickOut:
    return PickOut(
        id=p.id, board_id=p.board_id, student_id=p.student_id, student_name=p.student_name, option_id=p.option_id,
        option_title=p.option_title, kind=p.kind, status=p.status, waiting=p.waiting, picked_at=p.picked_at,
        body=p.body, submitted_at=p.submitted_at,
        files=[FileOut.model_validate(f, from_attributes=True) for f in p.files],
        assessment=_assessment(p.assessment), effects=_effects(p.effects),
    )  # fmt: skip


def _board(view: boards.BoardView) -> BoardOut:
    return BoardOut(
        id=view.id, class_id=view.class_id, class_name=view.class_name, title=view.title,
        instructions=view.instructions, skills=_skills(view.skills),
        rubric_id=view.rubric.id if view.rubric else None, due_on=view.due_on,
        options=[
            OptionOut(
                id=o.id, position=o.position, kind=o.kind, kind_label=o.kind_label, title=o.title,
                description=o.description, pick_count=o.pick_count,
                check_links=[boards.check_link(key) for key, _ in view.skills] if o.kind == "check" else [],
            )
            for o in view.options
        ],
        picks=[_pick(p) for p in view.picks], not_picked=list(view.not_picked),
    )  # fmt: skip


def _board_input(body: BoardIn) -> boards.BoardInput:
    return boards.BoardInput(
        title=body.title, skill_keys=body.skill_keys, instructions=body.instructions, rubric_id=body.rubric_id,
        due_on=body.due_on,
        options=[boards.OptionInput(o.kind, o.title, o.description, o.id) for o in body.options],
    )  # fmt: skip


def _proposal_input(body: ProposalIn) -> projects.ProposalInput:
    return projects.ProposalInput(
        body.title, body.question, body.skill_keys,
        [projects.CheckpointInput(c.title, c.due_on) for c in body.checkpoints],
    )  # fmt: skip


def _project(view: projects.ProjectView) -> ProjectOut:
    return ProjectOut(
        id=view.id, class_id=view.class_id, class_name=view.class_name, student_id=view.student_id,
        student_name=view.student_name, title=view.title, question=view.question, skills=_skills(view.skills),
        status=view.status, revision=view.revision,
        proposals=[
            ProposalOut(
                version=p.version, title=p.title, question=p.question, skills=_skills(p.skills),
                checkpoints=[CheckpointIn(title=t, due_on=d) for t, d in p.checkpoints],
                submitted_at=p.submitted_at, decision=p.decision, decided_by=p.decided_by,
                decided_at=p.decided_at, comment=p.comment,
            )
            for p in view.proposals
        ],
        checkpoints=[
            CheckpointOut(
                position=c.position, title=c.title, due_on=c.due_on, body=c.body, submitted_at=c.submitted_at,
                files=[FileOut.model_validate(f, from_attributes=True) for f in c.files], comment=c.comment,
                commented_by=c.commented_by, commented_at=c.commented_at,
            )
            for c in view.checkpoints
        ],
        assessment=_assessment(view.assessment), effects=_effects(view.effects),
    )  # fmt: skip


def _scores(body: AssessIn) -> list[ScoreInput]:
    return [ScoreInput(s.criterion_id, s.level, s.comment) for s in body.scores]


# Boards


@router.get("/classes/{class_id}/choice-boards", response_model=list[BoardSummaryOut], responses=READ)
def class_boards(class_id: PathId, actor: ActorDep, session: SessionDep) -> list[BoardSummaryOut]:
    """The class's boards, newest first, with how many picked and how many wait for assessment."""
    return [
        BoardSummaryOut.model_validate(b, from_attributes=True)
        for b in boards.class_boards(session, actor, class_id)
    ]


@router.post("/classes/{class_id}/choice-boards", response_model=BoardOut, status_code=201, responses=WRITE)
def create_board(class_id: PathId, body: BoardIn, actor: ActorDep, session: SessionDep) -> BoardOut:
    """A new board: 2 to 6 options; a rubric unless every option is a mastery check; the due date (if any)
    not in the past."""
    return _board(boards.create_board(session, actor, class_id, _board_input(body)))


@router.get("/my/choice-boards", response_model=list[BoardSummaryOut], responses=READ)
def my_boards(actor: ActorDep, session: SessionDep) -> list[BoardSummaryOut]:
    """A student's boards (their open classes'), with their pick's status."""
    return [BoardSummaryOut.model_validate(b, from_attributes=True) for b in boards.my_boards(session, actor)]


@router.get("/choice-boards/{board_id}", response_model=BoardOut, responses=READ)
def get_board(board_id: PathId, actor: ActorDep, session: SessionDep) -> BoardOut:
    """The board: for its staff with every pick (waiting first), for a student of the class with theirs."""
    return _board(boards.board_view(session, actor, board_id))


@router.put("/choice-boards/{board_id}", response_model=BoardOut, responses=WRITE)
def update_board(board_id: PathId, body: BoardIn, actor: ActorDep, session: SessionDep) -> BoardOut:
    """Replace the board (options with an ``id`` are kept). A picked option cannot go or change kind (409)."""
    return _board(boards.update_board(session, actor, board_id, _board_input(body)))


@router.put("/choice-boards/{board_id}/pick", response_model=PickOut, responses=WRITE)
def pick(board_id: PathId, body: PickIn, actor: ActorDep, session: SessionDep) -> PickOut:
    """Pick an option, or change the pick until work is handed in (then 409)."""
    return _pick(boards.pick_option(session, actor, board_id, body.option_id))


@router.post("/choice-boards/{board_id}/work", response_model=PickOut, status_code=201, responses=WRITE)
def submit_work(
    request: Request,
    board_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    body: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
    files: Annotated[list[UploadFile] | None, File(description="up to 5 files")] = None,
) -> PickOut:
    """Hand in the work for the picked explanation or product (multipart: ``body``, ``files``), once."""
    return _pick(boards.submit_work(session, actor, file_store(request), board_id, body, read_uploads(files)))


@router.post(
    "/choice-picks/{pick_id}/assessment", response_model=AssessedOut, status_code=201, responses=WRITE
)
def assess_pick(pick_id: PathId, body: AssessIn, actor: ActorDep, session: SessionDep) -> AssessedOut:
    """The rubric levels (one on every criterion) on a pick; aligned levels become evidence. Once (409)."""
    result = boards.assess_pick(session, actor, pick_id, _scores(body), body.comment)
    return AssessedOut(
        id=result.id, student_id=result.student_id, effects=_effects(result.effects),
        not_counted=list(result.not_counted),
    )  # fmt: skip


@router.get("/choice-picks/{pick_id}/files/{file_id}", responses=FILE)
def pick_file(
    request: Request, pick_id: PathId, file_id: PathId, actor: ActorDep, session: SessionDep
) -> Response:
    view, data = boards.read_pick_file(session, actor, file_store(request), pick_id, file_id)
    return file_response(view, data)


# Projects


@router.get("/my/projects", response_model=list[ProjectSummaryOut], responses=READ)
def my_projects(actor: ActorDep, session: SessionDep) -> list[ProjectSummaryOut]:
    return [
        ProjectSummaryOut.model_validate(p, from_attributes=True)
        for p in projects.my_projects(session, actor)
    ]


@router.post("/projects", response_model=ProjectOut, status_code=201, responses=WRITE)
def propose(body: NewProjectIn, actor: ActorDep, session: SessionDep) -> ProjectOut:
    """A student's proposal: title, driving question, 1 to 20 skills, 1 to 8 dated checkpoints (not in the
    past, in order)."""
    return _project(projects.propose(session, actor, _proposal_input(body), body.class_id))


@router.get("/classes/{class_id}/projects", response_model=list[ProjectSummaryOut], responses=READ)
def class_projects(class_id: PathId, actor: ActorDep, session: SessionDep) -> list[ProjectSummaryOut]:
    """The class's projects: proposals and final work waiting first, oldest first."""
    return [
        ProjectSummaryOut.model_validate(p, from_attributes=True)
        for p in projects.class_projects(session, actor, class_id)
    ]


@router.get("/projects/{project_id}", response_model=ProjectOut, responses=READ)
def get_project(project_id: PathId, actor: ActorDep, session: SessionDep) -> ProjectOut:
    return _project(projects.project_view(session, actor, project_id))


@router.put("/projects/{project_id}/proposal", response_model=ProjectOut, responses=WRITE)
def revise(project_id: PathId, body: ProposalIn, actor: ActorDep, session: SessionDep) -> ProjectOut:
    """A new version of the proposal (the earlier ones are kept); it waits for a teacher again."""
    return _project(projects.revise(session, actor, project_id, _proposal_input(body)))


@router.post("/projects/{project_id}/decision", response_model=ProjectOut, responses=WRITE)
def decide(project_id: PathId, body: DecisionIn, actor: ActorDep, session: SessionDep) -> ProjectOut:
    """Approve the waiting proposal, or ask for changes (a comment is required). Once per version (409)."""
    return _project(projects.decide(session, actor, project_id, body.decision, body.comment))


@router.post(
    "/projects/{project_id}/checkpoints/{position}/work",
    response_model=ProjectOut,
    status_code=201,
    responses=WRITE,
)
def submit_checkpoint(
    request: Request,
    project_id: PathId,
    position: Annotated[int, Path(ge=0, le=projects.CHECKPOINTS_MAX)],
    actor: ActorDep,
    session: SessionDep,
    body: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
    files: Annotated[list[UploadFile] | None, File(description="up to 5 files")] = None,
) -> ProjectOut:
    """Hand in a checkpoint (1..n) or the final work (0), once (multipart: ``body``, ``files``)."""
    view = projects.submit_checkpoint(
        session, actor, file_store(request), project_id, position, body, read_uploads(files)
    )
    return _project(view)


@router.post(
    "/projects/{project_id}/checkpoints/{position}/comment", response_model=ProjectOut, responses=WRITE
)
def comment_checkpoint(
    project_id: PathId,
    position: Annotated[int, Path(ge=0, le=projects.CHECKPOINTS_MAX)],
    body: CommentIn,
    actor: ActorDep,
    session: SessionDep,
) -> ProjectOut:
    return _project(projects.comment_checkpoint(session, actor, project_id, position, body.comment))


@router.post(
    "/projects/{project_id}/assessment", response_model=AssessedOut, status_code=201, responses=WRITE
)
def assess_project(
    project_id: PathId, body: ProjectAssessIn, actor: ActorDep, session: SessionDep
) -> AssessedOut:
    """The final assessment with one of the school's rubrics; aligned levels on the project's skills become
    evidence. Once (409)."""
    result = projects.assess_project(session, actor, project_id, body.rubric_id, _scores(body), body.comment)
    return AssessedOut(
        id=result.id, student_id=result.student_id, effects=_effects(result.effects),
        not_counted=list(result.not_counted),
    )  # fmt: skip


@router.get("/projects/{project_id}/files/{file_id}", responses=FILE)
def project_file(
    request: Request, project_id: PathId, file_id: PathId, actor: ActorDep, session: SessionDep
) -> Response:
    view, data = projects.read_project_file(session, actor, file_store(request), project_id, file_id)
    return file_response(view, data)
