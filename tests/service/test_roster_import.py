"""OneRoster roster import (services.roster) on real databases: published packages and our own, bulk and
delta, problems that write nothing, sign-in links, the CLI, the admin page and API, and two imports at once."""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from atpace.errors import Conflict
from atpace.interop.oneroster import read_roster
from atpace.services.auth import Actor, create_user
from atpace.services.roster import RosterReport, import_roster
from atpace.services.schools import create_school
from atpace.services.sign_in_links import link_user, use_link
from atpace.store.db import Database, make_engine
from atpace.store.tables import (
    AcademicSession,
    Attempt,
    Classroom,
    ClassTeacher,
    Demographics,
    Enrollment,
    ItemSkill,
    Role,
    RosterCourse,
    RosterImport,
    School,
    SignInLink,
    User,
)
from tests.service.conftest import POSTGRES_ENV, RollbackDatabase, World
from tests.service.web import bearer, client_for

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "oneroster"
MOODLE = FIXTURES / "moodle-enrol_oneroster"
GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "gen_oneroster.py"
SNAPSHOT_TABLES = (
    School, User, Classroom, Enrollment, ClassTeacher, AcademicSession, RosterCourse, Demographics, SignInLink,
)  # fmt: skip


def fresh_school(session: Session, slug: str = "rms") -> School:
    return create_school(session, slug, "Riverside Middle")


def run(
    session: Session, school: School, package: Path, *, apply: bool = True, org: str | None = None, **kw: Any
) -> RosterReport:
    return import_roster(session, school, read_roster(package), apply=apply, org=org, **kw)


def counts(report: RosterReport) -> dict[str, tuple[int, int, int, int]]:
    """Per table: (created, updated, deactivated, unchanged)."""
    return {name: tuple(c.as_dict().values()) for name, c in report.tables.items()}  # type: ignore[misc]


