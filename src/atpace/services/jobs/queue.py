"""The queue itself: queue, claim, run, finish, retry and recover jobs in the ``jobs`` table.

The same functions serve both backends. A job is claimed by one atomic ``UPDATE … WHERE status = 'queued'``
that also counts the attempt, so two workers (threads, processes or machines) never run one job twice
whatever delivered it: SQLite's write lock or PostgreSQL's row lock decides. On PostgreSQL each queued job
also gets a procrastinate job (a *wake-up*, deferred in the same transaction) that a worker listening on the
queue receives at once; on SQLite the in-process runner (``runner.py``) polls the table and is woken by
``enqueue`` in the same process.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
import uuid
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from atpace.config import Settings
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services.jobs.registry import TASKS, task_spec
from atpace.store.db import Database
from atpace.store.tables import utcnow
from atpace.store.tables_jobs import ERROR_MAX, PERIODIC_KEY_MAX, RESULT_MAX, Job

log = logging.getLogger("atpace.jobs")

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
STATUSES = (QUEUED, RUNNING, SUCCEEDED, FAILED)
PROCRASTINATE_QUEUE = "atpace"
BACKOFF_FIRST = timedelta(seconds=30)  # then ×4 per attempt: 30 s, 2 min, 8 min, 32 min...
BACKOFF_MAX = timedelta(hours=2)
HEARTBEAT_EVERY = timedelta(seconds=20)  # a running job's worker says it is alive this often
STALLED_AFTER = timedelta(minutes=2)  # ...and is taken for dead after this long without a word
KEEP_SUCCEEDED = timedelta(days=7)  # succeeded jobs are deleted after this; failed ones stay until retried

_wake_events: weakref.WeakSet[threading.Event] = weakref.WeakSet()  # in-process runners to wake


def worker_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next attempt, after ``attempts`` failed ones."""
    factor: int = 1 << (2 * min(max(attempts - 1, 0), 16))  # 4 ** (attempts - 1)
    return min(BACKOFF_FIRST * factor, BACKOFF_MAX)


def is_postgres(session_or_database: Session | Database) -> bool:
    bind = session_or_database.get_bind() if isinstance(session_or_database, Session) else None
    engine = bind if bind is not None else session_or_database.engine  # type: ignore[union-attr]
    return engine.dialect.name == "postgresql"


def _validate_args(args: dict[str, int | str] | None) -> dict[str, int | str]:
    clean: dict[str, int | str] = {}
    for key, value in (args or {}).items():
        if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, int | str):
            raise InvalidInput("args", f"job argument {key!r} must be an integer or a string")
        clean[key] = value
    return clean


def _same_school(school_id: int | None) -> Any:
    return Job.school_id.is_(None) if school_id is None else Job.school_id == school_id


def enqueue_in(
    session: Session,
    task: str,
    args: dict[str, int | str] | None = None,
    *,
    school_id: int | None = None,
    run_after: datetime | None = None,
    periodic_key: str | None = None,
) -> int:
    """Queue a job in the caller's transaction: it exists (and runs) only if that transaction commits.

    Returns the job's id; for a task that coalesces, the id of the same job already waiting, if any.
    """
    spec = task_spec(task)
    clean = _validate_args(args)
    if school_id is None and spec.school_of is not None:
        school_id = spec.school_of(session, clean)
    if spec.coalesce:
        for job_id, job_args in session.execute(
            select(Job.id, Job.args)
            .where(Job.task == task, Job.status == QUEUED, _same_school(school_id))
            .order_by(Job.id)
        ).all():
            if job_args == clean:
                return int(job_id)
    if periodic_key is not None:
        periodic_key = periodic_key[:PERIODIC_KEY_MAX]
        existing = session.scalar(select(Job.id).where(Job.periodic_key == periodic_key))
        if existing is not None:
            return int(existing)
    now = utcnow()
    job = Job(
        task=task,
        args=clean,
        school_id=school_id,
        status=QUEUED,
        attempts=0,
        max_attempts=spec.max_attempts,
        run_after=run_after or now,
        created_at=now,
        periodic_key=periodic_key,
    )
    savepoint = session.begin_nested()  # a second scheduler may take the same periodic slot at once
    try:
        session.add(job)
        session.flush()
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        if periodic_key is None:
            raise
        taken = session.scalar(select(Job.id).where(Job.periodic_key == periodic_key))
        return int(taken) if taken is not None else 0
    if is_postgres(session):
        wake_up(session, job.id, task, job.run_after)
    else:
        wake_runners()
    return job.id


