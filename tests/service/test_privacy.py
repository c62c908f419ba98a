"""Privacy (issue 12, section 5): a student's complete data as a zip, and their erasure (two administrators,
a grace period, cancellation); after an erasure no row or file of the student can be found in any table,
and their classmates' data is untouched (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from atpace.config import Settings
from atpace.errors import Conflict, Forbidden, NotFound
from atpace.services import audit, grading, placement, privacy
from atpace.services.agency import calibration, goals, journal
from atpace.services.assignments import submit
from atpace.services.assignments.submissions import Upload
from atpace.services.auth import create_user, issue_token
from atpace.services.files import FileStore
from atpace.services.messages import notify
from atpace.services.privacy import catalog
from atpace.store.tables import (
    Assignment,
    Base,
    Enrollment,
    Role,
    RosterImport,
    School,
    StoredFile,
    StudentGroup,
    StudentGroupMember,
    User,
    utcnow,
)
from atpace.store.tables_audit import AuditEntry
from atpace.store.tables_privacy import ErasureRequest
from atpace.store.tables_security import RateCounter
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.test_agency_goals import answer, first_skill
from tests.service.test_practice import wrong_response
from tests.service.web import bearer, client_for

NAME = "Élodie Zarathustra-Quokka"  # a capital letter that SQLite's lower() leaves alone
EMAIL = "quentin.zq@riverside.example"
SOURCED = "SIS-QZQ-4471"
ENROLMENT_SOURCED = "ENR-QZQ-0917"
NEEDLES = (NAME, EMAIL, SOURCED, ENROLMENT_SOURCED)
PDF = b"%PDF-1.7\n%%EOF\n"
# Columns that name a user without a foreign key (the audit log keeps ids so that entries outlive rows).
ID_COLUMNS = {("audit_entries", "actor_id"), ("audit_entries", "subject_id")}
# Where an erased student's id may stay, and why (docs/privacy.md): the tombstone of the account, the
# audit log (append-only, ids only) and the record of the erasure itself.
KEPT_IDS = {("users", "id"), ("audit_entries", "actor_id"), ("audit_entries", "subject_id"),
            ("erasure_requests", "student_id")}  # fmt: skip


@dataclass(frozen=True)
class Rich:
    student_id: int
    files: list[Path]
    group_id: int


def _admin(session: Session, world: World, email: str = "admin2@riverside.example") -> int:
    school = session.get(School, world.school_id)
    assert school is not None
    user = create_user(
        session, school=school, email=email, display_name="Second Admin", role=Role.ADMIN,
        password="password-admin-2",
    )  # fmt: skip
    return user.id


def _hand_in(session: Session, world: World, student_id: int, store: FileStore, body: str) -> int:
    teacher = actor_of(session, world.teacher_id)
    assignment = Assignment(
        school_id=world.school_id, class_id=world.class_id, kind="task", title=f"Show your work {student_id}",
        accepts_files=True, open_at=utcnow() - timedelta(hours=1), created_by_id=world.teacher_id,
    )  # fmt: skip
    session.add(assignment)
    session.flush()
    me = actor_of(session, student_id)
    view = submit(session, me, store, assignment.id, body, [Upload("work.pdf", PDF)])
    grading.save_feedback(session, teacher, view.id, [], f"Well done, {NAME}" if body else "Good", "graded")
    return view.id


def rich_student(session: Session, world: World, store: FileStore) -> Rich:
    """A student with answers, placement, a submission with a file and feedback, comments, a goal, a
    reflection, a self-rating, messages, a group, a roster import, sign-in counters and audit entries."""
    school = session.get(School, world.school_id)
    assert school is not None
    student = create_user(
        session, school=school, email=EMAIL, display_name=NAME, role=Role.STUDENT, password="password-qz-1"
    )
    student.sourced_id, student.given_name, student.family_name = SOURCED, "Élodie", "Zarathustra-Quokka"
    session.add(Enrollment(class_id=world.class_id, user_id=student.id, sourced_id=ENROLMENT_SOURCED))
    session.flush()
    me = actor_of(session, student.id)
    teacher = actor_of(session, world.teacher_id)
    started = placement.start(session, me)
    assert started.item is not None
    placement.answer(session, me, started.item.item_id, wrong_response(session, started.item.item_id))
    key, _ = first_skill(session, world)
    answer(session, student.id, key, True, "qz-1", confidence=3)
    answer(session, student.id, key, False, "qz-2")
    goal = goals.create_goal(
        session, me, goals.NewGoal("skills", utcnow().date() + timedelta(days=7), skill_keys=[key])
    )
    goals.comment_goal(session, teacher, goal.id, f"Keep going, {NAME}!")
    goals.comment_goal(session, me, goal.id, "I will practise every day")
    journal.add_entry(
        session, me, journal.NewEntry("practice", "The hints helped", "More practice", skill_key=key)
    )
    calibration.rate_skill(session, me, key, 3)
    _hand_in(session, world, student.id, store, f"My work, by {NAME}")
    notify(
        session, school_id=world.school_id, recipient_id=student.id, author_id=world.teacher_id,
        kind="comment", subject="Your fractions", body=f"{NAME}, see me about question 3.", link="/learn",
    )  # fmt: skip
    notify(
        session, school_id=world.school_id, recipient_id=world.teacher_id, author_id=student.id,
        kind="comment", subject="Question", body="Can I have more time?", link="/learn",
    )  # fmt: skip
    group = StudentGroup(
        school_id=world.school_id, class_id=world.class_id, name="Needs halves", kind="custom",
        activity=f"Pair {NAME} with a classmate", created_by_id=world.teacher_id,
        baseline={str(student.id): {key: 0.3}, str(world.classmate_id): {key: 0.5}},
    )  # fmt: skip
    session.add(group)
    session.flush()
    session.add_all(
        [
            StudentGroupMember(group_id=group.id, student_id=student.id),
            StudentGroupMember(group_id=group.id, student_id=world.classmate_id),
            RosterImport(
                school_id=world.school_id,
                created_by_id=world.admin_id,
                applied=True,
                report={"created": [{"name": NAME, "email": EMAIL, "sourcedId": SOURCED}], "count": 1},
            ),
            RateCounter(key=f"account:{EMAIL}", minute=1, count=2),
        ]
    )
    issue_token(session, student, kind="session", lifetime=timedelta(hours=1))
    audit.record(
        session, school_id=world.school_id, actor_id=world.admin_id, action="user.updated",
        subject=("user", student.id), detail={"changed": ["display_name"]},
    )  # fmt: skip
    session.flush()
    paths = session.scalars(select(StoredFile.path).where(StoredFile.uploaded_by_id == student.id)).all()
    assert paths
    return Rich(student.id, [store.root / p for p in paths], group.id)


def _plain(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def leftovers(session: Session, student_id: int, named: tuple[str, ...] = NEEDLES) -> list[str]:
    """Every place in every table where the student's id (in a column that names a user) or their name,
    e-mail address or roster ids (in any text or JSON column, compared in Python, case-insensitively)
    can still be found."""
    found = []
    needles = [n.casefold() for n in named]
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            refers = any(fk.column.table.name == "users" for fk in column.foreign_keys)
            if (
                refers
                or (table.name, column.name) in ID_COLUMNS
                or (table.name, column.name) == ("users", "id")
            ):
                if (table.name, column.name) in KEPT_IDS:
                    continue
                n = session.scalar(select(func.count()).select_from(table).where(column == student_id))
                if n:
                    found.append(f"{table.name}.{column.name} = {student_id} ({n} rows)")
        columns = catalog.text_columns(table)
        if not columns:
            continue
        for row in session.execute(select(*columns)).mappings():
            for name, value in row.items():
                if value is not None and any(n in _plain(value).casefold() for n in needles):
                    found.append(f"{table.name}.{name} holds the student's name, e-mail or roster id")
    return found


def _names(database: RollbackDatabase, student_id: int) -> tuple[str, ...]:
    with database.transaction() as session:
        user = session.get(User, student_id)
        assert user is not None
        return tuple(n for n in (user.display_name, user.email, user.sourced_id) if n)


def fingerprint(session: Session, student_id: int) -> dict[str, list[str]]:
    """Every row of the student, table by table (to show that another student's erasure left it whole)."""
    out = {}
    for owned in catalog.owned_tables(student_id):
        rows = session.execute(select(owned.table).where(owned.where)).mappings().all()
        out[owned.table.name] = sorted(json.dumps(dict(r), default=str, sort_keys=True) for r in rows)
    return out


def _erase(database: RollbackDatabase, world: World, student_id: int, store: FileStore) -> None:
    with database.transaction() as session:
        second = _admin(session, world)
        request = privacy.request_erasure(
            session, actor_of(session, world.admin_id), student_id, "parents asked"
        )
    with database.transaction() as session:
        done = privacy.confirm_erasure(session, actor_of(session, second), request.id, 0, store)
        assert done.state == "erased"


# Export --------------------------------------------------------------------------------------------------


def test_every_table_that_refers_to_users_is_exported_or_declared_left_out() -> None:
    assert catalog.undeclared_tables() == [], "say in privacy/catalog.py DESCRIBED what these tables hold"
    owned = {o.table.name for o in catalog.owned_tables(1)}
    for table in catalog.referring_tables():
        assert table.name in owned or table.name in catalog.NOT_EXPORTED, table.name


def test_the_zip_holds_every_kind_of_a_students_data(
    database: RollbackDatabase, world: World, tmp_path: Path
) -> None:
    store = FileStore(tmp_path)
    with database.transaction() as session:
        rich = rich_student(session, world, store)
        data = privacy.student_data_zip(session, actor_of(session, world.admin_id), rich.student_id, store)
    archive = zipfile.ZipFile(io.BytesIO(data.content))
    names = set(archive.namelist())
    assert {"README.txt", "profile.json", "audit_entries.json", "tables/attempts.csv"} <= names
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == EMAIL and profile["sourced_id"] == SOURCED and "password_hash" not in profile
    for table in catalog.referring_tables():
        if table.name not in catalog.NOT_EXPORTED:
            assert f"tables/{table.name}.json" in names
    rows = {
        n[7:-5]: json.loads(archive.read(n)) for n in names if n.startswith("tables/") and n.endswith(".json")
    }
    for kind in (
        "attempts", "evidence", "learner_states", "placement_sessions", "submissions", "submission_files",
        "stored_files", "feedback", "goals", "goal_comments", "journal_entries", "self_ratings", "messages",
        "enrollments", "student_group_members", "auth_tokens",
    ):  # fmt: skip
        assert rows[kind], f"{kind} is empty in the zip"
    assert len(rows["attempts"]) == 2 and {c["body"] for c in rows["goal_comments"]} >= {
        f"Keep going, {NAME}!"
    }
    assert all("token_hash" not in r for r in rows["auth_tokens"])
    assert rows["feedback"][0]["comment"] == f"Well done, {NAME}"
    csv_lines = archive.read("tables/attempts.csv").decode("utf-8-sig").splitlines()
    assert csv_lines[0].startswith("id,") and len(csv_lines) == 3
    files = [n for n in names if n.startswith("files/")]
    assert len(files) == 1 and files[0].endswith("-work.pdf") and archive.read(files[0]) == PDF
    entries = json.loads(archive.read("audit_entries.json"))
    assert {"user.updated", "sign_in.succeeded"} & {e["action"] for e in entries}
    readme = archive.read("README.txt").decode()
    assert "attempts (2)" in readme and "_hash" in readme
    assert data.filename == f"student-{rich.student_id}-data-{utcnow():%Y-%m-%d}.zip"
    with database.transaction() as session:
        logged = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "export.student_data", AuditEntry.subject_id == rich.student_id
            )
        ).all()
    assert len(logged) == 1 and logged[0].actor_id == world.admin_id