def unchanged(report: RosterReport) -> bool:
    return report.changed == 0


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables an import writes, so that "nothing written" can be checked exactly."""
    session.flush()
    shot = {}
    for model in SNAPSHOT_TABLES:
        table = model.__table__
        rows = session.execute(select(table).order_by(*table.primary_key)).all()
        shot[model.__tablename__] = [tuple(row) for row in rows]
    return shot


def user(session: Session, school: School, sourced_id: str) -> User:
    found = session.scalar(select(User).where(User.school_id == school.id, User.sourced_id == sourced_id))
    assert found is not None, sourced_id
    return found


def edited(
    tmp_path: Path, source: Path, drop: dict[str, str] | None = None, add: dict[str, str] | None = None
) -> Path:
    """A copy of a fixture folder without the lines containing ``drop[file]`` and with ``add[file]`` appended."""
    target = tmp_path / f"{source.name}-edited"
    shutil.copytree(source, target)
    for name, needle in (drop or {}).items():
        path = target / f"{name}.csv"
        lines = path.read_bytes().splitlines(keepends=True)
        path.write_bytes(b"".join(line for line in lines if needle.encode() not in line))
    for name, extra in (add or {}).items():
        path = target / f"{name}.csv"
        data = path.read_bytes()
        path.write_bytes(data + (b"" if data.endswith(b"\n") else b"\r\n") + extra.encode())
    return target


def written_package(folder: Path, files: dict[str, str], modes: dict[str, str], version: str = "1.2") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["propertyName,value", "manifest.version,1.0", f"oneroster.version,{version}"]
    lines += [f"file.{name},{mode}" for name, mode in modes.items()]
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n")
    for name, content in files.items():
        (folder / f"{name}.csv").write_text(content)
    return folder


# ---------------------------------------------------------------------------------------------------------
# Bulk, again, delta


def test_v12_bulk_into_a_fresh_school(session: Session) -> None:
    school = fresh_school(session)
    report = run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    assert report.ok and report.applied, report.problems
    assert counts(report) == {
        "academic_sessions": (3, 0, 0, 0), "courses": (2, 0, 0, 0), "classes": (2, 0, 0, 0),
        "users": (5, 0, 0, 0), "enrollments": (3, 0, 0, 0), "class_teachers": (3, 0, 0, 0),
        "demographics": (2, 0, 0, 0),
    }  # fmt: skip
    assert school.sourced_id == "org-s1"
    # Users: roles from roles.csv (a parent with a secondary teacher role is a teacher), no password,
    # the e-mail as login, or one made from the username when there is no e-mail; preferred names shown.
    people = {u.sourced_id: u for u in session.scalars(select(User).where(User.school_id == school.id))}
    assert {sid: (u.email, u.role, u.display_name) for sid, u in people.items()} == {
        "usr-t1": ("tkato@riverside.example", Role.TEACHER, "Tomoko Kato"),
        "usr-s1": ("ada.okafor@riverside.example", Role.STUDENT, "Addie Okafor, Jr."),
        "usr-s2": ("bli@rms", Role.STUDENT, "Bo Li"),
        "usr-a1": ("padmin@riverside.example", Role.ADMIN, "Pat Admin"),
        "usr-x1": ("dana@riverside.example", Role.TEACHER, "Dana Dual"),
    }
    assert all(u.password_hash == "" and u.is_active for u in people.values())
    assert (people["usr-s1"].given_name, people["usr-s1"].family_name, people["usr-s1"].grade) == (
        "Ada", "Okafor, Jr.", "07",
    )  # fmt: skip
    # A quoted title with a comma and doubled quotes; a class waits for its course (none linked yet).
    classes = {
        c.sourced_id: c for c in session.scalars(select(Classroom).where(Classroom.school_id == school.id))
    }
    assert {sid: (c.name, c.class_code, c.course_id) for sid, c in classes.items()} == {
        "cls-m7a": ('Maths 7A, room "B"', "M7A", None),
        "cls-s7a": ("Science 7A", "", None),
    }
    teachers = {
        (t.class_id, t.user_id): t.role for t in session.scalars(select(ClassTeacher))
        if t.class_id in {c.id for c in classes.values()}
    }  # fmt: skip
    assert teachers == {
        (classes["cls-m7a"].id, people["usr-t1"].id): "teacher",
        (classes["cls-s7a"].id, people["usr-t1"].id): "teacher",
        (classes["cls-s7a"].id, people["usr-x1"].id): "co-teacher",  # primary=false
    }
    enrolled = set(
        session.execute(
            select(Enrollment.sourced_id, Enrollment.class_id, Enrollment.user_id).where(
                Enrollment.class_id.in_([c.id for c in classes.values()])
            )
        ).all()
    )
    assert enrolled == {
        ("enr-2", classes["cls-m7a"].id, people["usr-s1"].id),
        ("enr-3", classes["cls-m7a"].id, people["usr-s2"].id),
        ("enr-5", classes["cls-s7a"].id, people["usr-s1"].id),
    }
    sessions = {
        s.sourced_id: (s.title, s.kind, s.start_date, s.end_date, s.parent_sourced_id, s.school_year)
        for s in session.scalars(select(AcademicSession).where(AcademicSession.school_id == school.id))
    }
    assert sessions["as-t1"] == ("Autumn term, 2025", "term", "2025-09-01", "2026-02-01", "as-y2025", "2026")
    courses = {
        c.sourced_id: (c.title, c.course_code, c.grades, c.course_id)
        for c in session.scalars(select(RosterCourse).where(RosterCourse.school_id == school.id))
    }
    assert courses == {
        "crs-math7": ("Mathematics, grade 7", "M7", "07", None),
        "crs-sci7": ("Science 7", "", "07,08", None),
    }
    ada = session.get(Demographics, people["usr-s1"].id)
    assert ada is not None and ada.data["birthDate"] == "2013-04-17" and ada.data["cityOfBirth"] == "Lagos"
    assert ada.data["blackOrAfricanAmerican"] == "true"
    # Unknown columns and rows of other roles are warned about, not refused.
    messages = [str(w) for w in report.warnings]
    assert "users.csv line 1, column nickname: unknown column ignored" in messages
    assert any("skipped role guardian" in m for m in messages)
    record = session.get(RosterImport, report.import_id)
    assert record is not None and record.applied and record.report["tables"]["users"]["created"] == 5


def test_rows_of_another_school_are_skipped(session: Session) -> None:
    school = fresh_school(session)
    report = run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    imported = set(session.scalars(select(User.sourced_id).where(User.school_id == school.id)))
    assert not imported & {"usr-t2", "usr-s3"}  # Hilltop's teacher and student
    assert session.scalar(select(Classroom).where(Classroom.sourced_id == "cls-h9a")) is None
    warned = {(w.file, w.message) for w in report.warnings}
    assert ("users.csv", "2 users of other orgs skipped") in warned
    assert ("classes.csv", "1 rows of other orgs skipped") in warned
    assert ("enrollments.csv", "2 rows of other orgs skipped") in warned
    # The other school imports the same package's other half, with its own org.
    hilltop = fresh_school(session, "hilltop")
    other = run(session, hilltop, FIXTURES / "v12_bulk", org="org-s2")
    assert other.ok and counts(other)["users"] == (2, 0, 0, 0)  # usr-x1 is an aide there: not imported
    hill = {u.sourced_id: u for u in session.scalars(select(User).where(User.school_id == hilltop.id))}
    assert set(hill) == {"usr-t2", "usr-s3"}
    assert not hill["usr-s3"].is_active  # enabledUser=false: imported, deactivated
    assert [link.sourced_id for link in other.links] == ["usr-t2"]


def test_the_package_must_say_which_school_the_first_time(session: Session) -> None:
    school = fresh_school(session)
    before = snapshot(session)
    report = run(session, school, FIXTURES / "v12_bulk")
    assert not report.ok and not report.applied
    (problem,) = report.problems
    assert problem.file == "orgs.csv" and "org-s1 (Riverside Middle School)" in problem.message
    assert "--org" in problem.message
    assert snapshot(session) == before
    run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    again = run(session, school, FIXTURES / "v12_bulk")  # linked now: no need to say it again
    assert again.ok and unchanged(again) and again.org_sourced_id == "org-s1"
    wrong = run(session, school, FIXTURES / "v12_bulk", org="org-s2")
    assert [p.message for p in wrong.problems] == [
        "this school (rms) is linked to the org 'org-s1', not 'org-s2'"
    ]


def test_importing_the_same_files_again_changes_nothing(session: Session) -> None:
    school = fresh_school(session)
    run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    before = snapshot(session)
    again = run(session, school, FIXTURES / "v12_bulk")
    assert again.ok and again.applied and again.links == []
    assert counts(again) == {
        "academic_sessions": (0, 0, 0, 3), "courses": (0, 0, 0, 2), "classes": (0, 0, 0, 2),
        "users": (0, 0, 0, 5), "enrollments": (0, 0, 0, 3), "class_teachers": (0, 0, 0, 3),
        "demographics": (0, 0, 0, 2),
    }  # fmt: skip
    assert snapshot(session) == before


def test_dry_run_reports_the_same_and_writes_nothing(session: Session) -> None:
    school = fresh_school(session)
    before = snapshot(session)
    dry = run(session, school, FIXTURES / "v12_bulk", org="org-s1", apply=False)
    assert dry.ok and dry.dry_run and not dry.applied and dry.links == [] and dry.links_to_issue == 5
    assert snapshot(session) == before
    assert session.scalar(select(func.count()).select_from(RosterImport)) == 0
    real = run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    assert counts(real) == counts(dry) and len(real.links) == 5


def test_a_user_left_out_of_a_later_bulk_file_is_deactivated_and_keeps_their_attempts(
    session: Session, world: World, tmp_path: Path
) -> None:
    school = fresh_school(session)
    run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    bo = user(session, school, "usr-s2")
    item_id, skill_id = session.execute(select(ItemSkill.item_id, ItemSkill.skill_id).limit(1)).one()
    session.add(
        Attempt(
            school_id=school.id, student_id=bo.id, item_id=item_id, skill_id=skill_id, client_attempt_id="a1",
            response="1/2", correct=True, mastery_before=0.2, mastery_after=0.4,
        )
    )  # fmt: skip
    session.flush()
    without_bo = edited(
        tmp_path, FIXTURES / "v12_bulk",
        drop={"users": "usr-s2,", "roles": "usr-s2,", "enrollments": "usr-s2,", "demographics": "usr-s2,"},
    )  # fmt: skip
    report = run(session, school, without_bo)
    assert report.ok
    assert counts(report)["users"] == (0, 0, 1, 4)
    assert counts(report)["enrollments"] == (0, 0, 1, 2)
    assert counts(report)["demographics"] == (0, 0, 1, 1)
    session.refresh(bo)
    assert not bo.is_active and bo.deactivated_at is not None  # deactivated, never deleted
    assert session.scalar(select(func.count()).select_from(Attempt).where(Attempt.student_id == bo.id)) == 1
    assert session.scalar(select(Enrollment).where(Enrollment.user_id == bo.id)) is None
    assert session.get(Demographics, bo.id) is None
    # Back in a later file: reactivated, with a new sign-in link (still no password).
    back = run(session, school, FIXTURES / "v12_bulk")
    assert counts(back)["users"] == (0, 1, 0, 4) and [link.sourced_id for link in back.links] == ["usr-s2"]
    session.refresh(bo)
    assert bo.is_active and bo.deactivated_at is None


def test_a_class_left_out_of_a_bulk_file_is_archived_with_its_enrolments(
    session: Session, tmp_path: Path
) -> None:
    school = fresh_school(session)
    run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    without = edited(tmp_path, FIXTURES / "v12_bulk", drop={"classes": "cls-s7a,", "enrollments": "cls-s7a,"})
    report = run(session, school, without)
    assert counts(report)["classes"] == (0, 0, 1, 1)
    science = session.scalar(select(Classroom).where(Classroom.sourced_id == "cls-s7a"))
    assert science is not None and science.archived_at is not None
    # The archived class keeps its students and teachers, as its record.
    assert counts(report)["enrollments"] == (0, 0, 0, 2) and counts(report)["class_teachers"] == (0, 0, 0, 1)
    assert (
        session.scalar(select(func.count()).select_from(Enrollment).where(Enrollment.class_id == science.id))
        == 1
    )


def test_a_delta_updates_in_place_and_removes_what_is_marked_tobedeleted(session: Session) -> None:
    school = fresh_school(session)
    run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    ada_id = user(session, school, "usr-s1").id
    report = run(session, school, FIXTURES / "v12_delta")
    assert report.ok, report.problems
    assert counts(report)["users"] == (1, 1, 1, 0)
    assert counts(report)["enrollments"] == (1, 0, 1, 0)
    ada = user(session, school, "usr-s1")
    assert (ada.id, ada.family_name, ada.grade, ada.display_name) == (
        ada_id,
        "Okafor-Smith",
        "08",
        "Ada Okafor-Smith",
    )
    assert ada.email == "aokafor@rms"  # the delta row has no e-mail: the login follows the username
    assert not user(session, school, "usr-s2").is_active
    nia = user(session, school, "usr-s9")
    maths = session.scalar(select(Classroom).where(Classroom.sourced_id == "cls-m7a"))
    assert maths is not None
    assert session.get(Enrollment, (maths.id, nia.id)) is not None  # a class of the earlier bulk import
    assert session.get(Enrollment, (maths.id, ada.id)) is None  # enr-2, tobedeleted
    assert [link.sourced_id for link in report.links] == ["usr-s9"]
    # The same delta again: nothing left to do.
    again = run(session, school, FIXTURES / "v12_delta")
    assert unchanged(again)


def test_tobedeleted_rows_in_a_delta_of_every_table(session: Session, tmp_path: Path) -> None:
    school = fresh_school(session)
    run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    stamp = "2025-11-01T00:00:00Z"
    package = written_package(
        tmp_path / "delta",
        {
            "classes": "sourcedId,status,dateLastModified,title,courseSourcedId,classType,schoolSourcedId,termSourcedIds\n"
            f"cls-s7a,tobedeleted,{stamp},,,,,\n",
            "courses": "sourcedId,status,dateLastModified,title,orgSourcedId\n"
            f"crs-sci7,tobedeleted,{stamp},,\n",
            "academicSessions": "sourcedId,status,dateLastModified,title,type,startDate,endDate,schoolYear\n"
            f"as-t2,tobedeleted,{stamp},,,,,\n",
            "enrollments": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role\n"
            f"enr-9,tobedeleted,{stamp},cls-s7a,org-s1,usr-x1,teacher\n",
            "demographics": f"sourcedId,status,dateLastModified,birthDate\nusr-s2,tobedeleted,{stamp},\n",
        },
        {"classes": "delta", "courses": "delta", "academicSessions": "delta", "enrollments": "delta",
         "demographics": "delta"},
    )  # fmt: skip
    report = run(session, school, package)
    assert report.ok, report.problems
    c = counts(report)
    assert (c["classes"], c["courses"], c["academic_sessions"]) == ((0, 0, 1, 0),) * 3
    assert c["class_teachers"] == (0, 0, 1, 0) and c["demographics"] == (0, 0, 1, 0)
    science = session.scalar(select(Classroom).where(Classroom.sourced_id == "cls-s7a"))
    assert science is not None and science.archived_at is not None
    course = session.scalar(select(RosterCourse).where(RosterCourse.sourced_id == "crs-sci7"))
    assert course is not None and not course.is_active


def test_a_new_class_takes_the_course_its_roster_course_is_linked_to(session: Session, world: World) -> None:
    school = fresh_school(session)
    run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    maths = session.scalar(select(RosterCourse).where(RosterCourse.sourced_id == "crs-math7"))
    assert maths is not None
    from atpace.content import FRACTIONS_COURSE
    from atpace.services.courses import import_course

    course = import_course(session, school, FRACTIONS_COURSE)
    maths.course_id = course.id  # an administrator links the OneRoster course to an atpace course
    session.flush()
    report = run(session, school, FIXTURES / "v12_bulk")
    assert counts(report)["classes"] == (0, 1, 0, 1)  # the class without a course gets it
    m7a = session.scalar(select(Classroom).where(Classroom.sourced_id == "cls-m7a"))
    assert m7a is not None and m7a.course_id == course.id
    assert unchanged(run(session, school, FIXTURES / "v12_bulk"))


# ---------------------------------------------------------------------------------------------------------
# Problems: nothing written


def test_a_package_with_problems_writes_nothing(session: Session) -> None:
    school = fresh_school(session)
    run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    before = snapshot(session)
    report = run(session, school, FIXTURES / "errors", org="org-s1")
    assert not report.ok and not report.applied and report.import_id is None
    where = {(p.file, p.line, p.column) for p in report.problems}
    assert {
        ("academicSessions.csv", 1, "schoolYear"),  # a missing required column
        ("users.csv", 5, "sourcedId"),  # a duplicate sourcedId, after a quoted newline
        ("enrollments.csv", 3, "classSourcedId"),  # an enrolment of a class that is nowhere
        ("enrollments.csv", 5, "userSourcedId"),
    } <= where
    assert snapshot(session) == before


def test_a_nul_character_is_a_problem(session: Session, tmp_path: Path) -> None:
    school = fresh_school(session)
    package = edited(tmp_path, FIXTURES / "v12_bulk")
    users = package / "users.csv"  # PostgreSQL cannot store NUL in text: refused before the database
    users.write_bytes(users.read_bytes().replace(b",Bo,Li,", b",B\x00o,Li,"))
    before = snapshot(session)
    report = run(session, school, package, org="org-s1")
    assert [(p.file, p.line, p.message) for p in report.problems] == [
        ("users.csv", 4, "a NUL character: not a text file")
    ]
    assert snapshot(session) == before


def test_an_enrolment_of_a_class_that_exists_nowhere_is_a_problem(session: Session, tmp_path: Path) -> None:
    school = fresh_school(session)
    run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    before = snapshot(session)
    package = written_package(
        tmp_path / "delta",
        {
            "enrollments": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role\n"
            "enr-50,active,2025-11-01T00:00:00Z,cls-ghost,org-s1,usr-s1,student\n"
            "enr-51,active,2025-11-01T00:00:00Z,cls-m7a,org-s1,usr-ghost,student\n"
        },
        {"enrollments": "delta"},
    )
    report = run(session, school, package)
    assert [(p.file, p.line, p.column) for p in report.problems] == [
        ("enrollments.csv", 2, "classSourcedId"),
        ("enrollments.csv", 3, "userSourcedId"),
    ]
    assert "'cls-ghost' is neither in classes.csv nor a class of this school imported before" in str(
        report.problems[0]
    )
    assert snapshot(session) == before


def test_a_login_of_another_school_is_a_problem_not_a_merge(
    session: Session, world: World, tmp_path: Path
) -> None:
    school = fresh_school(session)
    # Hillside's teacher's e-mail on Bo's row.
    package = edited(tmp_path, FIXTURES / "v12_bulk")
    users = package / "users.csv"
    users.write_bytes(
        users.read_bytes().replace(
            b"usr-s2,,,true,bli,,Bo,Li,,S-2,,", b"usr-s2,,,true,bli,,Bo,Li,,S-2,teacher@hillside.example,"
        )
    )
    before = snapshot(session)
    report = run(session, school, package, org="org-s1")
    assert [(p.file, p.line, p.column) for p in report.problems] == [("users.csv", 4, "email")]
    assert (
        "teacher@hillside.example is already the login of a user of another school"
        in report.problems[0].message
    )
    assert snapshot(session) == before


def test_shared_emails_and_an_account_made_by_hand(session: Session, tmp_path: Path) -> None:
    school = fresh_school(session)
    pat = create_user(
        session, school=school, email="padmin@riverside.example", display_name="Pat A.", role=Role.ADMIN,
        password="password-1",
    )  # fmt: skip
    package = edited(tmp_path, FIXTURES / "v12_bulk")
    users = package / "users.csv"  # Dana gets Tomoko's e-mail: neither may have it as login
    users.write_bytes(users.read_bytes().replace(b"dana@riverside.example", b"TKato@riverside.example"))
    report = run(session, school, package, org="org-s1", actor=Actor.of(pat))
    assert report.ok, report.problems
    logins = dict(
        session.execute(select(User.sourced_id, User.email).where(User.school_id == school.id)).all()
    )
    assert logins["usr-t1"] == "tkato@rms" and logins["usr-x1"] == "ddual@rms"
    # The administrator's own account, made by hand, is linked to the roster by its e-mail, not doubled.
    assert logins["usr-a1"] == "padmin@riverside.example"
    session.refresh(pat)
    assert pat.sourced_id == "usr-a1" and pat.password_hash != "" and pat.display_name == "Pat Admin"
    assert counts(report)["users"] == (4, 1, 0, 0) and len(report.links) == 4
    assert any("linked to the roster by their e-mail" in w.message for w in report.warnings)
    assert unchanged(run(session, school, package, actor=Actor.of(pat)))


def test_an_account_made_by_hand_keeps_its_classes_when_the_roster_links_it(
    session: Session, tmp_path: Path
) -> None:
    school = fresh_school(session)
    run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    hand = create_user(
        session, school=school, email="hand@rms.example", display_name="H. Hand", role=Role.TEACHER,
        password="password-1",
    )  # fmt: skip
    maths = session.scalars(select(Classroom).where(Classroom.sourced_id == "cls-m7a")).one()
    session.add(ClassTeacher(class_id=maths.id, user_id=hand.id))
    session.flush()
    package = edited(
        tmp_path, FIXTURES / "v12_bulk",
        add={
            "users": "usr-t9,,,true,hand,,Hana,Hand,,T-9,hand@rms.example,,,,,,,,,,org-s1,,,\r\n",
            "roles": "rol-t9,,,usr-t9,primary,teacher,,,org-s1,\n",
            "enrollments": "enr-90,,,cls-m7a,org-s1,usr-t9,teacher,true,,\r\n",
        },
    )  # fmt: skip
    report = run(session, school, package)
    assert report.ok, report.problems
    assert counts(report)["users"] == (0, 1, 0, 5) and counts(report)["class_teachers"] == (0, 0, 0, 4)
    session.refresh(hand)
    assert (hand.sourced_id, hand.display_name, hand.password_hash != "") == ("usr-t9", "Hana Hand", True)
    assert report.links == []  # the account has a password
    assert unchanged(run(session, school, package))


def test_the_importing_admin_is_never_deactivated(session: Session, tmp_path: Path) -> None:
    school = fresh_school(session)
    run(session, school, FIXTURES / "v12_bulk", org="org-s1")
    pat = user(session, school, "usr-a1")
    without_pat = edited(tmp_path, FIXTURES / "v12_bulk", drop={"users": "usr-a1,", "roles": "usr-a1,"})
    report = run(session, school, without_pat, actor=Actor.of(pat))
    assert counts(report)["users"] == (0, 0, 0, 4)
    session.refresh(pat)
    assert pat.is_active and any("your own account" in w.message for w in report.warnings)


# ---------------------------------------------------------------------------------------------------------
# Packages published by others (tests/fixtures/oneroster/SOURCES.md) and the 1.1 layout


def test_moodle_11_full_data_set(session: Session) -> None:
    school = fresh_school(session)
    # Its only org is of type department: the school names it.
    report = run(session, school, MOODLE / "Test_full_data_set.zip", org="org-sch-222-456")
    assert report.ok, report.problems
    assert counts(report) == {
        "academic_sessions": (3, 0, 0, 0),  # and two marked inactive (1.0's tobedeleted): not created
        "courses": (0, 0, 0, 0),  # courses.csv is absent: classes wait for theirs
        "classes": (1, 0, 0, 0),  # and one marked tobedeleted
        "users": (5, 0, 0, 0),  # and a parent
        "enrollments": (1, 0, 0, 0),  # a teacher enrolled as a student is skipped; the deleted class's too
        "class_teachers": (1, 0, 0, 0),
        "demographics": (0, 0, 0, 0),
    }
    messages = " | ".join(w.message for w in report.warnings)
    assert "neither in courses.csv nor imported before" in messages
    assert "enrolments in classes marked tobedeleted that atpace does not have: skipped" in messages
    assert sorted(link.login for link in report.links) == [
        "anna.brown@myschool.com", "jim.smith@myschool.com", "john.doe@myschool.com",
        "mary.jones@myschool.com", "mmichel.jones2@myschool.com",
    ]  # fmt: skip
    assert unchanged(run(session, school, MOODLE / "Test_full_data_set.zip"))


def test_moodle_11_minimal_and_12_delta_data_sets(session: Session) -> None:
    minimal = fresh_school(session, "minimal")
    report = run(session, minimal, MOODLE / "Test_minimal_data_set.zip", org="org-sch-222-456")
    assert report.ok and counts(report)["users"] == (5, 0, 0, 0) and counts(report)["classes"] == (2, 0, 0, 0)
    assert sorted(link.login for link in report.links)[0] == "anna.brown@minimal"  # no e-mails: usernames
    delta = fresh_school(session, "gotham")
    report = run(session, delta, MOODLE / "oneroster_test_data.zip")  # the only org of type school
    assert report.ok and delta.sourced_id == "ORG_1"
    assert {name: c[0] for name, c in counts(report).items()} == {
        "academic_sessions": 1, "courses": 1, "classes": 1, "users": 1, "enrollments": 1, "class_teachers": 0,
        "demographics": 1,
    }  # fmt: skip
    bruce = user(session, delta, "USER_0")
    assert bruce.display_name == "Bruce Wayne" and bruce.email == "brucewayne@gotham"
    demographics = session.get(Demographics, bruce.id)
    assert demographics is not None and demographics.data == {"birthDate": "2010-04-17"}


def test_moodle_12_full_data_set_is_refused_for_its_dates(session: Session) -> None:
    school = fresh_school(session)
    before = snapshot(session)
    report = run(session, school, MOODLE / "v1p2_full_dataset.zip", org="org-sch-222-456")
    assert {(p.file, p.line, p.column) for p in report.problems} == {
        ("users.csv", line, "dateLastModified") for line in (2, 4, 5, 6, 7)
    }
    assert snapshot(session) == before


def test_v11_bulk(session: Session) -> None:
    school = fresh_school(session)
    report = run(session, school, FIXTURES / "v11_bulk")  # one org of type school
    assert report.ok and school.sourced_id == "org-s1"
    people = dict(
        session.execute(select(User.sourced_id, User.role).where(User.school_id == school.id)).all()
    )
    assert people == {"u-teacher": Role.TEACHER, "u-student": Role.STUDENT, "u-admin": Role.ADMIN}
    assert counts(report)["enrollments"] == (1, 0, 0, 0) and counts(report)["class_teachers"] == (1, 0, 0, 0)


# ---------------------------------------------------------------------------------------------------------
# Sign-in links


def test_links_csv_and_the_links_work_once(session: Session, tmp_path: Path) -> None:
    school = fresh_school(session)
    package = edited(tmp_path, FIXTURES / "v12_bulk")
    users = package / "users.csv"  # a name a spreadsheet would run as a formula
    users.write_bytes(users.read_bytes().replace(b",Bo,Li,", b",=HYPERLINK(1),Li,"))
    report = run(session, school, package, org="org-s1")
    rows = list(csv.DictReader(io.StringIO(report.links_csv("https://atpace.example/"))))
    assert list(rows[0]) == ["login", "name", "role", "link", "sourcedId", "expires"]
    by_login = {row["login"]: row for row in rows}
    assert set(by_login) == {
        "tkato@riverside.example", "ada.okafor@riverside.example", "bli@rms", "padmin@riverside.example",
        "dana@riverside.example",
    }  # fmt: skip
    assert by_login["bli@rms"]["name"] == "'=HYPERLINK(1) Li" and by_login["bli@rms"]["role"] == "student"
    link = by_login["ada.okafor@riverside.example"]["link"]
    assert link.startswith("https://atpace.example/sign-in/")
    secret = link.rsplit("/", 1)[1]
    assert link_user(session, secret).sourced_id == "usr-s1"
    ada = use_link(session, secret, "a-new-password")
    assert ada.password_hash != ""
    stored = session.scalars(select(SignInLink).where(SignInLink.school_id == school.id)).all()
    assert len(stored) == 5 and all(s.purpose == "first-sign-in" and len(s.token_hash) == 64 for s in stored)


# ---------------------------------------------------------------------------------------------------------
# The command line


def test_cli_dry_run_import_and_problems(tmp_path: Path) -> None:
    from atpace.cli import app

    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    assert runner.invoke(app, ["schools", "create", "rms", "Riverside", "--database-url", url]).exit_code == 0
    base = ["roster", "import", "--database-url", url, "--school", "rms"]
    dry = runner.invoke(app, [*base, str(FIXTURES / "v12_bulk"), "--org", "org-s1", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing was written" in dry.output and "users" in dry.output
    links = tmp_path / "links.csv"
    applied = runner.invoke(
        app, [*base, str(FIXTURES / "v12_bulk"), "--org", "org-s1", "--links-out", str(links),
              "--base-url", "https://atpace.example"],
    )  # fmt: skip
    assert applied.exit_code == 0, applied.output
    assert links.stat().st_mode & 0o077 == 0
    rows = list(csv.DictReader(io.StringIO(links.read_text())))
    assert len(rows) == 5 and rows[0]["link"].startswith("https://atpace.example/sign-in/")
    bad = runner.invoke(app, [*base, str(FIXTURES / "errors")])
    assert bad.exit_code == 2
    assert "users.csv:5:sourcedId: duplicate sourcedId 'usr-1' (first on line 2)" in bad.output
    assert "nothing was imported" in bad.output
    missing = runner.invoke(app, [*base, str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no such file or folder" in " ".join(missing.output.split())


# ---------------------------------------------------------------------------------------------------------
# The admin page and the JSON API


def zipped(folder: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return out.getvalue()


def test_admin_page_dry_run_then_confirm(database: RollbackDatabase, world: World, tmp_path: Path) -> None:
    client = client_for(database, data_dir=tmp_path)
    admin = bearer(database, world.admin_id)
    page = client.get("/admin/roster", headers=admin)
    assert page.status_code == 200 and 'id="roster-upload"' in page.text
    with database.transaction() as session:
        before = snapshot(session)
    # The .csv files themselves, not zipped.
    files = [
        ("files", (p.name, p.read_bytes(), "text/csv")) for p in sorted((FIXTURES / "v12_bulk").iterdir())
    ]
    dry = client.post("/admin/roster", files=files, data={"org": "org-s1"}, headers=admin)
    assert dry.status_code == 200, dry.text
    assert "Dry run: nothing is written yet" in dry.text and 'id="roster-confirm"' in dry.text
    assert '<tr data-table="users"><th scope="row">users</th>' in dry.text
    with database.transaction() as session:
        assert snapshot(session) == before
    digest = dry.text.split('name="upload" value="')[1].split('"')[0]
    assert (tmp_path / "uploads" / "roster" / str(world.school_id) / f"{digest}.zip").is_file()
    done = client.post("/admin/roster/confirm", data={"upload": digest, "org": "org-s1"}, headers=admin)
    assert done.status_code == 200 and "Imported" in done.text and 'id="roster-links"' in done.text
    assert 'href="data:text/csv;charset=utf-8;base64,' in done.text
    with database.transaction() as session:
        assert session.scalar(
            select(User).where(User.sourced_id == "usr-t1", User.school_id == world.school_id)
        )
    # Another school's administrator cannot confirm this upload: it is not theirs (404).
    with database.transaction() as session:
        hill = session.scalar(select(School).where(School.slug == "hillside"))
        assert hill is not None
        boss = create_user(
            session, school=hill, email="boss@hillside.example", display_name="Boss", role=Role.ADMIN,
            password="password-7",
        )  # fmt: skip
        boss_id = boss.id
    other = client.post("/admin/roster/confirm", data={"upload": digest}, headers=bearer(database, boss_id))
    assert other.status_code == 404
    # Teachers may not import.
    teacher = bearer(database, world.teacher_id)
    assert client.post("/admin/roster", files=files, headers=teacher).status_code == 403


def test_api_import_dry_run_apply_and_problems(
    database: RollbackDatabase, world: World, tmp_path: Path
) -> None:
    client = client_for(database, data_dir=tmp_path)
    admin = bearer(database, world.admin_id)
    package = [("files", ("v12.zip", zipped(FIXTURES / "v12_bulk"), "application/zip"))]
    dry = client.post("/api/admin/roster/import?dry_run=true&org=org-s1", files=package, headers=admin)
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["ok"] and body["dry_run"] and not body["applied"] and body["links"] == []
    assert body["tables"]["users"] == {"created": 5, "updated": 0, "deactivated": 0, "unchanged": 0}
    applied = client.post("/api/admin/roster/import?org=org-s1", files=package, headers=admin).json()
    assert applied["applied"] and len(applied["links"]) == 5 and applied["import_id"]
    assert applied["links"][0]["link"].startswith("https://testserver/sign-in/")
    again = client.post("/api/admin/roster/import", files=package, headers=admin).json()
    assert again["tables"]["users"]["unchanged"] == 5 and again["links"] == []
    bad = [("files", ("errors.zip", zipped(FIXTURES / "errors"), "application/zip"))]
    refused = client.post("/api/admin/roster/import", files=bad, headers=admin)
    assert refused.status_code == 422
    problems = refused.json()["problems"]
    assert {"file": "users.csv", "line": 5, "column": "sourcedId",
            "message": "duplicate sourcedId 'usr-1' (first on line 2)"} in problems  # fmt: skip
    assert refused.json()["detail"].startswith("the package has")
    empty = client.post("/api/admin/roster/import", headers=admin)
    assert empty.status_code == 422 and empty.json()["field"] == "files"
    assert (
        client.post(
            "/api/admin/roster/import", files=package, headers=bearer(database, world.student_id)
        ).status_code
        == 403
    )


# ---------------------------------------------------------------------------------------------------------
# Two imports at once, on separate real databases (not the rolled-back one of the other tests)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def own_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('roster') / 'roster.db'}"
    else:
        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        admin = make_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('DROP DATABASE IF EXISTS "atpace_roster_test" WITH (FORCE)'))
            connection.execute(text('CREATE DATABASE "atpace_roster_test"'))
        url = make_url(server).set(database="atpace_roster_test").render_as_string(hide_password=False)
    database = Database(url)
    database.upgrade()
    yield database
    database.engine.dispose()
    if request.param == "postgresql":
        with admin.connect() as connection:
            connection.execute(text('DROP DATABASE IF EXISTS "atpace_roster_test" WITH (FORCE)'))
        admin.dispose()


def _generated(tmp_path: Path, users: int = 400) -> Path:
    spec = importlib.util.spec_from_file_location("gen_oneroster", GENERATOR)
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    out = tmp_path / "gen"
    gen.write(out, gen.bulk(gen.Plan(users, 20, users * 3, 7), demographics=True), "bulk")
    return out


def test_two_imports_of_one_school_at_once(own_database: Database, tmp_path: Path) -> None:
    package = read_roster(_generated(tmp_path))
    with own_database.transaction() as session:
        slug = f"both{os.getpid()}{threading.get_ident() % 1000}"
        create_school(session, slug, "Both at once")
    gate = threading.Barrier(2)
    outcomes: list[RosterReport | Conflict] = []

    def one() -> None:
        gate.wait(timeout=30)
        try:
            with own_database.transaction() as session:
                school = session.scalars(select(School).where(School.slug == slug)).one()
                outcomes.append(import_roster(session, school, package, apply=True))
        except Conflict as error:
            outcomes.append(error)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    reports = [o for o in outcomes if isinstance(o, RosterReport)]
    assert len(outcomes) == 2 and reports, outcomes
    # One import created everything; the other either waited its turn and found nothing to change, or was
    # refused at once ("an import is running") - never a half-imported or doubled school.
    assert sorted(r.tables["users"].created for r in reports) in ([0, 400], [400])
    for outcome in outcomes:
        if isinstance(outcome, Conflict):
            assert "an import is running" in outcome.message
    with own_database.transaction() as session:
        school_id = session.scalars(select(School.id).where(School.slug == slug)).one()
        assert (
            session.scalar(select(func.count()).select_from(User).where(User.school_id == school_id)) == 400
        )
        assert (
            session.scalar(
                select(func.count()).select_from(SignInLink).where(SignInLink.school_id == school_id)
            )
            == 400
        )


# PostgreSQL only: SQLite lets one writer in at a time, so there the second import waits (tested above).
@pytest.mark.postgres
@pytest.mark.parametrize("own_database", ["postgresql"], indirect=True)
def test_an_import_while_another_holds_the_school_is_refused_with_409(
    own_database: Database, tmp_path: Path
) -> None:
    with own_database.transaction() as session:
        school = create_school(session, f"held{os.getpid()}", "Held")
        create_user(
            session, school=school, email=f"admin{os.getpid()}@held.example", display_name="Admin",
            role=Role.ADMIN, password="password-1",
        )  # fmt: skip
        school_id = school.id
        admin_id = session.scalars(select(User.id).where(User.school_id == school_id)).one()
    holder = own_database.engine.connect()
    try:
        holding = holder.begin()
        holder.execute(select(School.id).where(School.id == school_id).with_for_update(key_share=True))
        with own_database.transaction() as session, pytest.raises(Conflict, match="an import is running"):
            school = session.scalars(select(School).where(School.id == school_id)).one()
            run(session, school, FIXTURES / "v12_bulk", org="org-s1")
        client = client_for(own_database, data_dir=tmp_path)
        package = [("files", ("v12.zip", zipped(FIXTURES / "v12_bulk"), "application/zip"))]
        answer = client.post(
            "/api/admin/roster/import?org=org-s1", files=package, headers=bearer(own_database, admin_id)
        )
        assert answer.status_code == 409 and "an import is running" in answer.json()["detail"]
        holding.rollback()
    finally:
        holder.close()
