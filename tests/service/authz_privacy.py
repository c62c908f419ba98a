"""Privacy in the authorization matrix: a student's data zip, their erasure status and every erasure step
are for the administrators of the student's school only (the student themself, their teachers: 403; another
school: 404). The confirmation case confirms a request made by a second administrator of the school."""

from __future__ import annotations

from atpace.services import privacy
from atpace.services.auth import create_user
from atpace.store.tables import Role, School
from tests.service.authz import Case, everyone
from tests.service.conftest import RollbackDatabase, World, actor_of

ADMINS_ONLY = {**everyone(403), "admin": 200}
SCHOOL_ADMINS = {**ADMINS_ONLY, "foreign_teacher": 404, "foreign_student": 404}
PAGE_ACTION = {**SCHOOL_ADMINS, "admin": 303}


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    with database.transaction() as session:
        school = session.get(School, world.school_id)
        assert school is not None
        second = create_user(
            session, school=school, email="authz-admin2@riverside.example", display_name="Authz Admin",
            role=Role.ADMIN, password="password-authz-2",
        )  # fmt: skip
        leaving = create_user(
            session, school=school, email="authz-leaving@riverside.example", display_name="Leaving Student",
            role=Role.STUDENT, password="password-authz-3",
        )  # fmt: skip
        request = privacy.request_erasure(session, actor_of(session, second.id), leaving.id, "")
    return {"erasure_request": request.id}


CASES = [
    Case("GET", "/api/privacy/erasures", lambda w, i: "/api/privacy/erasures", ADMINS_ONLY),
    Case("GET", "/api/privacy/students/{student_id}",
         lambda w, i: f"/api/privacy/students/{w.student_id}", SCHOOL_ADMINS),
    Case("GET", "/api/privacy/students/{student_id}/data.zip",
         lambda w, i: f"/api/privacy/students/{w.student_id}/data.zip", SCHOOL_ADMINS),
    Case("POST", "/api/privacy/students/{student_id}/erasure",
         lambda w, i: f"/api/privacy/students/{w.student_id}/erasure", {**SCHOOL_ADMINS, "admin": 201},
         body=lambda w, i, a: {"reason": "authz"}),
    Case("POST", "/api/privacy/erasures/{request_id}/confirm",
         lambda w, i: f"/api/privacy/erasures/{i['erasure_request']}/confirm", SCHOOL_ADMINS,
         body=lambda w, i, a: {}),
    Case("POST", "/api/privacy/erasures/{request_id}/cancel",
         lambda w, i: f"/api/privacy/erasures/{i['erasure_request']}/cancel", SCHOOL_ADMINS,
         body=lambda w, i, a: {}),
    Case("GET", "/admin/privacy", lambda w, i: "/admin/privacy", ADMINS_ONLY),
    Case("GET", "/admin/students/{student_id}/privacy",
         lambda w, i: f"/admin/students/{w.student_id}/privacy", SCHOOL_ADMINS),
    Case("POST", "/admin/students/{student_id}/privacy/erasure",
         lambda w, i: f"/admin/students/{w.student_id}/privacy/erasure", PAGE_ACTION,
         body=lambda w, i, a: {"reason": "authz"}, form=True),
    Case("POST", "/admin/erasures/{request_id}/confirm",
         lambda w, i: f"/admin/erasures/{i['erasure_request']}/confirm", PAGE_ACTION,
         body=lambda w, i, a: {}, form=True),
    Case("POST", "/admin/erasures/{request_id}/cancel",
         lambda w, i: f"/admin/erasures/{i['erasure_request']}/cancel", PAGE_ACTION,
         body=lambda w, i, a: {}, form=True),
]  # fmt: skip
