"""Races of the xAPI outbox, with real concurrent transactions on SQLite and PostgreSQL (a database of its
own per backend, not the rolled-back one): two senders at once send each statement once, and two events of
one student at once agree on one pseudonymous account."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from atpace.services.xapi import outbox as box
from atpace.services.xapi import send_pending, statements
from atpace.store.db import Database, upgrade
from atpace.store.tables import Role, School, User, utcnow
from atpace.store.tables_xapi import XapiAccount, XapiLrs, XapiOutbox
from tests.service.conftest import POSTGRES_ENV

HOME = "https://atpace.race.example"
COUNT = 400


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('xapi-race')) / 'race.db'}"
    else:
        import psycopg

        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        name = f"{make_url(server).database}_xapi"
        plain = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
            connection.execute(f'CREATE DATABASE "{name}"'.encode())
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    database = Database(url)
    yield database
    database.engine.dispose()


def seed(database: Database) -> tuple[int, list[int]]:
    with database.transaction() as session:
        school = School(slug=f"race-{time.monotonic_ns()}", name="Race School")
        session.add(school)
        session.flush()
        students = [
            User(school_id=school.id, email=f"s{n}-{school.id}@race.example", display_name="S", role=Role.STUDENT,
                 password_hash="")
            for n in range(2)
        ]  # fmt: skip
        session.add_all(students)
        session.add(XapiLrs(school_id=school.id, endpoint="http://127.0.0.1:9/xAPI/", home_page=HOME, key="k", secret="s"))
        session.flush()
        return school.id, [s.id for s in students]


def test_two_senders_at_once_send_each_statement_once(fresh: Database) -> None:
    school_id, students = seed(fresh)
    course = statements.course_activity(HOME, "fractions", "Fractions")
    with fresh.transaction() as session:
        for n in range(COUNT):
            account = box.account_for(session, school_id, students[n % 2], HOME)
            facts = statements.AnswerFacts(n + 1, "numeric", True, {"frac": (0.2, 0.3)}, "practice")
            box._add(session, school_id, students[n % 2], "answered", statements.answered(box.new_id(), account, course, facts, utcnow()), utcnow())
    posted: Counter[str] = Counter()
    lock = threading.Lock()

    def lrs(method: str, url: str, headers: dict[str, str], body: bytes, timeout: float) -> tuple[int, bytes]:
        time.sleep(0.02)  # the other sender claims meanwhile
        with lock:
            posted.update(s["id"] for s in json.loads(body))
        return 200, b"[]"

    with ThreadPoolExecutor(2) as pool:
        sent = list(pool.map(lambda _: send_pending(fresh, None, batch_size=25, send=lrs), range(2)))
    assert sum(sent) == COUNT and all(sent)  # both took part
    assert len(posted) == COUNT and max(posted.values()) == 1
    with fresh.transaction() as session:
        unsent = session.scalar(
            select(func.count()).select_from(XapiOutbox)
            .where(XapiOutbox.school_id == school_id, XapiOutbox.sent_at.is_(None))
        )  # fmt: skip
        assert unsent == 0


def test_two_events_of_one_student_at_once_share_one_account(fresh: Database) -> None:
    school_id, students = seed(fresh)
    barrier = threading.Barrier(2, timeout=30)

    def event(_: int) -> str:
        with fresh.transaction() as session:
            barrier.wait()
            return box.account_for(session, school_id, students[0], HOME).name

    with ThreadPoolExecutor(2) as pool:
        names = list(pool.map(event, range(2)))
    assert names[0] == names[1]
    with fresh.transaction() as session:
        rows = session.scalar(select(func.count()).select_from(XapiAccount).where(XapiAccount.student_id == students[0]))
        assert rows == 1
