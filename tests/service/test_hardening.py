"""What a probe found easy to break (issue 13, "Hardening"): caching of pages with student data, request
bodies without a limit, 405 replies without their Allow header, a body that is not JSON, and workers
that refuse each other's CSRF tokens (SQLite and PostgreSQL where a database is involved)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from atpace.services import limits
from atpace.services.auth import create_user
from atpace.services.schools import create_school
from atpace.store.db import Database
from atpace.store.tables import Role
from atpace.web import middleware
from tests.live_server import free_port
from tests.service.conftest import RollbackDatabase, World
from tests.service.school import browser, csrf_of
from tests.service.web import bearer, client_for

MIB = 1024 * 1024


def test_pages_and_json_with_student_data_are_never_cached(database: RollbackDatabase, world: World) -> None:
    student = browser(database, "student02@riverside.example")
    for url in ("/learn", "/messages"):
        response = student.get(url)
        assert response.status_code == 200 and response.headers["cache-control"] == "no-store", url
    api = client_for(database)
    progress = api.get("/api/students/me/progress", headers=bearer(database, world.classmate_id))
    assert progress.status_code == 200 and progress.headers["cache-control"] == "no-store"
    refused = api.get("/api/students/me/progress")
    assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"
    static = api.get("/static/app.css")
    assert static.status_code == 200 and "cache-control" not in static.headers  # files: ETag as usual
    assert static.headers["x-content-type-options"] == "nosniff"


def test_a_405_keeps_its_allow_header(database: RollbackDatabase) -> None:
    client = client_for(database)
    api = client.put("/api/me")
    assert api.status_code == 405 and api.headers["allow"] == "GET"
    assert api.json() == {"detail": "Method Not Allowed"}
    page = client.delete("/api/docs")
    assert page.status_code == 405 and page.headers["allow"] == "GET"


def test_a_body_that_is_not_json_is_named(database: RollbackDatabase) -> None:
    response = client_for(database).post(
        "/api/auth/token", content=b'{"email": "a@b.example",', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "body"
    assert body["detail"].startswith("body: the body is not valid JSON (")


def test_a_body_that_is_not_even_text_is_named_too(database: RollbackDatabase, world: World) -> None:
    # FastAPI answers 400 when it cannot decode the body at all; atpace answers like any bad input.
    response = client_for(database).post(
        "/api/auth/token", content=b"\x80\x81\x82\x83", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "body: the body is not valid JSON (it is not UTF-8 text)", "field": "body"
    }
    broken_form = client_for(database).post(
        "/api/courses/import", content=b"--x\r\nnot a part",
        headers={**bearer(database, world.teacher_id), "content-type": "multipart/form-data; boundary=x"},
    )  # fmt: skip
    assert broken_form.status_code == 422
    assert broken_form.json()["field"] == "body"
    assert broken_form.json()["detail"].startswith("body: the body cannot be read (")


def test_an_over_long_body_is_refused_with_413_before_it_is_read(database: RollbackDatabase) -> None:
    client = client_for(database)
    headers = {"content-type": "application/json"}
    over = client.post("/api/auth/token", content=b" " * (middleware.JSON_MAX_BYTES + 1), headers=headers)
    assert over.status_code == 413
    assert over.json() == {
        "detail": "The request body is larger than 6 MB, the limit for this kind of request.",
        "field": "body",
    }
    assert over.headers["cache-control"] == "no-store"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted as the body arrives
        for _ in range(7):
            yield b" " * MIB

    streamed = client.post("/api/auth/token", content=chunks(), headers=headers)
    assert streamed.status_code == 413 and streamed.json()["field"] == "body"
    # at the limit, the body is read and judged on its content
    at_limit = client.post("/api/auth/token", content=b" " * middleware.JSON_MAX_BYTES, headers=headers)
    assert at_limit.status_code == 422
    form = client.post(
        "/login",
        content=b"a=" + b"x" * middleware.FORM_MAX_BYTES,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 413 and "larger than 1 MB" in form.text


def test_the_limits_leave_room_for_the_largest_legitimate_bodies() -> None:
    assert middleware.JSON_MAX_BYTES >= 3 * limits.CSV_MAX_BYTES  # a users CSV as a JSON string
    assert middleware.MULTIPART_MAX_BYTES > 64 * MIB  # a course package with its form fields
    assert middleware.MULTIPART_MAX_BYTES > limits.UPLOAD_MAX_BYTES * limits.UPLOADS_PER_SUBMISSION


@pytest.fixture
def school_file(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        school = create_school(session, "workers", "Workers School")
        create_user(
            session, school=school, email="t@workers.example", display_name="T", role=Role.TEACHER,
            password="workers-password-1",
        )  # fmt: skip
    database.engine.dispose()
    return url


def test_workers_without_a_configured_secret_accept_each_others_forms(school_file: str) -> None:
    """``atpace serve --workers 2`` in development: a form rendered by one worker and posted to the
    other is accepted (each new connection may land on either worker)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATPACE_")}
    env |= {"ATPACE_ENVIRONMENT": "development", "ATPACE_COOKIE_SECURE": "false"}
    atpace = str(Path(sys.executable).with_name("atpace"))
    command = [atpace, "serve", "--workers", "2", "--port", str(port), "--database-url", school_file]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "atpace serve stopped"
            try:
                httpx.get(f"{base}/login", timeout=1.0)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "atpace serve did not start"
                time.sleep(0.2)
        statuses = []
        for _ in range(12):
            with httpx.Client(base_url=base, timeout=30.0) as first:  # one connection: one worker
                form = first.get("/login")
                cookies = dict(first.cookies)
            with httpx.Client(base_url=base, timeout=30.0, cookies=cookies) as second:  # maybe the other
                response = second.post(
                    "/login",
                    data={
                        "email": "t@workers.example", "password": "workers-password-1",
                        "csrf_token": csrf_of(form.text),
                    },
                )  # fmt: skip
                statuses.append(response.status_code)
        assert statuses == [303] * 12
    finally:
        server.terminate()
        server.wait(timeout=20)
