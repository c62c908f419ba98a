"""Background jobs (docs/jobs.md) on real, committed SQLite and PostgreSQL databases: a job runs; a failing
one is retried with backoff, then kept as failed; a retry runs it again; a job survives the restart of its
worker (queued while none ran, or running when its worker died); two workers never run one job twice; the
periodic tasks are queued once per slot; the nightly refit fits each school's courses from their attempts;
the web app's in-process runner (SQLite) runs jobs and stops with the app."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.engine import make_url

from atpace.config import Settings
from atpace.errors import Conflict, InvalidInput
from atpace.services import jobs
from atpace.services.jobs import queue, views
from atpace.services.jobs.runner import Runner
from atpace.store.db import Database, upgrade
from atpace.store.tables import Attempt, Item, ItemSkill, LearnerModelParameters, User, utcnow
from atpace.store.tables_jobs import Job
from tests.service.conftest import POSTGRES_ENV, World, _seed
from tests.service.test_concurrency import _postgres_database

SETTINGS = Settings(environment="test", secret_key="j" * 40, cookie_secure=False)


def fresh_database(
    kind: str, tmp_path_factory: pytest.TempPathFactory, suffix: str, *, seed: bool = True
) -> Iterator[tuple[Database, World | None]]:
    """A migrated (and seeded) database of its own (PostgreSQL: named after the test server's database)."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('jobs') / 'jobs.db'}"
    else:
        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        url = _postgres_database(server, f"{make_url(server).database}_{suffix}")
    upgrade(url)
    database = Database(url)
    yield database, _seed(database) if seed else None
    database.engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def committed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, World]]:
    for database, world in fresh_database(request.param, tmp_path_factory, "jobs"):
        assert world is not None
        yield database, world


@pytest.fixture
def db(committed: tuple[Database, World]) -> Database:
    """The module's database with no jobs (and no procrastinate jobs) left from the test before."""
    database = committed[0]
    clear_jobs(database)
    return database


def clear_jobs(database: Database) -> None:
    with database.transaction() as session:
        session.execute(delete(Job))
        if queue.is_postgres(session):
            session.execute(text("DELETE FROM procrastinate_jobs"))


def job(database: Database, job_id: int) -> Job:
    with database.transaction(write=False) as session:
        found = session.get(Job, job_id)
        assert found is not None
        return found


def count(database: Database, *where: Any) -> int:
    with database.transaction(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(Job).where(*where)) or 0)


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_a_job_runs_and_says_what_it_did(db: Database) -> None:
    job_id = jobs.enqueue(db, "jobs.check")
    assert job(db, job_id).status == "queued"
    assert queue.run_one(db, SETTINGS, job_id) == "succeeded"
    done = job(db, job_id)
    assert (done.status, done.attempts, done.result) == ("succeeded", 1, "the workers are running jobs")
    assert done.finished_at is not None and done.last_error is None and done.school_id is None
    assert queue.run_one(db, SETTINGS, job_id) is None  # done: nobody takes it again


def test_an_unknown_task_or_a_bad_argument_is_refused(db: Database) -> None:
    with pytest.raises(InvalidInput, match="no background task"):
        jobs.enqueue(db, "no.such.task")
    with pytest.raises(InvalidInput, match="integer or a string"):
        jobs.enqueue(db, "jobs.check", {"fail": 1.5})  # type: ignore[dict-item]


def test_a_failing_job_is_retried_with_backoff_then_kept_as_failed(db: Database) -> None:
    job_id = jobs.enqueue(db, "jobs.check", {"fail": "the LRS is down"})
    assert queue.run_one(db, SETTINGS, job_id) == "queued"
    first = job(db, job_id)
    assert first.attempts == 1 and "the LRS is down" in (first.last_error or "")
    assert first.run_after - first.started_at >= timedelta(seconds=29)  # type: ignore[operator]
    assert queue.run_one(db, SETTINGS, job_id) is None  # not due yet
    before = utcnow()
    assert queue.run_one(db, SETTINGS, job_id, now=first.run_after) == "queued"
    second = job(db, job_id)
    assert second.attempts == 2 and second.run_after - before >= timedelta(minutes=2)  # waits 4 times longer
    assert queue.run_one(db, SETTINGS, job_id, now=second.run_after) == "failed"
    failed = job(db, job_id)
    assert (failed.status, failed.attempts, failed.max_attempts) == ("failed", 3, 3)
    assert "RuntimeError: the check job was asked to fail: the LRS is down" in (failed.last_error or "")
    assert queue.run_one(db, SETTINGS, job_id, now=utcnow() + timedelta(days=1)) is None  # stays failed
    queue.sweep(db, utcnow() + timedelta(days=365))  # old succeeded jobs go; failed ones stay to be seen
    assert job(db, job_id).status == "failed"
    with db.transaction(write=False) as session:
        listed = views.list_all(session, status="failed")
    assert [j.id for j in listed] == [job_id] and listed[0].can_retry


