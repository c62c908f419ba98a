"""The school administration routes in the authorization matrix (test_authorization.py).

Administration is for the administrators of the school the row belongs to; a class's roster for its
teachers (and co-teachers) and the school's administrators; joining by code for students; another school's
rows are 404 to everyone.
"""

from __future__ import annotations

from tests.service.authz import CLASS_DATA, Case, everyone
from tests.service.conftest import RollbackDatabase, World


def admin_only(code: int) -> dict[str, int]:
    """A route without a row: administrators only (a foreign user is refused by role)."""
    return {**everyone(403), "admin": code}


def admin_row(code: int) -> dict[str, int]:
    """A row of the school: its administrators; another school's users do not see it exists."""
    return {**everyone(403), "admin": code, "foreign_teacher": 404, "foreign_student": 404}


def roster(code: int) -> dict[str, int]:
    return {**CLASS_DATA, "teacher": code, "admin": code}


NO_SUCH_LINK = "x" * 43  # a well-formed secret that no link has
LINK_PUBLIC = {**everyone(404), "anonymous": 404}
JOIN = {
    **everyone(403), "student": 200, "classmate": 200, "foreign_student": 404,
}  # fmt: skip


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    """A co-teacher of the main class (to remove), a student in no class (to edit, deactivate...), and a join
    code of the main class."""
    from atpace.services.school.join_codes import new_code
    from atpace.store.tables import Classroom, ClassTeacher, Role, User

    with database.transaction() as session:
        co = User(
            school_id=world.school_id, email="authz-co@riverside.example", display_name="Co Teacher",
            role=Role.TEACHER, password_hash="",
        )  # fmt: skip
        target = User(
            school_id=world.school_id, email="authz-target@riverside.example", display_name="Tess Target",
            role=Role.STUDENT, password_hash="",
        )  # fmt: skip
        session.add_all([co, target])
        session.flush()
        session.add(ClassTeacher(class_id=world.class_id, user_id=co.id, role="co-teacher"))
        code = new_code()
        classroom = session.get(Classroom, world.class_id)
        assert classroom is not None
        classroom.join_code = code
        return {"co_teacher": co.id, "target_user": target.id, "join_code": code}


def _csv(prefix: str) -> object:
    return lambda w, i, a: {"csv": f"email,name\n{prefix}-{a}@riverside.example,Imported {a}\n"}


