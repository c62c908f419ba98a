"""`atpace worker` as an operator runs it: a separate process that takes queued jobs (SQLite: the in-process
runner in the foreground; PostgreSQL: procrastinate's worker), stops cleanly on SIGTERM, and, on PostgreSQL,
two worker processes at once run every job exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from atpace.services import jobs
from atpace.store.db import Database
from atpace.store.tables_jobs import Job
from tests.service.conftest import World
from tests.service.test_jobs import clear_jobs, count, fresh_database, job, wait_for

WORKER = [str(Path(sys.executable).with_name("atpace")), "worker"]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def committed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, World | None]]:
    yield from fresh_database(request.param, tmp_path_factory, "jobs_worker", seed=False)


@pytest.fixture
def db(committed: tuple[Database, World | None]) -> Database:
    clear_jobs(committed[0])
    return committed[0]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATPACE_")}
    return env | {"ATPACE_ENVIRONMENT": "development", "ATPACE_SECRET_KEY": "w" * 40}


def _url(database: Database) -> str:
    return database.engine.url.render_as_string(hide_password=False)


def test_atpace_worker_burst_runs_the_queued_jobs_and_exits(db: Database) -> None:
    ok, failing = jobs.enqueue(db, "jobs.check"), jobs.enqueue(db, "jobs.check", {"fail": "on purpose"})
    done = subprocess.run(
        [*WORKER, "--burst", "--database-url", _url(db)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert job(db, ok).status == "succeeded"
    failed = job(db, failing)
    assert failed.status == "queued" and failed.attempts == 1 and "on purpose" in (failed.last_error or "")


def test_atpace_worker_runs_jobs_queued_while_it_waits_and_stops_on_sigterm(db: Database) -> None:
    worker = subprocess.Popen(
        [*WORKER, "--concurrency", "2", "--database-url", _url(db)], env=_env(), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        time.sleep(1)
        assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
        job_id = jobs.enqueue(db, "jobs.check")
        wait_for(lambda: job(db, job_id).status == "succeeded", 60)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        if worker.stdout:
            worker.stdout.close()
    assert job(db, job_id).attempts == 1


def test_two_worker_processes_run_every_job_exactly_once(db: Database) -> None:
    job_ids = [jobs.enqueue(db, "jobs.check") for _ in range(24)]
    workers = [
        subprocess.Popen(
            [*WORKER, "--concurrency", "3", "--database-url", _url(db)],
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        wait_for(lambda: count(db, Job.id.in_(job_ids), Job.status == "succeeded") == len(job_ids), 120)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    with db.transaction(write=False) as session:
        rows = session.execute(select(Job.attempts, Job.worker).where(Job.id.in_(job_ids))).all()
    assert {attempts for attempts, _ in rows} == {1}  # each job claimed once: never run twice
    pids = {name.split(":")[1] for _, name in rows}
    assert pids <= {str(w.pid) for w in workers}
