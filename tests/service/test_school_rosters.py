"""Class rosters, the users CSV, join codes and the page of a student without a class."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from atpace.services.school import join_codes
from atpace.store.tables import Attempt, Classroom, Enrollment, User
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.school import Api, browser, csrf_of, user_id

GOOD_AND_BAD = (
    "\ufeffemail,name,role,class,password\r\n"
    "ana@riverside.example,Ana Ok,student,Grade 4 - Room 12,\r\n"
    "bad-email,Bad One,student,,\r\n"
    "ben@riverside.example,,teacher,No Such Class,\r\n"
    "cy@riverside.example,Cy,wizard,,short\r\n"
    "ana@riverside.example,Ana Again,student,,\r\n"
    "student@hillside.example,Other School,student,,\r\n"
    "teacher@riverside.example,Ms. Rivera,student,,\r\n"
)
GOOD = (
    "email,name,role,class,password\n"
    "ana@riverside.example,Ana Ok,student,Grade 4 - Room 12,\n"
    "ben@riverside.example,Ben Teach,teacher,Grade 5 - Room 3,\n"
    'cy@riverside.example,"=HYPERLINK(""x"")",student,,a-long-password\n'
    "student01@riverside.example,Amara Okafor,,Grade 5 - Room 3,\n"
)


def count_users(database: RollbackDatabase) -> int:
    with database.transaction() as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


def test_a_csv_with_problems_writes_nothing_and_names_every_problem(
    database: RollbackDatabase, world: World
) -> None:
    admin = Api(database, world.admin_id)
    before = count_users(database)
    refused = admin.client.post(
        "/api/admin/users/import",
        content=GOOD_AND_BAD.encode(),
        headers={**admin.headers, "content-type": "text/csv"},
    )
    assert refused.status_code == 422 and refused.json()["field"] == "file"
    assert [(p["line"], p["column"]) for p in refused.json()["problems"]] == [
        (3, "email"), (4, "name"), (4, "class"), (5, "role"), (5, "password"), (6, "email"), (7, "email"), (8, "role"),
    ]  # fmt: skip
    assert "line 3, column email" in refused.json()["detail"] and "(and 7 more)" in refused.json()["detail"]
    assert count_users(database) == before


def test_a_good_csv_creates_finds_and_enrols_all_at_once(database: RollbackDatabase, world: World) -> None:
    admin = Api(database, world.admin_id)
    before = count_users(database)
    checked = admin.post("/api/admin/users/import?dry_run=true", {"csv": GOOD})
    assert checked.status_code == 200 and checked.json()["dry_run"] is True
    assert (checked.json()["created"], checked.json()["existing"], checked.json()["added_to_class"]) == (
        3,
        1,
        3,
    )
    assert count_users(database) == before  # a dry run writes nothing
    done = admin.post("/api/admin/users/import", {"csv": GOOD})
    assert done.status_code == 200 and done.headers["cache-control"] == "no-store"
    users = {u["email"]: u for u in done.json()["users"]}
    assert [u["status"] for u in done.json()["users"]] == ["created", "created", "created", "existing"]
    assert users["ana@riverside.example"]["sign_in_link"]["url"].startswith("https://testserver/sign-in/")
    assert users["cy@riverside.example"]["sign_in_link"] is None  # had a password
    assert users["student01@riverside.example"]["added_to_class"] is True
    assert count_users(database) == before + 3
    with database.transaction() as session:
        ana = session.scalar(select(User).where(User.email == "ana@riverside.example"))
        assert ana is not None and ana.password_hash == ""
        assert session.get(Enrollment, (world.class_id, ana.id)) is not None
        assert session.get(Enrollment, (world.other_class_id, world.student_id)) is not None
    teacher_classes = Api(database, user_id(database, "ben@riverside.example")).get("/api/classes").json()
    assert [c["name"] for c in teacher_classes] == [
        "Grade 5 - Room 3"
    ]  # a teacher row makes them its teacher
    browser(database, "cy@riverside.example", "a-long-password")
    again = admin.post("/api/admin/users/import", {"csv": GOOD})  # the same file again changes nothing
    assert [u["status"] for u in again.json()["users"]] == ["existing"] * 4
    assert again.json()["added_to_class"] == 0 and all(
        u["sign_in_link"] is None for u in again.json()["users"]
    )


def test_the_import_page_uploads_a_file_and_offers_the_links_once(
    database: RollbackDatabase, world: World
) -> None:
    admin = browser(database, "admin@riverside.example")
    page = admin.get("/admin/users")
    token = csrf_of(page.text)
    files = {"file": ("users.csv", GOOD.encode(), "text/csv")}
    assert (
        admin.post("/admin/users/import", files=files).status_code == 403
    )  # multipart needs the CSRF header
    result = admin.post(
        "/admin/users/import", files=files, headers={"x-csrftoken": token, "hx-request": "true"}
    )
    assert result.status_code == 200 and "<html" not in result.text  # the htmx partial
    assert 'id="import-summary">3 created' in result.text and result.headers["cache-control"] == "no-store"
    href = re.search(
        r'id="download-links" download="atpace-sign-in-links.csv"\s+href="data:text/csv;charset=utf-8,([^"]+)"',
        result.text,
    )
    assert href is not None
    from urllib.parse import unquote

    links = unquote(href.group(1).replace("&amp;", "&"))
    assert links.startswith("email,name,role,class,link,expires\r\n") and links.count("/sign-in/") == 2
    problems = admin.post(
        "/admin/users/import",
        data={"csv_text": GOOD_AND_BAD, "csrf_token": token},  # pasted, no JavaScript
    )
    assert (
        problems.status_code == 422 and "<html" in problems.text and 'id="import-problems"' in problems.text
    )
    # cy@ exists now (imported above), so its short password is not a problem any more: 7 of the 8.
    assert problems.text.count('<tr><td class="num">') == 7
    empty = admin.post("/admin/users/import", data={"csv_text": " ", "csrf_token": token})
    assert empty.status_code == 422 and "Choose a CSV file" in empty.text


def test_the_csv_of_links_is_safe_in_a_spreadsheet(database: RollbackDatabase, world: World) -> None:
    from atpace.services.school.user_csv import import_users

    with database.transaction() as session:
        result = import_users(
            session, actor_of(session, world.admin_id), "email,name\nq@riverside.example,=cmd|x\n"
        )
    text = result.links_csv("https://school.example/")
    assert "'=cmd|x" in text and "https://school.example/sign-in/" in text


def test_teachers_add_students_to_their_class_only(database: RollbackDatabase, world: World) -> None:
    teacher = Api(database, world.teacher_id)
    url = f"/api/classes/{world.class_id}/roster/import"
    wrong = teacher.post(
        url,
        {
            "csv": "email,name,role,class\nx@riverside.example,X,teacher,\ny@riverside.example,Y,,Grade 5 - Room 3\n"
        },
    )
    assert [(p["line"], p["column"]) for p in wrong.json()["problems"]] == [(2, "role"), (3, "class")]
    done = teacher.post(
        url, {"csv": "email,name\nx@riverside.example,Xia\ns-other@riverside.example,Otto Other\n"}
    )
    assert done.status_code == 200 and [u["status"] for u in done.json()["users"]] == ["created", "existing"]
    assert all(u["class_name"] == "Grade 4 - Room 12" for u in done.json()["users"])
    roster = teacher.get(f"/api/classes/{world.class_id}/roster").json()
    assert {"Xia", "Otto Other"} <= {s["display_name"] for s in roster["students"]}
    teacher_row = teacher.post(url, {"csv": "email,name\nt2@riverside.example,Mr. Other\n"})
    assert teacher_row.status_code == 422 and teacher_row.json()["problems"][0]["column"] == "email"
    assert (
        teacher.post("/api/admin/users/import", {"csv": "email,name\nz@riverside.example,Z\n"}).status_code
        == 403
    )
    assert (
        Api(database, world.other_teacher_id)
        .post(url, {"csv": "email,name\nz@riverside.example,Z\n"})
        .status_code
        == 403
    )


def test_removing_a_student_keeps_their_work(database: RollbackDatabase, world: World) -> None:
    teacher = Api(database, world.teacher_id)
    url = f"/api/classes/{world.class_id}/roster/{world.classmate_id}"
    before = Api(database, world.classmate_id).get("/api/students/me/progress").json()["skills"]
    assert teacher.delete(url).status_code == 204 and teacher.delete(url).status_code == 204  # twice: same
    assert len(teacher.get(f"/api/classes/{world.class_id}/heatmap").json()["rows"]) == 23
    assert teacher.get(f"/api/students/{world.classmate_id}/progress").status_code == 403  # no longer theirs
    assert Api(database, world.classmate_id).get("/api/students/me/progress").status_code == 409
    with database.transaction() as session:
        assert session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.student_id == world.classmate_id)
        )
    assert teacher.post(
        f"/api/classes/{world.class_id}/roster", {"email": "student02@riverside.example"}
    ).json()["added"]
    assert Api(database, world.classmate_id).get("/api/students/me/progress").json()["skills"] == before
    assert (
        teacher.delete(f"/api/classes/{world.class_id}/roster/{world.foreign_student_id}").status_code == 404
    )
    unknown = teacher.post(f"/api/classes/{world.class_id}/roster", {"email": "nobody@riverside.example"})
    assert unknown.status_code == 404 and "create the account first" in unknown.json()["detail"]
    staff = teacher.post(f"/api/classes/{world.class_id}/roster", {"email": "t2@riverside.example"})
    assert staff.status_code == 404


def test_join_codes_are_unambiguous_and_work_only_for_the_schools_students(
    database: RollbackDatabase, world: World
) -> None:
    teacher = Api(database, world.teacher_id)
    made = teacher.post(f"/api/classes/{world.class_id}/join-code")
    code = made.json()["join_code"]
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", code), code
    assert teacher.get(f"/api/classes/{world.class_id}/roster").json()["join_code"] == code
    other = Api(database, world.other_class_student_id)
    joined = other.post("/api/classes/join", {"code": f" {code.lower().replace('-', ' ')} "})
    assert joined.status_code == 200 and joined.json() == {
        "class_id": world.class_id,
        "class_name": "Grade 4 - Room 12",
        "already": False,
    }
    assert other.post("/api/classes/join", {"code": code}).json()["already"] is True
    assert (
        Api(database, world.foreign_student_id).post("/api/classes/join", {"code": code}).status_code == 404
    )
    assert teacher.post("/api/classes/join", {"code": code}).status_code == 403
    renewed = teacher.post(f"/api/classes/{world.class_id}/join-code").json()["join_code"]
    assert renewed != code
    student = Api(database, world.student_id)
    assert student.post("/api/classes/join", {"code": code}).status_code == 404  # the old code stopped
    assert teacher.delete(f"/api/classes/{world.class_id}/join-code").status_code == 204
    assert student.post("/api/classes/join", {"code": renewed}).status_code == 404


def test_wrong_join_codes_are_throttled(database: RollbackDatabase, world: World) -> None:
    student = Api(database, world.student_id)
    codes = [student.post("/api/classes/join", {"code": f"WRONG{n:03d}"}).status_code for n in range(10)]
    assert codes == [404] * 10
    refused = student.post("/api/classes/join", {"code": "ABCDEFGH"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    classmate = Api(database, world.classmate_id)  # another student is not held back
    classmate.client = student.client
    assert classmate.post("/api/classes/join", {"code": "ABCDEFGH"}).status_code == 404


def test_a_join_code_collision_is_retried(
    database: RollbackDatabase, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.transaction() as session:
        taken = session.get(Classroom, world.other_class_id)
        assert taken is not None
        taken.join_code = "AAAA2222"
    codes = iter(["AAAA2222", "AAAA2222", "BBBB3333"])
    monkeypatch.setattr(join_codes, "new_code", lambda: next(codes))
    with database.transaction() as session:
        classroom = join_codes.set_join_code(session, actor_of(session, world.teacher_id), world.class_id)
        assert classroom.join_code == "BBBB3333"
        assert session.get(Classroom, world.other_class_id).join_code == "AAAA2222"  # type: ignore[union-attr]


def _new_student(database: RollbackDatabase, world: World, email: str) -> int:
    admin = Api(database, world.admin_id)
    body = {"email": email, "display_name": "Nia New", "role": "student", "password": "nia-password"}
    return int(admin.post("/api/admin/users", body).json()["user"]["id"])


def test_a_student_without_a_class_sees_what_to_do_next(database: RollbackDatabase, world: World) -> None:
    nia = _new_student(database, world, "nia@riverside.example")
    api = Api(database, nia)
    progress = api.get("/api/students/me/progress")
    assert progress.status_code == 409 and "not in a class yet" in progress.json()["detail"]
    assert api.post("/api/practice/next", {}).status_code == 409
    assert api.get("/api/placement").status_code == 409
    student = browser(database, "nia@riverside.example", "nia-password")
    for url in ("/learn", "/practice", "/placement"):
        page = student.get(url)
        assert page.status_code == 200, url
        assert 'id="no-class-reason"' in page.text and "Log out" in page.text and 'href="/learn"' in page.text
        assert '<form method="post" action="/join"' in page.text and "<h1" in page.text
    # A class without a course: the page says the class waits for its course.
    admin = Api(database, world.admin_id)
    waiting = admin.post(
        "/api/admin/classes", {"name": "Waiting room", "teacher_id": world.teacher_id}
    ).json()["id"]
    code = Api(database, world.teacher_id).post(f"/api/classes/{waiting}/join-code").json()["join_code"]
    page = student.get("/learn")
    joined = student.post("/join", data={"code": code, "csrf_token": csrf_of(page.text)})
    assert joined.status_code == 303 and joined.headers["location"] == "/learn"
    learn = student.get("/learn").text
    assert "Waiting room has no course yet" in learn and "Log out" in learn
    assert "no course yet" in api.get("/api/students/me/progress").json()["detail"]
    admin.put(f"/api/admin/classes/{waiting}/course", {"course_id": world.course_id})
    assert 'id="recommendation-reason"' in student.get("/learn").text  # the map, now
    wrong = student.post("/join", data={"code": "NOPE-NOPE", "csrf_token": csrf_of(learn)})
    assert (
        wrong.status_code == 404 and 'id="join-error"' in wrong.text and 'aria-invalid="true"' in wrong.text
    )
    mine = student.get("/join").text
    assert "Waiting room" in mine and "Fractions" in mine


def test_a_teacher_without_a_class_is_told_who_creates_classes(
    database: RollbackDatabase, world: World
) -> None:
    admin = Api(database, world.admin_id)
    admin.post(
        "/api/admin/users",
        {
            "email": "t9@riverside.example",
            "display_name": "Tom Nine",
            "role": "teacher",
            "password": "tom-password",
        },
    )
    page = browser(database, "t9@riverside.example", "tom-password").get("/teach")
    assert page.status_code == 200 and "You do not teach a class yet" in page.text
    assert "administrator creates classes" in page.text and "Log out" in page.text
