"""Flexible groups: the suggestion from learner state, saved groups and their edits (docs/groups.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from atpace.services import groups, limits
from atpace.web.api.schemas import Request
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text

router = APIRouter(tags=["groups"])

SKILLS_QUERY_MAX = 4_000  # comma-separated skill keys


class ActivityOut(BaseModel):
    text: str
    strategy_id: int | None
    strategy_title: str | None


class SuggestedGroupOut(BaseModel):
    name: str
    kind: Literal["ready", "needs", "extend"]
    skill_key: str
    skill_name: str
    student_ids: list[int]
    student_names: list[str]
    mean_mastery: float
    activity: ActivityOut


class SkillRef(BaseModel):
    key: str
    name: str


class SuggestionOut(BaseModel):
    class_id: int
    focus: list[SkillRef]
    focus_chosen_by: Literal["teacher", "atpace"]
    k: int
    k_chosen_by: Literal["teacher", "atpace"]
    k_reason: str
    threshold: float
    spread: float
    groups: list[SuggestedGroupOut]


class MemberOut(BaseModel):
    student_id: int
    name: str
    mastery_then: float | None
    mastery_now: float
    mastered_since: bool


class GroupOut(BaseModel):
    id: int
    class_id: int
    name: str
    kind: str
    skill_key: str | None
    skill_name: str | None
    focus: list[SkillRef]
    activity: str
    strategy_id: int | None
    strategy_title: str | None
    created_at: datetime
    created_label: str
    dissolved_at: datetime | None
    members: list[MemberOut]
    notes: list[str]


class GroupIn(Request):
    name: str = Field(min_length=1, max_length=limits.TITLE_MAX)
    kind: Literal["ready", "needs", "extend", "custom"] = "custom"
    skill_key: str | None = Field(default=None, max_length=limits.KEY_MAX)
    student_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=500)
    activity: str = Field(default="", max_length=limits.TEXT_MAX)
    strategy_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class SaveGroupsIn(Request):
    focus: list[Annotated[str, Field(max_length=limits.KEY_MAX)]] | None = Field(default=None, max_length=200)
    groups: list[GroupIn] = Field(min_length=1, max_length=groups.MAX_GROUPS)


class GroupPatch(Request):
    name: str | None = Field(default=None, min_length=1, max_length=limits.TITLE_MAX)
    activity: str | None = Field(default=None, max_length=limits.TEXT_MAX)


def suggestion_out(s: groups.GroupSuggestion) -> SuggestionOut:
    return SuggestionOut(
        class_id=s.class_id,
        focus=[SkillRef(key=k, name=n) for k, n in s.focus],
        focus_chosen_by=s.focus_by,
        k=s.k,
        k_chosen_by=s.k_chosen_by,
        k_reason=s.k_reason,
        threshold=s.threshold,
        spread=s.spread,
        groups=[
            SuggestedGroupOut(
                name=g.name,
                kind=g.kind,
                skill_key=g.skill_key,
                skill_name=g.skill_name,
                student_ids=g.student_ids,
                student_names=g.student_names,
                mean_mastery=g.mean_mastery,
                activity=ActivityOut(
                    text=g.activity.text,
                    strategy_id=g.activity.strategy_id,
                    strategy_title=g.activity.strategy_title,
                ),
            )
            for g in s.groups
        ],
    )


def group_out(g: groups.SavedGroup) -> GroupOut:
    return GroupOut(
        id=g.id,
        class_id=g.class_id,
        name=g.name,
        kind=g.kind,
        skill_key=g.skill_key,
        skill_name=g.skill_name,
        focus=[SkillRef(key=k, name=n) for k, n in g.focus],
        activity=g.activity,
        strategy_id=g.strategy_id,
        strategy_title=g.strategy_title,
        created_at=g.created_at,
        created_label=g.created_label,
        dissolved_at=g.dissolved_at,
        members=[
            MemberOut(
                student_id=m.student_id,
                name=m.name,
                mastery_then=m.p_then,
                mastery_now=m.p_now,
                mastered_since=m.mastered_since,
            )
            for m in g.members
        ],
        notes=g.notes,
    )


def split_skills(skills: str | None) -> list[str] | None:
    """``a,b`` -> ["a", "b"]; empty -> None (atpace chooses the focus)."""
    keys = [key.strip() for key in (skills or "").split(",") if key.strip()]
    return keys or None


@router.get("/classes/{class_id}/groups/suggestion", response_model=SuggestionOut)
def get_suggestion(
    class_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    skills: Annotated[
        str | None, Query(max_length=SKILLS_QUERY_MAX, description="focus skill keys, a,b"), Text
    ] = None,
    k: Annotated[int | None, Query(description="number of groups; leave out to let atpace choose")] = None,
) -> SuggestionOut:
    """Groups of the class's students with shared needs on the focus skills (default: what the class is
    working on now), named by need, with a suggested activity each."""
    return suggestion_out(groups.suggest_groups(session, actor, class_id, split_skills(skills), k))


@router.post("/classes/{class_id}/groups", response_model=list[GroupOut], status_code=201)
def save(class_id: PathId, body: SaveGroupsIn, actor: ActorDep, session: SessionDep) -> list[GroupOut]:
    """Save groups (usually a suggestion, edited), dated now; each member's mastery is kept as a baseline."""
    drafts = [
        groups.GroupDraft(
            name=g.name,
            student_ids=g.student_ids,
            kind=g.kind,
            skill_key=g.skill_key,
            activity=g.activity,
            strategy_id=g.strategy_id,
        )
        for g in body.groups
    ]
    return [group_out(g) for g in groups.save_groups(session, actor, class_id, drafts, focus=body.focus)]


@router.get("/classes/{class_id}/groups", response_model=list[GroupOut])
def list_groups(
    class_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    include_dissolved: Annotated[bool, Query()] = False,
) -> list[GroupOut]:
    """The class's saved groups, newest first, with notes on what the data has done since."""
    return [group_out(g) for g in groups.class_groups(session, actor, class_id, include_dissolved)]


@router.patch("/groups/{group_id}", response_model=GroupOut)
def patch_group(group_id: PathId, body: GroupPatch, actor: ActorDep, session: SessionDep) -> GroupOut:
    """Rename the group or change its activity."""
    return group_out(groups.update_group(session, actor, group_id, name=body.name, activity=body.activity))


@router.put("/groups/{group_id}/members/{student_id}", response_model=GroupOut)
def put_member(group_id: PathId, student_id: PathId, actor: ActorDep, session: SessionDep) -> GroupOut:
    """Put a student of the class into this group (out of the groups saved with it)."""
    return group_out(groups.move_member(session, actor, group_id, student_id))


@router.delete("/groups/{group_id}/members/{student_id}", status_code=204)
def delete_member(group_id: PathId, student_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    """Take a student out of this group."""
    groups.remove_member(session, actor, group_id, student_id)
    return Response(status_code=204)


@router.post("/groups/{group_id}/dissolve", response_model=GroupOut)
def dissolve(group_id: PathId, actor: ActorDep, session: SessionDep) -> GroupOut:
    """Dissolve the group: it is kept, dated, and no longer listed as current."""
    return group_out(groups.dissolve_group(session, actor, group_id))
