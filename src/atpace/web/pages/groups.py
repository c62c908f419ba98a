"""The class's groups page: suggested groups from data, edited and saved; saved groups and their edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import Conflict, InvalidInput
from atpace.services import groups, limits
from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text
from atpace.web.pages.common import render

router = APIRouter()

SKILLS_QUERY_MAX = 4_000
NOTICES = {
    "saved": "Groups saved.",
    "edited": "Group saved.",
    "moved": "Student moved.",
    "removed": "Student taken out of the group.",
    "dissolved": "Group dissolved.",
}


@dataclass(frozen=True)
class FormError:
    """A refused form, shown next to it with what the teacher typed."""

    form: str  # "suggest", "save" or "group-<id>"
    message: str
    field: str = ""
    values: dict[str, str] = dc_field(default_factory=dict)


def _keys(skills: str | None, chosen: list[str]) -> list[str]:
    keys = [key.strip() for key in (skills or "").split(",") if key.strip()]
    keys += [key.strip() for key in chosen if key.strip()]
    return list(dict.fromkeys(keys))


def _page(
    request: Request,
    actor: Actor,
    session: Session,
    class_id: int,
    *,
    skills: list[str],
    unit: str = "",
    k: str = "",
    notice: str | None = None,
    form_error: FormError | None = None,
    draft: dict[str, str] | None = None,
    show_dissolved: bool = False,
) -> Response:
    choices = groups.skill_choices(session, actor, class_id)
    suggestion = None
    error = form_error
    try:
        focus = groups.unit_focus(choices, unit) if unit else skills
        count = _k(k)
        suggestion = groups.suggest_groups(session, actor, class_id, focus or None, count)
    except InvalidInput as refused:
        error = error or FormError("suggest", refused.message, refused.field)
    saved = groups.class_groups(session, actor, class_id, include_dissolved=show_dissolved)
    chosen = set(suggestion.focus_keys if suggestion else skills)
    status = 422 if error else 200
    return render(
        request, "groups.html", actor, status_code=status, class_id=class_id, choices=choices,
        chosen=chosen, unit=unit, k=k, suggestion=suggestion, saved=saved, notice=notice,
        form_error=error, max_groups=groups.MAX_GROUPS, draft=draft or {}, show_dissolved=show_dissolved,
        students=suggestion.students if suggestion else [],
    )  # fmt: skip


def _k(k: str) -> int | None:
    if not k.strip() or k == "auto":
        return None
    try:
        return int(k)
    except ValueError:
        raise InvalidInput("k", "the number of groups is a whole number, or let atpace choose") from None


@router.get("/classes/{class_id}/groups")
def groups_page(
    request: Request,
    class_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    skills: Annotated[str | None, Query(max_length=SKILLS_QUERY_MAX), Text] = None,
    skill: Annotated[list[str] | None, Query(max_length=200)] = None,
    unit: Annotated[str, Query(max_length=limits.KEY_MAX), Text] = "",
    k: Annotated[str, Query(max_length=8), Text] = "",
    done: Annotated[str, Query(max_length=16), Text] = "",
    dissolved: bool = False,
) -> Response:
    return _page(
        request, actor, session, class_id, skills=_keys(skills, skill or []), unit=unit, k=k,
        notice=NOTICES.get(done), show_dissolved=dissolved,
    )  # fmt: skip


@router.post("/classes/{class_id}/groups")
def save_form(
    request: Request,
    class_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    focus: Annotated[str, Form(max_length=SKILLS_QUERY_MAX), Text] = "",
    name: Annotated[list[str] | None, Form()] = None,
    activity: Annotated[list[str] | None, Form()] = None,
    kind: Annotated[list[str] | None, Form()] = None,
    skill: Annotated[list[str] | None, Form()] = None,
    strategy: Annotated[list[str] | None, Form()] = None,
    member: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Save the edited suggestion: group i gets name[i], activity[i]...; ``member`` holds "student:i"."""
    names, activities, kinds = name or [], activity or [], kind or []
    skill_keys, strategies = skill or [], strategy or []
    focus_keys = _keys(focus, [])
    try:
        drafts = _drafts(names, activities, kinds, skill_keys, strategies, member or [])
        groups.save_groups(session, actor, class_id, drafts, focus=focus_keys or None)
    except InvalidInput as refused:
        values = {f"name-{i}": n for i, n in enumerate(names)} | {
            f"activity-{i}": a for i, a in enumerate(activities)
        }
        failed = FormError("save", refused.message, refused.field, values)
        return _page(request, actor, session, class_id, skills=focus_keys, form_error=failed, draft=values)
    return RedirectResponse(f"/classes/{class_id}/groups?done=saved#saved", status_code=303)