def wake_up(session: Session, job_id: int, task: str, at: datetime) -> None:
    """PostgreSQL: defer procrastinate's job for ``job_id`` in the caller's transaction (one at most)."""
    from procrastinate import exceptions, jobs, manager, sync_psycopg_connector

    job = jobs.Job(
        id=None,
        queue=PROCRASTINATE_QUEUE,
        lock=None,
        queueing_lock=f"atpace-job-{job_id}",
        task_name=task,
        task_kwargs={"job_id": job_id},
        scheduled_at=at,
    )
    savepoint = session.begin_nested()
    # session.connection() emits the SAVEPOINT: procrastinate writes on psycopg's connection, past SQLAlchemy
    connection = session.connection().connection.driver_connection
    try:
        manager.JobManager(sync_psycopg_connector.SyncPsycopgConnector()).defer_job(
            job, connection=connection
        )
        savepoint.commit()
    except exceptions.AlreadyEnqueued:  # its wake-up is already waiting: that one will do
        savepoint.rollback()


def wake_again(database: Database, job_id: int) -> None:
    """PostgreSQL: a wake-up came before its job was due (a retry's backoff): ask for one when it is."""
    with database.transaction() as session:
        job = session.get(Job, job_id)
        if job is not None and job.status == QUEUED and job.run_after > utcnow():
            wake_up(session, job.id, job.task, job.run_after)


def wake_runners() -> None:
    for event in list(_wake_events):
        event.set()


@dataclass(frozen=True)
class Claimed:
    id: int
    task: str
    args: dict[str, Any]
    attempts: int
    max_attempts: int
    worker: str


def _claim(session: Session, job_id: int, worker: str, now: datetime) -> Claimed | None:
    claimed = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == QUEUED, Job.run_after <= now)
        .values(
            status=RUNNING,
            attempts=Job.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            worker=worker,
            finished_at=None,
        )
        .returning(Job.id, Job.task, Job.args, Job.attempts, Job.max_attempts)
    ).first()
    if claimed is None:
        return None
    return Claimed(int(claimed[0]), claimed[1], dict(claimed[2] or {}), claimed[3], claimed[4], worker)


def claim(database: Database, job_id: int, worker: str, now: datetime | None = None) -> Claimed | None:
    """Take one queued, due job to run; None when another worker has it or it is not due."""
    with database.transaction() as session:
        return _claim(session, job_id, worker, now or utcnow())


def claim_next(database: Database, worker: str, now: datetime | None = None) -> Claimed | None:
    """Take the queued job that has waited longest (the in-process runner's way to find work)."""
    now = now or utcnow()
    with database.transaction() as session:
        for job_id in session.scalars(
            select(Job.id)
            .where(Job.status == QUEUED, Job.run_after <= now)
            .order_by(Job.run_after, Job.id)
            .limit(5)
        ):
            claimed = _claim(session, job_id, worker, now)
            if claimed is not None:
                return claimed
    return None


class _Heartbeat:
    """Marks a running job as alive while its body runs, so that a dead worker's job is recovered."""

    def __init__(self, database: Database, claimed: Claimed, every: timedelta = HEARTBEAT_EVERY) -> None:
        self._database, self._claimed, self._every = database, claimed, every.total_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"atpace-job-{claimed.id}-heartbeat", daemon=True
        )

    def __enter__(self) -> None:
        self._thread.start()

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self._every):
            try:
                with self._database.transaction() as session:
                    session.execute(
                        update(Job)
                        .where(
                            Job.id == self._claimed.id,
                            Job.worker == self._claimed.worker,
                            Job.status == RUNNING,
                        )
                        .values(heartbeat_at=utcnow())
                    )
            except Exception:  # a busy database: the next beat tries again
                log.warning("job %s: heartbeat not written", self._claimed.id, exc_info=True)


def execute(database: Database, settings: Settings, claimed: Claimed) -> str:
    """Run a claimed job's task and record the outcome: succeeded, queued again with backoff, or failed."""
    spec = TASKS.get(claimed.task)
    error: str | None = None
    result = ""
    try:
        if spec is None:
            raise LookupError(f"there is no background task {claimed.task!r} in this version of atpace")
        with _Heartbeat(database, claimed):
            result = spec.run(database, settings, claimed.args)
    except Exception as failure:
        error = "".join(traceback.format_exception_only(failure)).strip()
        log.warning(
            "job %s (%s) attempt %s failed", claimed.id, claimed.task, claimed.attempts, exc_info=True
        )
    finished = utcnow()
    final = error is not None and (spec is None or claimed.attempts >= claimed.max_attempts)
    with database.transaction() as session:
        mine = (Job.id == claimed.id, Job.status == RUNNING, Job.worker == claimed.worker)
        if error is None:
            values: dict[str, Any] = {
                "status": SUCCEEDED,
                "result": result[:RESULT_MAX],
                "finished_at": finished,
            }
        elif final:
            values = {"status": FAILED, "last_error": error[:ERROR_MAX], "finished_at": finished}
        else:
            values = {
                "status": QUEUED,
                "last_error": error[:ERROR_MAX],
                "run_after": finished + backoff(claimed.attempts),
            }
        # Not ours any more (taken for stalled and run again elsewhere): that run records its own outcome.
        outcome = session.execute(update(Job).where(*mine).values(heartbeat_at=None, **values))
        changed = outcome.rowcount  # type: ignore[attr-defined]
        if changed and values["status"] == QUEUED and is_postgres(session):
            wake_up(session, claimed.id, claimed.task, values["run_after"])
    return str(values["status"])