def test_only_the_schools_administrators_export(
    database: RollbackDatabase, world: World, tmp_path: Path
) -> None:
    store = FileStore(tmp_path)
    with database.transaction() as session:
        for who in (world.teacher_id, world.student_id):
            with pytest.raises(Forbidden):
                privacy.student_data_zip(session, actor_of(session, who), world.student_id, store)
        with pytest.raises(NotFound):
            privacy.student_data_zip(
                session, actor_of(session, world.foreign_teacher_id), world.student_id, store
            )
        with pytest.raises(NotFound):  # a teacher is not a student: nothing to export here
            privacy.student_data_zip(session, actor_of(session, world.admin_id), world.teacher_id, store)


# Erasure -------------------------------------------------------------------------------------------------


def test_after_an_erasure_no_row_or_file_of_the_student_is_left_and_classmates_are_untouched(
    database: RollbackDatabase, world: World, tmp_path: Path
) -> None:
    store = FileStore(tmp_path)
    with database.transaction() as session:
        rich = rich_student(session, world, store)
        classmate_file = _hand_in(session, world, world.classmate_id, store, "")
        assert leftovers(session, rich.student_id)  # the search finds what is there
        before = fingerprint(session, world.classmate_id)
        classmate_paths = session.scalars(
            select(StoredFile.path).where(StoredFile.uploaded_by_id == world.classmate_id)
        ).all()
    assert all(p.exists() for p in rich.files) and classmate_file
    _erase(database, world, rich.student_id, store)
    with database.transaction() as session:
        assert leftovers(session, rich.student_id) == []
        tomb = session.get(User, rich.student_id)
        assert tomb is not None and tomb.display_name == "Erased student" and not tomb.is_active
        assert tomb.email.endswith("@erased.invalid") and tomb.sourced_id is None and tomb.password_hash == ""
        assert tomb.given_name == tomb.family_name == tomb.grade == ""
        assert fingerprint(session, world.classmate_id) == before
        group = session.get(StudentGroup, rich.group_id)
        assert group is not None and str(rich.student_id) not in group.baseline
        assert (
            str(world.classmate_id) in group.baseline and group.activity == "Pair [erased] with a classmate"
        )
        steps = session.execute(
            select(AuditEntry.action, AuditEntry.detail)
            .where(AuditEntry.subject_kind == "user", AuditEntry.subject_id == rich.student_id)
            .where(AuditEntry.action.like("erasure.%"))
            .order_by(AuditEntry.id)
        ).all()
    assert [a for a, _ in steps] == ["erasure.requested", "erasure.confirmed", "erasure.completed"]
    assert steps[-1][1]["files"] == 1 and steps[-1][1]["rows_deleted"] > 10
    assert not any(p.exists() for p in rich.files)
    assert all((tmp_path / p).exists() for p in classmate_paths)
    with database.transaction() as session, pytest.raises(Conflict):  # erased once is erased
        privacy.request_erasure(session, actor_of(session, world.admin_id), rich.student_id, "")


