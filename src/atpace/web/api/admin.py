"""The school administrator's JSON API: classes, their course and teachers, users, bulk CSV, sign-in links.

Every route is for the administrators of the school the rows belong to (another school's rows are 404).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from atpace.errors import InvalidInput
from atpace.services import limits
from atpace.services.school import classes, users
from atpace.services.school.enrolment import RosterTeacher
from atpace.services.school.user_csv import CsvRejected, ImportResult, import_users
from atpace.services.sign_in_links import IssuedLink
from atpace.web.api.school_schemas import (
    STAFF_ERRORS,
    ClassCourseRequest,
    ClassCreateRequest,
    ClassDetailOut,
    ClassNameRequest,
    ClassRowOut,
    CourseChangeOut,
    CourseOptionOut,
    CsvErrorOut,
    ImportedUserOut,
    ImportOut,
    MembershipOut,
    SignInLinkOut,
    TeacherOut,
    TeacherRoleRequest,
    TeacherSetOut,
    UserCreatedOut,
    UserCreateRequest,
    UserDetailOut,
    UserListOut,
    UserOut,
    UsersCsvRequest,
    UserUpdateRequest,
)
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId, Text

router = APIRouter(prefix="/admin", tags=["school administration"], responses=STAFF_ERRORS)


def no_store(response: Response) -> None:
    """Answers that carry a one-time sign-in link must not be kept by a cache."""
    response.headers["Cache-Control"] = "no-store"


NO_STORE = [Depends(no_store)]


def teacher_out(t: RosterTeacher) -> TeacherOut:
    return TeacherOut(id=t.id, display_name=t.display_name, email=t.email, role=t.role, is_active=t.is_active)


def detail_out(d: classes.ClassDetail) -> ClassDetailOut:
    return ClassDetailOut(
        id=d.id, name=d.name, course_id=d.course_id, course_title=d.course_title, archived_at=d.archived_at,
        join_code=d.join_code, teachers=[teacher_out(t) for t in d.teachers], student_count=d.student_count,
        practised_count=d.practised_count,
    )  # fmt: skip


def link_out(request: Request, link: IssuedLink) -> SignInLinkOut:
    return SignInLinkOut(
        user_id=link.user_id, email=link.email, url=base_url(request) + link.path, expires_at=link.expires_at
    )


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def user_out(row: users.UserRow) -> UserOut:
    return UserOut.model_validate(row, from_attributes=True)


@router.get("/classes", response_model=list[ClassRowOut])
def list_classes(
    actor: ActorDep, session: SessionDep, include_archived: Annotated[bool, Query()] = False
) -> list[ClassRowOut]:
    """The school's classes with course, teachers and number of active students (archived when asked)."""
    return [
        ClassRowOut.model_validate(c, from_attributes=True)
        for c in classes.list_classes(session, actor, include_archived=include_archived)
    ]


@router.post("/classes", response_model=ClassDetailOut, status_code=201)
def create_class(body: ClassCreateRequest, actor: ActorDep, session: SessionDep) -> ClassDetailOut:
    """A new class; its name must differ from the school's other open classes (409 naming `name`)."""
    created = classes.create_class(
        session, actor, body.name, course_id=body.course_id, teacher_id=body.teacher_id
    )
    return detail_out(classes.class_detail(session, actor, created.id))


@router.get("/classes/{class_id}", response_model=ClassDetailOut)
def get_class(class_id: PathId, actor: ActorDep, session: SessionDep) -> ClassDetailOut:
    return detail_out(classes.class_detail(session, actor, class_id))


@router.put("/classes/{class_id}/name", response_model=ClassDetailOut)
def rename_class(
    class_id: PathId, body: ClassNameRequest, actor: ActorDep, session: SessionDep
) -> ClassDetailOut:
    classes.rename_class(session, actor, class_id, body.name)
    return detail_out(classes.class_detail(session, actor, class_id))


@router.put("/classes/{class_id}/course", response_model=CourseChangeOut)
def set_course(
    class_id: PathId, body: ClassCourseRequest, actor: ActorDep, session: SessionDep
) -> CourseChangeOut:
    """Choose the course the class practises. Students keep their mastery per skill when it changes."""
    change = classes.set_course(session, actor, class_id, body.course_id)
    return CourseChangeOut(
        class_id=change.classroom.id, course_id=body.course_id, previous_course_id=change.previous_course_id,
        practised_count=change.practised_count,
    )  # fmt: skip


