"""School administration under real concurrent requests (a live server), on SQLite and PostgreSQL: the same
e-mail created twice at once, one student enrolled twice at once, the last two teachers removed at once...
always one winner, a clear 409 for the others, never a 500 and never a lost or doubled row."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import func, select

from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database
from atpace.store.tables import Classroom, ClassTeacher, Enrollment, Role, School, User
from tests.live_server import serving
from tests.service.conftest import POSTGRES_ENV
from tests.service.test_concurrency import Live, _postgres_database
from tests.service.web import TEST_SETTINGS, bearer

THREADS = 8


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    from atpace.config import Settings
    from atpace.web.app import create_app

    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('school-concurrency')) / 'live.db'}"
    else:
        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        url = _postgres_database(server, "atpace_school_concurrency_test")
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        ensure_demo_school(session)
        school = session.scalar(select(School).where(School.slug == "riverside"))
        assert school is not None
        session.add(User(school_id=school.id, email="admin2@riverside.example", display_name="Second Admin",
                         role=Role.ADMIN, password_hash=""))  # fmt: skip
    app = create_app(Settings(**TEST_SETTINGS), database)  # type: ignore[arg-type]
    with serving(app) as base:
        yield Live(database, base)
    database.engine.dispose()


def _id(database: Database, email: str) -> int:
    with database.transaction() as session:
        found = session.scalar(select(User.id).where(User.email == email))
    assert found is not None
    return found


def _at_once(count: int, work: Callable[[int], httpx2.Response]) -> list[httpx2.Response]:
    gate = threading.Barrier(count)

    def run(n: int) -> httpx2.Response:
        gate.wait(timeout=30)
        return work(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _admins(live: Live) -> list[dict[str, str]]:
    return [
        bearer(live.database, _id(live.database, e))
        for e in ("admin@riverside.example", "admin2@riverside.example")
    ]


def test_two_admins_creating_the_same_email_make_one_account(live: Live) -> None:
    admins = _admins(live)
    body = {"email": "twice@riverside.example", "display_name": "Twice", "role": "student"}
    with httpx2.Client(base_url=live.url, timeout=60) as client:
        responses = _at_once(
            THREADS, lambda n: client.post("/api/admin/users", json=body, headers=admins[n % 2])
        )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * (THREADS - 1), [r.text for r in responses]
    assert all(r.json()["field"] == "email" for r in responses if r.status_code == 409)
    with live.database.transaction() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(User).where(User.email == "twice@riverside.example")
            )
            == 1
        )


def test_the_same_csv_imported_at_once_makes_each_account_once(live: Live) -> None:
    admins = _admins(live)
    csv = "email,name\n" + "".join(f"bulk{n}@riverside.example,Bulk {n}\n" for n in range(5))
    with httpx2.Client(base_url=live.url, timeout=60) as client:
        responses = _at_once(
            4, lambda n: client.post("/api/admin/users/import", json={"csv": csv}, headers=admins[n % 2])
        )
    assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
    created = [r.json()["created"] for r in responses if r.status_code == 200]
    assert sum(created) == 5  # one import made them; the others found them, or were refused whole
    with live.database.transaction() as session:
        count = session.scalar(
            select(func.count()).select_from(User).where(User.email.like("bulk%@riverside.example"))
        )
    assert count == 5


def test_one_student_enrolled_many_times_at_once_is_enrolled_once(live: Live) -> None:
    admins = _admins(live)
    with live.database.transaction() as session:
        school = session.scalar(select(School).where(School.slug == "riverside"))
        assert school is not None
        classroom = Classroom(school_id=school.id, name="Concurrent class")
        session.add(classroom)
        session.flush()
        class_id = classroom.id
    url = f"/api/classes/{class_id}/roster"
    with httpx2.Client(base_url=live.url, timeout=60) as client:
        responses = _at_once(
            THREADS,
            lambda n: client.post(url, json={"email": "student05@riverside.example"}, headers=admins[n % 2]),
        )
    assert [r.status_code for r in responses] == [200] * THREADS, [r.text for r in responses]
    assert sum(r.json()["added"] for r in responses) == 1
    with live.database.transaction() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Enrollment).where(Enrollment.class_id == class_id)
            )
            == 1
        )


def test_the_last_two_teachers_removed_at_once_leave_one(live: Live) -> None:
    admins = _admins(live)
    teacher = _id(live.database, "teacher@riverside.example")
    with live.database.transaction() as session:
        school = session.scalar(select(School).where(School.slug == "riverside"))
        assert school is not None
        classroom = Classroom(school_id=school.id, name="Two teachers")
        co = User(
            school_id=school.id,
            email="co-live@riverside.example",
            display_name="Co",
            role=Role.TEACHER,
            password_hash="",
        )
        session.add_all([classroom, co])
        session.flush()
        session.add_all(
            [
                ClassTeacher(class_id=classroom.id, user_id=teacher),
                ClassTeacher(class_id=classroom.id, user_id=co.id),
            ]
        )
        class_id, ids = classroom.id, [teacher, co.id]
    with httpx2.Client(base_url=live.url, timeout=60) as client:
        responses = _at_once(
            2, lambda n: client.delete(f"/api/admin/classes/{class_id}/teachers/{ids[n]}", headers=admins[n])
        )
    assert sorted(r.status_code for r in responses) == [204, 409], [r.text for r in responses]
    with live.database.transaction() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(ClassTeacher).where(ClassTeacher.class_id == class_id)
            )
            == 1
        )


def test_two_classes_named_alike_at_once_make_one(live: Live) -> None:
    admins = _admins(live)
    with httpx2.Client(base_url=live.url, timeout=60) as client:
        responses = _at_once(
            THREADS,
            lambda n: client.post(
                "/api/admin/classes", json={"name": f"Same name{' ' * (n % 2)}"}, headers=admins[n % 2]
            ),
        )
    assert sorted(r.status_code for r in responses) == [201] + [409] * (THREADS - 1), [
        r.text for r in responses
    ]
    with live.database.transaction() as session:
        assert (
            session.scalar(select(func.count()).select_from(Classroom).where(Classroom.name == "Same name"))
            == 1
        )


def test_students_joining_at_once_with_one_code_all_join(live: Live) -> None:
    teacher = bearer(live.database, _id(live.database, "teacher@riverside.example"))
    with live.database.transaction() as session:
        class_id = session.scalar(select(Classroom.id).where(Classroom.name == "Grade 4 - Room 12"))
        school = session.scalar(select(School).where(School.slug == "riverside"))
        assert school is not None
        newcomers = [
            User(
                school_id=school.id,
                email=f"joiner{n}@riverside.example",
                display_name=f"J{n}",
                role=Role.STUDENT,
                password_hash="",
            )
            for n in range(THREADS)
        ]
        session.add_all(newcomers)
        session.flush()
        ids = [u.id for u in newcomers]
    with httpx2.Client(base_url=live.url, timeout=60) as client:
        code = client.post(f"/api/classes/{class_id}/join-code", headers=teacher).json()["join_code"]
        headers = [bearer(live.database, i) for i in ids]
        responses = _at_once(
            THREADS, lambda n: client.post("/api/classes/join", json={"code": code}, headers=headers[n])
        )
        codes = _at_once(4, lambda n: client.post(f"/api/classes/{class_id}/join-code", headers=teacher))
    assert [r.status_code for r in responses] == [200] * THREADS and not any(
        r.json()["already"] for r in responses
    )
    assert [r.status_code for r in codes] == [201] * 4  # rotating at once: each gets a code, one is kept
    with live.database.transaction() as session:
        assert (
            session.scalar(select(func.count()).select_from(Enrollment).where(Enrollment.user_id.in_(ids)))
            == THREADS
        )
        final = session.scalar(select(Classroom.join_code).where(Classroom.id == class_id))
    assert final in {r.json()["join_code"].replace("-", "") for r in codes}
