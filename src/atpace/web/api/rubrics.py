"""Rubrics: the school's shared criteria x levels (teachers and admins; students 403, another school 404)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from atpace.services import limits, rubrics
from atpace.web.api.schemas import Request
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId

router = APIRouter(tags=["rubrics"])


class LevelIn(Request):
    title: str = Field(max_length=limits.TITLE_MAX)
    description: str = Field(default="", max_length=limits.COMMENT_MAX)
    points: float = Field(default=0.0, ge=0, le=rubrics.POINTS_MAX)


class CriterionIn(Request):
    id: int | None = Field(default=None, ge=1, le=MAX_ID, description="an existing criterion, kept in place")
    title: str = Field(max_length=limits.TITLE_MAX)
    description: str = Field(default="", max_length=limits.TEXT_MAX)
    skill_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="align to this skill")
    course_key: str | None = Field(default=None, max_length=limits.KEY_MAX, description="or name the skill")
    skill_key: str | None = Field(default=None, max_length=limits.KEY_MAX)
    levels: list[LevelIn] = Field(
        min_length=rubrics.LEVELS_MIN, max_length=rubrics.LEVELS_MAX, description="lowest first"
    )


class RubricIn(Request):
    title: str = Field(max_length=limits.TITLE_MAX)
    description: str = Field(default="", max_length=limits.TEXT_MAX)
    criteria: list[CriterionIn] = Field(min_length=1, max_length=rubrics.CRITERIA_MAX)


class LevelOut(BaseModel):
    index: int
    title: str
    description: str
    points: float
    credit: float = Field(
        description="the evidence this level gives on an aligned skill (0 lowest, 1 highest)"
    )


class CriterionOut(BaseModel):
    id: int
    position: int
    title: str
    description: str
    skill_id: int | None
    skill_key: str | None
    skill_name: str | None
    course_key: str | None
    max_points: float
    levels: list[LevelOut]


class RubricOut(BaseModel):
    id: int
    title: str
    description: str
    created_by: str
    created_at: datetime
    archived: bool
    used: bool = Field(description="feedback was given with it: it cannot change, copy it instead")
    assignment_count: int
    max_points: float
    criteria: list[CriterionOut]


class RubricSummaryOut(BaseModel):
    id: int
    title: str
    description: str
    criterion_count: int
    aligned_count: int
    created_by: str
    created_at: datetime
    archived: bool
    used: bool


def rubric_out(view: rubrics.RubricView) -> RubricOut:
    return RubricOut(
        id=view.id, title=view.title, description=view.description, created_by=view.created_by,
        created_at=view.created_at, archived=view.archived, used=view.used,
        assignment_count=view.assignment_count, max_points=view.max_points,
        criteria=[
            CriterionOut(
                id=c.id, position=c.position, title=c.title, description=c.description, skill_id=c.skill_id,
                skill_key=c.skill_key, skill_name=c.skill_name, course_key=c.course_key,
                max_points=c.max_points,
                levels=[
                    LevelOut(index=lv.index, title=lv.title, description=lv.description, points=lv.points,
                             credit=lv.credit)
                    for lv in c.levels
                ],
            )
            for c in view.criteria
        ],
    )  # fmt: skip


def rubric_input(body: RubricIn) -> rubrics.RubricInput:
    return rubrics.RubricInput(
        title=body.title,
        description=body.description,
        criteria=[
            rubrics.CriterionInput(
                id=c.id,
                title=c.title,
                description=c.description,
                skill_id=c.skill_id,
                course_key=c.course_key,
                skill_key=c.skill_key,
                levels=[rubrics.LevelInput(lv.title, lv.description, lv.points) for lv in c.levels],
            )
            for c in body.criteria
        ],
    )


@router.get("/rubrics", response_model=list[RubricSummaryOut])
def list_rubrics(actor: ActorDep, session: SessionDep, archived: bool = False) -> list[RubricSummaryOut]:
    """The school's rubrics by title; ``archived=true`` includes archived ones."""
    return [
        RubricSummaryOut(
            id=r.id,
            title=r.title,
            description=r.description,
            criterion_count=r.criterion_count,
            aligned_count=r.aligned_count,
            created_by=r.created_by,
            created_at=r.created_at,
            archived=r.archived_at is not None,
            used=r.used,
        )
        for r in rubrics.list_rubrics(session, actor, include_archived=archived)
    ]


@router.post("/rubrics", response_model=RubricOut, status_code=201)
def create_rubric(body: RubricIn, actor: ActorDep, session: SessionDep) -> RubricOut:
    return rubric_out(rubrics.create_rubric(session, actor, rubric_input(body)))


@router.get("/rubrics/{rubric_id}", response_model=RubricOut)
def get_rubric(rubric_id: PathId, actor: ActorDep, session: SessionDep) -> RubricOut:
    return rubric_out(rubrics.get_rubric(session, actor, rubric_id))


@router.put("/rubrics/{rubric_id}", response_model=RubricOut)
def update_rubric(rubric_id: PathId, body: RubricIn, actor: ActorDep, session: SessionDep) -> RubricOut:
    """Replace the rubric (criteria with an ``id`` are kept in place). A rubric already used for feedback
    is refused with 409: ``POST /api/rubrics/{rubric_id}/copy`` makes an editable copy."""
    return rubric_out(rubrics.update_rubric(session, actor, rubric_id, rubric_input(body)))


@router.post("/rubrics/{rubric_id}/copy", response_model=RubricOut, status_code=201)
def copy_rubric(rubric_id: PathId, actor: ActorDep, session: SessionDep) -> RubricOut:
    return rubric_out(rubrics.copy_rubric(session, actor, rubric_id))


@router.post("/rubrics/{rubric_id}/archive", response_model=RubricOut)
def archive_rubric(rubric_id: PathId, actor: ActorDep, session: SessionDep) -> RubricOut:
    return rubric_out(rubrics.archive_rubric(session, actor, rubric_id))
