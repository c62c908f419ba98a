"""The sign-in throttle (issue 13, "Hardening"): counted and checked in one step, per account across all
clients and per client across accounts, shared by every worker and machine through the database, and
blind to an X-Forwarded-For that no trusted proxy set (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import select

from atpace.errors import TooManyAttempts, Unauthenticated
from atpace.services import auth
from atpace.services.schools import create_school
from atpace.services.throttle import Limit, LoginThrottle, SharedRateLimiter, seconds_until_within
from atpace.store.db import Database
from atpace.store.tables import User
from atpace.store.tables_security import RateCounter
from tests.live_server import free_port
from tests.service.conftest import Backend, RollbackDatabase, World

PASSWORD = "throttle-password-1"


def teacher_email(database: Database, world: World) -> str:
    with database.transaction() as session:
        user = session.get(User, world.teacher_id)
        assert user is not None
        user.password_hash = auth.hash_password(PASSWORD)
        return user.email


def sign_in(database: Database, throttle: LoginThrottle, email: str, password: str, client: str) -> str:
    """The outcome as a word: signed in, wrong, throttled."""
    try:
        with database.transaction() as session:
            auth.authenticate(session, email, password, throttle, client)
    except Unauthenticated:
        return "wrong"
    except TooManyAttempts:
        return "throttled"
    return "signed in"


def test_failures_from_many_clients_count_for_one_account(database: RollbackDatabase, world: World) -> None:
    email = teacher_email(database, world)
    throttle = LoginThrottle(database, per_account=5, per_client=100)
    outcomes = [sign_in(database, throttle, email, "guess", f"10.0.0.{n}") for n in range(5)]
    assert outcomes == ["wrong"] * 5
    # the sixth, from yet another address and with the right password, is refused: nothing is checked
    assert sign_in(database, throttle, email, PASSWORD, "10.0.0.99") == "throttled"
    assert (
        sign_in(database, throttle, world_email(database, world.other_teacher_id), "guess", "10.0.0.1")
        == "wrong"
    )


def world_email(database: Database, user_id: int) -> str:
    with database.transaction() as session:
        email = session.scalar(select(User.email).where(User.id == user_id))
        assert email is not None
        return email


def test_one_client_is_limited_across_accounts_and_a_success_clears_only_the_account(
    database: RollbackDatabase, world: World
) -> None:
    email = teacher_email(database, world)
    throttle = LoginThrottle(database, per_account=3, per_client=4)
    assert sign_in(database, throttle, email, "guess", "10.1.1.1") == "wrong"
    assert sign_in(database, throttle, email, PASSWORD, "10.1.1.1") == "signed in"
    with database.transaction() as session:
        keys = set(session.scalars(select(RateCounter.key)))
    assert f"account:{email}" not in keys and "client:10.1.1.1" in keys  # the success cleared the account
    for n in range(2):
        assert sign_in(database, throttle, f"nobody{n}@riverside.example", "guess", "10.1.1.1") == "wrong"
    # the fifth attempt from this client, on yet another account: refused
    assert sign_in(database, throttle, "nobody9@riverside.example", "guess", "10.1.1.1") == "throttled"
    assert sign_in(database, throttle, email, PASSWORD, "10.1.1.2") == "signed in"  # another client


def test_the_wait_follows_the_sliding_minute() -> None:
    fifty_in = datetime(2026, 12, 2, 10, 0, 50, tzinfo=UTC).timestamp()
    # six attempts in this window, limit five: this window's last 10 s, then a sixth of the next
    assert seconds_until_within(5, 6, 0, fifty_in) == 10 + 10
    ten_in = datetime(2026, 12, 2, 10, 0, 10, tzinfo=UTC).timestamp()
    # two now and six in the previous window (7 counted at 10 s): at 30 s, 2 + 6 x 0.5 = 5
    assert seconds_until_within(5, 2, 6, ten_in) == 20


def test_counts_are_shared_by_throttles_of_separate_workers(database: RollbackDatabase, world: World) -> None:
    email = teacher_email(database, world)
    one, two = (LoginThrottle(database, per_account=4, per_client=100) for _ in range(2))
    assert [sign_in(database, t, email, "guess", "10.2.0.1") for t in (one, two, one, two)] == ["wrong"] * 4
    assert sign_in(database, two, email, PASSWORD, "10.2.0.1") == "throttled"


def test_parallel_guesses_stop_exactly_at_the_limit(backend: Backend) -> None:
    """Twenty guesses at once from twenty threads, each in its own connection: five are checked, the rest
    refused (counting before judging; a check followed by a separate count lets them all through)."""
    database = Database(backend.url)
    email = f"race-{uuid.uuid4().hex[:8]}@riverside.example"
    limiter = SharedRateLimiter(database)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def guess(n: int) -> None:
        barrier.wait()
        for _ in range(50):  # SQLite may answer "database is locked" under this burst: try again
            try:
                limiter.hit([Limit(f"account:{email}", 5), Limit(f"client:race-{n}", 100)], "Too many.")
                outcomes.append("checked")
                return
            except TooManyAttempts:
                outcomes.append("throttled")
                return
            except Exception as error:  # only SQLite's lock timeout is retried
                if "locked" not in str(error):
                    raise
                time.sleep(0.05)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    database.engine.dispose()
    assert sorted(outcomes) == ["checked"] * 5 + ["throttled"] * 15


@pytest.fixture
def school_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'proxy.db'}"
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        create_school(session, "proxy", "Proxy School")
    database.engine.dispose()
    return url


def failed_logins_with_forged_addresses(school_url: str, trusted: str) -> list[int]:
    """Four failed sign-ins on four accounts, each claiming another address in X-Forwarded-For, against
    `atpace serve` with a per-client limit of 3."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATPACE_")}
    env |= {
        "ATPACE_ENVIRONMENT": "development", "ATPACE_COOKIE_SECURE": "false",
        "ATPACE_LOGIN_ATTEMPTS_PER_MINUTE_PER_CLIENT": "3", "ATPACE_TRUSTED_PROXIES": trusted,
    }  # fmt: skip
    atpace = str(Path(sys.executable).with_name("atpace"))
    command = [atpace, "serve", "--port", str(port), "--database-url", school_url]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "atpace serve stopped"
            try:
                httpx.get(f"{base}/login", timeout=1.0)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "atpace serve did not start"
                time.sleep(0.2)
        statuses = []
        for n in range(4):
            response = httpx.post(
                f"{base}/api/auth/token",
                json={"email": f"who{n}@proxy.example", "password": "guess"},
                headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
                timeout=10.0,
            )
            statuses.append(response.status_code)
        return statuses
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_forged_x_forwarded_for_does_not_make_a_new_client(school_url: str) -> None:
    assert failed_logins_with_forged_addresses(school_url, "") == [401, 401, 401, 429]


def test_a_trusted_proxy_s_x_forwarded_for_names_the_client(school_url: str) -> None:
    assert failed_logins_with_forged_addresses(school_url, "127.0.0.1") == [401, 401, 401, 401]