def test_the_same_administrator_cannot_confirm_their_own_request(
    database: RollbackDatabase, world: World, tmp_path: Path
) -> None:
    store = FileStore(tmp_path)
    with database.transaction() as session:
        admin = actor_of(session, world.admin_id)
        request = privacy.request_erasure(session, admin, world.student_id, "")
        with pytest.raises(Forbidden) as alone:
            privacy.confirm_erasure(session, admin, request.id, 0, store)
        assert "no other administrator" in alone.value.message
        assert privacy.status(session, admin, world.student_id, 14).other_admins == 0
        second = _admin(session, world)
        with pytest.raises(Forbidden) as own:
            privacy.confirm_erasure(session, admin, request.id, 0, store)
        assert "another administrator" in own.value.message
        with pytest.raises(Conflict):  # one open request per student
            privacy.request_erasure(session, actor_of(session, second), world.student_id, "")
        for who in (world.teacher_id, world.student_id):
            with pytest.raises(Forbidden):
                privacy.confirm_erasure(session, actor_of(session, who), request.id, 0, store)
        with pytest.raises(NotFound):
            privacy.cancel_erasure(session, actor_of(session, world.foreign_teacher_id), request.id)
        assert session.get(User, world.student_id).display_name != "Erased student"  # type: ignore[union-attr]


