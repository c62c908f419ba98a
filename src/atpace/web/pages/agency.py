"""Pages of student agency (issue 11): goals, my calibration, the journal, mistakes turned around; the
teacher's view of a student's agency and the class calibration. The JSON API calls the same services."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import Forbidden, InvalidInput
from atpace.services import limits
from atpace.services.access import NoCourseYet, get_class_student
from atpace.services.agency import calibration, goals, journal, turnarounds
from atpace.services.agency.common import HELPED_MAX
from atpace.services.auth import Actor
from atpace.services.database import Role, Session
from atpace.web.charts import line_chart
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text
from atpace.web.pages.common import render
from atpace.web.pages.enrolment import no_class_page
from atpace.web.templating import CONFIDENCE_LABELS

router = APIRouter()

NOTICES = {
    "set": "Goal set. Your teacher can see it, comment on it and co-sign it.",
    "comment": "Comment added.",
    "cosign": "Goal co-signed.",
    "reflected": "Reflection saved: the goal is closed and kept in your history.",
    "dropped": "Goal dropped: it stays in your history.",
    "rated": "Rating saved.",
    "saved": "Reflection saved in your journal.",
}


def _notice(key: str | None) -> str | None:
    return NOTICES.get(key or "")


Done = Annotated[str | None, Query(max_length=16), Text]


def _require_student(actor: Actor) -> None:
    if actor.role != Role.STUDENT:
        raise Forbidden("this page shows a student's own data; teachers open a student from the class page")


def level_chart(levels: list[calibration.LevelPoint], *, title: str, chart_id: str) -> str:
    """Share right (%) at each confidence level that has answers: a calibration curve."""
    shown = [p for p in levels if p.answers]
    return line_chart(
        [100 * p.right / p.answers for p in shown], [CONFIDENCE_LABELS[p.confidence] for p in shown],
        title=title, desc="Share of answers that were right at each level of confidence; a well calibrated "
        "learner's line rises from left to right.", x_label="How sure", y_label="% right", y_max=100,
        chart_id=chart_id,
    )  # fmt: skip


def sure_chart(weeks: list[calibration.WeekPoint]) -> str:
    """Share right (%) of the sure answers, per week that has any."""
    shown = [w for w in weeks if w.sure]
    return line_chart(
        [100 * w.sure_right / w.sure for w in shown], [w.week.strftime("%d %b") for w in shown],
        title="Right when sure, by week", desc="Of the answers you marked fairly sure or certain, the share "
        "that was right, per week (weeks start on Monday).", x_label="Week starting", y_label="% right",
        y_max=100, chart_id="sure-by-week",
    )  # fmt: skip


# --- goals -----------------------------------------------------------------------------------------------


def _goals_page(
    request: Request, actor: Actor, session: Session, *, notice: str | None = None,
    error: InvalidInput | None = None, values: dict[str, object] | None = None,
) -> Response:  # fmt: skip
    _require_student(actor)
    seen, views = goals.student_goals(session, actor, actor.user_id)
    return render(
        request, "goals.html", actor, status_code=422 if error else 200, seen=seen, goals=views,
        notice=notice, error=error, values=values or {}, min_date=datetime.now(UTC).date().isoformat(),
        minutes_range=goals.MINUTES_RANGE,
    )  # fmt: skip


@router.get("/goals")
def goals_page(request: Request, actor: ActorDep, session: SessionDep, done: Done = None) -> Response:
    try:
        return _goals_page(request, actor, session, notice=_notice(done))
    except NoCourseYet as missing:  # no class yet: the page that says what to do next
        return no_class_page(request, actor, session, missing)


@router.post("/goals")
def set_goal(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    kind: Annotated[str, Form(max_length=8), Text],
    due_on: Annotated[str, Form(max_length=10), Text] = "",
    title: Annotated[str, Form(max_length=limits.TITLE_MAX), Text] = "",
    skill_keys: Annotated[
        list[Annotated[str, Text]] | None, Form(max_length=goals.GOAL_SKILLS_MAX * 4)
    ] = None,
    minutes_per_week: Annotated[str, Form(max_length=6), Text] = "",
) -> Response:
    values: dict[str, object] = {
        "kind": kind, "due_on": due_on, "title": title, "skill_keys": skill_keys or [],
        "minutes_per_week": minutes_per_week,
    }  # fmt: skip
    try:
        goal = goals.create_goal(
            session, actor,
            goals.NewGoal(kind, _date(due_on), title, skill_keys or [], _minutes(minutes_per_week)),
        )  # fmt: skip
    except InvalidInput as refused:
        return _goals_page(request, actor, session, error=refused, values=values)
    return RedirectResponse(f"/goals/{goal.id}?done=set", status_code=303)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("due_on", "choose a date (YYYY-MM-DD)") from None


def _minutes(text: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput("minutes_per_week", "write the minutes as a whole number") from None


def _goal_page(
    request: Request, actor: Actor, session: Session, goal_id: int, *, notice: str | None = None,
    error: InvalidInput | None = None, values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    view = goals.goal_view(session, actor, goal_id)
    return render(
        request, "goal.html", actor, status_code=422 if error else 200, view=view, notice=notice, error=error,
        values=values or {}, helped_max=HELPED_MAX,
    )  # fmt: skip


@router.get("/goals/{goal_id}")
def goal_page(
    request: Request, goal_id: PathId, actor: ActorDep, session: SessionDep, done: Done = None
) -> Response:
    return _goal_page(request, actor, session, goal_id, notice=_notice(done))


@router.post("/goals/{goal_id}/comment")
def comment_goal(
    request: Request,
    goal_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    text: Annotated[str, Form(max_length=limits.COMMENT_MAX), Text] = "",
) -> Response:
    try:
        goals.comment_goal(session, actor, goal_id, text)
    except InvalidInput as refused:
        return _goal_page(request, actor, session, goal_id, error=refused, values={"text": text})
    return RedirectResponse(f"/goals/{goal_id}?done=comment#comments", status_code=303)


@router.post("/goals/{goal_id}/cosign")
def cosign_goal(goal_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    goals.cosign_goal(session, actor, goal_id)
    return RedirectResponse(f"/goals/{goal_id}?done=cosign", status_code=303)


@router.post("/goals/{goal_id}/reflection")
def reflect_on_goal(
    request: Request,
    goal_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    helped: Annotated[str, Form(max_length=HELPED_MAX), Text] = "",
    next_step: Annotated[str, Form(max_length=HELPED_MAX), Text] = "",
) -> Response:
    try:
        goals.reflect_on_goal(session, actor, goal_id, helped, next_step)
    except InvalidInput as refused:
        values = {"helped": helped, "next_step": next_step}
        return _goal_page(request, actor, session, goal_id, error=refused, values=values)
    return RedirectResponse(f"/goals/{goal_id}?done=reflected", status_code=303)


@router.post("/goals/{goal_id}/drop")
def drop_goal(goal_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    goals.drop_goal(session, actor, goal_id)
    return RedirectResponse(f"/goals/{goal_id}?done=dropped", status_code=303)


# --- calibration -----------------------------------------------------------------------------------------


@router.get("/calibration")
def calibration_page(request: Request, actor: ActorDep, session: SessionDep, done: Done = None) -> Response:
    _require_student(actor)
    try:
        view = calibration.student_calibration(session, actor, actor.user_id)
    except NoCourseYet as missing:
        return no_class_page(request, actor, session, missing)
    return render(
        request, "calibration.html", actor, view=view, notice=_notice(done), self_ratings=calibration.SELF_RATINGS,
        level_chart=level_chart(view.levels, title="How often you were right at each level of confidence",
                                chart_id="my-levels"),
        sure_chart=sure_chart(view.weeks), labels=calibration.LABELS,
    )  # fmt: skip


@router.post("/calibration/ratings")
def rate_skill(
    actor: ActorDep,
    session: SessionDep,
    skill_key: Annotated[str, Form(max_length=limits.KEY_MAX), Text],
    rating: Annotated[int, Form(ge=1, le=4)],
) -> Response:
    calibration.rate_skill(session, actor, skill_key, rating)
    return RedirectResponse(f"/calibration?done=rated#rate-{skill_key}", status_code=303)


@router.get("/classes/{class_id}/calibration")
def class_calibration_page(
    request: Request, class_id: PathId, actor: ActorDep, session: SessionDep
) -> Response:
    view = calibration.class_calibration(session, actor, class_id)
    return render(
        request, "calibration_class.html", actor, view=view, labels=calibration.LABELS,
        level_chart=level_chart(view.levels, title=f"{view.classroom.name}: right answers by confidence",
                                chart_id="class-levels"),
    )  # fmt: skip


# --- journal ---------------------------------------------------------------------------------------------


def _journal_page(
    request: Request, actor: Actor, session: Session, *, notice: str | None = None,
    error: InvalidInput | None = None, values: dict[str, object] | None = None,
) -> Response:  # fmt: skip
    _require_student(actor)
    seen, entries = journal.journal(session, actor, actor.user_id)
    values = values or {}
    about = ""
    if values.get("context") == "work" and isinstance(values.get("assignment_id"), int):
        work = journal.returned_work(session, seen, int(str(values["assignment_id"])))
        about = work.title if work else ""
    elif values.get("skill_key") in seen.graph.skills:
        about = seen.graph.skills[str(values["skill_key"])].name
    return render(
        request, "journal.html", actor, status_code=422 if error else 200, seen=seen, entries=entries,
        notice=notice, error=error, values=values, about=about, prompts=journal.PROMPTS, helped_max=HELPED_MAX,
    )  # fmt: skip


@router.get("/journal")
def journal_page(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    done: Done = None,
    after: Annotated[str | None, Query(max_length=8), Text] = None,
    skill: Annotated[str | None, Query(max_length=limits.KEY_MAX), Text] = None,
    assignment: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """``after=practice&skill=KEY`` (end of a practice session) or ``assignment=ID`` (returned work) start a
    reflection about that."""
    context = "work" if assignment else ("practice" if after == "practice" else "free")
    values: dict[str, object] = {"context": context, "skill_key": skill or "", "assignment_id": assignment}
    try:
        return _journal_page(request, actor, session, notice=_notice(done), values=values)
    except NoCourseYet as missing:
        return no_class_page(request, actor, session, missing)


@router.post("/journal")
def add_entry(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    context: Annotated[str, Form(max_length=8), Text] = "free",
    helped: Annotated[str, Form(max_length=HELPED_MAX), Text] = "",
    next_step: Annotated[str, Form(max_length=HELPED_MAX), Text] = "",
    skill_key: Annotated[str, Form(max_length=limits.KEY_MAX), Text] = "",
    assignment_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    data = journal.NewEntry(context, helped, next_step, skill_key or None, assignment_id)
    try:
        journal.add_entry(session, actor, data)
    except InvalidInput as refused:
        values: dict[str, object] = {
            "context": context, "helped": helped, "next_step": next_step, "skill_key": skill_key,
            "assignment_id": assignment_id,
        }  # fmt: skip
        return _journal_page(request, actor, session, error=refused, values=values)
    return RedirectResponse("/journal?done=saved", status_code=303)


# --- mistakes turned around, and the teacher's view of a student ------------------------------------------


@router.get("/turnarounds")
def turnarounds_page(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    _require_student(actor)
    try:
        seen, found = turnarounds.turned_around(session, actor, actor.user_id)
    except NoCourseYet as missing:
        return no_class_page(request, actor, session, missing)
    return render(request, "agency_turnarounds.html", actor, seen=seen, found=found)


@router.get("/classes/{class_id}/students/{student_id}/agency")
def student_agency_page(
    request: Request, class_id: PathId, student_id: PathId, actor: ActorDep, session: SessionDep
) -> Response:
    """A student's goals, calibration, journal and turned-around mistakes, for their teacher or an admin."""
    classroom, student = get_class_student(session, actor, class_id, student_id)
    _, goal_views = goals.student_goals(session, actor, student.id)
    view = calibration.student_calibration(session, actor, student.id)
    _, entries = journal.journal(session, actor, student.id)
    _, found = turnarounds.turned_around(session, actor, student.id)
    return render(
        request, "agency_student.html", actor, classroom=classroom, student=student, goals=goal_views,
        view=view, entries=entries, found=found, labels=calibration.LABELS, self_ratings=calibration.SELF_RATINGS,
        level_chart=level_chart(view.levels, title=f"{student.display_name}: right answers by confidence",
                                chart_id="student-levels"),
    )  # fmt: skip
