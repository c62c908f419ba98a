"""Several pathways to a skill as JSON: a skill's playlist of learning resources (editors: add, edit,
remove, order, with each resource's use and effect figure) and a student's choice of one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from atpace.services import limits, pathways
from atpace.web.api.schemas import Request
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId

router = APIRouter(tags=["pathways"])

SkillKey = Annotated[str, Path(min_length=1, max_length=limits.KEY_MAX)]


class ResourceRequest(Request):
    kind: str = Field(
        max_length=24, description="worked_example, reading, video, interactive or peer_explanation"
    )
    title: str = Field(max_length=pathways.TITLE_MAX)
    url: str = Field(
        default="", max_length=pathways.URL_MAX, description="http or https; needed for video, interactive"
    )
    body: str = Field(
        default="", max_length=pathways.BODY_MAX, description="the text (or a note beside the link)"
    )

    def data(self) -> pathways.ResourceInput:
        return pathways.ResourceInput(self.kind, self.title, self.url, self.body)


class OrderRequest(Request):
    resource_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(max_length=pathways.PLAYLIST_MAX)


class ResourceOut(BaseModel):
    id: int
    course_id: int
    skill_key: str
    kind: str
    kind_label: str
    title: str
    url: str
    body: str
    position: int


class GroupOut(BaseModel):
    students: int
    mean_gain: float | None


class FigureOut(BaseModel):
    resource_id: int
    users: int = Field(description="students who used it")
    uses: int = Field(description="times it was opened")
    used: GroupOut = Field(description="students measurable over the next answers after using it")
    others: GroupOut = Field(description="students of the course who did not use it, same window")
    difference: float | None = Field(description="None: too few to tell")
    enough: bool
    text: str


class PlaylistOut(BaseModel):
    course_id: int
    skill_key: str
    skill_name: str
    resources: list[ResourceOut]
    figures: list[FigureOut] = Field(description="for the course's editors; empty for students")
    next_attempts: int
    minimum: int


def resource_out(view: pathways.ResourceView) -> ResourceOut:
    return ResourceOut(
        id=view.id, course_id=view.course_id, skill_key=view.skill_key, kind=view.kind,
        kind_label=view.kind_label, title=view.title, url=view.url, body=view.body, position=view.position,
    )  # fmt: skip


def playlist_out(view: pathways.Playlist) -> PlaylistOut:
    return PlaylistOut(
        course_id=view.course_id, skill_key=view.skill_key, skill_name=view.skill_name,
        resources=[resource_out(r) for r in view.resources],
        figures=[
            FigureOut(
                resource_id=f.resource.id, users=f.users, uses=f.uses,
                used=GroupOut(students=f.effect.used.students, mean_gain=f.effect.used.mean_gain),
                others=GroupOut(students=f.effect.others.students, mean_gain=f.effect.others.mean_gain),
                difference=f.effect.difference, enough=f.effect.enough, text=f.effect.text,
            )
            for f in view.figures
        ],
        next_attempts=view.next_attempts, minimum=view.minimum,
    )  # fmt: skip


@router.get("/courses/{course_id}/skills/{skill_key}/resources")
def get_playlist(course_id: PathId, skill_key: SkillKey, actor: ActorDep, session: SessionDep) -> PlaylistOut:
    """The skill's playlist with each resource's use and effect figure (the course's editors)."""
    return playlist_out(pathways.playlist(session, actor, course_id, skill_key))


@router.post("/courses/{course_id}/skills/{skill_key}/resources", status_code=201)
def add_resource(
    course_id: PathId, skill_key: SkillKey, body: ResourceRequest, actor: ActorDep, session: SessionDep
) -> ResourceOut:
    return resource_out(pathways.add_resource(session, actor, course_id, skill_key, body.data()))


@router.put("/courses/{course_id}/skills/{skill_key}/resources/order")
def order_playlist(
    course_id: PathId, skill_key: SkillKey, body: OrderRequest, actor: ActorDep, session: SessionDep
) -> PlaylistOut:
    """Put the playlist in this order (every resource of the skill, each once)."""
    return playlist_out(pathways.reorder(session, actor, course_id, skill_key, body.resource_ids))


@router.put("/resources/{resource_id}")
def edit_resource(
    resource_id: PathId, body: ResourceRequest, actor: ActorDep, session: SessionDep
) -> ResourceOut:
    return resource_out(pathways.update_resource(session, actor, resource_id, body.data()))


@router.delete("/resources/{resource_id}", status_code=204)
def remove_resource(resource_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    pathways.delete_resource(session, actor, resource_id)
    return Response(status_code=204)


@router.get("/pathways/{skill_key}")
def student_playlist(skill_key: SkillKey, actor: ActorDep, session: SessionDep) -> PlaylistOut:
    """The playlist of a skill of the student's course, to choose from."""
    return playlist_out(pathways.student_playlist(session, actor, skill_key))


@router.post("/resources/{resource_id}/uses", status_code=201)
def use_resource(resource_id: PathId, actor: ActorDep, session: SessionDep) -> ResourceOut:
    """Record that the student chose this resource (and when); returns it to show."""
    return resource_out(pathways.use_resource(session, actor, resource_id))
