"""Class rosters (the class's teachers and the school's administrators) and joining a class by code
(students)."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from atpace.services.school import enrolment, join_codes
from atpace.services.school.user_csv import CsvRejected, import_users
from atpace.web.api.admin import (
    CSV_BODY,
    CSV_ERRORS,
    NO_STORE,
    CsvBody,
    csv_rejected,
    import_out,
    teacher_out,
)
from atpace.web.api.school_schemas import (
    STAFF_ERRORS,
    ImportOut,
    JoinCodeOut,
    JoinOut,
    JoinRequest,
    RosterAddOut,
    RosterAddRequest,
    RosterOut,
    RosterStudentOut,
    errors,
)
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId

router = APIRouter(tags=["class rosters"])
_throttle_lock = threading.Lock()


def join_throttle(request: Request) -> join_codes.JoinThrottle:
    """The app's throttle of wrong join codes (made on first use; one per worker process)."""
    state = request.app.state
    with _throttle_lock:
        if not hasattr(state, "join_throttle"):
            state.join_throttle = join_codes.JoinThrottle()
    throttle: join_codes.JoinThrottle = state.join_throttle
    return throttle


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def roster_out(roster: enrolment.Roster) -> RosterOut:
    return RosterOut(
        class_id=roster.class_id, class_name=roster.class_name, course_title=roster.course_title,
        archived_at=roster.archived_at, join_code=join_codes.display(roster.join_code) or None,
        teachers=[teacher_out(t) for t in roster.teachers],
        students=[RosterStudentOut.model_validate(s, from_attributes=True) for s in roster.students],
        inactive_count=roster.inactive_count,
    )  # fmt: skip


@router.get("/classes/{class_id}/roster", response_model=RosterOut, responses=STAFF_ERRORS)
def get_roster(
    class_id: PathId, actor: ActorDep, session: SessionDep, include_inactive: Annotated[bool, Query()] = False
) -> RosterOut:
    """The class's teachers, students and join code (its teachers and the school's administrators)."""
    return roster_out(enrolment.roster(session, actor, class_id, include_inactive=include_inactive))


@router.post("/classes/{class_id}/roster", response_model=RosterAddOut, responses=STAFF_ERRORS)
def add_student(
    class_id: PathId, body: RosterAddRequest, actor: ActorDep, session: SessionDep
) -> RosterAddOut:
    """Add an existing student of the school by e-mail; adding them again changes nothing (`added: false`)."""
    student, added = enrolment.enrol(session, actor, class_id, email=body.email)
    return RosterAddOut(student_id=student.id, display_name=student.display_name, added=added)


@router.post(
    "/classes/{class_id}/roster/import", response_model=ImportOut, openapi_extra=CSV_BODY,
    responses={**STAFF_ERRORS, **CSV_ERRORS}, dependencies=NO_STORE,
)  # fmt: skip
def import_students(
    class_id: PathId,
    request: Request,
    actor: ActorDep,
    data: CsvBody,
    session: SessionDep,
    dry_run: bool = False,
) -> ImportOut | JSONResponse:
    """Add the students of a CSV file (`email,name[,password]`) to this class, creating the accounts that do
    not exist yet (each with a first-sign-in link unless a password is given). All rows or none."""
    try:
        result = import_users(session, actor, data, class_id=class_id, dry_run=dry_run)
    except CsvRejected as error:
        return csv_rejected(error)
    return import_out(request, result)


@router.delete("/classes/{class_id}/roster/{student_id}", status_code=204, responses=STAFF_ERRORS)
def remove_student(class_id: PathId, student_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    """Take a student out of the class; their attempts and mastery stay. Removing twice changes nothing."""
    enrolment.unenrol(session, actor, class_id, student_id)
    return Response(status_code=204)


@router.post(
    "/classes/{class_id}/join-code", response_model=JoinCodeOut, status_code=201, responses=STAFF_ERRORS
)
def new_join_code(class_id: PathId, actor: ActorDep, session: SessionDep) -> JoinCodeOut:
    """A new join code for the class (the previous one stops working)."""
    classroom = join_codes.set_join_code(session, actor, class_id)
    return JoinCodeOut(class_id=classroom.id, join_code=join_codes.display(classroom.join_code))


@router.delete("/classes/{class_id}/join-code", status_code=204, responses=STAFF_ERRORS)
def clear_join_code(class_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    """Turn joining by code off."""
    join_codes.clear_join_code(session, actor, class_id)
    return Response(status_code=204)


@router.post("/classes/join", response_model=JoinOut, responses=errors(401, 403, 404, 422, 429))
def join_class(body: JoinRequest, request: Request, actor: ActorDep, session: SessionDep) -> JoinOut:
    """Join a class with the code its teacher shows (students). A wrong code is a 404; after 10 wrong codes
    in 10 minutes, a 429."""
    joined = join_codes.join_class(session, actor, body.code, join_throttle(request), client_of(request))
    return JoinOut(class_id=joined.class_id, class_name=joined.class_name, already=joined.already)
