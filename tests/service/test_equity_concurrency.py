"""Subgroup settings written by real concurrent requests, on SQLite and PostgreSQL: administrators choosing
the same categories at once, and setting the same student's value at once, all succeed and leave one row
each (the writes are upserts, not read-then-insert)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database
from atpace.store.tables import User
from atpace.store.tables_equity import EquityCategory, SubgroupValue
from tests.live_server import serving
from tests.service.conftest import POSTGRES_ENV
from tests.service.web import TEST_SETTINGS, bearer

THREADS = 6


def _postgres_database(server_url: str, *, create: bool = True) -> str:
    """A database of its own, named after the test server URL's (``<name>_equity``): parallel runs on other
    databases never collide. ``create=False`` drops it."""
    import psycopg

    name = f"{make_url(server_url).database}_equity"
    plain = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        if create:
            connection.execute(f'CREATE DATABASE "{name}"'.encode())
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, str]]:
    from atpace.config import Settings
    from atpace.web.app import create_app

    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('equity')) / 'live.db'}"
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
        yield database, base
    database.engine.dispose()
    if request.param == "postgresql":
        _postgres_database(os.environ[POSTGRES_ENV], create=False)


def _all_at_once(count: int, work: Callable[[int], httpx2.Response]) -> list[httpx2.Response]:
    gate = threading.Barrier(count)

    def run(n: int) -> httpx2.Response:
        gate.wait(timeout=30)
        return work(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_concurrent_choices_and_values_all_succeed(live: tuple[Database, str]) -> None:
    database, base = live
    with database.transaction() as session:
        admin = session.scalars(select(User.id).where(User.email == "admin@riverside.example")).one()
        student = session.scalars(select(User.id).where(User.email == "student01@riverside.example")).one()
    headers = bearer(database, admin)
    with httpx2.Client(base_url=base, timeout=60) as client:
        chosen = _all_at_once(
            THREADS,
            lambda n: client.put(
                "/api/equity/categories", json={"categories": ["english_learner", "gender"]}, headers=headers
            ),
        )
        assert [r.status_code for r in chosen] == [200] * THREADS, [r.text for r in chosen]
        url = f"/api/equity/students/{student}/subgroups/english_learner"
        values = _all_at_once(THREADS, lambda n: client.put(url, json={"value": "yes" if n % 2 else "no"},
                                                             headers=headers))  # fmt: skip
        assert [r.status_code for r in values] == [200] * THREADS, [r.text for r in values]
    with database.transaction() as session:
        categories = session.scalars(select(EquityCategory.category).order_by(EquityCategory.category)).all()
        assert categories == ["english_learner", "gender"]
        rows = session.scalars(select(SubgroupValue).where(SubgroupValue.student_id == student)).all()
        assert len(rows) == 1 and rows[0].value in ("yes", "no") and rows[0].source == "admin"
