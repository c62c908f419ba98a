from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from atpace.errors import Conflict, Forbidden, InvalidInput
from atpace.services import checks, limits, practice, reports, standards
from atpace.services.access import NoCourseYet
from atpace.services.auth import Actor
from atpace.services.database import Role, Session
from atpace.services.progress import StudentProgress
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, Text
from atpace.web.pages.common import render
from atpace.web.pages.enrolment import no_class_page
from atpace.web.skillmap import render_map_views

router = APIRouter()


# The map's words for the service's states: "held" is a teacher's lock, "locked" waits on prerequisites.
MAP_STATE = {"held": "locked", "locked": "not-started"}


def skill_map_svg(progress: StudentProgress, link_prefix: str | None) -> str:
    graph = progress.course_graph
    links = {key: f"{link_prefix}{key}" for key in progress.ready} if link_prefix is not None else None
    # The drawing in a scroll region plus the same skills as a list (shown instead on phones).
    return render_map_views(
        graph.graph,
        names={key: skill.name for key, skill in graph.skills.items()},
        mastery=progress.mastery_map(),
        states={
            key: "confirmed" if s.confirmed else MAP_STATE.get(s.state, s.state) for key, s in progress.skills.items()
        },
        recommended=progress.recommendation.skill_key if progress.recommendation else None,
        links=links,
        title=f"Knowledge map: {progress.course.title}",
    )


def skill_standards(session: Session, progress: StudentProgress) -> dict[str, list[standards.Alignment]]:
    """The standards of the course's skills, by skill key (shown with their code and statement)."""
    skills = progress.course_graph.skills
    by_id = standards.skill_standards(session, [skill.id for skill in skills.values()])
    return {key: by_id[skill.id] for key, skill in skills.items() if skill.id in by_id}


@router.get("/learn")
def learn(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    if actor.role != Role.STUDENT:
        raise Forbidden("this page shows a student's own map; teachers see students from the class page")
    try:
        progress = reports.progress_of(session, actor, actor.user_id)
    except NoCourseYet as missing:  # no class yet: a page with the menu that says what to do next
        return no_class_page(request, actor, session, missing)
    return render(
        request, "learn.html", actor, progress=progress, skill_map=skill_map_svg(progress, "/practice?skill="),
        skills=progress.skills.values(), skill_standards=skill_standards(session, progress),
        check_offers=checks.offers(session, actor),
    )  # fmt: skip


def _practice_page(
    request: Request, actor: Actor, item: practice.PracticeItem, status_code: int = 200, **extra: object
) -> Response:
    return render(
        request,
        "practice.html",
        actor,
        status_code=status_code,
        item=item,
        client_attempt_id=str(uuid.uuid4()),
        **extra,
    )


@router.get("/practice")
def practice_page(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    skill: Annotated[str | None, Query(max_length=limits.KEY_MAX), Text] = None,
    after: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    try:
        item = practice.next_item(session, actor, skill, frozenset({after}) if after else frozenset())
    except NoCourseYet as missing:
        return no_class_page(request, actor, session, missing)
    except Conflict as done:
        progress = reports.progress_of(session, actor, actor.user_id)
        return render(
            request, "learn.html", actor, status_code=409, progress=progress, notice=done.message,
            skill_map=skill_map_svg(progress, "/practice?skill="),
        )  # fmt: skip
    return _practice_page(request, actor, item)


@router.get("/practice/hint")
def practice_hint(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    item: Annotated[int, Query(ge=1, le=MAX_ID)],
    n: Annotated[int, Query(ge=1, le=20)],
) -> Response:
    text, count = practice.hint(session, actor, item, n)
    return render(request, "_hint.html", actor, item_id=item, number=n, hint=text, hint_count=count)


@router.post("/practice/answer")
def practice_answer(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    item_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    client_attempt_id: Annotated[str, Form(min_length=1, max_length=limits.KEY_MAX), Text],
    skill_key: Annotated[str, Form(max_length=limits.KEY_MAX), Text],
    # No max_length here: the service refuses an over-long answer (limits.RESPONSE_MAX) with the same inline
    # message as other malformed input, where a validation error would replace the question with an error page.
    response: Annotated[str, Form(), Text] = "",
    picked: Annotated[list[Annotated[str, Text]] | None, Form(max_length=limits.MAX_CHOICES)] = None,
    duration_ms: Annotated[int | None, Form(ge=0, le=limits.DURATION_MAX_MS)] = None,
    hints_used: Annotated[int, Form(ge=0, le=limits.HINTS_MAX)] = 0,
    confidence: Annotated[int | None, Form(ge=limits.CONFIDENCE_MIN, le=limits.CONFIDENCE_MAX)] = None,
) -> Response:
    if picked:  # a multiple-select or ordering answer: the choices picked, in order, one per line
        response = "\n".join(p for p in picked if p)
    data = practice.AnswerInput(
        item_id=item_id, response=response, client_attempt_id=client_attempt_id, skill_key=skill_key,
        duration_ms=duration_ms, hints_used=hints_used, confidence=confidence,
    )  # fmt: skip
    try:
        outcome = practice.submit_answer(session, actor, data)
    except InvalidInput as error:
        if error.field != "response":
            raise
        # Malformed input is not a wrong answer: show the same item again with the reason.
        item = practice.next_item_by_id(session, actor, item_id, skill_key)
        # Keep what the student already had on screen: the hints they read and their confidence.
        shown = practice.hints_shown(session, actor, item_id, hints_used)
        return render(
            request, "_answer_form.html", actor, status_code=422, item=item, client_attempt_id=client_attempt_id,
            error=error.message, response=response, hints_shown=shown, confidence=confidence,
            duration_ms=duration_ms,
        )  # fmt: skip
    progress = reports.progress_of(session, actor, actor.user_id)
    return render(request, "_feedback.html", actor, outcome=outcome, item_id=item_id, progress=progress)
