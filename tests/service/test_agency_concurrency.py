"""Two co-signs or two reflections on one goal at the same moment, through a real server (SQLite and
PostgreSQL): exactly one wins, the other is told why (409), nothing is stored twice."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from atpace.services.auth import create_user
from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database
from atpace.store.tables import Classroom, ClassTeacher, Course, Role, School, User, utcnow
from atpace.store.tables_agency import Goal, JournalEntry
from tests.live_server import serving
from tests.service.conftest import POSTGRES_ENV
from tests.service.web import TEST_SETTINGS, bearer

ROUNDS = 3


def _postgres_database(server_url: str) -> str:
    import psycopg

    url = make_url(server_url)
    name = f"{url.database}_agency_concurrency"
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        connection.execute(f'CREATE DATABASE "{name}"'.encode())
    return url.set(database=name).render_as_string(hide_password=False)


class Live:
    def __init__(self, database: Database, url: str) -> None:
        self.database, self.url = database, url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    from atpace.config import Settings
    from atpace.web.app import create_app

    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('agency')) / 'live.db'}"
    else:
        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        url = _postgres_database(server)
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        ensure_demo_school(session)
    app = create_app(Settings(**TEST_SETTINGS), database)  # type: ignore[arg-type]
    with serving(app) as base:
        yield Live(database, base)
    database.engine.dispose()


def _people(database: Database) -> tuple[int, int, int, int]:
    """(student, teacher, co-teacher, course) of the demo class; the co-teacher is added once."""
    with database.transaction() as session:
        school = session.scalar(select(School).where(School.slug == "riverside"))
        assert school is not None
        student = session.scalar(select(User.id).where(User.email == "student01@riverside.example"))
        teacher = session.scalar(select(User.id).where(User.email == "teacher@riverside.example"))
        classroom = session.scalar(
            select(Classroom).where(Classroom.school_id == school.id).order_by(Classroom.id)
        )
        assert student is not None and teacher is not None and classroom is not None
        co = session.scalar(select(User.id).where(User.email == "co-teacher@riverside.example"))
        if co is None:
            user = create_user(session, school=school, email="co-teacher@riverside.example", display_name="Ms. Co",
                               role=Role.TEACHER, password="password-7")  # fmt: skip
            session.add(ClassTeacher(class_id=classroom.id, user_id=user.id))
            co = user.id
        course = session.scalar(select(Course.id).where(Course.school_id == school.id).order_by(Course.id))
        assert course is not None
        return student, teacher, co, course


def _goal(database: Database, student: int, course: int, title: str) -> int:
    with database.transaction() as session:
        user = session.get(User, student)
        assert user is not None
        goal = Goal(
            school_id=user.school_id, student_id=student, course_id=course, kind="time", title=title,
            minutes_per_week=30, due_on=utcnow().date() - timedelta(days=1), created_at=utcnow() - timedelta(days=8),
        )  # fmt: skip
        session.add(goal)
        session.flush()
        return goal.id


def _together(calls: list[object]) -> list[httpx2.Response]:
    gate = threading.Barrier(len(calls))

    def run(n: int) -> httpx2.Response:
        gate.wait(timeout=30)
        return calls[n]()  # type: ignore[operator, no-any-return]

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, range(len(calls))))


def test_two_teachers_co_signing_at_once_leave_one_signature(live: Live) -> None:
    student, teacher, co, course = _people(live.database)
    signers = {teacher: bearer(live.database, teacher), co: bearer(live.database, co)}
    with httpx2.Client(base_url=live.url, timeout=60) as client:
        for round_ in range(ROUNDS):
            goal = _goal(live.database, student, course, f"Co-sign race {round_}")
            calls = [
                lambda h=h, g=goal: client.post(f"/api/goals/{g}/cosign", headers=h) for h in signers.values()
            ]
            responses = _together(calls)  # type: ignore[arg-type]
            assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
            winner = next(r for r in responses if r.status_code == 200).json()["cosigned_by"]
            assert (
                "co-signed this goal already"
                in next(r for r in responses if r.status_code == 409).json()["detail"]
            )
            with live.database.transaction() as session:
                row = session.get(Goal, goal)
                assert row is not None and row.cosigned_by_id in signers
                name = session.get(User, row.cosigned_by_id).display_name  # type: ignore[union-attr]
                assert name == winner


def test_two_reflections_at_once_close_the_goal_once(live: Live) -> None:
    student, _, _, course = _people(live.database)
    headers = bearer(live.database, student)
    with httpx2.Client(base_url=live.url, timeout=60) as client:
        for round_ in range(ROUNDS):
            goal = _goal(live.database, student, course, f"Reflection race {round_}")
            calls = [
                lambda n=n, g=goal: client.post(
                    f"/api/goals/{g}/reflection", json={"helped": f"tab {n}"}, headers=headers
                )
                for n in range(2)
            ]
            responses = _together(calls)  # type: ignore[arg-type]
            assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
            with live.database.transaction() as session:
                entries = session.scalar(
                    select(func.count(JournalEntry.id)).where(JournalEntry.goal_id == goal)
                )
                row = session.get(Goal, goal)
                assert entries == 1 and row is not None and row.status == "missed"
