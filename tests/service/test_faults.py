"""Faults under load (issue 13, "Faults"): a worker killed with SIGKILL in the middle of a load of answers,
and the database dropping every connection and then refusing new ones for a while. Clients retry with
the same ``client_attempt_id``; afterwards no acknowledged answer is lost, none is stored twice, the
learner state is the chain of the stored answers, and the server recovered by itself: 503 with
Retry-After while the database was away, never a 500.

The load tests run a real ``atpace serve --workers 2`` on PostgreSQL (its own database, named after the
test database); the first test needs no database at all."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from atpace.config import Settings
from atpace.store.db import Database
from atpace.store.tables import Attempt
from atpace.web.app import DATABASE_RETRY_AFTER, create_app
from tests.live_server import free_port
from tests.service.conftest import POSTGRES_ENV
from tests.service.faults_server import (
    drop_database,
    plain,
    postgres_database,
    right_answers,
    serve,
    students,
    wait_for_workers,
)
from tests.service.test_concurrency import _chain_is_whole
from tests.service.web import TEST_SETTINGS, bearer

ANSWERS = 6  # per student and test, at least
MAX_ANSWERS = 40  # at most
TRIES = 60  # per request: transport errors and 503s are retried this often at most
PAUSE = 0.1  # seconds between tries (a real client waits Retry-After; the test keeps it short)
AWAY_SECONDS = 2.0  # how long the database refuses connections


# The database unreachable (no PostgreSQL needed: a port nobody listens on)


def test_an_unreachable_database_answers_503_with_retry_after_not_500() -> None:
    nowhere = f"postgresql://atpace@127.0.0.1:{free_port()}/nowhere"
    app = create_app(Settings(**TEST_SETTINGS), Database(nowhere))  # type: ignore[arg-type]
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    api = client.post(
        "/api/attempts", headers={"Authorization": "Bearer some-token"},
        json={"item_id": 1, "response": "1/2", "client_attempt_id": "a-1"},
    )  # fmt: skip
    assert api.status_code == 503, api.text
    assert api.headers["Retry-After"] == str(DATABASE_RETRY_AFTER)
    assert api.headers["content-type"] == "application/json"
    assert "try again" in api.json()["detail"]
    client.cookies.set("atpace_session", "some-token")
    page = client.get("/practice")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == str(DATABASE_RETRY_AFTER)
    assert "text/html" in page.headers["content-type"] and "try again" in page.text
    document = client.get("/openapi.json").json()
    declared = document["paths"]["/api/attempts"]["post"]["responses"]["503"]
    assert "Retry-After" in declared["headers"]


def test_other_database_errors_are_still_server_errors() -> None:
    """Only unavailability becomes a 503: a broken query (a bug) must not pass for a retryable fault."""
    import sqlite3

    import psycopg
    from sqlalchemy.exc import IntegrityError, OperationalError

    from atpace.services.database import database_unavailable

    assert not database_unavailable(IntegrityError("INSERT", {}, Exception("duplicate key")))
    bad_query = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: nowhere"))
    assert not database_unavailable(bad_query)  # what SQLite calls an OperationalError too
    busy = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    assert database_unavailable(busy)
    refused = OperationalError("SELECT", {}, psycopg.OperationalError("connection refused"))
    assert database_unavailable(refused)


# Load against a real server on PostgreSQL


@dataclass
class Live:
    url: str  # the database's
    base: str  # the server's
    server_pid: int
    database: Database
    answers: dict[int, str]
    students: list[int]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    url = postgres_database("faults")
    database = Database(url)
    log = tmp_path_factory.mktemp("faults") / "serve.log"
    with serve(url, log, workers=2) as (base, server):
        yield Live(url, base, server.pid, database, right_answers(database), students(database))
    database.engine.dispose()
    drop_database(url)


@dataclass
class Load:
    """Students answering at once, each retrying a failed request with the same body."""

    live: Live
    prefix: str
    statuses: list[int] = field(default_factory=list)
    transport_errors: int = 0
    replayed: int = 0  # retries of an answer the server had stored already: the stored result came back
    answered: dict[int, int] = field(default_factory=dict)  # student number -> answers acknowledged
    stop: threading.Event = field(default_factory=threading.Event)
    acknowledged: dict[str, int] = field(default_factory=dict)  # client_attempt_id -> attempt_id
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> list[threading.Thread]:
        headers = [bearer(self.live.database, s) for s in self.live.students]
        threads = [
            threading.Thread(target=self._student, args=(n, h), daemon=True) for n, h in enumerate(headers)
        ]
        for thread in threads:
            thread.start()
        return threads

    def _send(
        self, client: httpx.Client, path: str, body: dict[str, object], headers: dict[str, str]
    ) -> dict[str, Any]:
        for _ in range(TRIES):
            try:
                response = client.post(path, json=body, headers=headers)
            except httpx.TransportError:  # the worker died under this connection, or refused it
                with self.lock:
                    self.transport_errors += 1
                time.sleep(PAUSE)
                continue
            with self.lock:
                self.statuses.append(response.status_code)
            if response.status_code == 503:
                assert int(response.headers["Retry-After"]) > 0
                time.sleep(PAUSE)
                continue
            assert response.status_code in (200, 201), response.text
            return response.json()  # type: ignore[no-any-return]
        raise AssertionError(f"{path} did not succeed in {TRIES} tries")

    def _student(self, n: int, headers: dict[str, str]) -> None:
        try:
            with httpx.Client(base_url=self.live.base, timeout=20) as client:
                i = 0  # ANSWERS at least, then on until the test says stop
                while i < ANSWERS or (not self.stop.is_set() and i < MAX_ANSWERS):
                    item = self._send(client, "/api/practice/next", {}, headers)
                    attempt_id = f"{self.prefix}-{n}-{i}"
                    body = {
                        "item_id": item["item_id"], "response": self.live.answers[item["item_id"]],
                        "client_attempt_id": attempt_id, "skill_key": item["skill_key"],
                    }  # fmt: skip
                    outcome = self._send(client, "/api/attempts", body, headers)
                    with self.lock:
                        self.acknowledged[attempt_id] = outcome["attempt_id"]
                        self.replayed += outcome["replayed"]
                        self.answered[n] = i = i + 1
        except Exception as error:  # reported by the test, with the others
            with self.lock:
                self.failures.append(f"student {n}: {error!r}")

    def count(self) -> int:
        with self.lock:
            return len(self.acknowledged)

    def wait_until(self, answers: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count() < answers:
            assert not self.failures, self.failures
            assert time.monotonic() < deadline, f"only {self.count()} answers in {timeout} s"
            time.sleep(0.02)

    def finish(self, threads: list[threading.Thread], timeout: float = 60.0) -> None:
        """Once every student has given a few more answers (the server works again), stop the clients."""
        self.wait_until(self.count() + len(threads))
        self.stop.set()
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(timeout=max(0.1, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in threads), "a client is still answering"
        assert not self.failures, self.failures

    def summary(self) -> str:
        return (
            f"{self.prefix}: {len(self.acknowledged)} answers acknowledged, {self.transport_errors} transport "
            f"errors, {self.statuses.count(503)} 503s, {self.replayed} replayed retries, per student {self.answered}"
        )

    def check_stored(self) -> None:
        """Each answer acknowledged, stored exactly once, under the id acknowledged; the learner state is
        the chain of the stored answers; and not one 500."""
        assert 500 not in self.statuses
        assert len(self.answered) == len(self.live.students)
        assert min(self.answered.values()) >= ANSWERS
        expected = {f"{self.prefix}-{n}-{i}" for n, count in self.answered.items() for i in range(count)}
        assert set(self.acknowledged) == expected
        with self.live.database.transaction() as session:
            rows = session.execute(
                select(Attempt.client_attempt_id, func.count(), func.min(Attempt.id))
                .where(Attempt.client_attempt_id.like(f"{self.prefix}-%"))
                .group_by(Attempt.client_attempt_id)
            ).all()
        stored = {key: (count, first) for key, count, first in rows}
        assert set(stored) == expected
        assert all(count == 1 for count, _ in stored.values())
        assert {key: first for key, (_, first) in stored.items()} == self.acknowledged
        _chain_is_whole(self.live.database, self.live.students)


def _works_again(live: Live) -> None:
    """New connections (so either worker) are served."""
    headers = bearer(live.database, live.students[0])
    for _ in range(6):
        with httpx.Client(base_url=live.base, timeout=20) as client:
            response = client.get("/api/me", headers=headers)
            assert response.status_code == 200, response.text


@pytest.mark.postgres
def test_a_worker_killed_mid_load_loses_and_doubles_no_answer(live: Live) -> None:
    before = wait_for_workers(live.server_pid, 2)
    load = Load(live, "kill")
    threads = load.run()
    load.wait_until(len(live.students) * ANSWERS // 4)
    victim = sorted(before)[0]
    os.kill(victim, signal.SIGKILL)
    after = wait_for_workers(live.server_pid, 2, without=victim)  # uvicorn's supervisor started another
    assert victim not in after
    load.finish(threads)
    load.check_stored()
    print(load.summary())
    _works_again(live)


@pytest.mark.postgres
def test_the_database_going_away_gives_503s_and_the_server_recovers(live: Live) -> None:
    import psycopg

    name = live.database.engine.url.database
    server = os.environ[POSTGRES_ENV]
    probe_headers = bearer(live.database, live.students[0])
    load = Load(live, "drop")
    threads = load.run()

    def terminate(connection: psycopg.Connection[tuple[object, ...]]) -> None:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )

    with psycopg.connect(plain(server), autocommit=True) as admin:
        load.wait_until(len(live.students) * ANSWERS // 6)
        for _ in range(3):  # every connection dropped, in the middle of requests
            terminate(admin)
            time.sleep(0.3)
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'.encode())
        try:
            terminate(admin)
            away_since = time.monotonic()
            with httpx.Client(base_url=live.base, timeout=20) as client:
                probe = client.get("/api/me", headers=probe_headers)
            assert probe.status_code == 503, probe.text
            assert probe.headers["Retry-After"] == str(DATABASE_RETRY_AFTER)
            assert "try again" in probe.json()["detail"]
            time.sleep(max(0.0, AWAY_SECONDS - (time.monotonic() - away_since)))
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'.encode())
    load.finish(threads)
    assert 503 in load.statuses  # the clients were told to wait, and then were served
    load.check_stored()
    print(load.summary())
    _works_again(live)  # the same server processes: nothing was restarted