@router.post("/classes/{class_id}/archive", response_model=ClassDetailOut)
def archive_class(class_id: PathId, actor: ActorDep, session: SessionDep) -> ClassDetailOut:
    """Make the class read-only and hide it from lists; nothing is deleted, its join code stops working."""
    classes.archive_class(session, actor, class_id)
    return detail_out(classes.class_detail(session, actor, class_id))


@router.post("/classes/{class_id}/restore", response_model=ClassDetailOut)
def restore_class(class_id: PathId, actor: ActorDep, session: SessionDep) -> ClassDetailOut:
    classes.restore_class(session, actor, class_id)
    return detail_out(classes.class_detail(session, actor, class_id))


@router.put("/classes/{class_id}/teachers/{user_id}", response_model=TeacherSetOut)
def set_teacher(
    class_id: PathId, user_id: PathId, body: TeacherRoleRequest, actor: ActorDep, session: SessionDep
) -> TeacherSetOut:
    """Make a teacher of the school the class's teacher or co-teacher (or change their role)."""
    added = classes.set_teacher(session, actor, class_id, user_id, body.role)
    return TeacherSetOut(class_id=class_id, user_id=user_id, role=body.role, added=added)


@router.delete("/classes/{class_id}/teachers/{user_id}", status_code=204)
def remove_teacher(class_id: PathId, user_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    """Remove a teacher from the class; the last teacher stays (409: add the new one first)."""
    classes.remove_teacher(session, actor, class_id, user_id)
    return Response(status_code=204)


@router.get("/courses", response_model=list[CourseOptionOut])
def list_courses(actor: ActorDep, session: SessionDep) -> list[CourseOptionOut]:
    """The school's courses, which a class can use."""
    return [
        CourseOptionOut.model_validate(c, from_attributes=True)
        for c in classes.school_courses(session, actor)
    ]


@router.get("/users", response_model=UserListOut)
def list_users(
    actor: ActorDep,
    session: SessionDep,
    role: Annotated[str | None, Query(max_length=16), Text] = None,
    q: Annotated[str, Query(max_length=limits.NAME_MAX, description="part of a name or e-mail"), Text] = "",
    include_inactive: bool = False,
    limit: Annotated[int, Query(ge=1, le=users.LIST_LIMIT_MAX)] = 100,
    offset: Annotated[int, Query(ge=0, le=limits.MAX_ID)] = 0,
) -> UserListOut:
    page = users.list_users(
        session, actor, role=role, search=q, include_inactive=include_inactive, limit=limit, offset=offset
    )
    return UserListOut(
        users=[user_out(r) for r in page.rows], total=page.total, limit=page.limit, offset=page.offset
    )


@router.post("/users", response_model=UserCreatedOut, status_code=201, dependencies=NO_STORE)
def create_user(
    body: UserCreateRequest, request: Request, actor: ActorDep, session: SessionDep
) -> UserCreatedOut:
    """Create an account. Without a password the answer carries a one-time first-sign-in link (shown once).
    An e-mail that is taken (in any school) is a 409 naming `email`."""
    created = users.create_user(
        session, actor, email=body.email, display_name=body.display_name, role=body.role,
        password=body.password, class_id=body.class_id,
    )  # fmt: skip
    detail = users.get_user(session, actor, created.user.id)
    return UserCreatedOut(
        user=user_out(detail.user), class_name=created.class_name,
        sign_in_link=link_out(request, created.link) if created.link else None,
    )  # fmt: skip


def import_out(request: Request, result: ImportResult) -> ImportOut:
    return ImportOut(
        dry_run=result.dry_run, created=result.created, existing=result.existing,
        added_to_class=result.added_to_class,
        users=[
            ImportedUserOut(
                line=u.line, user_id=u.user_id, email=u.email, display_name=u.display_name, role=u.role,
                status=u.status, class_name=u.class_name, added_to_class=u.added_to_class,
                sign_in_link=link_out(request, u.link) if u.link else None,
            )
            for u in result.users
        ],
    )  # fmt: skip


CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": "email,name,role,class\n"
                         "amara@school.example,Amara Okafor,student,Grade 4 - Room 12\n"},
            "application/json": {"schema": UsersCsvRequest.model_json_schema()},
        },
    }
}  # fmt: skip
CSV_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {
        "model": CsvErrorOut,
        "description": "the file has problems (each with line and column); nothing was written",
    }
}


