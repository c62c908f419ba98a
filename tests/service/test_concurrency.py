"""Real concurrent requests against a real server, on SQLite and PostgreSQL.

Each backend gets its own database (not the rolled-back one of the other tests), because the point is
what happens when several transactions commit at once.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from atpace.content.answers import check_answer
from atpace.content.spec import AnswerSpec
from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database
from atpace.store.tables import Attempt, Evidence, Item, LearnerState, User
from tests.live_server import serving
from tests.service.conftest import POSTGRES_ENV
from tests.service.web import TEST_SETTINGS, bearer

ROUNDS = 3  # answers per student in the many-students test


@dataclass
class Live:
    database: Database
    url: str  # the server's base URL


def _postgres_database(server_url: str, name: str) -> str:
    import psycopg

    plain = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:  # closed here, whatever happens
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        connection.execute(f'CREATE DATABASE "{name}"'.encode())
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    from atpace.config import Settings
    from atpace.web.app import create_app

    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('concurrency')) / 'live.db'}"
    else:
        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        url = _postgres_database(server, "atpace_concurrency_test")
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        ensure_demo_school(session)
    app = create_app(Settings(**TEST_SETTINGS), database)  # type: ignore[arg-type]
    with serving(app) as base:
        yield Live(database, base)
    database.engine.dispose()


def _students(database: Database) -> list[int]:
    with database.transaction() as session:
        return list(
            session.scalars(
                select(User.id).where(User.email.like("student%@riverside.example")).order_by(User.id)
            )
        )


def _right_answer(database: Database, item_id: int) -> str:
    with database.transaction() as session:
        item = session.get(Item, item_id)
        assert item is not None
        spec = AnswerSpec.from_dict(item.answer)
        assert check_answer(spec, spec.correct).correct
        return spec.correct


def _all_at_once(count: int, work: object) -> list[httpx2.Response]:
    """Run ``work(n)`` for n in range(count) on ``count`` threads released together."""
    gate = threading.Barrier(count)

    def run(n: int) -> httpx2.Response:
        gate.wait(timeout=30)
        return work(n)  # type: ignore[operator, no-any-return]

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _chain_is_whole(database: Database, student_ids: list[int]) -> None:
    """Every stored attempt is in the learner state: each skill's counter equals its answer evidence, each
    update started from the state the previous one left (none lost), and the state is the last one."""
    with database.transaction() as session:
        for student_id in student_ids:
            attempts = session.scalar(
                select(func.count()).select_from(Attempt).where(Attempt.student_id == student_id)
            )
            answered = session.scalar(
                select(func.count(func.distinct(Evidence.attempt_id))).where(
                    Evidence.student_id == student_id
                )
            )
            assert answered == attempts  # every attempt moved the model
            states = {
                row.skill_id: row
                for row in session.scalars(select(LearnerState).where(LearnerState.student_id == student_id))
            }
            chains: dict[int, list[Evidence]] = {}
            for row in session.scalars(
                select(Evidence).where(Evidence.student_id == student_id).order_by(Evidence.id)
            ):
                chains.setdefault(row.skill_id, []).append(row)
            for skill_id, chain in chains.items():
                assert states[skill_id].attempts == len(chain), skill_id
                for earlier, later in itertools.pairwise(chain):
                    assert later.p_before == pytest.approx(earlier.p_after), (student_id, skill_id)
                assert states[skill_id].p_learned == pytest.approx(chain[-1].p_after)


def test_simultaneous_answers_of_many_students_all_succeed(live: Live) -> None:
    students = _students(live.database)[:12]
    headers = [bearer(live.database, s) for s in students]
    with httpx2.Client(base_url=live.url, timeout=60) as client:
        for round_ in range(ROUNDS):
            items = [client.post("/api/practice/next", json={}, headers=h).json() for h in headers]

            def answer(
                n: int, items: list[dict[str, object]] = items, round_: int = round_
            ) -> httpx2.Response:
                item = items[n]
                body = {
                    "item_id": item["item_id"],
                    "response": _right_answer(live.database, int(str(item["item_id"]))),
                    "client_attempt_id": f"many-{round_}-{n}",
                    "skill_key": item["skill_key"],
                }
                return client.post("/api/attempts", json=body, headers=headers[n])

            responses = _all_at_once(len(students), answer)
            assert [r.status_code for r in responses] == [201] * len(students), [r.text for r in responses]
    _chain_is_whole(live.database, students)


def test_simultaneous_answers_of_one_student_lose_no_update(live: Live) -> None:
    student = _students(live.database)[-1]
    headers = bearer(live.database, student)
    with httpx2.Client(base_url=live.url, timeout=60) as client:
        first = client.post("/api/practice/next", json={}, headers=headers).json()
        exclude: list[int] = [first["item_id"]]
        items = [first]
        while len(items) < 8:  # eight different items of the recommended skill, answered at once
            item = client.post(
                "/api/practice/next", json={"skill_key": first["skill_key"], "exclude_item_ids": exclude},
                headers=headers,
            ).json()  # fmt: skip
            exclude.append(item["item_id"])
            items.append(item)
        with live.database.transaction() as session:
            before = session.scalar(
                select(func.count()).select_from(Attempt).where(Attempt.student_id == student)
            )

        def answer(n: int) -> httpx2.Response:
            body = {
                "item_id": items[n]["item_id"],
                "response": "0" if n % 3 == 0 else _right_answer(live.database, items[n]["item_id"]),
                "client_attempt_id": f"one-{n}",
                "skill_key": first["skill_key"],
            }
            return client.post("/api/attempts", json=body, headers=headers)

        responses = _all_at_once(len(items), answer)
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    with live.database.transaction() as session:
        after = session.scalar(select(func.count()).select_from(Attempt).where(Attempt.student_id == student))
    assert after == (before or 0) + len(items)
    _chain_is_whole(live.database, [student])


def test_one_answer_retried_at_once_is_stored_once(live: Live) -> None:
    student = _students(live.database)[0]
    headers = bearer(live.database, student)
    with httpx2.Client(base_url=live.url, timeout=60) as client:
        item = client.post("/api/practice/next", json={}, headers=headers).json()
        body = {
            "item_id": item["item_id"],
            "response": _right_answer(live.database, item["item_id"]),
            "client_attempt_id": "retried-at-once",
            "skill_key": item["skill_key"],
        }
        responses = _all_at_once(6, lambda _n: client.post("/api/attempts", json=body, headers=headers))
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    assert len({r.json()["attempt_id"] for r in responses}) == 1
    assert sum(not r.json()["replayed"] for r in responses) == 1
    with live.database.transaction() as session:
        stored = session.scalar(
            select(func.count())
            .select_from(Attempt)
            .where(Attempt.student_id == student, Attempt.client_attempt_id == "retried-at-once")
        )
    assert stored == 1


def test_ids_up_to_the_largest_bigint_are_not_found_not_errors(live: Live) -> None:
    """Ids between 2**31 and 2**63 - 1 are valid inputs: the columns hold them, so the answer is a 404."""
    students = _students(live.database)
    with live.database.transaction() as session:
        teacher = session.scalar(select(User.id).where(User.email == "teacher@riverside.example"))
    assert teacher is not None
    teacher_headers = bearer(live.database, teacher)
    student_headers = bearer(live.database, students[0])
    with httpx2.Client(base_url=live.url, timeout=60) as client:
        for big in (2**31, 2**32 + 5, 2**63 - 1):
            for url in (
                f"/api/courses/{big}",
                f"/api/students/{big}/progress",
                f"/api/classes/{big}/heatmap",
            ):
                assert client.get(url, headers=teacher_headers).status_code == 404, url
            hint = client.get(f"/api/items/{big}/hints/1", headers=student_headers)
            assert hint.status_code == 404
            answer = client.post(
                "/api/attempts", json={"item_id": big, "response": "1", "client_attempt_id": f"big-{big}"},
                headers=student_headers,
            )  # fmt: skip
            assert answer.status_code == 404, answer.text