def test_a_request_can_be_cancelled_during_the_grace_period_and_erase_due_waits_for_it(
    database: RollbackDatabase, world: World, tmp_path: Path
) -> None:
    store = FileStore(tmp_path)
    settings = Settings(files_dir=tmp_path, erasure_grace_days=14)
    with database.transaction() as session:
        second = _admin(session, world)
        request = privacy.request_erasure(session, actor_of(session, world.admin_id), world.classmate_id, "")
        confirmed = privacy.confirm_erasure(session, actor_of(session, second), request.id, 14, store)
    assert confirmed.state == "confirmed" and confirmed.executes_after is not None
    assert confirmed.executes_after - confirmed.confirmed_at == timedelta(days=14)  # type: ignore[operator]
    assert privacy.erase_due(database, settings) == 0  # still in its grace period
    named = _names(database, world.classmate_id)
    with database.transaction() as session:
        cancelled = privacy.cancel_erasure(session, actor_of(session, world.admin_id), request.id)
        assert cancelled.state == "cancelled"
        with pytest.raises(Conflict):
            privacy.confirm_erasure(session, actor_of(session, second), request.id, 0, store)
        session.execute(update(ErasureRequest).values(executes_after=utcnow() - timedelta(days=1)))
    assert privacy.erase_due(database, settings) == 0  # cancelled: never carried out
    with database.transaction() as session:
        assert session.get(User, world.classmate_id).email == "student02@riverside.example"  # type: ignore[union-attr]
        again = privacy.request_erasure(session, actor_of(session, second), world.classmate_id, "asked again")
        privacy.confirm_erasure(session, actor_of(session, world.admin_id), again.id, 14, store)
        session.execute(
            update(ErasureRequest).where(ErasureRequest.id == again.id).values(executes_after=utcnow())
        )
    assert privacy.erase_due(database, settings) == 1
    assert privacy.erase_due(database, settings) == 0
    with database.transaction() as session:
        assert leftovers(session, world.classmate_id, named) == []
        status = privacy.status(session, actor_of(session, world.admin_id), world.classmate_id, 14)
    assert status.erased and [r.state for r in status.requests] == ["erased", "cancelled"]


