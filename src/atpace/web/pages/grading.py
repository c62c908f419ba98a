"""The grading page: one student's work at a time, the rubric as radio groups, and the mastery preview.

Keys (static/grading.js): "j" or Alt+ArrowRight for the next student, "k" or Alt+ArrowLeft for the
previous one (outside text boxes); without JavaScript the links carry rel=next/prev and access keys
("n" and "p"). Choosing a level updates the preview of the student's mastery (a POST that writes
nothing); without JavaScript the "Show the effect on mastery" button does the same with the whole page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import InvalidInput
from atpace.services import grading, limits
from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text
from atpace.web.pages.common import is_htmx, render
from atpace.web.pages.forms import FORM_ERRORS, FormError, form_error

router = APIRouter()

SAVED = {
    "graded": "Feedback saved: the student has been told.",
    "returned": "Returned for revision: the student has been told and may submit a new version.",
}
FORM_FIELDS_MAX = 400
LEVEL = re.compile(r"^level_(\d{1,19})$")
CRITERION_COMMENT = re.compile(r"^comment_(\d{1,19})$")


@dataclass
class Kept:
    """What the teacher chose and typed, shown again on a refused form or a preview without JavaScript."""

    levels: dict[int, int] = field(default_factory=dict)
    comments: dict[int, str] = field(default_factory=dict)
    comment: str = ""

    def scores(self) -> list[grading.ScoreInput]:
        ids = sorted(set(self.levels) | {k for k, v in self.comments.items() if v.strip()})
        return [grading.ScoreInput(i, self.levels.get(i), self.comments.get(i, "")) for i in ids]


async def grading_form(request: Request) -> dict[str, str]:
    async with request.form(max_files=0, max_fields=FORM_FIELDS_MAX) as form:
        return {key: value for key, value in form.items() if isinstance(value, str)}


FormDep = Annotated[dict[str, str], Depends(grading_form)]


def parse_kept(form: dict[str, str]) -> Kept:
    kept = Kept()
    for key, value in form.items():
        if "\x00" in value:
            raise InvalidInput(key, "must not contain NUL characters")
        if (m := LEVEL.match(key)) and value.strip():
            if not value.strip().isdigit() or int(value) > 100:
                raise InvalidInput("scores", "a level is a number (0 is the lowest)")
            kept.levels[int(m.group(1))] = int(value)
        elif m := CRITERION_COMMENT.match(key):
            if len(value) > limits.COMMENT_MAX:
                raise InvalidInput(
                    f"scores.{m.group(1)}.comment", f"too long ({limits.COMMENT_MAX} characters at most)"
                )
            kept.comments[int(m.group(1))] = value
    kept.comment = form.get("comment", "")
    if len(kept.comment) > limits.TEXT_MAX:
        raise InvalidInput("comment", f"the comment is too long ({limits.TEXT_MAX} characters at most)")
    return kept


def _page(
    request: Request,
    actor: Actor,
    session: Session,
    assignment_id: int,
    student_id: int | None,
    step: int | None,
    *,
    kept: Kept | None = None,
    error: FormError | None = None,
    notice: str | None = None,
    preview: grading.MasteryPreview | None = None,
) -> Response:
    view = grading.grading_view(session, actor, assignment_id, student_id, step)
    if preview is None and kept and kept.levels and view.gradable and view.versions:
        try:
            preview = grading.preview_feedback(session, actor, view.versions[0].submission_id, kept.scores())
        except FORM_ERRORS:
            preview = None
    return render(
        request, "grading.html", actor, status_code=error.status if error else 200, view=view,
        kept=kept or Kept(), form_error=error, notice=notice, preview=preview,
    )  # fmt: skip


def grade_url(
    assignment_id: int, student_id: int | None = None, step: int | None = None, **extra: str
) -> str:
    query: dict[str, str | int] = {}
    if student_id is not None:
        query["student"] = student_id
        if step:
            query["step"] = step
    query.update(extra)
    return f"/assignments/{assignment_id}/grade" + (f"?{urlencode(query)}" if query else "")


@router.get("/assignments/{assignment_id}/grade")
def grading_page(
    request: Request,
    assignment_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    student: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    step: Annotated[int | None, Query(ge=0, le=1000)] = None,
    saved: Annotated[str | None, Query(max_length=16), Text] = None,
) -> Response:
    return _page(request, actor, session, assignment_id, student, step, notice=SAVED.get(saved or ""))


@router.post("/assignments/{assignment_id}/grade/preview")
def preview(
    request: Request, assignment_id: PathId, actor: ActorDep, session: SessionDep, form: FormDep
) -> Response:
    """The mastery preview for the levels chosen (nothing is saved): the fragment for the page's script,
    the whole page (with the form as it was) without it."""
    raw_id = form.get("submission_id", "")
    if not raw_id.isdigit() or not 1 <= int(raw_id) <= MAX_ID:
        raise InvalidInput("submission_id", "submission_id is required")
    place = grading.submission_place(session, actor, int(raw_id))
    if place.assignment_id != assignment_id:
        raise InvalidInput("submission_id", "the submission is not work on this assignment")
    kept = parse_kept(form)
    result = grading.preview_feedback(session, actor, place.submission_id, kept.scores())
    if is_htmx(request):
        view = grading.grading_view(session, actor, assignment_id, place.student_id, place.step)
        return render(request, "grading_preview.html", actor, view=view, preview=result)
    return _page(
        request, actor, session, assignment_id, place.student_id, place.step, kept=kept, preview=result
    )


@router.post("/submissions/{submission_id}/feedback")
def save_feedback(
    request: Request, submission_id: PathId, actor: ActorDep, session: SessionDep, form: FormDep
) -> Response:
    """Save the feedback and go on to the next submission waiting for it."""
    place = grading.submission_place(session, actor, submission_id)
    kept = Kept()
    try:
        kept = parse_kept(form)
        saved = grading.save_feedback(
            session, actor, submission_id, kept.scores(), kept.comment, form.get("decision", "")
        )
    except FORM_ERRORS as error:
        failed = form_error("feedback", error)
        return _page(
            request,
            actor,
            session,
            place.assignment_id,
            place.student_id,
            place.step,
            kept=kept,
            error=failed,
        )
    if saved.next_submission_id is not None:
        following = grading.submission_place(session, actor, saved.next_submission_id)
        return RedirectResponse(
            grade_url(place.assignment_id, following.student_id, following.step, saved=saved.decision),
            status_code=303,
        )
    # Nothing else waits: stay with this student and show what was saved.
    return RedirectResponse(
        grade_url(place.assignment_id, place.student_id, place.step, saved=saved.decision), status_code=303
    )
