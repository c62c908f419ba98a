"""Stored files go with a rolled-back transaction; multipart forms carry their CSRF token; oversized forms
are refused whole; messages reach their recipient only, with an unread count in the menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from atpace.services.files import FileStore, check_upload
from atpace.services.messages import notify
from atpace.store.tables import StoredFile
from tests.service.conftest import RollbackDatabase, World
from tests.service.school import Api, browser, csrf_of

PDF = b"%PDF-1.7\n%%EOF\n"


def test_a_file_saved_in_a_transaction_that_fails_is_removed(
    database: RollbackDatabase, world: World, tmp_path: Path
) -> None:
    store = FileStore(tmp_path)
    with database.transaction() as session:
        kept = store.save(session, world.school_id, world.student_id, check_upload("kept.pdf", PDF))
    assert (tmp_path / kept.path).read_bytes() == PDF
    assert kept.path.startswith(f"{world.school_id}/") and "kept" not in kept.path  # never the user's name
    with pytest.raises(RuntimeError), database.transaction() as session:
        lost = store.save(session, world.school_id, world.student_id, check_upload("lost.pdf", PDF))
        raise RuntimeError("the request failed after the file was written")
    assert not (tmp_path / lost.path).exists()
    with database.transaction() as session:
        names = session.scalars(select(StoredFile.name)).all()
    assert "kept.pdf" in names and "lost.pdf" not in names


def test_a_multipart_form_needs_its_csrf_token(database: RollbackDatabase) -> None:
    client = browser(database, "student01@riverside.example")
    token = csrf_of(client.get("/messages").text)
    files = {"attachment": ("note.txt", b"hello", "text/plain")}
    refused = client.post("/messages/read", data={}, files=files)
    assert refused.status_code == 403
    accepted = client.post("/messages/read", data={"csrf_token": token}, files=files)
    assert accepted.status_code == 303


def test_an_oversized_form_is_refused_whole_not_cut_short(database: RollbackDatabase) -> None:
    client = browser(database, "student01@riverside.example")
    token = csrf_of(client.get("/messages").text)
    response = client.post(
        "/messages/read",
        content=f"padding={'x' * (1024 * 1024 + 10)}&csrf_token={token}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413 and "larger than 1 MB" in response.text


def test_messages_reach_their_recipient_with_an_unread_count(
    database: RollbackDatabase, world: World
) -> None:
    with database.transaction() as session:
        for n in (1, 2):
            notify(
                session, school_id=world.school_id, recipient_id=world.student_id, author_id=world.teacher_id,
                kind="comment", subject=f"Comment {n}", body="Nice work on the number line.", link="/learn",
            )  # fmt: skip
    student = browser(database, "student01@riverside.example")
    page = student.get("/learn")
    assert 'id="unread-count" aria-label="2 unread">2<' in page.text
    inbox = student.get("/messages")
    assert "Comment 1" in inbox.text and "Nice work on the number line." in inbox.text
    classmate = Api(database, world.classmate_id)
    assert classmate.get("/api/messages").json()["unread"] == 0
    mine = Api(database, world.student_id)
    body = mine.get("/api/messages").json()
    assert body["unread"] == 2 and [m["subject"] for m in body["messages"]] == ["Comment 2", "Comment 1"]
    first = body["messages"][1]["id"]
    assert classmate.post(f"/api/messages/{first}/read").status_code == 404
    opened = student.post(f"/messages/{first}/open", data={"csrf_token": csrf_of(inbox.text)})
    assert opened.status_code == 303 and opened.headers["location"] == "/learn"
    assert mine.get("/api/messages").json()["unread"] == 1
    assert mine.post("/api/messages/read").json() == {"marked_read": 1}
    assert 'id="unread-count"' not in student.get("/learn").text
