"""Every route with every role and with a user of another school: the expected 2xx/403/404."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from atpace.store.tables import Item, ItemSkill
from tests.service.authz import (
    ACTORS,
    CLASS_DATA,
    COURSE,
    COURSE_EDIT,
    DECIDE,
    DECIDE_PAGE,
    PRACTICE,
    STUDENT_DATA,
    Case,
    everyone,
    feature_ids,
    feature_modules,
)
from tests.service.conftest import RollbackDatabase, World
from tests.service.web import bearer, client_for


def answer_body(w: World, ids: dict[str, object], actor: str) -> dict[str, object]:
    return {"item_id": ids["item"], "response": ids["answer"], "client_attempt_id": f"authz-{actor}"}


def edge_body(w: World, ids: dict[str, object], actor: str) -> dict[str, object]:
    # Each staff member adds a different edge: they share one transaction within the test.
    candidates = ids["edge_prereqs"]
    assert isinstance(candidates, list)
    return {
        "skill_key": ids["edge_skill"],
        "prerequisite_key": candidates[ACTORS.index(actor) % len(candidates)],
    }


CASES = [
    Case("GET", "/api/me", lambda w, i: "/api/me", everyone(200)),
    Case("DELETE", "/api/auth/token", lambda w, i: "/api/auth/token", everyone(204)),
    Case("GET", "/api/students/me/progress", lambda w, i: "/api/students/me/progress",
         {**everyone(404), "student": 200, "classmate": 200, "foreign_student": 200}),
    Case("GET", "/api/students/{student_id}/progress", lambda w, i: f"/api/students/{w.student_id}/progress",
         STUDENT_DATA),
    Case("GET", "/api/students/{student_id}/attempts", lambda w, i: f"/api/students/{w.student_id}/attempts",
         STUDENT_DATA),
    Case("GET", "/api/students/{student_id}/evidence", lambda w, i: f"/api/students/{w.student_id}/evidence",
         STUDENT_DATA),
    Case("POST", "/api/practice/next", lambda w, i: "/api/practice/next",
         {**PRACTICE, "foreign_student": 200}, body=lambda w, i, a: {}),
    Case("GET", "/api/items/{item_id}/hints/{number}", lambda w, i: f"/api/items/{i['item']}/hints/1", PRACTICE),
    Case("POST", "/api/attempts", lambda w, i: "/api/attempts",
         {**PRACTICE, "student": 201, "classmate": 201}, body=answer_body),
    Case("GET", "/api/classes", lambda w, i: "/api/classes", everyone(200)),
    Case("GET", "/api/classes/{class_id}/heatmap", lambda w, i: f"/api/classes/{w.class_id}/heatmap", CLASS_DATA),
    Case("GET", "/api/courses/{course_id}", lambda w, i: f"/api/courses/{w.course_id}", COURSE),
    Case("POST", "/api/courses/{course_id}/prerequisites", lambda w, i: f"/api/courses/{w.course_id}/prerequisites",
         COURSE_EDIT, body=edge_body),
    Case("GET", "/learn", lambda w, i: "/learn",
         {**everyone(403), "student": 200, "classmate": 200, "foreign_student": 200}),
    Case("GET", "/practice", lambda w, i: "/practice", {**PRACTICE, "foreign_student": 200}),
    Case("GET", "/practice/hint", lambda w, i: f"/practice/hint?item={i['item']}&n=1", PRACTICE),
    Case("POST", "/practice/answer", lambda w, i: "/practice/answer",
         PRACTICE, body=lambda w, i, a: {
             "item_id": i["item"], "skill_key": i["item_skill"], "response": i["answer"], "client_attempt_id": f"page-{a}",
         }, form=True),
    Case("POST", "/api/students/{student_id}/overrides", lambda w, i: f"/api/students/{w.student_id}/overrides",
         DECIDE, body=lambda w, i, a: {"skill_key": i["item_skill"], "action": "lock", "reason": "test"}),
    Case("PUT", "/api/students/{student_id}/mode", lambda w, i: f"/api/students/{w.student_id}/mode",
         {**DECIDE, "teacher": 200, "admin": 200}, body=lambda w, i, a: {"mode": "support", "reason": "test"}),
    Case("POST", "/classes/{class_id}/students/{student_id}/overrides",
         lambda w, i: f"/classes/{w.class_id}/students/{w.classmate_id}/overrides", DECIDE_PAGE,
         body=lambda w, i, a: {"skill_key": i["item_skill"], "action": "unlock", "reason": "test"}, form=True),
    Case("POST", "/classes/{class_id}/students/{student_id}/mode",
         lambda w, i: f"/classes/{w.class_id}/students/{w.classmate_id}/mode", DECIDE_PAGE,
         body=lambda w, i, a: {"mode": "challenge", "reason": "test"}, form=True),
    Case("GET", "/api/placement", lambda w, i: "/api/placement", {**PRACTICE, "foreign_student": 200}),
    Case("POST", "/api/placement", lambda w, i: "/api/placement",
         {**PRACTICE, "student": 201, "classmate": 201, "foreign_student": 201}),
    Case("POST", "/api/placement/answers", lambda w, i: "/api/placement/answers",
         {**PRACTICE, "student": 409, "classmate": 409, "foreign_student": 409},
         body=lambda w, i, a: {"item_id": i["item"], "response": i["answer"]}),
    Case("GET", "/placement", lambda w, i: "/placement", {**PRACTICE, "foreign_student": 200}),
    Case("POST", "/placement/start", lambda w, i: "/placement/start",
         {**PRACTICE, "student": 303, "classmate": 303, "foreign_student": 303}, body=lambda w, i, a: {}, form=True),
    Case("POST", "/placement/answer", lambda w, i: "/placement/answer",
         {**PRACTICE, "student": 409, "classmate": 409, "foreign_student": 409},
         body=lambda w, i, a: {"item_id": i["item"], "response": i["answer"]}, form=True),
    Case("GET", "/teach", lambda w, i: "/teach",
         {**everyone(200), "student": 403, "classmate": 403, "foreign_student": 403}),
    Case("GET", "/classes/{class_id}", lambda w, i: f"/classes/{w.class_id}", CLASS_DATA),
    Case("GET", "/classes/{class_id}/students/{student_id}",
         lambda w, i: f"/classes/{w.class_id}/students/{w.classmate_id}", CLASS_DATA),
]  # fmt: skip
CASES += [case for module in feature_modules() for case in module.CASES]

# Routes that need no login, or are tested on their own (login, logout, token, docs, static files).
PUBLIC = {
    ("GET", "/"), ("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("POST", "/api/auth/token"),
    ("GET", "/openapi.json"), ("GET", "/api/docs"),
}  # fmt: skip


def actor_ids(world: World) -> dict[str, int]:
    return {
        "student": world.student_id, "classmate": world.classmate_id, "teacher": world.teacher_id,
        "other_teacher": world.other_teacher_id, "admin": world.admin_id,
        "foreign_teacher": world.foreign_teacher_id, "foreign_student": world.foreign_student_id,
    }  # fmt: skip


def fixture_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    from atpace.content.spec import AnswerSpec
    from atpace.services.courses import load_graph
    from atpace.store.tables import Course

    with database.transaction() as session:
        course = session.get(Course, world.course_id)
        assert course is not None
        graph = load_graph(session, course)
        first_skill = next(iter(graph.skills.values()))
        item = session.scalar(
            select(Item)
            .join(ItemSkill, ItemSkill.item_id == Item.id)
            .where(ItemSkill.skill_id == first_skill.id)
            .order_by(Item.id)
            .limit(1)
        )
        assert item is not None
        sink = graph.graph.topological_order()[-1]  # no dependents, so no new edge into it makes a cycle
        candidates = [k for k in graph.skills if k != sink and k not in graph.graph.prerequisites[sink]]
        ids: dict[str, object] = {
            "item": item.id, "answer": AnswerSpec.from_dict(item.answer).correct, "item_skill": first_skill.key,
            "edge_skill": sink, "edge_prereqs": candidates,
        }  # fmt: skip
    return {**ids, **feature_ids(database, world)}


def declared_routes() -> set[tuple[str, str]]:
    """Every (method, path) the JSON API and the pages declare."""
    from atpace.web import api, pages

    routes = set()
    for package, prefix in ((api, api.PREFIX), (pages, "")):
        for module in package.ROUTE_MODULES:
            for route in module.router.routes:
                assert isinstance(route, APIRoute)
                routes |= {(method, prefix + route.path) for method in route.methods}
    return routes


def test_every_route_is_in_the_matrix(database: RollbackDatabase) -> None:
    routes = declared_routes()
    schema = client_for(database).get("/openapi.json").json()["paths"]
    # The walk sees what the served API offers (so this test cannot pass on an empty list).
    assert {(m.upper(), p) for p, ops in schema.items() for m in ops} <= routes
    assert ("GET", "/learn") in routes and len(routes) > 20
    covered = {(c.method, c.path) for c in CASES} | PUBLIC
    assert routes - covered == set(), "add the new routes to CASES"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.path}")
def test_route_access_by_role(database: RollbackDatabase, world: World, case: Case) -> None:
    client = client_for(database)
    ids = fixture_ids(database, world)
    people = actor_ids(world)
    results: dict[str, int] = {}
    expected = {"anonymous": 401 if case.path.startswith("/api/") else 303, **case.expected}
    for actor in ACTORS:
        headers = bearer(database, people[actor]) if actor != "anonymous" else {}
        url = case.url(world, ids)  # type: ignore[arg-type]
        body = case.body(world, ids, actor) if case.body else None  # type: ignore[arg-type]
        if case.method == "GET":
            response = client.get(url, headers=headers)
        elif case.method == "DELETE":
            response = client.delete(url, headers=headers)
        elif case.method == "PUT":
            response = client.put(url, json=body, headers=headers)
        elif case.method == "PATCH":
            response = client.patch(url, json=body, headers=headers)
        elif case.form:
            response = client.post(url, data=body, headers=headers)
        else:
            response = client.post(url, json=body, headers=headers)
        results[actor] = response.status_code
        if response.status_code >= 400 and case.path.startswith("/api/"):
            assert "detail" in response.json()
    assert results == expected


def test_teacher_of_two_classes_sees_a_student_only_under_their_own_class(
    database: RollbackDatabase, world: World
) -> None:
    from atpace.store.tables import ClassTeacher, PracticeModeSetting

    with database.transaction() as session:
        session.add(ClassTeacher(class_id=world.other_class_id, user_id=world.teacher_id))
    client = client_for(database)
    headers = bearer(database, world.teacher_id)
    student = world.other_class_student_id
    right = client.get(f"/classes/{world.other_class_id}/students/{student}", headers=headers)
    assert right.status_code == 200 and "Otto Other" in right.text
    for who in (world.teacher_id, world.admin_id):
        wrong = client.get(f"/classes/{world.class_id}/students/{student}", headers=bearer(database, who))
        assert wrong.status_code == 404
    posted = client.post(
        f"/classes/{world.class_id}/students/{student}/mode",
        data={"mode": "support", "reason": "wrong class"}, headers=headers,
    )  # fmt: skip
    assert posted.status_code == 404
    with database.transaction() as session:
        assert (
            session.scalar(select(PracticeModeSetting).where(PracticeModeSetting.student_id == student))
            is None
        )


def test_a_teacher_sees_and_changes_a_student_only_in_the_course_of_their_own_class(
    database: RollbackDatabase, world: World
) -> None:
    from dataclasses import replace

    from atpace.content import FRACTIONS_COURSE
    from atpace.services.auth import create_user
    from atpace.services.courses import import_course
    from atpace.store.tables import Classroom, ClassTeacher, Enrollment, Role, School, User

    with database.transaction() as session:
        school = session.get(School, world.school_id)
        assert school is not None
        second = import_course(
            session, school, replace(FRACTIONS_COURSE, key="fractions-b", title="Fractions B")
        )
        classroom = Classroom(school_id=school.id, course_id=second.id, name="Catch-up group")
        session.add(classroom)
        session.flush()
        coach = create_user(
            session, school=school, email="coach@riverside.example", display_name="Coach",
            role=Role.TEACHER, password="password-9",
        )  # fmt: skip
        idle = create_user(
            session, school=school, email="idle@riverside.example", display_name="No Class",
            role=Role.TEACHER, password="password-8",
        )  # fmt: skip
        session.add_all(
            [
                ClassTeacher(class_id=classroom.id, user_id=coach.id),
                Enrollment(class_id=classroom.id, user_id=world.student_id),
            ]
        )
        coach_id, idle_id, class_b = coach.id, idle.id, classroom.id
        student_name = session.get(User, world.student_id).display_name  # type: ignore[union-attr]
    client = client_for(database)
    coach_headers = bearer(database, coach_id)
    seen = client.get(f"/api/students/{world.student_id}/progress", headers=coach_headers).json()
    assert seen["course_title"] == "Fractions B"  # not the course of the student's first class
    assert (
        client.get(
            f"/api/students/{world.student_id}/progress", headers=bearer(database, world.teacher_id)
        ).json()["course_title"]
        == "Fractions"
    )
    page = client.get(f"/classes/{class_b}/students/{world.student_id}", headers=coach_headers)
    assert page.status_code == 200 and "Fractions B" in page.text and student_name in page.text
    edge = {"skill_key": seen["skills"][-1]["key"], "prerequisite_key": seen["skills"][0]["key"]}
    refused = client.post(f"/api/courses/{world.course_id}/prerequisites", json=edge, headers=coach_headers)
    assert refused.status_code == 403  # the first course is used by no class of the coach
    no_class = client.post(
        f"/api/courses/{world.course_id}/prerequisites", json=edge, headers=bearer(database, idle_id)
    )
    assert no_class.status_code == 403
