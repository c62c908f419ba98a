"""A class's roster page (its teachers and the school's administrators), and a student's classes with the
join-code form, which is also the page a student without a class sees instead of their map."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import Forbidden
from atpace.services import limits
from atpace.services.access import NoCourseYet
from atpace.services.auth import Actor
from atpace.services.database import Role, Session
from atpace.services.school import enrolment, join_codes
from atpace.services.school.common import roster_class
from atpace.services.school.user_csv import import_users
from atpace.web.api.enrolment import client_of, join_throttle
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId, Text
from atpace.web.pages.admin import import_result_page
from atpace.web.pages.common import render
from atpace.web.pages.forms import FORM_ERRORS, NO_CSV, CsvUploadDep, FormError, form_error

router = APIRouter()

DONE = {
    "added": "Student added.", "already": "That student was already in the class.",
    "removed": "Student removed from the class (their work is kept).", "code": "New join code made.",
    "code-off": "Joining by code is off.",
}  # fmt: skip


def _roster_page(
    request: Request, actor: Actor, session: Session, class_id: int, *, inactive: bool = False,
    notice: str | None = None, error: FormError | None = None,
) -> Response:  # fmt: skip
    roster = enrolment.roster(session, actor, class_id, include_inactive=inactive)
    return render(
        request, "school/roster.html", actor, status_code=error.status if error else 200, roster=roster,
        join_code=join_codes.display(roster.join_code), inactive=inactive, notice=notice, form_error=error,
    )  # fmt: skip


@router.get("/classes/{class_id}/roster")
def roster_page(
    request: Request,
    class_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    inactive: bool = False,
    done: Annotated[str | None, Query(max_length=16), Text] = None,
) -> Response:
    return _roster_page(request, actor, session, class_id, inactive=inactive, notice=DONE.get(done or ""))


@router.post("/classes/{class_id}/roster/add")
def add_student(
    request: Request, class_id: PathId, actor: ActorDep, session: SessionDep,
    email: Annotated[str, Form(max_length=limits.EMAIL_MAX), Text] = "",
) -> Response:  # fmt: skip
    roster_class(session, actor, class_id)
    try:
        _student, added = enrolment.enrol(session, actor, class_id, email=email)
    except FORM_ERRORS as error:
        return _roster_page(request, actor, session, class_id, error=form_error("add", error, email=email))
    return RedirectResponse(
        f"/classes/{class_id}/roster?done={'added' if added else 'already'}", status_code=303
    )


@router.post("/classes/{class_id}/roster/import")
def import_students(
    request: Request, class_id: PathId, actor: ActorDep, session: SessionDep, upload: CsvUploadDep
) -> Response:
    roster_class(session, actor, class_id)
    back = f"/classes/{class_id}/roster"
    try:
        if upload.data is None:
            raise NO_CSV
        result = import_users(session, actor, upload.data, class_id=class_id, dry_run=upload.dry_run)
    except FORM_ERRORS as error:
        return import_result_page(request, actor, error=form_error("import", error), back=back)
    return import_result_page(request, actor, result=result, back=back)


@router.post("/classes/{class_id}/roster/{student_id}/remove")
def remove_student(
    request: Request, class_id: PathId, student_id: PathId, actor: ActorDep, session: SessionDep
) -> Response:
    roster_class(session, actor, class_id)
    try:
        enrolment.unenrol(session, actor, class_id, student_id)
    except FORM_ERRORS as error:
        return _roster_page(request, actor, session, class_id, error=form_error("students", error))
    return RedirectResponse(f"/classes/{class_id}/roster?done=removed", status_code=303)


@router.post("/classes/{class_id}/join-code")
def new_join_code(request: Request, class_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    roster_class(session, actor, class_id)
    try:
        join_codes.set_join_code(session, actor, class_id)
    except FORM_ERRORS as error:
        return _roster_page(request, actor, session, class_id, error=form_error("code", error))
    return RedirectResponse(f"/classes/{class_id}/roster?done=code#join-code", status_code=303)


@router.post("/classes/{class_id}/join-code/off")
def clear_join_code(request: Request, class_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    join_codes.clear_join_code(session, actor, class_id)
    return RedirectResponse(f"/classes/{class_id}/roster?done=code-off#join-code", status_code=303)


# A student's classes and the join form


def _student_only(actor: Actor) -> None:
    if actor.role != Role.STUDENT:
        raise Forbidden("this page is for students; teachers see their classes on the Classes page")


def join_page(
    request: Request, actor: Actor, session: Session, *, missing: NoCourseYet | None = None,
    notice: str | None = None, error: FormError | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    """The student's classes and the join form; with ``missing``, the page of a student who cannot practise
    yet (no class, only archived classes, or a class without a course), saying what to do next."""
    return render(
        request, "school/join.html", actor, status_code=error.status if error else status_code,
        classes=enrolment.my_classes(session, actor), missing=missing, notice=notice, form_error=error,
    )  # fmt: skip


def no_class_page(request: Request, actor: Actor, session: Session, missing: NoCourseYet) -> Response:
    """Shown by /learn, /practice and /placement to a student who has no class with a course yet."""
    return join_page(request, actor, session, missing=missing)


@router.get("/join")
def my_classes(
    request: Request, actor: ActorDep, session: SessionDep,
    joined: Annotated[str | None, Query(max_length=limits.NAME_MAX), Text] = None,
) -> Response:  # fmt: skip
    _student_only(actor)
    return join_page(request, actor, session, notice=f"You joined {joined}." if joined else None)


@router.post("/join")
def join_class(
    request: Request, actor: ActorDep, session: SessionDep,
    code: Annotated[str, Form(max_length=limits.JOIN_CODE_MAX), Text] = "",
) -> Response:  # fmt: skip
    _student_only(actor)
    try:
        joined = join_codes.join_class(session, actor, code, join_throttle(request), client_of(request))
    except FORM_ERRORS as error:
        return join_page(request, actor, session, error=form_error("join", error, code=code))
    if joined.already:
        return join_page(request, actor, session, notice=f"You are already in {joined.class_name}.")
    return RedirectResponse("/learn", status_code=303)
