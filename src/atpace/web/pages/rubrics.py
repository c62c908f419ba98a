"""Rubric pages: the school's list, a new rubric, one rubric (view, edit, copy, archive).

The form is a plain HTML form with numbered rows (``c0_title``, ``c0_l1_points``...): blank rows are left
out, "Add a criterion" / "Add a level" buttons send the form back with one more blank row (nothing is
saved), and a checkbox removes a criterion. It works without JavaScript and from the keyboard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import Conflict, InvalidInput
from atpace.services import limits, rubrics
from atpace.services.access import require_staff
from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId, Text
from atpace.web.pages.common import render
from atpace.web.pages.forms import FORM_ERRORS, FormError, form_error

router = APIRouter()

DONE = {
    "created": "Rubric created.", "saved": "Changes saved.", "copied": "This is your copy: edit it freely.",
    "archived": "Rubric archived: it no longer appears in the list or for new assignments.",
}  # fmt: skip
Done = Annotated[str | None, Query(max_length=16), Text]
NEW_CRITERIA, BLANK_LEVELS = 3, 4  # rows of a new rubric's form
FORM_FIELDS_MAX = 2000


@dataclass
class LevelDraft:
    title: str = ""
    description: str = ""
    points: str = ""

    def blank(self) -> bool:
        return not (self.title.strip() or self.description.strip() or self.points.strip())


@dataclass
class CriterionDraft:
    id: str = ""
    title: str = ""
    description: str = ""
    skill_id: str = ""
    remove: bool = False
    levels: list[LevelDraft] = field(default_factory=list)

    def blank(self) -> bool:
        return not (self.title.strip() or self.description.strip()) and all(lv.blank() for lv in self.levels)


@dataclass
class RubricDraft:
    title: str = ""
    description: str = ""
    criteria: list[CriterionDraft] = field(default_factory=list)


def blank_draft() -> RubricDraft:
    return RubricDraft(
        criteria=[
            CriterionDraft(levels=[LevelDraft() for _ in range(BLANK_LEVELS)]) for _ in range(NEW_CRITERIA)
        ]
    )


def draft_of(view: rubrics.RubricView) -> RubricDraft:
    """The edit form of a stored rubric, with a blank level row per criterion and a blank criterion."""
    criteria = [
        CriterionDraft(
            str(c.id),
            c.title,
            c.description,
            str(c.skill_id or ""),
            False,
            [LevelDraft(lv.title, lv.description, f"{lv.points:g}") for lv in c.levels] + [LevelDraft()],
        )
        for c in view.criteria
    ]
    criteria.append(CriterionDraft(levels=[LevelDraft() for _ in range(BLANK_LEVELS)]))
    return RubricDraft(view.title, view.description, criteria)


async def rubric_form(request: Request) -> dict[str, str]:
    """The posted fields (the form's names are numbered, so they are read here rather than declared)."""
    async with request.form(max_files=0, max_fields=FORM_FIELDS_MAX) as form:
        return {key: value for key, value in form.items() if isinstance(value, str)}


FormDep = Annotated[dict[str, str], Depends(rubric_form)]
ROW = re.compile(r"^c(\d+)_")
LEVEL_ROW = re.compile(r"^c(\d+)_l(\d+)_")


def parse_draft(form: dict[str, str]) -> RubricDraft:
    def text(key: str, maximum: int) -> str:
        value = form.get(key, "")
        if len(value) > maximum:
            raise InvalidInput(key, f"too long ({maximum} characters at most)")
        if "\x00" in value:
            raise InvalidInput(key, "must not contain NUL characters")
        return value

    rows = sorted({int(m.group(1)) for key in form if (m := ROW.match(key))})[: rubrics.CRITERIA_MAX + 5]
    criteria = []
    for i in rows:
        level_rows = sorted(
            {int(m.group(2)) for key in form if (m := LEVEL_ROW.match(key)) and int(m.group(1)) == i}
        )
        criteria.append(
            CriterionDraft(
                text(f"c{i}_id", 24),
                text(f"c{i}_title", limits.TITLE_MAX),
                text(f"c{i}_description", limits.TEXT_MAX),
                text(f"c{i}_skill", 24),
                f"c{i}_remove" in form,
                [
                    LevelDraft(
                        text(f"c{i}_l{j}_title", limits.TITLE_MAX),
                        text(f"c{i}_l{j}_description", limits.COMMENT_MAX),
                        text(f"c{i}_l{j}_points", 24),
                    )
                    for j in level_rows[: rubrics.LEVELS_MAX + 5]
                ],
            )
        )
    return RubricDraft(text("title", limits.TITLE_MAX), text("description", limits.TEXT_MAX), criteria)


def _int(value: str, where: str, what: str) -> int | None:
    if not value.strip():
        return None
    try:
        number = int(value)
    except ValueError:
        raise InvalidInput(where, f"{what} is not a number") from None
    if not 1 <= number <= limits.MAX_ID:
        raise InvalidInput(where, f"{what} is out of range")
    return number


def rubric_input(draft: RubricDraft) -> tuple[rubrics.RubricInput, list[tuple[int, list[int]]]]:
    """What the service checks, and for each kept criterion its form row and its kept level rows (to put an
    error next to the right field)."""
    criteria: list[rubrics.CriterionInput] = []
    rows: list[tuple[int, list[int]]] = []
    for i, c in enumerate(draft.criteria):
        if c.remove or c.blank():
            continue
        levels: list[rubrics.LevelInput] = []
        kept: list[int] = []
        for j, lv in enumerate(c.levels):
            if lv.blank():
                continue
            if lv.points.strip():
                try:
                    points = float(lv.points)
                except ValueError:
                    raise InvalidInput(
                        f"c{i}_l{j}_points", f"points of “{lv.title}” must be a number"
                    ) from None
            else:
                points = float(len(levels))  # blank: the level's number, counting from 0
            levels.append(rubrics.LevelInput(lv.title, lv.description, points))
            kept.append(j)
        criteria.append(
            rubrics.CriterionInput(
                title=c.title,
                description=c.description,
                levels=levels,
                skill_id=_int(c.skill_id, f"c{i}_skill", "the skill"),
                id=_int(c.id, f"c{i}_id", "the criterion"),
            )
        )
        rows.append((i, kept))
    return rubrics.RubricInput(draft.title, criteria, draft.description), rows


def form_field(field_name: str | None, rows: list[tuple[int, list[int]]]) -> str | None:
    """The form's input name for a service's field path ("criteria.1.levels.0.title" -> "c2_l0_title")."""
    if not field_name or not field_name.startswith("criteria."):
        return field_name
    parts = field_name.split(".")
    try:
        row, level_rows = rows[int(parts[1])]
    except (IndexError, ValueError):
        return "criteria"
    if len(parts) >= 5 and parts[2] == "levels":
        try:
            return f"c{row}_l{level_rows[int(parts[3])]}_{parts[4]}"
        except (IndexError, ValueError):
            return f"c{row}_levels"
    rest = parts[2] if len(parts) > 2 else "title"
    return f"c{row}_{'skill' if rest in ('skill_id', 'skill_key') else rest}"


def with_more(draft: RubricDraft, more: str) -> RubricDraft:
    """The draft with the blank row asked for ("criterion", or "level-<row>")."""
    if more == "criterion" and len(draft.criteria) < rubrics.CRITERIA_MAX + 5:
        draft.criteria.append(CriterionDraft(levels=[LevelDraft() for _ in range(BLANK_LEVELS)]))
    elif more.startswith("level-") and more[6:].isdigit():
        index = int(more[6:])
        if index < len(draft.criteria) and len(draft.criteria[index].levels) < rubrics.LEVELS_MAX + 5:
            draft.criteria[index].levels.append(LevelDraft())
    return draft


def _see(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


# The list


@router.get("/rubrics")
def rubrics_page(request: Request, actor: ActorDep, session: SessionDep, archived: bool = False) -> Response:
    return render(
        request, "rubrics.html", actor, rubrics=rubrics.list_rubrics(session, actor, include_archived=archived),
        archived=archived,
    )  # fmt: skip


# A new rubric


def _new_page(
    request: Request, actor: Actor, session: Session, draft: RubricDraft, error: FormError | None = None
) -> Response:
    return render(
        request, "rubric_new.html", actor, status_code=error.status if error else 200, draft=draft,
        courses=rubrics.skill_choices(session, actor), form_error=error, action="/rubrics",
    )  # fmt: skip


@router.get("/rubrics/new")
def new_rubric_page(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    require_staff(actor)
    return _new_page(request, actor, session, blank_draft())


@router.post("/rubrics")
def create_rubric(request: Request, actor: ActorDep, session: SessionDep, form: FormDep) -> Response:
    require_staff(actor)
    rows: list[tuple[int, list[int]]] = []
    try:
        draft = parse_draft(form)
        if form.get("more"):
            return _new_page(request, actor, session, with_more(draft, form["more"]))
        data, rows = rubric_input(draft)
        created = rubrics.create_rubric(session, actor, data)
    except FORM_ERRORS as error:
        return _new_page(request, actor, session, _kept(form), _error(error, rows))
    return _see(f"/rubrics/{created.id}?done=created")


def _kept(form: dict[str, str]) -> RubricDraft:
    try:
        return parse_draft(form)
    except InvalidInput:
        return blank_draft()


def _error(error: Exception, rows: list[tuple[int, list[int]]]) -> FormError:
    assert isinstance(error, FORM_ERRORS)
    failed = form_error("rubric", error)
    return FormError(failed.form, failed.message, form_field(failed.field, rows), {}, failed.status)


# One rubric


def _rubric_page(
    request: Request,
    actor: Actor,
    session: Session,
    rubric_id: int,
    *,
    draft: RubricDraft | None = None,
    notice: str | None = None,
    error: FormError | None = None,
) -> Response:
    view = rubrics.get_rubric(session, actor, rubric_id)
    return render(
        request, "rubric.html", actor, status_code=error.status if error else 200, rubric=view,
        draft=draft or draft_of(view), courses=rubrics.skill_choices(session, actor), notice=notice,
        form_error=error, action=f"/rubrics/{view.id}", editable=not (view.used or view.archived),
    )  # fmt: skip


@router.get("/rubrics/{rubric_id}")
def rubric_page(
    request: Request, rubric_id: PathId, actor: ActorDep, session: SessionDep, done: Done = None
) -> Response:
    return _rubric_page(request, actor, session, rubric_id, notice=DONE.get(done or ""))


@router.post("/rubrics/{rubric_id}")
def update_rubric(
    request: Request, rubric_id: PathId, actor: ActorDep, session: SessionDep, form: FormDep
) -> Response:
    rubrics.get_rubric(session, actor, rubric_id)  # 404 / 403 before reading the form's contents
    rows: list[tuple[int, list[int]]] = []
    try:
        draft = parse_draft(form)
        if form.get("more"):
            return _rubric_page(request, actor, session, rubric_id, draft=with_more(draft, form["more"]))
        data, rows = rubric_input(draft)
        rubrics.update_rubric(session, actor, rubric_id, data)
    except FORM_ERRORS as error:
        failed = _error(error, rows)
        if isinstance(error, Conflict):
            failed = FormError("rubric", error.message, None, {}, 409)
        return _rubric_page(request, actor, session, rubric_id, draft=_kept(form), error=failed)
    return _see(f"/rubrics/{rubric_id}?done=saved")


@router.post("/rubrics/{rubric_id}/copy")
def copy_rubric(rubric_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    copy = rubrics.copy_rubric(session, actor, rubric_id)
    return _see(f"/rubrics/{copy.id}?done=copied")


@router.post("/rubrics/{rubric_id}/archive")
def archive_rubric(rubric_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    rubrics.archive_rubric(session, actor, rubric_id)
    return _see(f"/rubrics/{rubric_id}?done=archived")
