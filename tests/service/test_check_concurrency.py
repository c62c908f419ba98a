"""Two answers of one mastery check sent at the same time, against a real server, on SQLite and PostgreSQL:
both are stored, each moved mastery from where the other left it, and a retried answer is stored once."""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from atpace.content.spec import AnswerSpec
from atpace.services import checks, practice
from atpace.services.demo import ensure_demo_school
from atpace.services.practice import AnswerInput
from atpace.store.db import Database
from atpace.store.tables import Evidence, Item, Skill, User
from atpace.store.tables_pathways import MasteryCheckAnswer
from tests.live_server import serving
from tests.service.conftest import POSTGRES_ENV, actor_of
from tests.service.web import TEST_SETTINGS, bearer


def _postgres_database(server_url: str) -> str:
    import psycopg

    name = f"{make_url(server_url).database}_check_concurrency"
    plain = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        connection.execute(f'CREATE DATABASE "{name}"'.encode())
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, str]]:
    from atpace.config import Settings
    from atpace.web.app import create_app

    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('checks')) / 'live.db'}"
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


def _open_check(database: Database) -> tuple[int, str, list[tuple[int, str]]]:
    """A fresh student brought to mastery of the first skill, with a check started: (student, skill, items)."""
    with database.transaction() as session:
        student = session.scalar(select(User).where(User.email == "student01@riverside.example"))
        assert student is not None
        actor = actor_of(session, student.id)
        skill_key = practice.next_item(session, actor).skill_key
        for n in range(40):
            item = practice.next_item(session, actor, skill_key)
            row = session.get(Item, item.item_id)
            assert row is not None
            right = AnswerSpec.from_dict(row.answer).correct
            outcome = practice.submit_answer(
                session, actor, AnswerInput(item.item_id, right, f"p{n}", skill_key)
            )
            if outcome.mastered_now:
                break
        check = checks.start(session, actor, skill_key)
        items = []
        for i in check.items:
            row = session.get(Item, i.item_id)
            assert row is not None
            items.append((i.item_id, AnswerSpec.from_dict(row.answer).correct))
        return student.id, skill_key, items


def _all_at_once(count: int, work: Callable[[int], httpx2.Response]) -> list[httpx2.Response]:
    gate = threading.Barrier(count)

    def run(n: int) -> httpx2.Response:
        gate.wait(timeout=30)
        return work(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_two_simultaneous_check_answers_are_both_counted_once(live: tuple[Database, str]) -> None:
    database, base = live
    student_id, skill_key, items = _open_check(database)
    headers = bearer(database, student_id)
    url = f"/api/checks/{skill_key}/answers"
    with httpx2.Client(base_url=base, timeout=60) as client:
        first = _all_at_once(
            2,
            lambda n: client.post(
                url,
                json={"item_id": items[n][0], "response": items[n][1], "client_attempt_id": f"c{n}"},
                headers=headers,
            ),
        )
        assert [r.status_code for r in first] == [200, 200], [r.text for r in first]
        # The same answer retried at once (a double click): stored once, the other is a replay.
        retried = _all_at_once(
            2,
            lambda n: client.post(
                url,
                json={"item_id": items[2][0], "response": items[2][1], "client_attempt_id": "c2"},
                headers=headers,
            ),
        )
        assert [r.status_code for r in retried] == [200, 200]
        assert sorted(r.json()["replayed"] for r in retried) == [False, True]
    with database.transaction() as session:
        stored = session.scalars(
            select(MasteryCheckAnswer).where(MasteryCheckAnswer.student_id == student_id)
        ).all()
        assert sorted(a.client_attempt_id for a in stored) == ["c0", "c1", "c2"]
        skill_id = session.scalar(
            select(Skill.id).where(Skill.key == skill_key, Skill.school_id == stored[0].school_id)
        )
        chain = session.scalars(
            select(Evidence)
            .where(Evidence.student_id == student_id, Evidence.skill_id == skill_id, Evidence.kind == "check")
            .order_by(Evidence.id)
        ).all()
        assert len(chain) == 3
        for earlier, later in itertools.pairwise(chain):
            assert later.p_before == pytest.approx(earlier.p_after)  # no update lost
