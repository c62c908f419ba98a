"""Pages of leveled texts (docs/readings.md): the student's readings and a reading at their level with its
questions; the school's readings, one reading's versions with readability figures, the add/edit form, and a
class's reading levels. The JSON API (web/api/readings.py) calls the same services."""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import Conflict, InvalidInput
from atpace.services import limits, readings
from atpace.services.auth import Actor
from atpace.services.database import Role, Session
from atpace.services.readings import authoring
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text
from atpace.web.pages.common import is_htmx, render
from atpace.web.pages.forms import FormError, form_error

router = APIRouter()

QUESTION_SLOTS = 6  # question blocks per version on the form
FORM_FIELDS_MAX = 20 + authoring.VERSIONS_MAX * (1 + QUESTION_SLOTS * 6)


async def reading_form(request: Request) -> dict[str, str]:
    """The add/edit form's fields (its number of fields depends on the versions and questions)."""
    async with request.form(
        max_files=0, max_fields=FORM_FIELDS_MAX, max_part_size=authoring.BODY_MAX * 4
    ) as form:
        values = {key: value for key, value in form.items() if isinstance(value, str)}
    if any("\x00" in value for value in values.values()):
        raise InvalidInput("body", "must not contain NUL characters")
    return values


FormDep = Annotated[dict[str, str], Depends(reading_form)]


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def input_from_form(values: dict[str, str]) -> readings.ReadingInput:
    """The reading the form describes; blank version and question blocks are left out."""
    versions = []
    for v in range(authoring.VERSIONS_MAX):
        body = values.get(f"v{v}_body", "")
        questions = []
        for q in range(QUESTION_SLOTS):
            prefix = f"v{v}_q{q}_"
            prompt = values.get(prefix + "prompt", "").strip()
            correct = values.get(prefix + "correct", "").strip()
            choices = _lines(values.get(prefix + "choices", ""))
            if not (prompt or correct or choices):
                continue
            questions.append(
                readings.QuestionInput(
                    skill=values.get(prefix + "skill", ""), kind=values.get(prefix + "kind", ""), prompt=prompt,
                    correct=correct, choices=choices, alternatives=_lines(values.get(prefix + "alternatives", "")),
                )
            )  # fmt: skip
        if body.strip() or questions:
            versions.append(readings.VersionInput(body, tuple(questions)))
    return readings.ReadingInput(
        title=values.get("title", ""), summary=values.get("summary", ""), versions=tuple(versions)
    )


def values_from_input(data: readings.ReadingInput) -> dict[str, str]:
    values = {"title": data.title, "summary": data.summary}
    for v, version in enumerate(data.versions):
        values[f"v{v}_body"] = version.body
        for q, question in enumerate(version.questions[:QUESTION_SLOTS]):
            prefix = f"v{v}_q{q}_"
            values |= {
                prefix + "prompt": question.prompt, prefix + "kind": question.kind, prefix + "skill": question.skill,
                prefix + "correct": question.correct, prefix + "choices": "\n".join(question.choices),
                prefix + "alternatives": "\n".join(question.alternatives),
            }  # fmt: skip
    return values


# --- Students -------------------------------------------------------------------------------------------