def test_retry_queues_a_failed_job_again_and_it_runs(db: Database) -> None:
    job_id = jobs.enqueue(db, "jobs.check", {"fail": "once"})
    with db.transaction() as session:
        session.execute(update(Job).where(Job.id == job_id).values(max_attempts=1))
    assert queue.run_one(db, SETTINGS, job_id) == "failed"
    with db.transaction() as session, pytest.raises(Conflict):
        queue.retry(session, jobs.enqueue(db, "jobs.check"))  # only a failed job
    with db.transaction() as session:  # what failed is mended (the LRS is back): the job can succeed
        session.execute(update(Job).where(Job.id == job_id).values(args={}))
        queue.retry(session, job_id)
    queued = job(db, job_id)
    assert (queued.status, queued.attempts, queued.finished_at) == ("queued", 0, None)
    assert queued.last_error is not None  # kept until it runs again
    assert queue.run_one(db, SETTINGS, job_id) == "succeeded"
    assert job(db, job_id).attempts == 1


def test_a_queued_job_waits_for_a_worker_and_runs_when_one_starts(db: Database) -> None:
    job_id = jobs.enqueue(db, "jobs.check")  # no worker is running
    time.sleep(0.2)
    assert job(db, job_id).status == "queued"
    if queue.is_postgres(db):
        from atpace.services.jobs.worker import run_worker

        run_worker(db, SETTINGS, burst=True)  # procrastinate's worker, until the queue is empty
    else:
        runner = Runner(db, SETTINGS).start()
        try:
            wait_for(lambda: job(db, job_id).status == "succeeded")
        finally:
            runner.stop()
    assert job(db, job_id).status == "succeeded"


def test_a_job_whose_worker_died_is_run_again_by_another(db: Database) -> None:
    job_id = jobs.enqueue(db, "jobs.check")
    claimed = queue.claim(db, job_id, "dead-worker")  # claimed, then the worker was killed
    assert claimed is not None and job(db, job_id).status == "running"
    assert queue.sweep(db)["recovered"] == 0  # its heartbeat is recent: it may still be working
    later = utcnow() + queue.STALLED_AFTER + timedelta(seconds=5)
    assert queue.sweep(db, later)["recovered"] == 1
    recovered = job(db, job_id)
    assert recovered.status == "queued" and "stopped before it finished" in (recovered.last_error or "")
    assert queue.run_one(db, SETTINGS, job_id, worker="alive", now=later) == "succeeded"
    assert job(db, job_id).attempts == 2
    assert queue.execute(db, SETTINGS, claimed) == "succeeded"  # the dead worker's late word changes nothing
    assert job(db, job_id).worker == "alive"


def test_two_workers_claiming_one_job_at_once_run_it_once(db: Database) -> None:
    job_ids = [jobs.enqueue(db, "jobs.check") for _ in range(8)]
    claims: list[tuple[str, int]] = []
    barrier = threading.Barrier(2)

    def worker(name: str) -> None:
        barrier.wait()
        for job_id in job_ids:
            if queue.claim(db, job_id, name) is not None:
                claims.append((name, job_id))

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(job_id for _, job_id in claims) == job_ids
    with db.transaction(write=False) as session:
        assert set(session.scalars(select(Job.attempts).where(Job.id.in_(job_ids)))) == {1}


def test_two_runners_run_every_job_once(db: Database) -> None:
    job_ids = [jobs.enqueue(db, "jobs.check") for _ in range(20)]
    runners = [Runner(db, SETTINGS, concurrency=2, poll=timedelta(seconds=0.1)).start() for _ in range(2)]
    try:
        wait_for(lambda: count(db, Job.id.in_(job_ids), Job.status == "succeeded") == len(job_ids))
    finally:
        for runner in runners:
            runner.stop()
    with db.transaction(write=False) as session:
        assert list(session.scalars(select(Job.attempts).where(Job.id.in_(job_ids)).distinct())) == [1]
    assert not [t for t in threading.enumerate() if t.name.startswith("atpace-job")]


def test_a_task_that_coalesces_is_queued_once(db: Database) -> None:
    first = jobs.enqueue(db, "xapi.send")
    assert jobs.enqueue(db, "xapi.send") == first  # still waiting: the second request joins it
    assert jobs.enqueue(db, "jobs.check") != jobs.enqueue(db, "jobs.check")  # checks do not coalesce


