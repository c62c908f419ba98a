"""The school administrator's pages: classes (create, rename, course, teachers, archive) and users (create,
CSV import, edit, deactivate, sign-in links). Each action calls the same service as its JSON API route."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.errors import InvalidInput
from atpace.services import limits
from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.services.school import classes, users
from atpace.services.school.common import admin_class, require_admin, school_user
from atpace.services.school.user_csv import ImportResult, import_users
from atpace.services.sign_in_links import IssuedLink
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text
from atpace.web.pages.common import is_htmx, render
from atpace.web.pages.forms import (
    FORM_ERRORS,
    NO_CSV,
    CsvUploadDep,
    FormError,
    base_url,
    form_error,
    no_store,
)

router = APIRouter()

DONE = {
    "created": "Class created.", "renamed": "Name saved.", "course": "Course saved.", "archived": "Class archived.",
    "restored": "Class restored.", "teacher": "Teacher saved.", "removed": "Teacher removed.",
    "saved": "Changes saved.", "deactivated": "Account deactivated: the user can no longer sign in.",
    "reactivated": "Account reactivated.",
}  # fmt: skip
Done = Annotated[str | None, Query(max_length=16), Text]


def _see(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


# Classes


def _classes_page(
    request: Request,
    actor: Actor,
    session: Session,
    *,
    archived: bool = False,
    error: FormError | None = None,
) -> Response:
    return render(
        request, "school/admin_classes.html", actor, status_code=error.status if error else 200,
        classes=classes.list_classes(session, actor, include_archived=archived), archived=archived,
        courses=classes.school_courses(session, actor), teachers=_teachers(session, actor), form_error=error,
    )  # fmt: skip


def _teachers(session: Session, actor: Actor) -> list[users.UserRow]:
    return users.list_users(session, actor, role="teacher", limit=users.LIST_LIMIT_MAX).rows


@router.get("/admin/classes")
def classes_page(request: Request, actor: ActorDep, session: SessionDep, archived: bool = False) -> Response:
    return _classes_page(request, actor, session, archived=archived)


@router.post("/admin/classes")
def create_class(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    name: Annotated[str, Form(max_length=limits.NAME_MAX), Text] = "",
    course_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    teacher_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    require_admin(actor)
    try:
        created = classes.create_class(session, actor, name, course_id=course_id, teacher_id=teacher_id)
    except FORM_ERRORS as error:
        values = {"name": name, "course_id": str(course_id or ""), "teacher_id": str(teacher_id or "")}
        return _classes_page(request, actor, session, error=form_error("create", error, **values))
    return _see(f"/admin/classes/{created.id}?done=created")


def _class_page(
    request: Request, actor: Actor, session: Session, class_id: int, *, notice: str | None = None,
    error: FormError | None = None,
) -> Response:  # fmt: skip
    return render(
        request, "school/admin_class.html", actor, status_code=error.status if error else 200,
        detail=classes.class_detail(session, actor, class_id), notice=notice, form_error=error,
    )  # fmt: skip


@router.get("/admin/classes/{class_id}")
def class_page(
    request: Request, class_id: PathId, actor: ActorDep, session: SessionDep, done: Done = None
) -> Response:
    return _class_page(request, actor, session, class_id, notice=DONE.get(done or ""))


@router.post("/admin/classes/{class_id}/name")
def rename_class(
    request: Request, class_id: PathId, actor: ActorDep, session: SessionDep,
    name: Annotated[str, Form(max_length=limits.NAME_MAX), Text] = "",
) -> Response:  # fmt: skip
    admin_class(session, actor, class_id)
    try:
        classes.rename_class(session, actor, class_id, name)
    except FORM_ERRORS as error:
        return _class_page(request, actor, session, class_id, error=form_error("name", error, name=name))
    return _see(f"/admin/classes/{class_id}?done=renamed")


@router.post("/admin/classes/{class_id}/course")
def set_course(
    request: Request, class_id: PathId, actor: ActorDep, session: SessionDep,
    course_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:  # fmt: skip
    admin_class(session, actor, class_id)
    try:
        if course_id is None:
            raise InvalidInput("course_id", "choose a course")
        classes.set_course(session, actor, class_id, course_id)
    except FORM_ERRORS as error:
        return _class_page(request, actor, session, class_id, error=form_error("course", error))
    return _see(f"/admin/classes/{class_id}?done=course")


@router.post("/admin/classes/{class_id}/archive")
def archive_class(request: Request, class_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    classes.archive_class(session, actor, class_id)
    return _see(f"/admin/classes/{class_id}?done=archived")


@router.post("/admin/classes/{class_id}/restore")
def restore_class(request: Request, class_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    admin_class(session, actor, class_id)
    try:
        classes.restore_class(session, actor, class_id)
    except FORM_ERRORS as error:
        return _class_page(request, actor, session, class_id, error=form_error("archive", error))
    return _see(f"/admin/classes/{class_id}?done=restored")


@router.post("/admin/classes/{class_id}/teachers")
def set_teacher(
    request: Request, class_id: PathId, actor: ActorDep, session: SessionDep,
    user_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    role: Annotated[str, Form(max_length=16), Text] = "teacher",
) -> Response:  # fmt: skip
    admin_class(session, actor, class_id)
    try:
        if user_id is None:
            raise InvalidInput("user_id", "choose a teacher")
        classes.set_teacher(session, actor, class_id, user_id, role)
    except FORM_ERRORS as error:
        values = {"user_id": str(user_id or ""), "role": role}
        return _class_page(request, actor, session, class_id, error=form_error("teachers", error, **values))
    return _see(f"/admin/classes/{class_id}?done=teacher#teachers")


@router.post("/admin/classes/{class_id}/teachers/{user_id}/remove")
def remove_teacher(
    request: Request, class_id: PathId, user_id: PathId, actor: ActorDep, session: SessionDep
) -> Response:
    admin_class(session, actor, class_id)
    try:
        classes.remove_teacher(session, actor, class_id, user_id)
    except FORM_ERRORS as error:
        return _class_page(request, actor, session, class_id, error=form_error("teachers", error))
    return _see(f"/admin/classes/{class_id}?done=removed#teachers")


# Users

ROLE_FILTERS = ("", "student", "teacher", "admin")


def _users_page(
    request: Request, actor: Actor, session: Session, *, role: str = "", q: str = "", inactive: bool = False,
    error: FormError | None = None,
) -> Response:  # fmt: skip
    page = users.list_users(session, actor, role=role or None, search=q, include_inactive=inactive)
    return render(
        request, "school/admin_users.html", actor, status_code=error.status if error else 200, page=page,
        role=role, q=q, inactive=inactive, classes=classes.list_classes(session, actor), form_error=error,
    )  # fmt: skip


@router.get("/admin/users")
def users_page(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    role: Annotated[str, Query(max_length=16), Text] = "",
    q: Annotated[str, Query(max_length=limits.NAME_MAX), Text] = "",
    inactive: bool = False,
) -> Response:
    require_admin(actor)
    return _users_page(
        request, actor, session, role=role if role in ROLE_FILTERS else "", q=q, inactive=inactive
    )


@router.post("/admin/users")
def create_user(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    email: Annotated[str, Form(max_length=limits.EMAIL_MAX), Text] = "",
    display_name: Annotated[str, Form(max_length=limits.NAME_MAX), Text] = "",
    role: Annotated[str, Form(max_length=16), Text] = "student",
    password: Annotated[str, Form(max_length=limits.PASSWORD_MAX), Text] = "",
    class_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    require_admin(actor)
    try:
        created = users.create_user(
            session, actor, email=email, display_name=display_name, role=role, password=password or None,
            class_id=class_id,
        )  # fmt: skip
    except FORM_ERRORS as error:
        values = {"email": email, "display_name": display_name, "role": role, "class_id": str(class_id or "")}
        return _users_page(request, actor, session, error=form_error("create", error, **values))
    notice = f"Account created for {created.user.display_name}" + (
        f" and added to {created.class_name}." if created.class_name else "."
    )
    return _user_page(request, actor, session, created.user.id, notice=notice, link=created.link)


@router.post("/admin/users/import")
def import_csv(request: Request, actor: ActorDep, session: SessionDep, upload: CsvUploadDep) -> Response:
    require_admin(actor)
    try:
        if upload.data is None:
            raise NO_CSV
        result = import_users(session, actor, upload.data, dry_run=upload.dry_run)
    except FORM_ERRORS as error:
        return import_result_page(request, actor, error=form_error("import", error), back="/admin/users")
    return import_result_page(request, actor, result=result, back="/admin/users")


def import_result_page(
    request: Request, actor: Actor, *, back: str, result: ImportResult | None = None,
    error: FormError | None = None,
) -> Response:  # fmt: skip
    """The outcome of a CSV import: every problem, or what was done and the sign-in links (shown once)."""
    template = "school/_import_result.html" if is_htmx(request) else "school/import_result.html"
    links_csv = result.links_csv(base_url(request)) if result is not None and result.links else ""
    response = render(
        request, template, actor, status_code=error.status if error else 200, result=result, form_error=error,
        back=back, base=base_url(request), links_csv=links_csv,
    )  # fmt: skip
    return no_store(response)


def _user_page(
    request: Request, actor: Actor, session: Session, user_id: int, *, notice: str | None = None,
    link: IssuedLink | None = None, error: FormError | None = None,
) -> Response:  # fmt: skip
    response = render(
        request, "school/admin_user.html", actor, status_code=error.status if error else 200,
        detail=users.get_user(session, actor, user_id), notice=notice, link=link, base=base_url(request),
        form_error=error,
    )  # fmt: skip
    return no_store(response) if link else response


@router.get("/admin/users/{user_id}")
def user_page(
    request: Request, user_id: PathId, actor: ActorDep, session: SessionDep, done: Done = None
) -> Response:
    return _user_page(request, actor, session, user_id, notice=DONE.get(done or ""))


@router.post("/admin/users/{user_id}/edit")
def edit_user(
    request: Request, user_id: PathId, actor: ActorDep, session: SessionDep,
    email: Annotated[str, Form(max_length=limits.EMAIL_MAX), Text] = "",
    display_name: Annotated[str, Form(max_length=limits.NAME_MAX), Text] = "",
) -> Response:  # fmt: skip
    school_user(session, actor, user_id)
    require_admin(actor)
    try:
        users.update_user(session, actor, user_id, email=email, display_name=display_name)
    except FORM_ERRORS as error:
        values = {"email": email, "display_name": display_name}
        return _user_page(request, actor, session, user_id, error=form_error("edit", error, **values))
    return _see(f"/admin/users/{user_id}?done=saved")


@router.post("/admin/users/{user_id}/deactivate")
def deactivate_user(request: Request, user_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    school_user(session, actor, user_id)
    require_admin(actor)
    try:
        users.deactivate_user(session, actor, user_id)
    except FORM_ERRORS as error:
        return _user_page(request, actor, session, user_id, error=form_error("status", error))
    return _see(f"/admin/users/{user_id}?done=deactivated")


@router.post("/admin/users/{user_id}/reactivate")
def reactivate_user(request: Request, user_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    users.reactivate_user(session, actor, user_id)
    return _see(f"/admin/users/{user_id}?done=reactivated")


@router.post("/admin/users/{user_id}/sign-in-link")
def sign_in_link(request: Request, user_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    school_user(session, actor, user_id)
    require_admin(actor)
    try:
        link = users.sign_in_link(session, actor, user_id)
    except FORM_ERRORS as error:
        return _user_page(request, actor, session, user_id, error=form_error("link", error))
    return _user_page(request, actor, session, user_id, link=link, notice="New sign-in link made.")
