from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import Forbidden, InvalidInput
from atpace.services import interventions, limits, reports
from atpace.services.access import get_class_student
from atpace.services.auth import Actor
from atpace.services.database import Role, Session
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.heatmap_cells import heatmap_cells
from atpace.web.inputs import PathId, Text
from atpace.web.pages.common import render
from atpace.web.pages.student import skill_map_svg, skill_standards

router = APIRouter()


@router.get("/teach")
def teach(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    if actor.role == Role.STUDENT:
        raise Forbidden("this page is for teachers and administrators")
    return render(request, "teach.html", actor, classes=reports.classes_for(session, actor))


@router.get("/classes/{class_id}")
def class_page(
    request: Request,
    class_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    sort: Annotated[str, Query(max_length=limits.KEY_MAX), Text] = "name",
    desc: bool = False,
) -> Response:
    heatmap = reports.class_heatmap(session, actor, class_id, sort, desc)
    return render(request, "class.html", actor, heatmap=heatmap, heatmap_cells=heatmap_cells)


SAVED = {"mode": "Practice mode saved.", "decision": "Decision saved."}


@router.get("/classes/{class_id}/students/{student_id}")
def student_page(
    request: Request,
    class_id: PathId,
    student_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    saved: Annotated[str | None, Query(max_length=16), Text] = None,
) -> Response:
    return _student_page(request, actor, session, class_id, student_id, notice=SAVED.get(saved or ""))


def _student_page(
    request: Request,
    actor: Actor,
    session: Session,
    class_id: int,
    student_id: int,
    *,
    notice: str | None = None,
    form_error: FormError | None = None,
) -> Response:
    view = reports.student_in_class(session, actor, class_id, student_id)
    return render(
        request, "student.html", actor, status_code=422 if form_error else 200, classroom=view.classroom,
        progress=view.progress, attempts=view.attempts, evidence=view.evidence,
        skill_map=skill_map_svg(view.progress, None),
        mode=view.mode, notice=notice, form_error=form_error, skills=view.progress.skills.values(),
        skill_standards=skill_standards(session, view.progress),
    )  # fmt: skip


@dataclass(frozen=True)
class FormError:
    """A refused decision, shown next to its form with what the teacher typed."""

    form: str  # "mode" or "decision"
    message: str
    values: dict[str, str]


@router.post("/classes/{class_id}/students/{student_id}/overrides")
def override_form(
    request: Request,
    class_id: PathId,
    student_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    skill_key: Annotated[str, Form(max_length=limits.KEY_MAX), Text],
    action: Annotated[str, Form(max_length=8), Text],
    reason: Annotated[str, Form(max_length=limits.REASON_MAX), Text] = "",
) -> Response:
    get_class_student(session, actor, class_id, student_id)
    try:
        interventions.set_override(session, actor, student_id, skill_key, action, reason)
    except InvalidInput as error:
        values = {"skill_key": skill_key, "action": action, "reason": reason}
        failed = FormError("decision", error.message, values)
        return _student_page(request, actor, session, class_id, student_id, form_error=failed)
    return RedirectResponse(
        f"/classes/{class_id}/students/{student_id}?saved=decision#decisions", status_code=303
    )


@router.post("/classes/{class_id}/students/{student_id}/mode")
def mode_form(
    request: Request,
    class_id: PathId,
    student_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    mode: Annotated[str, Form(max_length=16), Text] = "",
    reason: Annotated[str, Form(max_length=limits.REASON_MAX), Text] = "",
) -> Response:
    get_class_student(session, actor, class_id, student_id)
    try:
        interventions.set_mode(session, actor, student_id, mode or None, reason)
    except InvalidInput as error:
        failed = FormError("mode", error.message, {"mode": mode, "reason": reason})
        return _student_page(request, actor, session, class_id, student_id, form_error=failed)
    return RedirectResponse(
        f"/classes/{class_id}/students/{student_id}?saved=mode#decisions", status_code=303
    )