def run_one(
    database: Database,
    settings: Settings,
    job_id: int | None = None,
    *,
    worker: str | None = None,
    now: datetime | None = None,
) -> str | None:
    """Claim and run one job (that one, or the next due); its final status, or None when none was taken."""
    worker = worker or worker_name()
    claimed = (
        claim(database, job_id, worker, now) if job_id is not None else claim_next(database, worker, now)
    )
    return execute(database, settings, claimed) if claimed is not None else None


def run_due(database: Database, settings: Settings, *, worker: str | None = None, limit: int = 1000) -> int:
    """Run jobs until none is due (or ``limit`` have run); how many ran."""
    worker = worker or worker_name()
    ran = 0
    while ran < limit and run_one(database, settings, worker=worker) is not None:
        ran += 1
    return ran


def sweep(database: Database, now: datetime | None = None) -> dict[str, int]:
    """Recover jobs whose worker died, wake up overdue ones (PostgreSQL), delete old succeeded ones."""
    now = now or utcnow()
    counts = {"recovered": 0, "failed": 0, "woken": 0, "deleted": 0}
    with database.transaction() as session:
        stalled = session.execute(
            select(Job.id, Job.task, Job.attempts, Job.max_attempts, Job.worker)
            .where(Job.status == RUNNING, Job.heartbeat_at < now - STALLED_AFTER)
            .with_for_update(skip_locked=True)
        ).all()
        for job_id, task, attempts, max_attempts, worker in stalled:
            message = f"the worker running attempt {attempts} ({worker}) stopped before it finished"
            if attempts >= max_attempts:
                values: dict[str, Any] = {"status": FAILED, "finished_at": now}
                counts["failed"] += 1
            else:
                values = {"status": QUEUED, "run_after": now}
                counts["recovered"] += 1
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == RUNNING)
                .values(last_error=message, heartbeat_at=None, **values)
            )
            if values["status"] == QUEUED and is_postgres(session):
                wake_up(session, job_id, task, now)
        if is_postgres(session):
            # A wake-up can be lost (procrastinate's table restored from an older backup, deleted by hand):
            # a job due for a minute gets another; the queueing lock keeps it to one waiting at a time.
            for job_id, task in session.execute(
                select(Job.id, Job.task).where(
                    Job.status == QUEUED, Job.run_after < now - timedelta(minutes=1)
                )
            ).all():
                wake_up(session, job_id, task, now)
                counts["woken"] += 1
        counts["deleted"] = session.execute(  # type: ignore[attr-defined]
            delete(Job).where(Job.status == SUCCEEDED, Job.finished_at < now - KEEP_SUCCEEDED)
        ).rowcount
    if counts["recovered"] and not is_postgres(database):
        wake_runners()
    return counts


def periodic_slot(cron: str, now: datetime) -> datetime:
    """The latest time at or before ``now`` that ``cron`` names (UTC)."""
    from croniter import croniter  # type: ignore[import-untyped]  # procrastinate's own dependency

    slot: datetime = croniter(cron, now.astimezone(UTC) + timedelta(seconds=1)).get_prev(datetime)
    return slot if slot.tzinfo is not None else slot.replace(tzinfo=UTC)


def enqueue_periodic(database: Database, task: str, slot: datetime) -> int:
    """Queue a periodic task's job for one slot of its schedule, once whoever asks."""
    key = f"{task}@{slot.astimezone(UTC):%Y-%m-%dT%H:%MZ}"
    with database.transaction() as session:
        return enqueue_in(session, task, periodic_key=key)


def schedule_periodic(database: Database, now: datetime, since: datetime) -> list[int]:
    """Queue every periodic task whose latest slot is at or after ``since`` and not queued yet (SQLite)."""
    queued = []
    for spec in TASKS.values():
        if spec.cron is not None:
            slot = periodic_slot(spec.cron, now)
            if slot >= since:
                queued.append(enqueue_periodic(database, spec.name, slot))
    return queued


def retry(session: Session, job_id: int) -> Job:
    """Queue a failed job again with a fresh count of attempts (its last error stays until it runs)."""
    job = session.get(Job, job_id, with_for_update=True)
    if job is None:
        raise NotFound(f"job {job_id} not found")
    if job.status != FAILED:
        raise Conflict(f"job {job_id} is {job.status}: only a failed job can be retried")
    job.status, job.attempts, job.run_after, job.finished_at = QUEUED, 0, utcnow(), None
    session.flush()
    if is_postgres(session):
        wake_up(session, job.id, job.task, job.run_after)
    else:
        wake_runners()
    return job