# Web -----------------------------------------------------------------------------------------------------


def test_the_api_and_pages_export_request_confirm_and_erase(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        second = _admin(session, world)
    named = _names(database, world.student_id)
    client = client_for(database, erasure_grace_days=0)
    admin, other = bearer(database, world.admin_id), bearer(database, second)
    url = f"/api/privacy/students/{world.student_id}"
    zipped = client.get(f"{url}/data.zip", headers=admin)
    assert zipped.status_code == 200 and zipped.headers["content-type"] == "application/zip"
    assert "profile.json" in zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    page = client.get(f"/admin/students/{world.student_id}/privacy", headers=admin)
    assert page.status_code == 200 and 'id="data-zip"' in page.text and 'id="request-erasure"' in page.text
    made = client.post(f"{url}/erasure", json={"reason": "left the school"}, headers=admin)
    assert made.status_code == 201 and made.json()["state"] == "requested"
    request_id = made.json()["id"]
    again = client.post(f"{url}/erasure", json={}, headers=other)
    assert again.status_code == 409 and "already requested" in again.json()["detail"]
    own = client.post(f"/api/privacy/erasures/{request_id}/confirm", headers=admin)
    assert own.status_code == 403 and "cannot confirm it too" in own.json()["detail"]
    page = client.post(f"/admin/erasures/{request_id}/confirm", headers=admin)
    assert page.status_code == 403 and "cannot confirm it too" in page.text
    listed = client.get("/api/privacy/erasures", headers=other).json()
    assert [r["id"] for r in listed] == [request_id]
    assert "Confirm" in client.get("/admin/privacy", headers=other).text
    done = client.post(f"/api/privacy/erasures/{request_id}/confirm", headers=other)
    assert done.status_code == 200 and done.json()["state"] == "erased"
    status = client.get(url, headers=admin).json()
    assert status["erased"] and status["requests"][0]["executed_at"] is not None
    assert (
        client.get(f"/admin/students/{world.student_id}/privacy", headers=admin).text.count('id="erased"')
        == 1
    )
    with database.transaction() as session:
        assert leftovers(session, world.student_id, named) == []


def test_the_form_of_a_browser_requests_an_erasure(database: RollbackDatabase, world: World) -> None:
    from tests.service.school import browser, csrf_of

    client = browser(database, "admin@riverside.example")
    page = client.get(f"/admin/students/{world.student_id}/privacy")
    assert 'id="single-admin"' in page.text  # the only administrator is told before asking
    sent = client.post(
        f"/admin/students/{world.student_id}/privacy/erasure",
        data={"reason": "moved away", "csrf_token": csrf_of(page.text)},
    )
    assert sent.status_code == 303
    shown = client.get(sent.headers["location"])
    assert (
        'id="done"' in shown.text
        and 'id="needs-second"' in shown.text
        and 'id="cancel-erasure"' in shown.text
    )
    request_id = int(shown.text.split('data-request="')[1].split('"')[0])
    cancelled = client.post(f"/admin/erasures/{request_id}/cancel", data={"csrf_token": csrf_of(shown.text)})
    assert cancelled.status_code == 303 and "done=cancelled" in cancelled.headers["location"]


def test_the_command_line_exports_and_erases_due(
    database: RollbackDatabase, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from atpace.cli import privacy as cli

    monkeypatch.setattr("atpace.cli.privacy.opened_database", lambda url: database)
    monkeypatch.setenv("ATPACE_FILES_DIR", str(tmp_path))
    out = tmp_path / "out" / "student.zip"
    result = CliRunner().invoke(
        cli.app, ["export", "student01@riverside.example", "--school", "riverside", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "profile.json" in zipfile.ZipFile(out).namelist()
    missing = CliRunner().invoke(
        cli.app, ["export", "nobody@x.example", "--school", "riverside", "--out", str(out)]
    )
    assert missing.exit_code == 2 and "no student" in missing.output
    due = CliRunner().invoke(cli.app, ["erase-due"])
    assert due.exit_code == 0 and "Carried out 0 erasures." in due.output
