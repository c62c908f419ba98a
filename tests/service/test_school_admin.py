"""The administrator's classes and users, through the JSON API and the pages (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import func, select

from atpace.store.tables import (
    Attempt,
    AuthToken,
    Classroom,
    ClassTeacher,
    Enrollment,
    LearnerState,
    School,
    User,
)
from tests.service.conftest import RollbackDatabase, World
from tests.service.school import Api, browser, csrf_of, user_id
from tests.service.web import client_for


def second_course(database: RollbackDatabase, world: World) -> int:
    from atpace.content import FRACTIONS_COURSE
    from atpace.services.courses import import_course

    with database.transaction() as session:
        school = session.get(School, world.school_id)
        assert school is not None
        return import_course(
            session, school, replace(FRACTIONS_COURSE, key="fractions-b", title="Fractions B")
        ).id


def test_admin_creates_a_class_with_course_teacher_and_students(
    database: RollbackDatabase, world: World
) -> None:
    admin = Api(database, world.admin_id)
    created = admin.post(
        "/api/admin/classes",
        {"name": "  Grade 5 -  Room 7 ", "course_id": world.course_id, "teacher_id": world.other_teacher_id},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "Grade 5 - Room 7" and body["course_title"] == "Fractions"
    assert [(t["display_name"], t["role"]) for t in body["teachers"]] == [("Mr. Other", "teacher")]
    class_id = body["id"]
    new = admin.post(
        "/api/admin/users",
        {
            "email": "Zoe@Riverside.example",
            "display_name": "Zoe New",
            "role": "student",
            "class_id": class_id,
        },
    )
    assert new.status_code == 201, new.text
    assert (
        new.json()["user"]["email"] == "zoe@riverside.example"
        and new.json()["class_name"] == "Grade 5 - Room 7"
    )
    assert new.json()["sign_in_link"]["url"].startswith("https://testserver/sign-in/")
    added = admin.post(f"/api/classes/{class_id}/roster", {"email": "student01@riverside.example"})
    assert added.json() == {"student_id": world.student_id, "display_name": "Amara Okafor", "added": True}
    again = admin.post(f"/api/classes/{class_id}/roster", {"email": "student01@riverside.example"})
    assert again.status_code == 200 and again.json()["added"] is False  # idempotent
    teacher = Api(database, world.other_teacher_id)
    assert class_id in [c["id"] for c in teacher.get("/api/classes").json()]
    roster = teacher.get(f"/api/classes/{class_id}/roster").json()
    assert [s["display_name"] for s in roster["students"]] == ["Amara Okafor", "Zoe New"]
    assert [s["has_password"] for s in roster["students"]] == [True, False]
    heatmap = teacher.get(f"/api/classes/{class_id}/heatmap")
    assert heatmap.status_code == 200 and len(heatmap.json()["rows"]) == 2
    listed = {c["name"]: c for c in admin.get("/api/admin/classes").json()}
    assert listed["Grade 5 - Room 7"]["student_count"] == 2 and listed["Grade 5 - Room 7"]["teachers"] == [
        "Mr. Other"
    ]


def test_class_names_and_inputs_are_checked_naming_the_field(
    database: RollbackDatabase, world: World
) -> None:
    admin = Api(database, world.admin_id)
    clash = admin.post(
        "/api/admin/classes", {"name": "grade 4 -  room 12"}
    )  # the demo class, spelt otherwise
    assert clash.status_code == 409 and clash.json()["field"] == "name"
    blank = admin.post("/api/admin/classes", {"name": "   "})
    assert blank.status_code == 422 and blank.json()["field"] == "name"
    long = admin.post("/api/admin/classes", {"name": "x" * 121})
    assert long.status_code == 422 and long.json()["field"] == "name"
    not_teacher = admin.post("/api/admin/classes", {"name": "New", "teacher_id": world.student_id})
    assert not_teacher.status_code == 422 and not_teacher.json()["field"] == "teacher_id"
    with database.transaction() as session:
        foreign_course = session.scalar(
            select(Classroom.course_id).join(User, User.school_id == Classroom.school_id)
            .where(User.id == world.foreign_teacher_id)
        )  # fmt: skip
    assert admin.post("/api/admin/classes", {"name": "New", "course_id": foreign_course}).status_code == 404
    extra = admin.post("/api/admin/classes", {"name": "New", "colour": "red"})
    assert extra.status_code == 422 and extra.json()["field"] == "colour"
    with database.transaction() as session:  # nothing of the refused requests was written
        assert session.scalar(select(func.count()).select_from(Classroom).where(Classroom.name == "New")) == 0
    # Renaming to its own name (case changed) is fine; to another open class's name is not.
    assert (
        admin.put(f"/api/admin/classes/{world.class_id}/name", {"name": "GRADE 4 - Room 12"}).status_code
        == 200
    )
    taken = admin.put(f"/api/admin/classes/{world.other_class_id}/name", {"name": "Grade 4 - Room 12"})
    assert taken.status_code == 409 and taken.json()["field"] == "name"


def test_archived_classes_are_read_only_hidden_and_restorable(
    database: RollbackDatabase, world: World
) -> None:
    admin = Api(database, world.admin_id)
    student = Api(database, world.classmate_id)
    teacher = Api(database, world.teacher_id)
    before = student.get("/api/students/me/progress").json()
    archived = admin.post(f"/api/admin/classes/{world.class_id}/archive")
    assert archived.status_code == 200 and archived.json()["archived_at"] is not None
    assert world.class_id not in [c["id"] for c in teacher.get("/api/classes").json()]
    assert world.class_id not in [c["id"] for c in admin.get("/api/admin/classes").json()]
    assert world.class_id in [c["id"] for c in admin.get("/api/admin/classes?include_archived=true").json()]
    for refused in (
        admin.put(f"/api/admin/classes/{world.class_id}/name", {"name": "Other name"}),
        admin.put(f"/api/admin/classes/{world.class_id}/course", {"course_id": world.course_id}),
        teacher.post(f"/api/classes/{world.class_id}/roster", {"email": "s-other@riverside.example"}),
        teacher.post(f"/api/classes/{world.class_id}/join-code"),
        teacher.delete(f"/api/classes/{world.class_id}/roster/{world.student_id}"),
    ):
        assert refused.status_code == 409 and "archived" in refused.json()["detail"], refused.text
    # The teacher still reads the class (heatmap); its student has no open class to practise in.
    assert teacher.get(f"/api/classes/{world.class_id}/heatmap").status_code == 200
    missing = student.get("/api/students/me/progress")
    assert missing.status_code == 409 and "archived" in missing.json()["detail"]
    assert student.post("/api/practice/next", {}).status_code == 409
    with database.transaction() as session:
        assert session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.student_id == world.classmate_id)
        )
    # A new class with the archived one's name is allowed; restoring the old one then clashes.
    assert admin.post("/api/admin/classes", {"name": "Grade 4 - Room 12"}).status_code == 201
    clash = admin.post(f"/api/admin/classes/{world.class_id}/restore")
    assert clash.status_code == 409 and clash.json()["field"] == "name"
    new_id = next(c["id"] for c in admin.get("/api/admin/classes").json() if c["name"] == "Grade 4 - Room 12")
    assert admin.put(f"/api/admin/classes/{new_id}/name", {"name": "Grade 4 - new"}).status_code == 200
    assert admin.post(f"/api/admin/classes/{world.class_id}/restore").json()["archived_at"] is None
    assert student.get("/api/students/me/progress").json()["skills"] == before["skills"]  # nothing was lost


def test_changing_the_course_keeps_every_students_learner_state(
    database: RollbackDatabase, world: World
) -> None:
    other = second_course(database, world)
    admin = Api(database, world.admin_id)
    student = Api(database, world.classmate_id)
    before = {s["key"]: s["mastery"] for s in student.get("/api/students/me/progress").json()["skills"]}
    with database.transaction() as session:
        states = session.scalar(select(func.count()).select_from(LearnerState))
    page = browser(database, "admin@riverside.example").get(f"/admin/classes/{world.class_id}")
    assert 'id="course-warning"' in page.text and "keeps their mastery" in page.text
    changed = admin.put(f"/api/admin/classes/{world.class_id}/course", {"course_id": other})
    assert changed.status_code == 200
    assert changed.json()["previous_course_id"] == world.course_id and changed.json()["practised_count"] >= 20
    assert student.get("/api/students/me/progress").json()["course_title"] == "Fractions B"
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(LearnerState)) == states
    admin.put(f"/api/admin/classes/{world.class_id}/course", {"course_id": world.course_id})
    after = {s["key"]: s["mastery"] for s in student.get("/api/students/me/progress").json()["skills"]}
    assert after == before


def test_teachers_and_co_teachers_and_the_last_teacher(database: RollbackDatabase, world: World) -> None:
    admin = Api(database, world.admin_id)
    other = Api(database, world.other_teacher_id)
    assert other.get(f"/api/classes/{world.class_id}/heatmap").status_code == 403
    added = admin.put(
        f"/api/admin/classes/{world.class_id}/teachers/{world.other_teacher_id}", {"role": "co-teacher"}
    )
    assert added.json() == {
        "class_id": world.class_id,
        "user_id": world.other_teacher_id,
        "role": "co-teacher",
        "added": True,
    }
    # A co-teacher sees and manages the class as its teacher does (the same ClassTeacher rows).
    assert other.get(f"/api/classes/{world.class_id}/heatmap").status_code == 200
    assert other.get(f"/api/students/{world.classmate_id}/progress").status_code == 200
    assert other.post(f"/api/classes/{world.class_id}/join-code").status_code == 201
    lead = admin.put(
        f"/api/admin/classes/{world.class_id}/teachers/{world.other_teacher_id}", {"role": "teacher"}
    )
    assert lead.json()["added"] is False
    assert admin.delete(f"/api/admin/classes/{world.class_id}/teachers/{world.teacher_id}").status_code == 204
    last = admin.delete(f"/api/admin/classes/{world.class_id}/teachers/{world.other_teacher_id}")
    assert last.status_code == 409 and "only teacher" in last.json()["detail"]
    assert Api(database, world.teacher_id).get(f"/api/classes/{world.class_id}/heatmap").status_code == 403
    not_a_teacher = admin.put(
        f"/api/admin/classes/{world.class_id}/teachers/{world.student_id}", {"role": "teacher"}
    )
    assert not_a_teacher.status_code == 422 and not_a_teacher.json()["field"] == "user_id"
    bad_role = admin.put(f"/api/admin/classes/{world.class_id}/teachers/{world.teacher_id}", {"role": "boss"})
    assert bad_role.status_code == 422 and bad_role.json()["field"] == "role"
    foreign = admin.put(f"/api/admin/classes/{world.class_id}/teachers/{world.foreign_teacher_id}", {})
    assert foreign.status_code == 404


def test_a_first_sign_in_link_greets_sets_the_password_and_works_once(
    database: RollbackDatabase, world: World
) -> None:
    admin = Api(database, world.admin_id)
    created = admin.post(
        "/api/admin/users", {"email": "nia@riverside.example", "display_name": "Nia Link", "role": "student"}
    ).json()
    path = created["sign_in_link"]["url"].removeprefix("https://testserver")
    assert created["user"]["has_password"] is False
    visitor = client_for(database)
    # No password yet: logging in with any password fails.
    page = visitor.get("/login")
    refused = visitor.post(
        "/login", data={"email": "nia@riverside.example", "password": "", "csrf_token": csrf_of(page.text)}
    )
    assert refused.status_code in (401, 422)
    greeting = visitor.get(path)
    assert greeting.status_code == 200 and "Hello, Nia Link" in greeting.text
    assert greeting.headers["cache-control"] == "no-store"
    token = csrf_of(greeting.text)
    assert (
        visitor.post(path, data={"password": "long-enough-1", "confirm": "long-enough-1"}).status_code == 403
    )
    differ = visitor.post(
        path, data={"password": "long-enough-1", "confirm": "long-enough-2", "csrf_token": token}
    )
    assert differ.status_code == 422 and 'id="password-error"' in differ.text and "differ" in differ.text
    short = visitor.post(path, data={"password": "short", "confirm": "short", "csrf_token": token})
    assert short.status_code == 422 and "at least 8" in short.text
    done = visitor.post(
        path, data={"password": "long-enough-1", "confirm": "long-enough-1", "csrf_token": token}
    )
    assert done.status_code == 303 and done.headers["location"] == "/learn"
    assert "atpace_session=" in done.headers["set-cookie"] and "HttpOnly" in done.headers["set-cookie"]
    welcome = visitor.get("/learn")  # signed in; no class yet: the helpful page, with the menu
    assert welcome.status_code == 200 and "not in a class yet" in welcome.text and "Log out" in welcome.text
    used = client_for(database).get(path)
    assert used.status_code == 404 and "already used" in used.text
    browser(database, "nia@riverside.example", "long-enough-1")  # the chosen password works


def test_a_password_reset_link_ends_sessions_and_replaces_earlier_links(
    database: RollbackDatabase, world: World
) -> None:
    admin = Api(database, world.admin_id)
    teacher_session = browser(database, "teacher@riverside.example")
    first = admin.post(f"/api/admin/users/{world.teacher_id}/sign-in-link")
    assert first.status_code == 201 and first.headers["cache-control"] == "no-store"
    second = admin.post(f"/api/admin/users/{world.teacher_id}/sign-in-link").json()
    first_secret = first.json()["url"].rsplit("/", 1)[1]
    second_secret = second["url"].rsplit("/", 1)[1]
    api = client_for(database)
    assert api.get(f"/api/sign-in/{first_secret}").status_code == 404  # replaced by the second
    assert api.get(f"/api/sign-in/{second_secret}").json() == {
        "display_name": "Ms. Rivera",
        "email": "teacher@riverside.example",
    }
    token = api.post(f"/api/sign-in/{second_secret}", json={"password": "a new password"})
    assert token.status_code == 201 and token.json()["token_type"] == "bearer"
    assert teacher_session.get("/teach").status_code == 303  # the old browser session has ended
    assert (
        api.get("/api/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"}).status_code
        == 200
    )
    assert api.post(f"/api/sign-in/{second_secret}", json={"password": "another one"}).status_code == 404
    browser(database, "teacher@riverside.example", "a new password")


def test_deactivating_keeps_the_data_and_hides_the_user(database: RollbackDatabase, world: World) -> None:
    admin = Api(database, world.admin_id)
    student = Api(database, world.classmate_id)
    teacher = Api(database, world.teacher_id)
    link = admin.post(f"/api/admin/users/{world.classmate_id}/sign-in-link").json()["url"].rsplit("/", 1)[1]
    with database.transaction() as session:
        attempts = session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.student_id == world.classmate_id)
        )
        states = session.scalar(
            select(func.count())
            .select_from(LearnerState)
            .where(LearnerState.student_id == world.classmate_id)
        )
    assert attempts and states
    done = admin.post(f"/api/admin/users/{world.classmate_id}/deactivate")
    assert done.status_code == 200 and done.json()["user"]["is_active"] is False
    assert student.get("/api/me").status_code == 401  # the token ended with the account
    page = client_for(database).get("/login")
    login = client_for(database).post(
        "/login",
        data={
            "email": "student02@riverside.example",
            "password": "atpace-demo",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert login.status_code in (401, 403)
    assert client_for(database).get(f"/api/sign-in/{link}").status_code == 404  # its link stopped working
    assert len(teacher.get(f"/api/classes/{world.class_id}/heatmap").json()["rows"]) == 23
    roster = teacher.get(f"/api/classes/{world.class_id}/roster").json()
    assert world.classmate_id not in [s["id"] for s in roster["students"]] and roster["inactive_count"] == 1
    everyone = teacher.get(f"/api/classes/{world.class_id}/roster?include_inactive=true").json()
    assert world.classmate_id in [s["id"] for s in everyone["students"]]
    assert world.classmate_id not in [
        u["id"] for u in admin.get("/api/admin/users?role=student&limit=500").json()["users"]
    ]
    with database.transaction() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Attempt).where(Attempt.student_id == world.classmate_id)
            )
            == attempts
        )
        assert session.get(Enrollment, (world.class_id, world.classmate_id)) is not None
        assert (
            session.scalar(
                select(func.count()).select_from(AuthToken).where(AuthToken.user_id == world.classmate_id)
            )
            == 0
        )
    assert admin.post(f"/api/admin/users/{world.classmate_id}/sign-in-link").status_code == 409
    assert admin.post(f"/api/admin/users/{world.classmate_id}/reactivate").json()["user"]["is_active"] is True
    assert len(teacher.get(f"/api/classes/{world.class_id}/heatmap").json()["rows"]) == 24
    browser(database, "student02@riverside.example")  # their password works again
    myself = admin.post(f"/api/admin/users/{world.admin_id}/deactivate")
    assert myself.status_code == 409 and myself.json()["field"] == "user_id"


def test_users_are_listed_searched_created_and_edited(database: RollbackDatabase, world: World) -> None:
    admin = Api(database, world.admin_id)
    found = admin.get("/api/admin/users?q=AMARA").json()
    assert found["total"] == 1 and found["users"][0]["email"] == "student01@riverside.example"
    assert admin.get("/api/admin/users?q=%25").json()["total"] == 0  # % is a character, not a wildcard
    teachers = admin.get("/api/admin/users?role=teacher").json()
    assert {u["display_name"] for u in teachers["users"]} == {"Ms. Rivera", "Mr. Other"}
    assert admin.get("/api/admin/users?role=wizard").json()["field"] == "role"
    paged = admin.get("/api/admin/users?limit=5&offset=5").json()
    assert len(paged["users"]) == 5 and paged["total"] == 28
    assert "hillside" not in str(admin.get("/api/admin/users?limit=500").json())  # one school only
    with_password = admin.post(
        "/api/admin/users",
        {
            "email": "t3@riverside.example",
            "display_name": "Tia Three",
            "role": "teacher",
            "password": " spaced pass ",
        },
    )
    assert with_password.status_code == 201 and with_password.json()["sign_in_link"] is None
    browser(database, "t3@riverside.example", " spaced pass ")  # the password is kept as typed
    for body, field in (
        ({"email": "student01@riverside.example", "display_name": "Dup", "role": "student"}, "email"),
        ({"email": "STUDENT@hillside.example", "display_name": "Other school", "role": "student"}, "email"),
        ({"email": "not-an-email", "display_name": "X", "role": "student"}, "email"),
        (
            {"email": "ok@riverside.example", "display_name": "X", "role": "student", "password": "short"},
            "password",
        ),
        ({"email": "ok@riverside.example", "display_name": "X", "role": "janitor"}, "role"),
        (
            {
                "email": "ok@riverside.example",
                "display_name": "X",
                "role": "admin",
                "class_id": world.class_id,
            },
            "class_id",
        ),
    ):
        refused = admin.post("/api/admin/users", body)
        assert refused.status_code in (409, 422) and refused.json()["field"] == field, (body, refused.text)
    assert admin.get("/api/admin/users?q=ok%40riverside").json()["total"] == 0
    edited = admin.put(
        f"/api/admin/users/{world.student_id}",
        {"email": "amara@riverside.example", "display_name": "Amara O."},
    )
    assert edited.json()["user"]["email"] == "amara@riverside.example"
    assert edited.json()["classes"] == [
        {"class_id": world.class_id, "class_name": "Grade 4 - Room 12", "role": "student", "archived": False}
    ]
    clash = admin.put(
        f"/api/admin/users/{world.student_id}", {"email": "teacher@riverside.example", "display_name": "A"}
    )
    assert clash.status_code == 409 and clash.json()["field"] == "email"
    browser(database, "amara@riverside.example")


def test_another_schools_rows_are_not_found_for_every_admin_route(
    database: RollbackDatabase, world: World
) -> None:
    with database.transaction() as session:
        foreign_class = session.scalar(
            select(ClassTeacher.class_id).where(ClassTeacher.user_id == world.foreign_teacher_id)
        )
    admin = Api(database, world.admin_id)
    c, u = foreign_class, world.foreign_student_id
    for method, url, body in (
        ("GET", f"/api/admin/classes/{c}", None),
        ("PUT", f"/api/admin/classes/{c}/name", {"name": "Mine now"}),
        ("PUT", f"/api/admin/classes/{c}/course", {"course_id": world.course_id}),
        ("POST", f"/api/admin/classes/{c}/archive", None),
        ("POST", f"/api/admin/classes/{c}/restore", None),
        ("PUT", f"/api/admin/classes/{c}/teachers/{world.teacher_id}", {"role": "teacher"}),
        ("DELETE", f"/api/admin/classes/{c}/teachers/{world.foreign_teacher_id}", None),
        ("GET", f"/api/classes/{c}/roster", None),
        ("POST", f"/api/classes/{c}/roster", {"email": "student01@riverside.example"}),
        ("DELETE", f"/api/classes/{c}/roster/{u}", None),
        ("POST", f"/api/classes/{c}/join-code", None),
        ("DELETE", f"/api/classes/{c}/join-code", None),
        ("GET", f"/api/admin/users/{u}", None),
        ("PUT", f"/api/admin/users/{u}", {"email": "x@y.example", "display_name": "X"}),
        ("POST", f"/api/admin/users/{u}/deactivate", None),
        ("POST", f"/api/admin/users/{u}/reactivate", None),
        ("POST", f"/api/admin/users/{u}/sign-in-link", None),
        ("GET", f"/admin/classes/{c}", None),
        ("GET", f"/admin/users/{u}", None),
        ("GET", f"/classes/{c}/roster", None),
    ):
        if method == "GET":
            response = admin.get(url)
        elif method == "PUT":
            response = admin.put(url, body)
        elif method == "DELETE":
            response = admin.delete(url)
        else:
            response = admin.post(url, body)
        assert response.status_code == 404, (method, url, response.status_code)
    with database.transaction() as session:
        row = session.get(Classroom, c)
        assert row is not None and row.name == "Hill 6A" and row.archived_at is None
        assert session.get(User, u).is_active  # type: ignore[union-attr]


def test_admin_pages_create_a_class_and_show_refusals_next_to_the_form(
    database: RollbackDatabase, world: World
) -> None:
    admin = browser(database, "admin@riverside.example")
    page = admin.get("/admin/classes")
    assert (
        page.status_code == 200
        and 'href="/admin/classes"' in page.text
        and 'href="/admin/users"' in page.text
    )
    for url in ("/admin/classes", f"/admin/classes/{world.class_id}", "/admin/users", f"/admin/users/{world.student_id}",
                f"/classes/{world.class_id}/roster"):  # fmt: skip
        text = admin.get(url).text
        tokens = re.findall(r'name="csrf_token" value="([^"]*)"', text)
        assert len(tokens) >= 2 and all(tokens) and len(set(tokens)) == 1, url  # every form carries the token
    token = csrf_of(page.text)
    assert admin.post("/admin/classes", data={"name": "Grade 6"}).status_code == 403  # no CSRF token
    clash = admin.post("/admin/classes", data={"name": "Grade 4 - Room 12", "csrf_token": token})
    assert clash.status_code == 409 and 'id="create-error"' in clash.text
    assert (
        'name="name" id="class-name"' in clash.text
        and 'value="Grade 4 - Room 12" aria-invalid="true"' in clash.text
    )
    made = admin.post(
        "/admin/classes",
        data={
            "name": "Grade 6",
            "course_id": str(world.course_id),
            "teacher_id": str(world.other_teacher_id),
            "csrf_token": token,
        },
    )
    assert made.status_code == 303
    detail = admin.get(made.headers["location"])
    assert 'id="done">Class created.' in detail.text and 'id="current-course">Fractions<' in detail.text
    class_id = int(re.search(r"/admin/classes/(\d+)", made.headers["location"]).group(1))  # type: ignore[union-attr]
    user = admin.post(
        "/admin/users",
        data={
            "email": "kim@riverside.example",
            "display_name": "Kim Page",
            "role": "student",
            "class_id": str(class_id),
            "csrf_token": token,
        },
    )
    assert user.status_code == 200 and 'id="sign-in-link"' in user.text and "shown only now" in user.text
    assert user.headers["cache-control"] == "no-store"
    kim = user_id(database, "kim@riverside.example")
    again = admin.get(f"/admin/users/{kim}")
    assert 'id="sign-in-link"' not in again.text  # shown once
    roster = admin.get(f"/classes/{class_id}/roster")
    assert "Kim Page" in roster.text and "not signed in yet" in roster.text
    removed = admin.post(
        f"/admin/classes/{class_id}/teachers/{world.other_teacher_id}/remove", data={"csrf_token": token}
    )
    assert removed.status_code == 409 and "only teacher" in removed.text  # shown on the class page
    teacher = browser(database, "t2@riverside.example", "password-2")
    teach = teacher.get("/teach").text
    assert "Grade 6" in teach and f"/classes/{class_id}/roster" in teach


def test_a_cut_or_mistyped_link_is_a_clear_404_page(database: RollbackDatabase) -> None:
    client = client_for(database)
    for secret in ("abc", "x" * 43, "with%20space"):
        page = client.get(f"/sign-in/{secret}")
        assert page.status_code == 404 and "expired or was already used" in page.text, secret
        assert "ask your school" in page.text
    assert client.get("/api/sign-in/abc").json()["detail"].startswith("This sign-in link has expired")