def _drafts(
    names: list[str],
    activities: list[str],
    kinds: list[str],
    skills: list[str],
    strategies: list[str],
    members: list[str],
) -> list[groups.GroupDraft]:
    count = len(names)
    if not count or count > groups.MAX_GROUPS:
        raise InvalidInput("name", f"save 1 to {groups.MAX_GROUPS} groups")
    if any(len(column) != count for column in (activities, kinds, skills, strategies)):
        raise InvalidInput("name", "the form was incomplete: reload the page and try again")
    placed: dict[int, list[int]] = {i: [] for i in range(count)}
    for entry in members[:2000]:
        student, _, index = entry.partition(":")
        if not index:
            continue  # "no group"
        if not (student.isdigit() and index.isdigit()) or int(index) >= count or int(student) > MAX_ID:
            raise InvalidInput("member", "choose a group for each student from the list")
        placed[int(index)].append(int(student))
    drafts = []
    for i in range(count):
        if not placed[i]:
            continue  # a group the teacher emptied is not saved
        if len(names[i]) > limits.TITLE_MAX or len(activities[i]) > limits.TEXT_MAX:
            raise InvalidInput("name", f"a name is at most {limits.TITLE_MAX} characters")
        strategy = strategies[i].strip()
        drafts.append(
            groups.GroupDraft(
                name=names[i].replace("\x00", ""),
                student_ids=placed[i],
                kind=kinds[i] or "custom",
                skill_key=skills[i] or None,
                activity=activities[i].replace("\x00", ""),
                strategy_id=int(strategy) if strategy.isdigit() and int(strategy) <= MAX_ID else None,
            )
        )
    if not drafts:
        raise InvalidInput("member", "put at least one student in a group")
    return drafts


def _group_action(
    request: Request,
    actor: Actor,
    session: Session,
    class_id: int,
    group_id: int,
    done: str,
    action: Callable[[], object],
) -> Response:
    groups.get_group(session, actor, group_id, class_id)  # 404 for a group of another class
    try:
        action()
    except (InvalidInput, Conflict) as refused:
        failed = FormError(f"group-{group_id}", refused.message, refused.field or "")
        return _page(request, actor, session, class_id, skills=[], form_error=failed)
    return RedirectResponse(f"/classes/{class_id}/groups?done={done}#group-{group_id}", status_code=303)


@router.post("/classes/{class_id}/groups/{group_id}/edit")
def edit_form(
    request: Request,
    class_id: PathId,
    group_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    name: Annotated[str, Form(max_length=limits.TITLE_MAX), Text] = "",
    activity: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
) -> Response:
    return _group_action(
        request, actor, session, class_id, group_id, "edited",
        lambda: groups.update_group(session, actor, group_id, name=name, activity=activity),
    )  # fmt: skip


@router.post("/classes/{class_id}/groups/{group_id}/members")
def move_form(
    request: Request,
    class_id: PathId,
    group_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    student_id: Annotated[int, Form(ge=1, le=MAX_ID)],
) -> Response:
    return _group_action(
        request, actor, session, class_id, group_id, "moved",
        lambda: groups.move_member(session, actor, group_id, student_id),
    )  # fmt: skip


@router.post("/classes/{class_id}/groups/{group_id}/members/{student_id}/remove")
def remove_form(
    request: Request,
    class_id: PathId,
    group_id: PathId,
    student_id: PathId,
    actor: ActorDep,
    session: SessionDep,
) -> Response:
    return _group_action(
        request, actor, session, class_id, group_id, "removed",
        lambda: groups.remove_member(session, actor, group_id, student_id),
    )  # fmt: skip


@router.post("/classes/{class_id}/groups/{group_id}/dissolve")
def dissolve_form(
    request: Request, class_id: PathId, group_id: PathId, actor: ActorDep, session: SessionDep
) -> Response:
    return _group_action(
        request, actor, session, class_id, group_id, "dissolved",
        lambda: groups.dissolve_group(session, actor, group_id),
    )  # fmt: skip