def test_periodic_tasks_are_queued_once_per_slot_and_never_for_a_slot_before_the_start(db: Database) -> None:
    now = utcnow().replace(hour=3, minute=0, second=10, microsecond=0)
    started = now - timedelta(minutes=30)
    first = queue.schedule_periodic(db, now, since=started)
    again = queue.schedule_periodic(db, now + timedelta(seconds=20), since=started)  # another scheduler
    assert first == again
    with db.transaction(write=False) as session:
        keys = set(session.scalars(select(Job.periodic_key)))
    assert len(keys) == len(first)
    assert {f"xapi.send@{now:%Y-%m-%dT%H:%M}Z", f"privacy.erase_due@{now:%Y-%m-%dT%H}:00Z"} <= keys
    # the refit's slot of 02:30 came before the start: a restart does not refit
    assert not any(key.startswith("models.refit") for key in keys if key)
    queue.schedule_periodic(db, now + timedelta(minutes=1), since=started)  # the next minute: xapi.send again
    assert (
        count(db, Job.task == "xapi.send") == 2
        or count(db, Job.task == "xapi.send", Job.status == "queued") == 1
    )


def _add_attempts(database: Database, world: World, count: int) -> None:
    with database.transaction() as session:
        items = session.execute(
            select(Item.id, ItemSkill.skill_id)
            .join(ItemSkill, ItemSkill.item_id == Item.id)
            .where(Item.course_id == world.course_id)
            .order_by(Item.id)
            .limit(20)
        ).all()
        students = list(
            session.scalars(select(User.id).where(User.school_id == world.school_id, User.role == "student"))
        )
        start = utcnow() - timedelta(hours=2)
        for n in range(count):
            item_id, skill_id = items[n % len(items)]
            session.add(
                Attempt(
                    school_id=world.school_id,
                    student_id=students[n % len(students)],
                    item_id=item_id,
                    skill_id=skill_id,
                    client_attempt_id=f"refit-{n}",
                    response="1",
                    correct=n % 3 != 0,
                    created_at=start + timedelta(seconds=n),
                    mastery_before=0.3,
                    mastery_after=0.4,
                )
            )


def test_the_nightly_refit_fits_each_schools_courses_on_their_attempts(
    committed: tuple[Database, World],
) -> None:
    db, world = committed
    clear_jobs(db)
    _add_attempts(db, world, 300)
    fan_out = jobs.enqueue(db, "models.refit")
    assert queue.run_one(db, SETTINGS, fan_out) == "succeeded"
    assert job(db, fan_out).result == "queued the refit of 2 schools"
    with db.transaction(write=False) as session:
        per_school = {
            s: i for i, s in session.execute(select(Job.id, Job.school_id).where(Job.id != fan_out))
        }
    assert set(per_school) == {world.school_id, world.school_id + 1} or world.school_id in per_school
    assert queue.run_one(db, SETTINGS, per_school[world.school_id]) == "succeeded"
    with db.transaction(write=False) as session:
        version = session.scalar(
            select(func.max(LearnerModelParameters.version)).where(
                LearnerModelParameters.course_id == world.course_id
            )
        )
    assert version is not None
    assert f"stored as version {version}" in (job(db, per_school[world.school_id]).result or "")
    # the next night, with no new answers, nothing new is stored
    again = jobs.enqueue(db, "models.refit", {"school_id": world.school_id})
    assert job(db, again).school_id == world.school_id
    assert queue.run_one(db, SETTINGS, again) == "succeeded"
    assert f"no new attempts since version {version}" in (job(db, again).result or "")


def test_the_web_app_runs_jobs_in_process_and_stops_its_threads(
    tmp_path: Path, committed: tuple[Database, World]
) -> None:
    from fastapi.testclient import TestClient

    from atpace.web.app import create_app

    db = committed[0]
    if queue.is_postgres(db):  # PostgreSQL: `atpace worker` runs jobs, never the web process
        with TestClient(create_app(Settings(**{**SETTINGS.model_dump(), "jobs_in_process": True}), db)):
            assert not [t for t in threading.enumerate() if t.name.startswith("atpace-job")]
        return
    clear_jobs(db)
    with TestClient(create_app(SETTINGS, db)):  # environment "test": no runner unless asked
        assert not [t for t in threading.enumerate() if t.name.startswith("atpace-job")]
    settings = Settings(**{**SETTINGS.model_dump(), "jobs_in_process": True})
    with TestClient(create_app(settings, db)):
        assert [t for t in threading.enumerate() if t.name.startswith("atpace-jobs")]
        job_id = jobs.enqueue(db, "jobs.check")
        wait_for(lambda: job(db, job_id).status == "succeeded", 30)
    assert not [t for t in threading.enumerate() if t.name.startswith("atpace-job")]
