"""Pages through a cookie session: login, CSRF, cookies, the practice form and the heatmap."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.service.conftest import RollbackDatabase, World, typed_item
from tests.service.web import client_for


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page carries a CSRF token"
    return match.group(1)


def log_in(client: TestClient, email: str, password: str = "atpace-demo") -> None:
    page = client.get("/login")
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 303, response.text


def test_login_sets_a_safe_session_cookie(database: RollbackDatabase) -> None:
    client = client_for(database, cookie_secure=True)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": "student01@riverside.example",
            "password": "atpace-demo",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/learn"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("atpace_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie


def test_login_without_csrf_token_is_refused(database: RollbackDatabase) -> None:
    client = client_for(database)
    client.get("/login")
    response = client.post("/login", data={"email": "student01@riverside.example", "password": "atpace-demo"})
    assert response.status_code == 403


def test_wrong_password_shows_an_error_and_no_session(database: RollbackDatabase) -> None:
    client = client_for(database)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": "student01@riverside.example",
            "password": "nope-nope",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 401 and "Wrong e-mail or password" in response.text
    assert "atpace_session" not in response.headers.get("set-cookie", "")


def test_cookie_session_posts_need_the_csrf_token(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    log_in(client, "student01@riverside.example")
    page = client.get("/practice")
    assert page.status_code == 200
    item_id = re.search(r'name="item_id" value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    skill = re.search(r'name="skill_key" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"item_id": item_id, "skill_key": skill, "response": "1", "client_attempt_id": "csrf-1"}
    assert client.post("/practice/answer", data=form).status_code == 403
    assert client.post("/api/practice/next", json={}).status_code == 403  # cookie auth on the API too
    ok = client.post("/practice/answer", data={**form, "csrf_token": csrf_of(page.text)})
    assert ok.status_code in (200, 422)
    header_ok = client.post(
        "/api/practice/next", json={}, headers={"x-csrftoken": client.cookies["csrftoken"]}
    )
    assert header_ok.status_code == 200


def test_student_pages_show_map_practice_and_feedback(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    log_in(client, "student01@riverside.example")
    learn = client.get("/learn")
    assert learn.status_code == 200
    assert (
        "<svg" in learn.text
        and 'data-state="ready"' in learn.text
        and "Ready: a starting skill" in learn.text
    )
    page = client.get("/practice")
    assert page.text.count("<html") == 1 and page.text.count('<main id="main"') == 1  # one page, not two
    token = csrf_of(page.text)
    item_id = re.search(r'name="item_id" value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    skill = re.search(r'name="skill_key" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    hint = client.get(f"/practice/hint?item={item_id}&n=1")
    assert hint.status_code == 200 and 'data-hint="1"' in hint.text
    with database.transaction() as session:  # a typed item of the same skill, where "3//4" is malformed
        typed_id = str(typed_item(session, world.course_id, skill).id)
    form = {"item_id": typed_id, "skill_key": skill, "client_attempt_id": "page-1", "csrf_token": token}
    malformed = client.post(
        "/practice/answer",
        data={**form, "response": "3//4", "hints_used": "1", "confidence": "3"},
        headers={"hx-request": "true"},
    )
    # What the student had on screen stays: the hint they read, their confidence, their answer.
    assert 'data-hint="1"' in malformed.text and 'value="3" checked' in malformed.text
    assert 'value="3//4"' in malformed.text
    assert malformed.status_code == 422 and "<html" not in malformed.text  # the card alone, for htmx
    assert 'id="answer-error"' in malformed.text and f'name="item_id" value="{typed_id}"' in malformed.text
    feedback = client.post("/practice/answer", data={**form, "response": "0", "client_attempt_id": "page-2"},
                           headers={"hx-request": "true"})  # fmt: skip
    assert feedback.status_code == 200 and 'id="mastery-after"' in feedback.text
    assert "<html" not in feedback.text  # an htmx partial
    assert 'id="feedback-title">Not quite' in feedback.text and 'id="worked-solution"' in feedback.text


def test_teacher_heatmap_page_sorts(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    log_in(client, "teacher@riverside.example")
    assert client.get("/").headers["location"] == "/teach"
    page = client.get(f"/classes/{world.class_id}?sort=average&desc=true")
    assert page.status_code == 200 and 'id="heatmap"' in page.text
    assert page.text.count("<tr data-student=") == 24
    assert 'aria-sort="descending"' in page.text
    bad = client.get(f"/classes/{world.class_id}?sort=zzz")
    assert bad.status_code == 422 and "sort" in bad.text


def test_logout_revokes_the_session(database: RollbackDatabase) -> None:
    client = client_for(database)
    log_in(client, "teacher@riverside.example")
    session_token = client.cookies["atpace_session"]
    page = client.get("/teach")
    assert client.post("/logout", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    client.cookies.set("atpace_session", session_token)
    assert client.get("/teach").status_code == 303  # the old cookie no longer works


def test_teacher_decisions_from_the_student_page(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    log_in(client, "teacher@riverside.example")
    url = f"/classes/{world.class_id}/students/{world.student_id}"
    page = client.get(url)
    assert page.status_code == 200 and 'id="mode-form"' in page.text and 'id="override-form"' in page.text
    token = csrf_of(page.text)
    skill = re.search(r'<select name="skill_key"><option value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    missing_reason = client.post(
        f"{url}/overrides", data={"skill_key": skill, "action": "lock", "reason": " ", "csrf_token": token}
    )
    # The refusal is shown next to the form, on the student page, with the teacher's choices kept.
    assert missing_reason.status_code == 422 and 'id="override-form"' in missing_reason.text
    assert re.search(r'id="decision-error">Say why in 1-300 characters', missing_reason.text)
    assert f'<option value="{skill}" selected>' in missing_reason.text
    assert '<option value="lock" selected>' in missing_reason.text
    saved = client.post(
        f"{url}/overrides",
        data={"skill_key": skill, "action": "lock", "reason": "after the trip", "csrf_token": token},
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("?saved=decision#decisions")
    assert 'id="saved">Decision saved.' in client.get(saved.headers["location"]).text
    mode = client.post(
        f"{url}/mode", data={"mode": "support", "reason": "new to fractions", "csrf_token": token}
    )
    assert mode.status_code == 303
    after = client.get(url).text
    assert "locked by Ms. Rivera: after the trip" in after and "(paused by a teacher)" in after
    assert 'id="current-mode">support<' in after
    student = client_for(database)
    log_in(student, "student01@riverside.example")
    learn = student.get("/learn").text  # the student sees the pause and the teacher's reason
    assert 'id="paused-skills"' in learn and "Locked by Ms. Rivera: after the trip" in learn


def test_out_of_range_ids_and_nul_characters_are_a_422_page(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    page = client.get("/login")
    nul = client.post(
        "/login", data={"email": "x\x00@y.z", "password": "p", "csrf_token": csrf_of(page.text)}
    )
    assert nul.status_code == 422 and "Email" in nul.text
    log_in(client, "teacher@riverside.example")
    for url in (f"/classes/{2**63}", f"/classes/{world.class_id}/students/{2**63}"):
        response = client.get(url)
        assert response.status_code == 422 and "<html" in response.text


def test_a_csrf_cookie_signed_with_an_old_secret_is_replaced(database: RollbackDatabase) -> None:
    from itsdangerous import URLSafeSerializer

    client = client_for(database)
    stale = URLSafeSerializer("an-old-secret-" * 3, "csrftoken").dumps("token-from-before")
    client.cookies.set("csrftoken", stale)
    page = client.get("/login")
    fresh = page.cookies.get("csrftoken")
    assert fresh and fresh != stale and csrf_of(page.text) == fresh
    client.cookies.set("csrftoken", fresh)
    response = client.post(
        "/login",
        data={
            "email": "teacher@riverside.example",
            "password": "atpace-demo",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 303
