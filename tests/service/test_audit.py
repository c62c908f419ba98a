"""The audit log: append-only in three layers (service, ORM, database triggers on SQLite and PostgreSQL),
written in the caller's transaction (a failed sign-in survives its request's rollback), every audited action
writes its entry with the right actor, subject and detail, and only the school's administrators read it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput, TooManyAttempts, Unauthenticated
from atpace.interop.oneroster import read_roster
from atpace.services import audit, auth, class_reports, course_editor, grading, interventions, standards
from atpace.services.auth import Actor
from atpace.services.demo import DEMO_PASSWORD
from atpace.services.grading import ScoreInput
from atpace.services.roster import import_roster
from atpace.services.school import classes, enrolment, join_codes, sign_in, users
from atpace.services.school.user_csv import import_users
from atpace.services.schools import create_school
from atpace.services.throttle import LoginThrottle
from atpace.store.tables import ImmutableRowError, Role, School, User
from atpace.store.tables_audit import AuditEntry
from tests.service.authz_grading import make_work
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.web import bearer, client_for

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASE_FILE = FIXTURES / "case" / "opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json"


def entries(session: Session, action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))


def only(session: Session, action: str) -> AuditEntry:
    found = entries(session, action)
    assert len(found) == 1, [(e.action, e.detail) for e in found]
    return found[0]


def first_skill_key(session: Session, world: World) -> str:
    key = session.scalar(
        text("SELECT key FROM skills WHERE course_id = :c ORDER BY id LIMIT 1"), {"c": world.course_id}
    )
    assert isinstance(key, str)
    return key


def note(session: Session, world: World, action: str = "user.updated", **kw: Any) -> None:
    audit.record(session, school_id=world.school_id, actor_id=world.admin_id, action=action, **kw)


# Append-only, layer by layer ------------------------------------------------------------------------------


def test_the_service_offers_record_and_reads_only() -> None:
    writers = [n for n in dir(audit) if n.split("_")[0] in {"update", "delete", "edit", "remove", "erase"}]
    assert writers == []
    with pytest.raises(ValueError, match="vocabulary"):
        audit.record(Session(), school_id=1, actor_id=1, action="user.renamed")


def test_the_orm_refuses_to_change_or_delete_an_entry(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        note(session, world, subject=("user", world.student_id), detail={"changed": ["email"]})
    with pytest.raises(ImmutableRowError), database.transaction() as session:
        only(session, "user.updated").detail = {"changed": []}
        session.flush()
    with pytest.raises(ImmutableRowError), database.transaction() as session:
        session.delete(only(session, "user.updated"))
        session.flush()
    with database.transaction() as session:
        entry = only(session, "user.updated")
        entry.detail = {"changed": ["email"]}  # set to what it is: no change, no refusal
        session.flush()
        assert entry.subject_id == world.student_id


def test_bulk_orm_statements_are_refused_too(session: Session, world: World) -> None:
    note(session, world)
    with pytest.raises(ImmutableRowError):
        session.execute(update(AuditEntry).values(action="user.created"))
    with pytest.raises(ImmutableRowError):
        session.execute(delete(AuditEntry))
    assert only(session, "user.updated").action == "user.updated"


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_entries SET action = 'user.created'", "DELETE FROM audit_entries"]
)
def test_the_database_refuses_raw_updates_and_deletes(session: Session, world: World, statement: str) -> None:
    note(session, world, detail={"changed": ["email"]})
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text(statement))
    entry = only(session, "user.updated")
    session.refresh(entry)
    assert entry.detail == {"changed": ["email"]}


def test_postgresql_refuses_truncate(session: Session, world: World) -> None:
    if session.get_bind().dialect.name != "postgresql":
        assert session.get_bind().dialect.name == "sqlite"  # SQLite has no TRUNCATE; DELETE is refused above
        return
    note(session, world)
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("TRUNCATE audit_entries"))
    assert len(entries(session)) == 1


def test_entries_go_only_with_their_school_deleted_whole(session: Session, world: World) -> None:
    gone = create_school(session, "closing-down", "Closing Down Primary")
    audit.record(session, school_id=gone.id, actor_id=None, action="import.roster", detail={"import_id": 1})
    note(session, world)
    audit.record(session, school_id=None, actor_id=None, action="sign_in.failed", detail={"reason": "x"})
    session.execute(text("DELETE FROM schools WHERE id = :id"), {"id": gone.id})
    session.expire_all()
    assert [e.action for e in entries(session)] == ["user.updated", "sign_in.failed"]
    # An entry without a school is never deleted, not even when no school row matches it.
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("DELETE FROM audit_entries WHERE school_id IS NULL"))


# Which transaction ---------------------------------------------------------------------------------------


def test_an_action_that_rolls_back_leaves_no_entry(database: RollbackDatabase, world: World) -> None:
    with pytest.raises(RuntimeError), database.transaction() as session:
        note(session, world)
        raise RuntimeError("the action failed")
    with database.transaction() as session:
        assert entries(session) == []


def test_a_failed_sign_in_is_recorded_though_its_transaction_rolls_back(
    database: RollbackDatabase, world: World
) -> None:
    throttle = LoginThrottle(database, 5, 50)
    with pytest.raises(Unauthenticated), database.transaction() as session:
        auth.authenticate(session, "Teacher@riverside.example", "wrong password", throttle, "203.0.113.9")
    with pytest.raises(Unauthenticated), database.transaction() as session:
        auth.authenticate(session, "nobody@nowhere.example", "whatever1", throttle, "203.0.113.9")
    with database.transaction() as session:
        known, unknown = entries(session, "sign_in.failed")  # each once, not twice
    assert (known.school_id, known.actor_id, known.subject_kind, known.subject_id) == (
        world.school_id, None, "user", world.teacher_id,
    )  # fmt: skip
    assert known.detail == {"reason": "wrong_password"} and known.client == "203.0.113.9"
    assert unknown.school_id is None and unknown.subject_id is None
    assert unknown.detail == {
        "reason": "unknown_account",
        "login_digest": audit.login_digest("nobody@nowhere.example"),
    }
    assert "nobody" not in str(unknown.detail)  # the typed login is not kept


def test_throttled_and_deactivated_sign_ins_say_why(
    database: RollbackDatabase, session: Session, world: World
) -> None:
    throttle = LoginThrottle(database, 1, 50)
    with pytest.raises(Unauthenticated):
        auth.authenticate(session, "teacher@riverside.example", "wrong password", throttle, "c")
    with pytest.raises(TooManyAttempts):
        auth.authenticate(session, "teacher@riverside.example", "password", throttle, "c")
    users.deactivate_user(session, actor_of(session, world.admin_id), world.other_teacher_id)
    with pytest.raises(Unauthenticated):
        auth.authenticate(session, "t2@riverside.example", "password-2", LoginThrottle(database, 5, 50), "c")
    reasons = [e.detail["reason"] for e in entries(session, "sign_in.failed")]
    assert reasons == ["wrong_password", "throttled", "deactivated"]


def test_sign_ins_and_failures_through_the_web(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    assert (
        client.post(
            "/api/auth/token", json={"email": "admin@riverside.example", "password": "x" * 8}
        ).status_code
        == 401
    )
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"email": "admin@riverside.example", "password": "wrong-again", "csrf_token": token}
    assert client.post("/login", data=form).status_code == 401  # the page answers; its transaction commits
    with database.transaction() as session:
        failed = entries(session, "sign_in.failed")
        assert [e.subject_id for e in failed] == [world.admin_id, world.admin_id]  # once each, not twice
        assert {e.client for e in failed} == {"testclient"}
    good = client.post(
        "/api/auth/token", json={"email": "admin@riverside.example", "password": DEMO_PASSWORD, "name": "cli"}
    )
    assert good.status_code == 201, good.text
    with database.transaction() as session:
        signed = only(session, "sign_in.succeeded")
        issued = only(session, "api_token.issued")
    assert (signed.actor_id, signed.subject_id, signed.client) == (
        world.admin_id,
        world.admin_id,
        "testclient",
    )
    assert issued.actor_id == world.admin_id and issued.detail["name"] == "cli"
    assert issued.detail["expires_at"] is not None


def test_an_entry_made_while_only_reading_is_written_right_after(
    database: RollbackDatabase, world: World
) -> None:
    with database.transaction(write=False) as session:
        note(session, world)
        assert entries(session) == []  # not in the read-only transaction itself
    with database.transaction() as session:
        assert only(session, "user.updated").actor_id == world.admin_id


# Each audited action -------------------------------------------------------------------------------------


def test_sign_in_links_issued_and_used(session: Session, world: World) -> None:
    admin = actor_of(session, world.admin_id)
    created = users.create_user(
        session, admin, email="new@riverside.example", display_name="New Kid", role="student"
    )
    assert created.link is not None
    entry = only(session, "user.created")
    assert (entry.actor_id, entry.subject_kind, entry.subject_id) == (world.admin_id, "user", created.user.id)
    assert entry.detail == {"role": "student", "class_id": None, "sign_in_link": True}
    link = users.sign_in_link(session, admin, created.user.id)
    assert only(session, "sign_in_link.issued").detail == {"purpose": "first-sign-in"}
    sign_in.choose_password(session, link.path.rsplit("/", 1)[1], "a-long-password")
    used = only(session, "sign_in_link.used")
    assert (used.actor_id, used.subject_id, used.detail) == (
        created.user.id,
        created.user.id,
        {"purpose": "first-sign-in"},
    )


def test_account_changes(session: Session, world: World) -> None:
    admin = actor_of(session, world.admin_id)
    users.update_user(
        session, admin, world.student_id, email="renamed@riverside.example", display_name="Ana Renamed"
    )
    assert only(session, "user.updated").detail == {"changed": ["email", "display_name"]}
    users.deactivate_user(session, admin, world.student_id)
    users.deactivate_user(session, admin, world.student_id)  # nothing changes: nothing recorded
    users.reactivate_user(session, admin, world.student_id)
    for action in ("user.deactivated", "user.reactivated"):
        entry = only(session, action)
        assert (entry.actor_id, entry.subject_id, entry.school_id) == (
            world.admin_id,
            world.student_id,
            world.school_id,
        )
    assert "renamed@" not in str([e.detail for e in entries(session)])  # values stay in the account


def test_class_teacher_roles(session: Session, world: World) -> None:
    admin = actor_of(session, world.admin_id)
    classes.set_teacher(session, admin, world.class_id, world.other_teacher_id, "co-teacher")
    classes.set_teacher(session, admin, world.class_id, world.other_teacher_id, "teacher")
    classes.set_teacher(session, admin, world.class_id, world.other_teacher_id, "teacher")  # no change
    classes.remove_teacher(session, admin, world.class_id, world.other_teacher_id)
    assert {e.subject_id for e in entries(session)} == {world.other_teacher_id}
    changes = [(e.action, e.detail) for e in entries(session)]
    c = world.class_id
    assert changes == [
        ("class_teacher.set", {"class_id": c, "before": None, "after": "co-teacher"}),
        ("class_teacher.set", {"class_id": c, "before": "co-teacher", "after": "teacher"}),
        ("class_teacher.removed", {"class_id": c, "before": "teacher"}),
    ]


def test_enrolment_changes_by_roster_and_join_code(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    enrolment.enrol(session, teacher, world.class_id, student_id=world.other_class_student_id)
    enrolment.enrol(session, teacher, world.class_id, student_id=world.other_class_student_id)  # already in
    enrolment.unenrol(session, teacher, world.class_id, world.other_class_student_id)
    classroom = join_codes.set_join_code(session, actor_of(session, world.admin_id), world.class_id)
    assert classroom.join_code is not None
    student = actor_of(session, world.other_class_student_id)
    join_codes.join_class(session, student, classroom.join_code, join_codes.JoinThrottle(), "198.51.100.4")
    assert {(e.subject_id, e.detail["class_id"]) for e in entries(session)} == {
        (world.other_class_student_id, world.class_id)
    }
    changes = [(e.action, e.actor_id, e.detail["via"]) for e in entries(session)]
    assert changes == [
        ("enrolment.added", world.teacher_id, "roster"),
        ("enrolment.removed", world.teacher_id, "roster"),
        ("enrolment.added", world.other_class_student_id, "join_code"),
    ]


def test_overrides_and_mode_changes_keep_the_previous_mode(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    admin = actor_of(session, world.admin_id)
    skill_key = first_skill_key(session, world)
    override = interventions.set_override(session, teacher, world.student_id, skill_key, "lock", "Not yet")
    entry = only(session, "override.set")
    assert (entry.actor_id, entry.subject_id) == (world.teacher_id, world.student_id)
    assert entry.detail == {
        "override_id": override.id,
        "skill_key": skill_key,
        "action": "lock",
        "reason": "Not yet",
    }
    interventions.set_mode(session, teacher, world.student_id, "support", "Struggling with division")
    interventions.set_mode(session, admin, world.student_id, "challenge", "Flying now")
    interventions.set_mode(session, teacher, world.student_id, None)
    first, second, third = (e.detail for e in entries(session, "practice_mode.changed"))
    assert first["before"] is None
    assert first["after"]["mode"] == "support" and first["after"]["reason"] == "Struggling with division"
    # The second choice overwrote the setting row; the entry still has the first, with who and why.
    assert second["before"]["mode"] == "support" and second["before"]["reason"] == "Struggling with division"
    assert (
        second["before"]["set_by_id"] == world.teacher_id and second["after"]["set_by_id"] == world.admin_id
    )
    assert third == {"before": second["after"], "after": None}


def test_grades_and_returns(session: Session, world: World) -> None:
    work = make_work(session, world)
    teacher = actor_of(session, world.teacher_id)
    saved = grading.save_feedback(
        session, teacher, work.submission_id, [ScoreInput(work.aligned_id, 2), ScoreInput(work.plain_id, 1)],
        "Good.", "graded",
    )  # fmt: skip
    entry = only(session, "feedback.graded")
    assert (entry.actor_id, entry.subject_kind, entry.subject_id) == (
        world.teacher_id,
        "user",
        work.student_id,
    )
    assert (
        entry.detail["feedback_id"] == saved.feedback_id
        and entry.detail["submission_id"] == work.submission_id
    )
    assert entry.detail["levels"] == {str(work.aligned_id): 2, str(work.plain_id): 1}
    other = make_work(session, world, title="Another task")
    grading.save_feedback(session, teacher, other.submission_id, [], "Show your steps.", "returned")
    assert only(session, "feedback.returned").detail["submission_id"] == other.submission_id


def test_imports(session: Session, world: World) -> None:
    admin = actor_of(session, world.admin_id)
    result = import_users(session, admin, "email,name,role\nzed@riverside.example,Zed Zulu,student\n")
    entry = only(session, "import.users")
    assert entry.actor_id == world.admin_id
    assert entry.detail == {
        "created": 1,
        "existing": 0,
        "added_to_class": 0,
        "user_ids": [result.users[0].user_id],
    }
    import_users(session, admin, "email,name\nyan@riverside.example,Yan\n", dry_run=True)
    assert len(entries(session, "import.users")) == 1  # a dry run changes nothing and is not recorded

    framework = standards.import_framework_as(session, admin, CASE_FILE.read_bytes())
    entry = only(session, "import.standards")
    assert (entry.subject_kind, entry.subject_id) == ("framework", framework.framework_id)

    name, package = course_editor.export_package(session, admin, world.course_id)
    assert only(session, "export.course").subject_id == world.course_id
    school = create_school(session, "second-site", "Second Site")
    other_admin = Actor.of(auth.create_user(
        session, school=school, email="a@second.example", display_name="Second Admin", role=Role.ADMIN,
        password="password-9",
    ))  # fmt: skip
    course = course_editor.import_package(session, other_admin, package, name)
    entry = only(session, "import.course")
    assert (entry.school_id, entry.actor_id, entry.subject_id) == (school.id, other_admin.user_id, course.id)

    roster_school = create_school(session, "rms", "Riverside Middle")
    report = import_roster(
        session, roster_school, read_roster(FIXTURES / "oneroster" / "v12_bulk"), apply=True, org="org-s1"
    )
    entry = only(session, "import.roster")
    assert entry.actor_id is None  # the command line
    assert (entry.school_id, entry.detail["import_id"]) == (roster_school.id, report.import_id)


def test_class_exports(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    heatmap = class_reports.heatmap_csv(session, teacher, world.class_id)
    class_reports.grades_csv(session, teacher, world.class_id)
    entry = only(session, "export.heatmap")
    assert (entry.actor_id, entry.subject_kind, entry.subject_id) == (
        world.teacher_id,
        "class",
        world.class_id,
    )
    assert entry.detail == {"rows": len(heatmap.text.strip().splitlines()) - 1}
    assert only(session, "export.grades").subject_id == world.class_id


def test_a_csv_export_through_the_web_is_recorded_with_its_client(
    database: RollbackDatabase, world: World
) -> None:
    client = client_for(database)
    answer = client.get(
        f"/api/classes/{world.class_id}/heatmap.csv", headers=bearer(database, world.teacher_id)
    )
    assert answer.status_code == 200
    with database.transaction() as session:
        entry = only(session, "export.heatmap")
    assert (entry.actor_id, entry.client) == (world.teacher_id, "testclient")


def test_the_erasure_entries_for_the_privacy_feature(session: Session, world: World) -> None:
    admin = actor_of(session, world.admin_id)
    audit.record_erasure(
        session, admin, student_id=world.student_id, step="requested", detail={"grace_days": 14}
    )
    audit.record_erasure(session, admin, student_id=world.student_id, step="completed", detail={"rows": 42})
    assert [(e.action, e.subject_id, e.detail) for e in entries(session)] == [
        ("erasure.requested", world.student_id, {"grace_days": 14}),
        ("erasure.completed", world.student_id, {"rows": 42}),
    ]
    with pytest.raises(ValueError):
        audit.record_erasure(session, admin, student_id=world.student_id, step="undone")


# Reading -------------------------------------------------------------------------------------------------


def _at(session: Session, action: str, when: datetime, world: World, **kw: Any) -> None:
    session.add(AuditEntry(school_id=world.school_id, at=when, action=action, detail={}, **kw))
    session.flush()


def test_search_filters_newest_first_in_pages(session: Session, world: World) -> None:
    admin = actor_of(session, world.admin_id)
    base = datetime(2026, 3, 10, 12, tzinfo=UTC)
    for n in range(5):
        _at(session, "override.set", base + timedelta(days=n), world, actor_id=world.teacher_id,
            subject_kind="user", subject_id=world.student_id)  # fmt: skip
    _at(
        session,
        "user.created",
        base,
        world,
        actor_id=world.admin_id,
        subject_kind="user",
        subject_id=world.classmate_id,
    )
    everything = audit.search(session, admin, audit.AuditFilters())
    assert everything.total == 6 and everything.rows[0].at == base + timedelta(days=4)
    teacher = session.get(User, world.teacher_id)
    assert teacher is not None and everything.rows[0].actor_name == teacher.display_name  # a name, read now
    page2 = audit.search(session, admin, audit.AuditFilters(action="override.set"), page=2, per_page=2)
    assert [r.at.day for r in page2.rows] == [12, 11] and page2.pages == 3
    assert audit.search(session, admin, audit.AuditFilters(actor_id=world.admin_id)).total == 1
    assert audit.search(session, admin, audit.AuditFilters(student_id=world.student_id)).total == 5
    days = audit.AuditFilters(since=date(2026, 3, 11), until=date(2026, 3, 12))
    assert [r.at.day for r in audit.search(session, admin, days).rows] == [12, 11]
    with pytest.raises(InvalidInput) as wrong:
        audit.search(session, admin, audit.AuditFilters(since=date(2026, 3, 12), until=date(2026, 3, 11)))
    assert wrong.value.field == "until"
    with pytest.raises(InvalidInput):
        audit.search(session, admin, audit.AuditFilters(action="made.up"))


def test_only_the_schools_administrators_read_it(session: Session, world: World) -> None:
    note(session, world, subject=("user", world.student_id))
    for user_id in (world.teacher_id, world.student_id, world.foreign_teacher_id):
        with pytest.raises(Forbidden):
            audit.search(session, actor_of(session, user_id), audit.AuditFilters())
        with pytest.raises(Forbidden):
            audit.export_csv(session, actor_of(session, user_id), audit.AuditFilters())
    hillside = session.scalar(select(School).where(School.slug == "hillside"))
    assert hillside is not None
    foreign_admin = Actor.of(auth.create_user(
        session, school=hillside, email="admin@hillside.example", display_name="Hill Admin", role=Role.ADMIN,
        password="password-8",
    ))  # fmt: skip
    assert audit.search(session, foreign_admin, audit.AuditFilters()).total == 0
    assert audit.search(session, foreign_admin, audit.AuditFilters(student_id=world.student_id)).rows == []
    assert audit.search(session, actor_of(session, world.admin_id), audit.AuditFilters()).total == 1


def test_the_csv_export_has_every_match_spreadsheet_safe_and_is_recorded(
    session: Session, world: World
) -> None:
    admin = actor_of(session, world.admin_id)
    interventions.set_override(
        session, actor_of(session, world.teacher_id), world.student_id,
        first_skill_key(session, world), "lock", "=HYPERLINK(\"x\")",
    )  # fmt: skip
    export = audit.export_csv(session, admin, audit.AuditFilters(action="override.set"))
    assert export.filename.startswith("audit-") and export.filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert rows[0] == list(audit.CSV_HEADER) and len(rows) == 2
    assert rows[1][2] == "override.set" and rows[1][3] == str(world.teacher_id)
    assert '"reason": "=HYPERLINK' in rows[1][8] and not rows[1][8].startswith("=")
    recorded = only(session, "export.audit")
    assert recorded.actor_id == world.admin_id and recorded.detail == {"rows": 1, "action": "override.set"}


def test_the_page_the_api_and_the_csv(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        note(session, world, subject=("user", world.student_id), detail={"changed": ["email"]})
        admin_user = session.get(User, world.admin_id)
        assert admin_user is not None
    client = client_for(database)
    headers = bearer(database, world.admin_id)
    page = client.get("/admin/audit", headers=headers)
    assert page.status_code == 200
    assert 'href="/admin/audit">Audit log</a>' in page.text  # the admin menu links it
    assert 'data-action="user.updated"' in page.text and 'data-action="api_token.issued"' in page.text
    filtered = client.get(f"/admin/audit?action=user.updated&student_id={world.student_id}", headers=headers)
    assert (
        'data-action="api_token.issued"' not in filtered.text
        and 'data-action="user.updated"' in filtered.text
    )
    assert f'href="/api/audit.csv?action=user.updated&amp;student_id={world.student_id}"' in filtered.text
    wrong = client.get("/admin/audit?since=yesterday", headers=headers)
    assert wrong.status_code == 422 and "YYYY-MM-DD" in wrong.text
    api = client.get("/api/audit", params={"action": "user.updated"}, headers=headers).json()
    assert api["total"] == 1 and api["entries"][0]["subject_id"] == world.student_id
    assert client.get("/api/audit?action=nonsense", headers=headers).status_code == 422
    assert client.get("/api/audit?since=2026-03-02&until=2026-03-01", headers=headers).status_code == 422
    download = client.get("/api/audit.csv", params={"action": "user.updated"}, headers=headers)
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    assert len(download.text.strip().splitlines()) == 2
    with database.transaction() as session:
        assert only(session, "export.audit").detail == {"rows": 1, "action": "user.updated"}
