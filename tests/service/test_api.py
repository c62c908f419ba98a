"""The JSON API: tokens, validation errors that name the field, idempotent attempts, OpenAPI."""

from __future__ import annotations

from sqlalchemy import func, select

from atpace.store.tables import Attempt
from tests.service.conftest import RollbackDatabase, World
from tests.service.web import bearer, client_for


def test_token_login_and_me(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    response = client.post(
        "/api/auth/token", json={"email": "Teacher@Riverside.example", "password": "atpace-demo"}
    )
    assert response.status_code == 201
    token = response.json()["access_token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["role"] == "teacher" and me.json()["id"] == world.teacher_id
    assert client.get("/api/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.delete("/api/auth/token", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_login_is_throttled_after_repeated_failures(database: RollbackDatabase) -> None:
    client = client_for(database, login_failures_per_minute=3)
    body = {"email": "teacher@riverside.example", "password": "wrong-password"}
    codes = [client.post("/api/auth/token", json=body).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    # Even the right password waits until the window passes.
    right = client.post("/api/auth/token", json={**body, "password": "atpace-demo"})
    assert right.status_code == 429 and int(right.headers["retry-after"]) >= 1
    # Another account from the same client is not locked out by these failures.
    other = client.post(
        "/api/auth/token", json={"email": "admin@riverside.example", "password": "atpace-demo"}
    )
    assert other.status_code == 201


def test_bad_bodies_get_422_naming_the_field(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    headers = bearer(database, world.student_id)
    item = client.post("/api/practice/next", json={}, headers=headers).json()
    cases = [
        ({"response": "1", "client_attempt_id": "x"}, "item_id"),
        (
            {"item_id": item["item_id"], "response": "1", "client_attempt_id": "x", "confidence": 7},
            "confidence",
        ),
        ({"item_id": item["item_id"], "response": "1", "client_attempt_id": "x", "colour": "red"}, "colour"),
        ({"item_id": item["item_id"], "response": "1", "client_attempt_id": ""}, "client_attempt_id"),
        ({"item_id": "seven", "response": "1", "client_attempt_id": "x"}, "item_id"),
        ({"item_id": 2**63, "response": "1", "client_attempt_id": "x"}, "item_id"),  # beyond BIGINT
        ({"item_id": item["item_id"], "response": "1", "client_attempt_id": "a\x00b"}, "client_attempt_id"),
    ]
    for body, field in cases:
        response = client.post("/api/attempts", json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.json()["field"] == field
    not_json = client.post(
        "/api/attempts", content=b"{oops", headers={**headers, "content-type": "application/json"}
    )
    assert not_json.status_code == 422 and not_json.json()["field"] == "body"
    unknown = client.post("/api/practice/next", json={"skill_key": "no-such-skill"}, headers=headers)
    assert unknown.status_code == 422 and unknown.json()["field"] == "skill_key"
    teacher = bearer(database, world.teacher_id)
    for url in (f"/api/courses/{2**63}", f"/api/students/{2**63}/progress", f"/api/classes/{2**64}/heatmap"):
        too_big = client.get(url, headers=teacher)
        assert too_big.status_code == 422 and too_big.json()["field"] in (
            "course_id",
            "student_id",
            "class_id",
        )
    nul = client.put(
        f"/api/students/{world.student_id}/mode",
        json={"mode": "support", "reason": "a\x00b"},
        headers=teacher,
    )
    assert nul.status_code == 422 and nul.json()["field"] == "reason"
    assert (
        client.get(
            f"/api/classes/{world.class_id}/heatmap?sort=zzz", headers=bearer(database, world.teacher_id)
        ).json()["field"]
        == "sort"
    )
    with database.transaction() as session:
        assert (
            session.scalar(select(func.count(Attempt.id)).where(Attempt.student_id == world.student_id)) == 0
        )


def test_malformed_answer_is_a_422_not_a_wrong_answer(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    headers = bearer(database, world.student_id)
    item = client.post("/api/practice/next", json={}, headers=headers).json()
    body = {"item_id": item["item_id"], "response": "3//4", "client_attempt_id": "m-1"}
    response = client.post("/api/attempts", json=body, headers=headers)
    if item["kind"] == "multiple_choice":
        body["response"] = "Z"
        response = client.post("/api/attempts", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["field"] == "response" and response.json()["detail"]
    with database.transaction() as session:
        assert (
            session.scalar(select(func.count(Attempt.id)).where(Attempt.student_id == world.student_id)) == 0
        )


def test_attempt_api_is_idempotent_and_updates_progress(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    headers = bearer(database, world.student_id)
    before = client.get("/api/students/me/progress", headers=headers).json()
    item = client.post("/api/practice/next", json={}, headers=headers).json()
    assert item["reason"] and "answer" not in item
    answer = client.get(f"/api/items/{item['item_id']}/hints/1", headers=headers)
    assert answer.status_code == 200 and answer.json()["hint"]
    body = {
        "item_id": item["item_id"],
        "response": "0",
        "client_attempt_id": "same-id",
        "skill_key": item["skill_key"],
    }
    first = client.post("/api/attempts", json=body, headers=headers)
    second = client.post("/api/attempts", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["attempt_id"] == second.json()["attempt_id"] and second.json()["replayed"]
    after = client.get("/api/students/me/progress", headers=headers).json()
    skill_before = next(s for s in before["skills"] if s["key"] == item["skill_key"])
    skill_after = next(s for s in after["skills"] if s["key"] == item["skill_key"])
    assert skill_before["attempts"] == 0 and skill_after["attempts"] == 1
    assert skill_after["mastery"] == first.json()["mastery_after"]


def test_openapi_describes_the_api(database: RollbackDatabase) -> None:
    client = client_for(database)
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/attempts",
        "/api/practice/next",
        "/api/classes/{class_id}/heatmap",
        "/api/students/me/progress",
    ):
        assert path in schema["paths"]
    assert not any(p.startswith("/learn") for p in schema["paths"])
    assert client.get("/api/docs").status_code == 200


def test_a_failed_commit_is_reported_and_not_taken_for_success(
    database: RollbackDatabase, world: World
) -> None:
    from fastapi.testclient import TestClient
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from atpace.store.tables import PracticeModeSetting

    app = client_for(database).app
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    headers = bearer(database, world.teacher_id)

    def fail(session: Session) -> None:
        raise RuntimeError("the database refused the commit")

    event.listen(Session, "before_commit", fail)
    try:
        response = client.put(
            f"/api/students/{world.student_id}/mode", json={"mode": "support", "reason": "x"}, headers=headers
        )
    finally:
        event.remove(Session, "before_commit", fail)
    assert response.status_code == 500  # the commit runs before the response, so its failure shows
    with database.transaction() as session:
        assert session.get(PracticeModeSetting, world.student_id) is None


def test_every_api_operation_declares_its_error_responses(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    document = client.get("/openapi.json").json()
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"] and {"detail", "field", "errors"} <= set(error["properties"])
    operations = [
        op for path, ops in document["paths"].items() if path.startswith("/api/") for op in ops.values()
    ]
    assert len(operations) > 100
    for operation in operations:
        for code in ("401", "403", "404", "409", "422"):
            content = operation["responses"][code]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}, (operation["operationId"], code)
    # What the document promises is what a refusal looks like.
    headers = bearer(database, world.teacher_id)
    refused = client.post(
        f"/api/classes/{world.class_id}/assignments", json={"kind": "essay"}, headers=headers
    )
    assert refused.status_code == 422 and set(refused.json()) <= {"detail", "field", "errors"}
    assert refused.json()["field"]
