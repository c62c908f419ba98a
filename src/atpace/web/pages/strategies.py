"""The strategy library pages: search the school's strategies, read one with its measured uses, add and edit
strategies, comment, log a use, attach materials. The JSON API (web/api/strategies.py) calls the same
service functions."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from atpace.errors import InvalidInput
from atpace.services import limits, strategies
from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.web.api.strategies import download_response
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text
from atpace.web.pages.common import render

router = APIRouter()

SAVED = {
    "created": "Strategy added to the library.",
    "saved": "Changes saved.",
    "comment": "Comment added.",
    "use": "Use logged.",
    "material": "Material attached.",
}


@dataclass(frozen=True)
class FormError:
    """A refused form, shown next to its fields with what the teacher typed."""

    form: str  # "strategy", "comment", "use" or "material"
    field: str | None
    message: str
    values: dict[str, str] = dataclasses.field(default_factory=dict)
    skill_ids: tuple[int, ...] = ()


@router.get("/strategies")
def strategy_list(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=strategies.SEARCH_MAX), Text] = "",
    skill: Annotated[str, Query(max_length=20), Text] = "",
    grade: Annotated[str, Query(max_length=strategies.GRADE_BAND_MAX), Text] = "",
    need: Annotated[str, Query(max_length=strategies.NEED_MAX), Text] = "",
) -> Response:
    skill_id = _optional_id(skill, "skill")
    try:
        found = strategies.search(session, actor, q, skill_id, grade, need)
        problem = None
    except InvalidInput as error:
        found, problem = [], error
    return render(
        request, "strategies.html", actor, status_code=422 if problem else 200, strategies=found,
        skills=strategies.skill_choices(session, actor), needs=strategies.needs_in_use(session, actor),
        q=q, skill=skill_id, grade=grade, need=need, problem=problem,
    )  # fmt: skip


@router.get("/strategies/new")
def new_strategy(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    return _form_page(request, actor, session, None, None)


@router.post("/strategies")
def create_strategy(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    title: Annotated[str, Form(max_length=limits.TITLE_MAX), Text] = "",
    description: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
    grade_band: Annotated[str, Form(max_length=strategies.GRADE_BAND_MAX), Text] = "",
    needs: Annotated[str, Form(max_length=strategies.NEEDS_MAX * (strategies.NEED_MAX + 2)), Text] = "",
    skill_ids: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    try:
        _check_ids(skill_ids)
        strategy_id = strategies.create(
            session, actor, title=title, description=description, grade_band=grade_band,
            needs=strategies.parse_needs(needs), skill_ids=skill_ids,
        )  # fmt: skip
    except InvalidInput as error:
        values = {"title": title, "description": description, "grade_band": grade_band, "needs": needs}
        failed = FormError("strategy", error.field, error.message, values, tuple(skill_ids))
        return _form_page(request, actor, session, None, failed)
    return RedirectResponse(f"/strategies/{strategy_id}?saved=created", status_code=303)


@router.get("/strategies/{strategy_id}")
def strategy_page(
    request: Request,
    strategy_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    saved: Annotated[str | None, Query(max_length=16), Text] = None,
) -> Response:
    return _detail_page(request, actor, session, strategy_id, notice=SAVED.get(saved or ""))


@router.get("/strategies/{strategy_id}/edit")
def edit_strategy(request: Request, strategy_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    return _form_page(request, actor, session, strategies.editable(session, actor, strategy_id), None)


@router.post("/strategies/{strategy_id}/edit")
def save_strategy(
    request: Request,
    strategy_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    title: Annotated[str, Form(max_length=limits.TITLE_MAX), Text] = "",
    description: Annotated[str, Form(max_length=limits.TEXT_MAX), Text] = "",
    grade_band: Annotated[str, Form(max_length=strategies.GRADE_BAND_MAX), Text] = "",
    needs: Annotated[str, Form(max_length=strategies.NEEDS_MAX * (strategies.NEED_MAX + 2)), Text] = "",
    skill_ids: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    current = strategies.editable(session, actor, strategy_id)  # 404 / 403 before anything else
    try:
        _check_ids(skill_ids)
        strategies.update(
            session, actor, strategy_id, title=title, description=description, grade_band=grade_band,
            needs=strategies.parse_needs(needs), skill_ids=skill_ids,
        )  # fmt: skip
    except InvalidInput as error:
        values = {"title": title, "description": description, "grade_band": grade_band, "needs": needs}
        failed = FormError("strategy", error.field, error.message, values, tuple(skill_ids))
        return _form_page(request, actor, session, current, failed)
    return RedirectResponse(f"/strategies/{strategy_id}?saved=saved", status_code=303)


@router.post("/strategies/{strategy_id}/comments")
def comment(
    request: Request,
    strategy_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    body: Annotated[str, Form(max_length=limits.COMMENT_MAX), Text] = "",
) -> Response:
    try:
        strategies.add_comment(session, actor, strategy_id, body)
    except InvalidInput as error:
        failed = FormError("comment", error.field, error.message, {"body": body})
        return _detail_page(request, actor, session, strategy_id, form_error=failed)
    return RedirectResponse(f"/strategies/{strategy_id}?saved=comment#comments", status_code=303)


@router.post("/strategies/{strategy_id}/uses")
def log_use(
    request: Request,
    strategy_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    target: Annotated[str, Form(max_length=40), Text] = "",
    used_on: Annotated[str, Form(max_length=10), Text] = "",
    note: Annotated[str, Form(max_length=strategies.NOTE_MAX), Text] = "",
) -> Response:
    try:
        day = _date(used_on)
        class_id, group_id = _target(target)
        strategies.log_use(
            session, actor, strategy_id, used_on=day, class_id=class_id, group_id=group_id, note=note
        )
    except InvalidInput as error:
        failed = FormError(
            "use", error.field, error.message, {"target": target, "used_on": used_on, "note": note}
        )
        return _detail_page(request, actor, session, strategy_id, form_error=failed)
    return RedirectResponse(f"/strategies/{strategy_id}?saved=use#uses", status_code=303)


@router.post("/strategies/{strategy_id}/materials")
def add_material(
    request: Request,
    strategy_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    title: Annotated[str, Form(max_length=limits.TITLE_MAX), Text] = "",
    url: Annotated[str, Form(max_length=limits.URL_MAX), Text] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    try:
        if file is not None and file.filename:
            data = file.file.read(limits.UPLOAD_MAX_BYTES + 1)
            strategies.add_file(
                session, actor, strategy_id, title=title, filename=file.filename, data=data,
                store=request.app.state.files,
            )  # fmt: skip
        else:
            strategies.add_link(session, actor, strategy_id, title=title, url=url)
    except InvalidInput as error:
        failed = FormError("material", error.field, error.message, {"title": title, "url": url})
        return _detail_page(request, actor, session, strategy_id, form_error=failed)
    return RedirectResponse(f"/strategies/{strategy_id}?saved=material#materials", status_code=303)


@router.get("/strategies/{strategy_id}/materials/{material_id}/file")
def material_file(
    request: Request, strategy_id: PathId, material_id: PathId, actor: ActorDep, session: SessionDep
) -> Response:
    return download_response(
        strategies.material_file(session, actor, strategy_id, material_id, request.app.state.files)
    )


# --- Helpers --------------------------------------------------------------------------------------------


def _detail_page(
    request: Request,
    actor: Actor,
    session: Session,
    strategy_id: int,
    *,
    notice: str | None = None,
    form_error: FormError | None = None,
) -> Response:
    view = strategies.detail(session, actor, strategy_id)
    return render(
        request, "strategy.html", actor, status_code=422 if form_error else 200, strategy=view,
        targets=strategies.use_targets(session, actor), today=strategies.today().isoformat(),
        notice=notice, form_error=form_error,
    )  # fmt: skip


def _form_page(
    request: Request,
    actor: Actor,
    session: Session,
    current: strategies.StrategyDetail | None,
    form_error: FormError | None,
) -> Response:
    if current is not None and form_error is None:
        s = current.summary
        values = {
            "title": s.title, "description": current.description, "grade_band": s.grade_band,
            "needs": ", ".join(s.needs),
        }  # fmt: skip
        chosen: tuple[int, ...] = tuple(k.id for k in s.skills)
    elif form_error is not None:
        values, chosen = form_error.values, form_error.skill_ids
    else:
        values, chosen = {}, ()
    return render(
        request, "strategy_form.html", actor, status_code=422 if form_error else 200, current=current,
        skills=strategies.skill_choices(session, actor), values=values, chosen=set(chosen),
        form_error=form_error,
    )  # fmt: skip


def _optional_id(text: str, field_name: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise InvalidInput(field_name, "choose one from the list")
    return int(text)


def _check_ids(ids: list[int]) -> None:
    if any(not 1 <= i <= MAX_ID for i in ids):
        raise InvalidInput("skill_ids", "choose skills from the list")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("used_on", "give the day you used it (YYYY-MM-DD)") from None


def _target(text: str) -> tuple[int | None, int | None]:
    """``group:<id>`` or ``class:<id>`` from the select of the use form."""
    kind, _, number = text.partition(":")
    if kind not in ("group", "class") or not number.isdigit() or not 1 <= int(number) <= MAX_ID:
        raise InvalidInput("target", "choose the group or class you used the strategy with")
    return (None, int(number)) if kind == "group" else (int(number), None)