async def csv_body(request: Request) -> bytes | str:
    """The CSV from a text/csv body (bytes: the reader names a line that is not UTF-8), or from
    ``{"csv": "..."}`` in a JSON body."""
    raw = await request.body()
    if len(raw) > 2 * limits.CSV_MAX_BYTES:
        raise InvalidInput("file", f"the file is larger than {limits.CSV_MAX_BYTES // 1_000_000} MB")
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            return UsersCsvRequest.model_validate_json(raw).csv
        except ValidationError as error:
            first = error.errors()[0]
            raise InvalidInput(".".join(map(str, first["loc"])) or "csv", first["msg"]) from None
    return raw


CsvBody = Annotated[bytes | str, Depends(csv_body)]


def csv_rejected(error: CsvRejected) -> JSONResponse:
    return JSONResponse(
        {
            "detail": error.message,
            "field": "file",
            "problems": [{"line": p.line, "column": p.column, "message": p.message} for p in error.problems],
        },
        status_code=422,
    )


@router.post(
    "/users/import",
    response_model=ImportOut,
    openapi_extra=CSV_BODY,
    responses=CSV_ERRORS,
    dependencies=NO_STORE,
)
def import_users_csv(
    request: Request, actor: ActorDep, data: CsvBody, session: SessionDep, dry_run: bool = False
) -> ImportOut | JSONResponse:
    """Create (or find) the users of a CSV file and add them to their classes: all rows or none. Columns:
    `email,name,role,class,password` (docs/admin.md). New users without a password get a first-sign-in link,
    returned once. `dry_run=true` checks the file and writes nothing."""
    try:
        result = import_users(session, actor, data, dry_run=dry_run)
    except CsvRejected as error:
        return csv_rejected(error)
    return import_out(request, result)


@router.get("/users/{user_id}", response_model=UserDetailOut)
def get_user(user_id: PathId, actor: ActorDep, session: SessionDep) -> UserDetailOut:
    return user_detail_out(users.get_user(session, actor, user_id))


def user_detail_out(detail: users.UserDetail) -> UserDetailOut:
    return UserDetailOut(
        user=user_out(detail.user),
        classes=[MembershipOut.model_validate(m, from_attributes=True) for m in detail.classes],
        attempts=detail.attempts,
    )


@router.put("/users/{user_id}", response_model=UserDetailOut)
def update_user(
    user_id: PathId, body: UserUpdateRequest, actor: ActorDep, session: SessionDep
) -> UserDetailOut:
    """Correct a user's e-mail (their login) or name. The role of an account does not change."""
    users.update_user(session, actor, user_id, email=body.email, display_name=body.display_name)
    return user_detail_out(users.get_user(session, actor, user_id))


@router.post("/users/{user_id}/deactivate", response_model=UserDetailOut)
def deactivate_user(user_id: PathId, actor: ActorDep, session: SessionDep) -> UserDetailOut:
    """The user can no longer sign in and leaves rosters and heatmaps; every attempt and learner state stays."""
    users.deactivate_user(session, actor, user_id)
    return user_detail_out(users.get_user(session, actor, user_id))


@router.post("/users/{user_id}/reactivate", response_model=UserDetailOut)
def reactivate_user(user_id: PathId, actor: ActorDep, session: SessionDep) -> UserDetailOut:
    users.reactivate_user(session, actor, user_id)
    return user_detail_out(users.get_user(session, actor, user_id))


@router.post(
    "/users/{user_id}/sign-in-link", response_model=SignInLinkOut, status_code=201, dependencies=NO_STORE
)
def sign_in_link(user_id: PathId, request: Request, actor: ActorDep, session: SessionDep) -> SignInLinkOut:
    """A one-time link for the user to choose a new password (or their first one); shown once. Earlier
    unused links stop working."""
    return link_out(request, users.sign_in_link(session, actor, user_id))
