"""Handing work in: late work kept and marked, extensions, versions, the open date, who sees what, refused
uploads (nothing stored), file downloads and concurrent submissions; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.services import assignments, limits
from atpace.services.assignments import Upload
from atpace.services.files import FileStore
from atpace.store.tables import Assignment, Feedback, Message, StoredFile, Submission, SubmissionFile
from tests.service.conftest import Backend, RollbackDatabase, World, actor_of
from tests.service.school import browser, csrf_of
from tests.service.test_assignments import NOW, make, task
from tests.service.web import bearer, client_for

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path)


def hand_in(
    session: Session, world: World, store: FileStore, assignment_id: int, when: datetime, **kwargs: Any
) -> assignments.SubmissionView:
    student = actor_of(session, kwargs.pop("student_id", world.student_id))
    return assignments.submit(
        session, student, store, assignment_id, kwargs.pop("body", "My answer"), now=when, **kwargs
    )


def test_late_work_is_accepted_marked_late_and_kept(session: Session, world: World, store: FileStore) -> None:
    due = NOW + timedelta(days=1)
    view = make(session, world, task(due_at=due))
    on_time = hand_in(
        session, world, store, view.id, due - timedelta(minutes=1), student_id=world.classmate_id
    )
    late = hand_in(session, world, store, view.id, due + timedelta(hours=5))
    assert (on_time.late, late.late) == (False, True)
    stored = session.get(Submission, late.id)
    assert stored is not None and stored.body == "My answer" and stored.late
    line = next(line for line in assignments.student_work(session, world.student_id, due + timedelta(days=1)))
    assert (line.state, line.late, line.submission_id, line.waiting_for_teacher) == (
        "submitted",
        True,
        late.id,
        True,
    )
    counts = assignments.class_assignments(
        session, actor_of(session, world.teacher_id), world.class_id, now=due
    )
    summary = next(s for s in counts.open if s.assignment.id == view.id)
    assert (summary.counts.submitted, summary.counts.late, summary.counts.waiting) == (2, 1, 2)


def test_an_extension_makes_the_same_moment_on_time(session: Session, world: World, store: FileStore) -> None:
    due = NOW + timedelta(days=1)
    view = make(session, world, task(due_at=due))
    teacher = actor_of(session, world.teacher_id)
    assignments.set_extension(
        session, teacher, view.id, world.student_id, due + timedelta(days=2), "family trip"
    )
    moment = due + timedelta(days=1)
    assert not hand_in(session, world, store, view.id, moment).late
    assert hand_in(session, world, store, view.id, moment, student_id=world.classmate_id).late


def test_before_the_open_date_nothing_can_be_handed_in(
    session: Session, world: World, store: FileStore
) -> None:
    view = make(session, world, task(open_at=NOW + timedelta(days=2)))
    with pytest.raises(Conflict) as refused:
        hand_in(session, world, store, view.id, NOW)
    assert "opens on" in refused.value.message
    assert session.scalar(select(func.count(Submission.id)).where(Submission.assignment_id == view.id)) == 0
    assert hand_in(session, world, store, view.id, NOW + timedelta(days=3)).version == 1


def test_resubmission_after_feedback_keeps_every_version(
    session: Session, world: World, store: FileStore
) -> None:
    view = make(session, world, task(accepts_files=True))
    first = hand_in(session, world, store, view.id, NOW, body="First try", uploads=[Upload("work.pdf", PDF)])
    row = session.get(Submission, first.id)
    assert row is not None
    row.status = "returned"
    session.add(
        Feedback(school_id=world.school_id, submission_id=first.id, teacher_id=world.teacher_id, decision="returned",
                 comment="Show how you found the common denominator.")
    )  # fmt: skip
    session.flush()
    line = assignments.student_work(session, world.student_id, NOW)[0]
    assert (line.state, line.state_label) == ("returned", "Returned for revision")
    second = hand_in(session, world, store, view.id, NOW + timedelta(hours=1), body="Second try")
    assert (first.version, second.version) == (1, 2)
    student = actor_of(session, world.student_id)
    mine = assignments.list_submissions(session, student, view.id)
    assert [(s.version, s.body, [f.name for f in s.files]) for s in mine] == [
        (1, "First try", ["work.pdf"]), (2, "Second try", []),
    ]  # fmt: skip
    detail = assignments.work_detail(session, student, view.id, now=NOW + timedelta(hours=2))
    assert [s.version for s in detail.steps[0].submissions] == [2, 1]
    assert detail.line.state == "submitted"


def test_project_checkpoints_are_steps_with_their_own_due_dates(
    session: Session, world: World, store: FileStore
) -> None:
    view = make(
        session, world,
        task(kind="project", due_at=NOW + timedelta(days=10),
             checkpoints=(assignments.CheckpointInput("Plan", due_at=NOW + timedelta(days=1)),)),
    )  # fmt: skip
    plan = hand_in(session, world, store, view.id, NOW + timedelta(days=2), step=1)
    assert (plan.step, plan.version, plan.late) == (1, 1, True)
    final = hand_in(session, world, store, view.id, NOW + timedelta(days=3), step=0)
    assert (final.step, final.version, final.late) == (0, 1, False)
    with pytest.raises(InvalidInput) as refused:
        hand_in(session, world, store, view.id, NOW, step=2)
    assert refused.value.field == "step"
    detail = assignments.work_detail(
        session, actor_of(session, world.student_id), view.id, now=NOW + timedelta(days=4)
    )
    assert [(s.step, s.title, s.state) for s in detail.steps] == [
        (1, "Plan", "submitted"),
        (0, "Final work", "submitted"),
    ]


def test_a_student_of_another_class_can_neither_see_nor_hand_in(
    session: Session, world: World, store: FileStore
) -> None:
    view = make(session, world, task())
    outsider = actor_of(session, world.other_class_student_id)
    with pytest.raises(Forbidden):
        assignments.work_detail(session, outsider, view.id)
    with pytest.raises(Forbidden):
        assignments.submit(session, outsider, store, view.id, "let me in", now=NOW)
    assert all(line.assignment_id != view.id for line in assignments.my_work(session, outsider))
    with pytest.raises(NotFound):
        assignments.submit(
            session, actor_of(session, world.foreign_student_id), store, view.id, "hi", now=NOW
        )
    named = make(session, world, task("Only for one", target="students", student_ids=(world.classmate_id,)))
    with pytest.raises(Forbidden):
        hand_in(session, world, store, named.id, NOW)
    # A student sees only their own versions.
    hand_in(session, world, store, view.id, NOW, student_id=world.classmate_id)
    assert assignments.list_submissions(session, actor_of(session, world.student_id), view.id) == []
    assert len(assignments.list_submissions(session, actor_of(session, world.teacher_id), view.id)) == 1


def test_practice_takes_no_submissions_and_text_only_work_takes_no_files(
    session: Session, world: World, store: FileStore
) -> None:
    from tests.service.test_assignments import first_skill

    practice = make(session, world, task(kind="practice", skill_keys=(first_skill(session, world).key,)))
    with pytest.raises(Conflict):
        hand_in(session, world, store, practice.id, NOW)
    text_only = make(session, world, task())
    with pytest.raises(InvalidInput) as refused:
        hand_in(session, world, store, text_only.id, NOW, uploads=[Upload("work.pdf", PDF)])
    assert refused.value.field == "files"
    with pytest.raises(InvalidInput) as empty:
        hand_in(session, world, store, text_only.id, NOW, body="   ")
    assert empty.value.field == "body"


# --- through HTTP ------------------------------------------------------------------------------------------


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def api_assignment(database: RollbackDatabase, world: World, **changes: object) -> int:
    with database.transaction() as session:
        fields: dict[str, object] = {"accepts_files": True, **changes}
        return make(session, world, task(**fields), now=datetime.now(UTC) - timedelta(days=1)).id


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("huge.pdf", b"%PDF-1.7\n" + b"0" * limits.UPLOAD_MAX_BYTES, "at most 10 MB"),
        ("picture.pdf", PNG, "its content is a PNG file"),
        ("../x.pdf", PDF, "holds a path"),
        ("a/b.pdf", PDF, "holds a path"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_a_refused_upload_says_why_and_stores_nothing(
    database: RollbackDatabase, world: World, tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    assignment_id = api_assignment(database, world)
    client = client_for(database, files_dir=str(tmp_path))
    with database.transaction() as session:
        before = (
            session.scalar(select(func.count(Submission.id))),
            session.scalar(select(func.count(StoredFile.id))),
        )
    response = client.post(
        f"/api/assignments/{assignment_id}/submissions",
        data={"body": "see the file"},
        files=[
            ("files", ("fine.pdf", PDF, "application/pdf")),
            ("files", (name, content, "application/pdf")),
        ],
        headers=bearer(database, world.student_id),
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "files" and words in response.json()["detail"]
    with database.transaction() as session:
        after = (
            session.scalar(select(func.count(Submission.id))),
            session.scalar(select(func.count(StoredFile.id))),
        )
    assert after == before
    assert files_under(tmp_path) == []


def test_too_many_files_are_refused(database: RollbackDatabase, world: World, tmp_path: Path) -> None:
    assignment_id = api_assignment(database, world)
    client = client_for(database, files_dir=str(tmp_path))
    many = [
        ("files", (f"part{n}.pdf", PDF, "application/pdf")) for n in range(limits.UPLOADS_PER_SUBMISSION + 1)
    ]
    response = client.post(
        f"/api/assignments/{assignment_id}/submissions",
        files=many,
        headers=bearer(database, world.student_id),
    )
    assert response.status_code == 422 and response.json()["field"] == "files"
    assert files_under(tmp_path) == []


def test_a_student_hands_in_a_file_on_the_page_and_only_the_right_people_download_it(
    database: RollbackDatabase, world: World, tmp_path: Path
) -> None:
    assignment_id = api_assignment(database, world, due_at=datetime.now(UTC) + timedelta(days=3))
    client = browser(database, "student01@riverside.example")
    client.app.state.files = FileStore(tmp_path)  # type: ignore[attr-defined]
    page = client.get(f"/work/{assignment_id}")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    refused = client.post(
        f"/work/{assignment_id}/submissions", data={"body": "", "step": "0", "csrf_token": csrf_of(page.text)},
        files=[("files", ("../x.pdf", PDF, "application/pdf"))],
    )  # fmt: skip
    assert (
        refused.status_code == 422
        and "holds a path" in refused.text
        and 'aria-invalid="true"' in refused.text
    )
    sent = client.post(
        f"/work/{assignment_id}/submissions",
        data={"body": "My poster", "step": "0", "csrf_token": csrf_of(page.text)},
        files=[("files", ("Poster – final.pdf", PDF, "application/pdf"))],
    )
    assert sent.status_code == 303, sent.text
    shown = client.get(f"/work/{assignment_id}")
    assert "My poster" in shown.text and "Version 1" in shown.text and "Poster – final.pdf" in shown.text
    with database.transaction() as session:
        file_id = session.scalar(
            select(SubmissionFile.file_id).join(Submission, Submission.id == SubmissionFile.submission_id)
            .where(Submission.assignment_id == assignment_id)
        )  # fmt: skip
    assert file_id is not None
    download = client.get(f"/files/{file_id}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    disposition = download.headers["content-disposition"]
    assert (
        disposition.startswith("attachment;")
        and "filename*=UTF-8''Poster%20%E2%80%93%20final.pdf" in disposition
    )
    api = client_for(database, files_dir=str(tmp_path))
    codes = {
        who: api.get(f"/api/files/{file_id}", headers=bearer(database, user)).status_code
        for who, user in [
            ("student", world.student_id), ("classmate", world.classmate_id), ("teacher", world.teacher_id),
            ("other_teacher", world.other_teacher_id), ("admin", world.admin_id),
            ("foreign_teacher", world.foreign_teacher_id), ("foreign_student", world.foreign_student_id),
        ]
    }  # fmt: skip
    assert codes == {
        "student": 200, "classmate": 403, "teacher": 200, "other_teacher": 403, "admin": 200,
        "foreign_teacher": 404, "foreign_student": 404,
    }  # fmt: skip


def test_the_api_refuses_work_before_it_opens_with_a_clear_409(
    database: RollbackDatabase, world: World
) -> None:
    with database.transaction() as session:
        assignment_id = make(session, world, task(open_at=datetime.now(UTC) + timedelta(days=2))).id
    response = client_for(database).post(
        f"/api/assignments/{assignment_id}/submissions", data={"body": "early"},
        headers=bearer(database, world.student_id),
    )  # fmt: skip
    assert response.status_code == 409 and "opens on" in response.json()["detail"]


def test_the_teacher_pages_create_list_and_extend(database: RollbackDatabase, world: World) -> None:
    teacher = browser(database, "teacher@riverside.example")
    page = teacher.get(f"/classes/{world.class_id}/assignments")
    assert page.status_code == 200 and "New assignment" in page.text
    token = csrf_of(page.text)
    # Today's "Assign practice on <skill>" opens the form filled in for that student and skill.
    prefilled = teacher.get(
        f"/classes/{world.class_id}/assignments?student={world.student_id}&skill=unit-fractions"
    )
    assert 'name="kind" value="practice" checked' in prefilled.text
    assert 'name="target" value="students" checked' in prefilled.text
    assert f'name="student_ids" value="{world.student_id}" checked' in prefilled.text
    assert 'name="skill_keys" value="unit-fractions" checked' in prefilled.text
    refused = teacher.post(
        f"/classes/{world.class_id}/assignments",
        data={"csrf_token": token, "kind": "task", "title": "Poster", "due_at": "2020-01-01T10:00",
              "open_at": "2020-02-01T10:00", "accepts_text": "on"},
    )  # fmt: skip
    assert refused.status_code == 422 and "due date must not be before" in refused.text
    assert 'value="Poster"' in refused.text
    created = teacher.post(
        f"/classes/{world.class_id}/assignments",
        data={"csrf_token": token, "kind": "project", "title": "Fraction poster", "target": "students",
              "student_ids": [str(world.student_id), str(world.classmate_id)], "accepts_text": "on",
              "due_at": "2030-01-10T10:00", "checkpoint_title": ["Plan", "", ""], "checkpoint_description": ["", "", ""],
              "checkpoint_due": ["2030-01-05T10:00", "", ""]},
    )  # fmt: skip
    assert created.status_code == 303, created.text
    location = created.headers["location"]
    detail = teacher.get(location)
    assert detail.status_code == 200 and "Fraction poster" in detail.text and "Plan" in detail.text
    assignment_id = int(location.split("/")[2].split("?")[0])
    assert f"/assignments/{assignment_id}/grade?student=" not in detail.text  # nothing handed in yet
    extended = teacher.post(
        f"/assignments/{assignment_id}/extensions",
        data={"csrf_token": token, "student_id": str(world.student_id), "due_at": "2030-01-12T10:00", "reason": "ill"},
    )  # fmt: skip
    assert extended.status_code == 303
    too_early = teacher.post(
        f"/assignments/{assignment_id}/extensions",
        data={"csrf_token": token, "student_id": str(world.student_id), "due_at": "2030-01-01T10:00", "reason": "x"},
    )  # fmt: skip
    assert too_early.status_code == 422 and "after the assignment" in too_early.text
    listing = teacher.get(f"/classes/{world.class_id}/assignments")
    assert "Fraction poster" in listing.text
    with database.transaction() as session:
        from tests.service.test_assignments import group_of

        group_id = group_of(session, world, [world.student_id])
    chosen = teacher.get(f"/classes/{world.class_id}/assignments?group={group_id}")
    assert f'<option value="{group_id}" selected>' in chosen.text
    assert '<input type="radio" name="target" value="group" checked' in chosen.text
    student = browser(database, "student01@riverside.example")
    work = student.get("/work")
    assert work.status_code == 200 and "Fraction poster" in work.text and "To do" in work.text
    one = student.get(f"/work/{assignment_id}")
    assert "ill" in one.text and "12 Jan 2030" in one.text


# --- concurrency (real transactions, not the rolled-back ones) -------------------------------------------


@pytest.fixture
def committed(backend: Backend) -> Iterator[sessionmaker[Session]]:
    """Sessions that really commit; what the test made is deleted afterwards."""
    factory = sessionmaker(backend.engine, expire_on_commit=False)
    made: list[int] = []
    factory.kw["info"] = {"made": made}
    yield factory
    with factory() as session, session.begin():
        if made:
            session.execute(delete(Message).where(Message.assignment_id.in_(made)))
            session.execute(delete(Assignment).where(Assignment.id.in_(made)))


def test_two_submissions_at_once_get_versions_1_and_2(
    backend: Backend, committed: sessionmaker[Session], tmp_path: Path
) -> None:
    world = backend.world
    with committed() as session, session.begin():
        assignment_id = make(session, world, task(), now=NOW).id
        session.info["made"].append(assignment_id)
    store = FileStore(tmp_path)
    start = threading.Barrier(2)
    results: list[int] = []
    failures: list[BaseException] = []
    slow_first = threading.Event()

    def hand_in_once(name: str) -> None:
        try:
            start.wait(timeout=30)
            with committed() as session, session.begin():
                # The first to insert holds its transaction open a moment: the other one must wait for it.
                event.listen(session.connection(), "before_cursor_execute", linger)
                view = assignments.submit(
                    session, actor_of(session, world.student_id), store, assignment_id, f"answer {name}",
                    now=NOW + timedelta(hours=1),
                )  # fmt: skip
            results.append(view.version)
        except BaseException as error:
            failures.append(error)

    def linger(_c: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO submissions") and not slow_first.is_set():
            slow_first.set()
            threading.Event().wait(0.5)

    threads = [threading.Thread(target=hand_in_once, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and sorted(results) == [1, 2]
    with committed() as session:
        versions = session.scalars(
            select(Submission.version)
            .where(Submission.assignment_id == assignment_id)
            .order_by(Submission.version)
        ).all()
    assert versions == [1, 2]


def test_the_work_page_shows_every_version_with_its_feedback_and_takes_a_resubmission(
    database: RollbackDatabase, world: World, tmp_path: Path
) -> None:
    assignment_id = api_assignment(database, world)
    with database.transaction() as session:
        first = assignments.submit(
            session, actor_of(session, world.student_id), FileStore(tmp_path), assignment_id, "Half of 4 is 2/4",
        )  # fmt: skip
        row = session.get(Submission, first.id)
        assert row is not None
        row.status = "returned"
        session.add(
            Feedback(school_id=world.school_id, submission_id=first.id, teacher_id=world.teacher_id,
                     decision="returned", comment="Show how you found the common denominator.")
        )  # fmt: skip
    client = browser(database, "student01@riverside.example")
    client.app.state.files = FileStore(tmp_path)  # type: ignore[attr-defined]
    work = client.get("/work")
    assert "Returned for revision" in work.text
    page = client.get(f"/work/{assignment_id}")
    assert "Show how you found the common denominator." in page.text and "Version 1" in page.text
    again = client.post(
        f"/work/{assignment_id}/submissions",
        data={"body": "2/4 = 1/2 because 2×2 = 4", "step": "0", "csrf_token": csrf_of(page.text)},
    )
    assert again.status_code == 303
    shown = client.get(f"/work/{assignment_id}")
    assert shown.text.index("Version 2") < shown.text.index("Version 1")
    assert "Half of 4 is 2/4" in shown.text and "2/4 = 1/2 because" in shown.text
    assert "Show how you found the common denominator." in shown.text