CASES = [
    # JSON API: classes
    Case("GET", "/api/admin/classes", lambda w, i: "/api/admin/classes", admin_only(200)),
    Case("POST", "/api/admin/classes", lambda w, i: "/api/admin/classes", admin_only(201),
         body=lambda w, i, a: {"name": f"Authz {a}", "course_id": w.course_id}),
    Case("GET", "/api/admin/classes/{class_id}", lambda w, i: f"/api/admin/classes/{w.class_id}", admin_row(200)),
    Case("PUT", "/api/admin/classes/{class_id}/name", lambda w, i: f"/api/admin/classes/{w.class_id}/name",
         admin_row(200), body=lambda w, i, a: {"name": f"Renamed by {a}"}),
    Case("PUT", "/api/admin/classes/{class_id}/course", lambda w, i: f"/api/admin/classes/{w.class_id}/course",
         admin_row(200), body=lambda w, i, a: {"course_id": w.course_id}),
    Case("POST", "/api/admin/classes/{class_id}/archive", lambda w, i: f"/api/admin/classes/{w.class_id}/archive",
         admin_row(200)),
    Case("POST", "/api/admin/classes/{class_id}/restore", lambda w, i: f"/api/admin/classes/{w.class_id}/restore",
         admin_row(200)),
    Case("PUT", "/api/admin/classes/{class_id}/teachers/{user_id}",
         lambda w, i: f"/api/admin/classes/{w.class_id}/teachers/{w.other_teacher_id}", admin_row(200),
         body=lambda w, i, a: {"role": "co-teacher"}),
    Case("DELETE", "/api/admin/classes/{class_id}/teachers/{user_id}",
         lambda w, i: f"/api/admin/classes/{w.class_id}/teachers/{i['co_teacher']}", admin_row(204)),
    Case("GET", "/api/admin/courses", lambda w, i: "/api/admin/courses", admin_only(200)),
    # JSON API: users
    Case("GET", "/api/admin/users", lambda w, i: "/api/admin/users", admin_only(200)),
    Case("POST", "/api/admin/users", lambda w, i: "/api/admin/users", admin_only(201),
         body=lambda w, i, a: {"email": f"new-{a}@riverside.example", "display_name": "New", "role": "student"}),
    Case("POST", "/api/admin/users/import", lambda w, i: "/api/admin/users/import", admin_only(200),
         body=_csv("imported")),  # type: ignore[arg-type]
    Case("GET", "/api/admin/users/{user_id}", lambda w, i: f"/api/admin/users/{i['target_user']}", admin_row(200)),
    Case("PUT", "/api/admin/users/{user_id}", lambda w, i: f"/api/admin/users/{i['target_user']}", admin_row(200),
         body=lambda w, i, a: {"email": "authz-target@riverside.example", "display_name": f"Tess {a}"}),
    Case("POST", "/api/admin/users/{user_id}/deactivate",
         lambda w, i: f"/api/admin/users/{i['target_user']}/deactivate", admin_row(200)),
    Case("POST", "/api/admin/users/{user_id}/reactivate",
         lambda w, i: f"/api/admin/users/{i['target_user']}/reactivate", admin_row(200)),
    Case("POST", "/api/admin/users/{user_id}/sign-in-link",
         lambda w, i: f"/api/admin/users/{i['target_user']}/sign-in-link", admin_row(201)),
    # JSON API: rosters and join codes
    Case("GET", "/api/classes/{class_id}/roster", lambda w, i: f"/api/classes/{w.class_id}/roster", roster(200)),
    Case("POST", "/api/classes/{class_id}/roster", lambda w, i: f"/api/classes/{w.class_id}/roster", roster(200),
         body=lambda w, i, a: {"email": "s-other@riverside.example"}),
    Case("POST", "/api/classes/{class_id}/roster/import", lambda w, i: f"/api/classes/{w.class_id}/roster/import",
         roster(200), body=_csv("roster")),  # type: ignore[arg-type]
    Case("DELETE", "/api/classes/{class_id}/roster/{student_id}",
         lambda w, i: f"/api/classes/{w.class_id}/roster/{w.classmate_id}", roster(204)),
    Case("POST", "/api/classes/{class_id}/join-code", lambda w, i: f"/api/classes/{w.class_id}/join-code", roster(201)),
    Case("DELETE", "/api/classes/{class_id}/join-code", lambda w, i: f"/api/classes/{w.class_id}/join-code", roster(204)),
    Case("POST", "/api/classes/join", lambda w, i: "/api/classes/join", JOIN, body=lambda w, i, a: {"code": i["join_code"]}),
    # JSON API: one-time sign-in links (no login; a link that does not exist is a 404 for everyone)
    Case("GET", "/api/sign-in/{secret}", lambda w, i: f"/api/sign-in/{NO_SUCH_LINK}", LINK_PUBLIC),
    Case("POST", "/api/sign-in/{secret}", lambda w, i: f"/api/sign-in/{NO_SUCH_LINK}", LINK_PUBLIC,
         body=lambda w, i, a: {"password": "long-enough-1"}),
    # Pages: classes
    Case("GET", "/admin/classes", lambda w, i: "/admin/classes", admin_only(200)),
    Case("POST", "/admin/classes", lambda w, i: "/admin/classes", admin_only(303),
         body=lambda w, i, a: {"name": f"Page {a}", "course_id": w.course_id}, form=True),
    Case("GET", "/admin/classes/{class_id}", lambda w, i: f"/admin/classes/{w.class_id}", admin_row(200)),
    Case("POST", "/admin/classes/{class_id}/name", lambda w, i: f"/admin/classes/{w.class_id}/name", admin_row(303),
         body=lambda w, i, a: {"name": f"Page rename {a}"}, form=True),
    Case("POST", "/admin/classes/{class_id}/course", lambda w, i: f"/admin/classes/{w.class_id}/course",
         admin_row(303), body=lambda w, i, a: {"course_id": w.course_id}, form=True),
    Case("POST", "/admin/classes/{class_id}/archive", lambda w, i: f"/admin/classes/{w.class_id}/archive",
         admin_row(303), body=lambda w, i, a: {}, form=True),
    Case("POST", "/admin/classes/{class_id}/restore", lambda w, i: f"/admin/classes/{w.class_id}/restore",
         admin_row(303), body=lambda w, i, a: {}, form=True),
    Case("POST", "/admin/classes/{class_id}/teachers", lambda w, i: f"/admin/classes/{w.class_id}/teachers",
         admin_row(303), body=lambda w, i, a: {"user_id": w.other_teacher_id, "role": "co-teacher"}, form=True),
    Case("POST", "/admin/classes/{class_id}/teachers/{user_id}/remove",
         lambda w, i: f"/admin/classes/{w.class_id}/teachers/{i['co_teacher']}/remove", admin_row(303),
         body=lambda w, i, a: {}, form=True),
    # Pages: users
    Case("GET", "/admin/users", lambda w, i: "/admin/users", admin_only(200)),
    Case("POST", "/admin/users", lambda w, i: "/admin/users", admin_only(200),
         body=lambda w, i, a: {"email": f"page-{a}@riverside.example", "display_name": "P", "role": "teacher"},
         form=True),
    Case("POST", "/admin/users/import", lambda w, i: "/admin/users/import", admin_only(200),
         body=lambda w, i, a: {"csv_text": f"email,name\npage-imp-{a}@riverside.example,P"}, form=True),
    Case("GET", "/admin/users/{user_id}", lambda w, i: f"/admin/users/{i['target_user']}", admin_row(200)),
    Case("POST", "/admin/users/{user_id}/edit", lambda w, i: f"/admin/users/{i['target_user']}/edit",
         admin_row(303), body=lambda w, i, a: {"email": "authz-target@riverside.example", "display_name": a},
         form=True),
    Case("POST", "/admin/users/{user_id}/deactivate", lambda w, i: f"/admin/users/{i['target_user']}/deactivate",
         admin_row(303), body=lambda w, i, a: {}, form=True),
    Case("POST", "/admin/users/{user_id}/reactivate", lambda w, i: f"/admin/users/{i['target_user']}/reactivate",
         admin_row(303), body=lambda w, i, a: {}, form=True),
    Case("POST", "/admin/users/{user_id}/sign-in-link",
         lambda w, i: f"/admin/users/{i['target_user']}/sign-in-link", admin_row(200), body=lambda w, i, a: {},
         form=True),
    # Pages: rosters and join codes
    Case("GET", "/classes/{class_id}/roster", lambda w, i: f"/classes/{w.class_id}/roster", roster(200)),
    Case("POST", "/classes/{class_id}/roster/add", lambda w, i: f"/classes/{w.class_id}/roster/add", roster(303),
         body=lambda w, i, a: {"email": "s-other@riverside.example"}, form=True),
    Case("POST", "/classes/{class_id}/roster/import", lambda w, i: f"/classes/{w.class_id}/roster/import",
         roster(200), body=lambda w, i, a: {"csv_text": f"email,name\npage-roster-{a}@riverside.example,P"},
         form=True),
    Case("POST", "/classes/{class_id}/roster/{student_id}/remove",
         lambda w, i: f"/classes/{w.class_id}/roster/{w.classmate_id}/remove", roster(303),
         body=lambda w, i, a: {}, form=True),
    Case("POST", "/classes/{class_id}/join-code", lambda w, i: f"/classes/{w.class_id}/join-code", roster(303),
         body=lambda w, i, a: {}, form=True),
    Case("POST", "/classes/{class_id}/join-code/off", lambda w, i: f"/classes/{w.class_id}/join-code/off",
         roster(303), body=lambda w, i, a: {}, form=True),
    Case("GET", "/join", lambda w, i: "/join",
         {**everyone(403), "student": 200, "classmate": 200, "foreign_student": 200}),
    Case("POST", "/join", lambda w, i: "/join", JOIN, body=lambda w, i, a: {"code": i["join_code"]}, form=True),
    # The sign-in link page: no login; its form always needs the CSRF token (403 without it).
    Case("GET", "/sign-in/{secret}", lambda w, i: f"/sign-in/{NO_SUCH_LINK}", LINK_PUBLIC),
    Case("POST", "/sign-in/{secret}", lambda w, i: f"/sign-in/{NO_SUCH_LINK}", {**everyone(403), "anonymous": 403},
         body=lambda w, i, a: {"password": "long-enough-1", "confirm": "long-enough-1"}, form=True),
]  # fmt: skip
