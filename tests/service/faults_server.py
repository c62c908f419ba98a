"""`atpace serve` as a real subprocess on a PostgreSQL database of its own, for the fault and multi-server
tests (tests/service/test_faults.py, tests/service/test_two_servers.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from atpace.content.spec import AnswerSpec
from atpace.services.auth import create_user
from atpace.services.courses import import_course
from atpace.services.schools import create_school
from atpace.store.db import Database
from atpace.store.tables import Classroom, Enrollment, Item, Role, User
from tests.live_server import free_port
from tests.service.conftest import POSTGRES_ENV

SECRET = "f" * 40  # shared by every server process, as behind a load balancer
START_TIMEOUT = 60.0
STUDENTS = 6
PASSWORD = "faults-password-1"


def plain(url: str) -> str:
    """The URL for psycopg itself (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def postgres_database(suffix: str) -> str:
    """A fresh, migrated database with a small school (``_seed``), named after the test database (``<base>_<suffix>``)
    so that parallel runs never collide."""
    import psycopg

    server = os.environ.get(POSTGRES_ENV, "")
    if not server:
        pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
    name = f"{make_url(server).database}_{suffix}"
    with psycopg.connect(plain(server), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        connection.execute(f'CREATE DATABASE "{name}"'.encode())
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    database = Database(url)
    database.upgrade()
    _seed(database)
    database.engine.dispose()
    return url


def _seed(database: Database) -> None:
    """A school with the fractions course and one class of students (the demo school takes too long)."""
    from atpace.content import FRACTIONS_COURSE

    with database.transaction() as session:
        school = create_school(session, "faults", "Faults School")
        course = import_course(session, school, FRACTIONS_COURSE)
        room = Classroom(school_id=school.id, course_id=course.id, name="Faults 1")
        session.add(room)
        session.flush()
        for n in range(STUDENTS):
            student = create_user(
                session, school=school, email=f"s{n}@faults.example", display_name=f"Student {n}",
                role=Role.STUDENT, password=PASSWORD,
            )  # fmt: skip
            session.add(Enrollment(class_id=room.id, user_id=student.id))


def students(database: Database) -> list[int]:
    with database.transaction() as session:
        return list(
            session.scalars(select(User.id).where(User.email.like("s%@faults.example")).order_by(User.id))
        )


def drop_database(url: str) -> None:
    import psycopg

    server = os.environ[POSTGRES_ENV]
    name = make_url(url).database
    with psycopg.connect(plain(server), autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'.encode())
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


def right_answers(database: Database) -> dict[int, str]:
    """Every item's right answer, read once: the clients must not need the database while it is away."""
    with database.transaction() as session:
        return {item.id: AnswerSpec.from_dict(item.answer).correct for item in session.scalars(select(Item))}


@contextmanager
def serve(url: str, log: Path, workers: int = 1) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``atpace serve --workers N`` on a free loopback port; yields its base URL and the process."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATPACE_")}
    env |= {
        "ATPACE_ENVIRONMENT": "development", "ATPACE_COOKIE_SECURE": "false", "ATPACE_SECRET_KEY": SECRET,
        "ATPACE_FILES_DIR": str(log.parent / "files"), "ATPACE_LOGIN_FAILURES_PER_MINUTE": "1000",
    }  # fmt: skip
    atpace = str(Path(sys.executable).with_name("atpace"))
    command = [atpace, "serve", "--workers", str(workers), "--port", str(port), "--database-url", url]
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert server.poll() is None, f"atpace serve stopped: {log.read_text()[-2000:]}"
            try:
                if httpx.get(f"{base}/login", timeout=2.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"atpace serve did not start: {log.read_text()[-2000:]}"
            time.sleep(0.2)
        if workers > 1:
            wait_for_workers(server.pid, workers)
        yield base, server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def worker_pids(parent: int) -> set[int]:
    """The uvicorn worker processes of a ``--workers N`` server (its children running ``spawn_main``;
    not multiprocessing's resource tracker)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == parent and fields[0] != "Z" and b"spawn_main" in cmdline:
            found.add(int(entry.name))
    return found


def wait_for_workers(parent: int, count: int, without: int | None = None, timeout: float = 30.0) -> set[int]:
    """Wait until the server has ``count`` live workers (none of them ``without``); returns their pids."""
    deadline = time.monotonic() + timeout
    while True:
        pids = worker_pids(parent)
        if len(pids) == count and without not in pids:
            return pids
        assert time.monotonic() < deadline, f"the server has workers {pids}, not {count} new ones"
        time.sleep(0.1)