@router.get("/readings")
def reading_list(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    if actor.role == Role.STUDENT:
        return render(request, "readings.html", actor, cards=readings.list_readings(session, actor))
    return render(
        request, "readings_library.html", actor, readings=readings.school_readings(session, actor),
        courses=readings.course_choices(session, actor), classes=readings.staff_classes(session, actor),
    )  # fmt: skip


@router.get("/readings/new")
def new_reading(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    course_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    courses = readings.course_choices(session, actor)
    chosen = course_id if course_id is not None else (courses[0][0] if courses else None)
    return _form_page(request, actor, session, None, chosen, {}, None)


@router.post("/readings")
def create_reading(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    values: FormDep,
) -> Response:
    course_text = values.get("course_id", "")
    course_id = int(course_text) if course_text.isdigit() and 1 <= int(course_text) <= MAX_ID else None
    try:
        if course_id is None:
            raise InvalidInput("course_id", "choose a course")
        reading_id = readings.create(session, actor, course_id, input_from_form(values))
    except (InvalidInput, Conflict) as error:
        return _form_page(request, actor, session, None, course_id, values, _reading_error(error, values))
    return RedirectResponse(f"/readings/{reading_id}/versions?saved=1", status_code=303)


@router.get("/readings/{reading_id}")
def read(
    request: Request,
    reading_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    version: Annotated[int | None, Query(ge=0, le=10)] = None,
) -> Response:
    page = readings.reading_page(session, actor, reading_id, version)
    return render(request, "readings_read.html", actor, page=page)


@router.post("/readings/{reading_id}/answer")
def answer(
    request: Request,
    reading_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    question_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    version: Annotated[int, Form(ge=0, le=10)] = 0,
    response: Annotated[str, Form(max_length=limits.RESPONSE_MAX), Text] = "",
) -> Response:
    problem = None
    try:
        readings.answer(session, actor, reading_id, question_id, response)
    except InvalidInput as error:
        problem = error.message
    if not is_htmx(request) and problem is None:
        return RedirectResponse(
            f"/readings/{reading_id}?version={version}#question-{question_id}", status_code=303
        )
    page = readings.reading_page(session, actor, reading_id, version)
    question = next((q for q in page.questions if q.id == question_id), None)
    if question is None or not is_htmx(request):
        return render(request, "readings_read.html", actor, status_code=422, page=page, problem=problem,
                      problem_question=question_id)  # fmt: skip
    finished = all(q.answered is not None for q in page.questions)
    return render(
        request, "_reading_question.html", actor, status_code=422 if problem else 200, page=page, q=question,
        problem=problem, problem_question=question_id, finished=finished,
    )  # fmt: skip


# --- Teachers and administrators ------------------------------------------------------------------------


@router.get("/readings/{reading_id}/versions")
def versions(
    request: Request,
    reading_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    saved: Annotated[str | None, Query(max_length=4), Text] = None,
) -> Response:
    detail = readings.reading_detail(session, actor, reading_id)
    return render(request, "readings_versions.html", actor, reading=detail, saved=bool(saved))


@router.get("/readings/{reading_id}/edit")
def edit_reading(request: Request, reading_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    detail = readings.reading_detail(session, actor, reading_id)
    values = values_from_input(readings.as_input(detail))
    return _form_page(request, actor, session, detail, detail.course_id, values, None)


@router.post("/readings/{reading_id}/edit")
def save_reading(
    request: Request, reading_id: PathId, actor: ActorDep, session: SessionDep, values: FormDep
) -> Response:
    detail = readings.reading_detail(session, actor, reading_id)  # 404 / 403 before anything else
    try:
        data = input_from_form(values)
        readings.update(
            session, actor, reading_id,
            readings.ReadingInput(title=data.title, summary=data.summary, key=detail.key, versions=data.versions),
        )  # fmt: skip
    except (InvalidInput, Conflict) as error:
        return _form_page(
            request, actor, session, detail, detail.course_id, values, _reading_error(error, values)
        )
    return RedirectResponse(f"/readings/{reading_id}/versions?saved=1", status_code=303)


@router.get("/classes/{class_id}/readings")
def class_levels(
    request: Request,
    class_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    saved: Annotated[str | None, Query(max_length=4), Text] = None,
) -> Response:
    return _levels_page(
        request, actor, session, class_id, None, notice="Reading level saved." if saved else None
    )


@router.post("/classes/{class_id}/students/{student_id}/reading-level")
def set_level(
    request: Request,
    class_id: PathId,
    student_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    level: Annotated[str, Form(max_length=10), Text] = "",
    locked: Annotated[str, Form(max_length=5), Text] = "",
) -> Response:
    try:
        value = _level(level)
        readings.set_level(
            session, actor, class_id, student_id, level=value, locked=locked in ("1", "on", "true")
        )
    except InvalidInput as error:
        failed = form_error(f"level-{student_id}", error, level=level)
        return _levels_page(request, actor, session, class_id, failed)
    return RedirectResponse(f"/classes/{class_id}/readings?saved=1#student-{student_id}", status_code=303)


# --- Helpers --------------------------------------------------------------------------------------------

_PLACE = re.compile(r"^versions\[(\d+)\](?:\.questions\[(\d+)\])?")


def _reading_error(error: InvalidInput | Conflict, values: dict[str, str]) -> FormError:
    """The refused form's message, saying which version and question it is about."""
    failed = form_error("reading", error, **values)
    place = _PLACE.match(failed.field or "")
    if place is None:
        return failed
    where = f"Version {int(place.group(1)) + 1}"
    if place.group(2) is not None:
        where += f", question {int(place.group(2)) + 1}"
    return dataclasses.replace(failed, message=f"{where}: {failed.message}")


def _level(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput("level", "give a grade from 1 to 13, like 4 or 4.5") from None
    if not math.isfinite(value):
        raise InvalidInput("level", "give a grade from 1 to 13, like 4 or 4.5")
    return value


def _levels_page(
    request: Request,
    actor: Actor,
    session: Session,
    class_id: int,
    failed: FormError | None,
    notice: str | None = None,
) -> Response:
    levels = readings.class_levels(session, actor, class_id)
    library = readings.school_readings(session, actor, levels.course_id)
    return render(
        request, "readings_class.html", actor, status_code=failed.status if failed else 200, levels=levels,
        library=library, form_error=failed, notice=notice,
    )  # fmt: skip


def _form_page(
    request: Request,
    actor: Actor,
    session: Session,
    current: readings.ReadingDetail | None,
    course_id: int | None,
    values: dict[str, str],
    failed: FormError | None,
) -> Response:
    courses = readings.course_choices(session, actor)
    if course_id is not None and course_id not in {c for c, _ in courses}:
        course_id = None
    skills = authoring.skill_choices(session, course_id) if course_id is not None else []
    return render(
        request, "readings_form.html", actor, status_code=failed.status if failed else 200, current=current,
        courses=courses, course_id=course_id, skills=skills, values=values, form_error=failed,
        version_slots=authoring.VERSIONS_MAX, question_slots=QUESTION_SLOTS,
    )  # fmt: skip
