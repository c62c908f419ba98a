"""What administrators see of the jobs and what they may do: list them, retry a failed one.

A school's administrators see their school's jobs (exports, the school's refit) and the installation's jobs
(sending xAPI, erasing due data, the refit's nightly fan-out), since those concern every school: they may
retry a failed one, which is always safe (every task may run twice). The error text of an installation's
job is not shown to them, though: it may name another school's rows; the operator reads it on the server
with `atpace jobs list`. Another school's jobs are missing (404), as everywhere in atpace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput, NotFound
from atpace.services.auth import Actor
from atpace.services.jobs import queue
from atpace.services.jobs.registry import TASKS
from atpace.store.tables import Role
from atpace.store.tables_jobs import Job

PER_PAGE = 50
HIDDEN_ERROR = (
    "not shown here: an installation-wide job's error may name another school "
    "(the server's operator reads it with `atpace jobs list`)"
)


@dataclass(frozen=True)
class JobView:
    id: int
    task: str
    description: str
    args: dict[str, Any]
    school_id: int | None
    status: str
    attempts: int
    max_attempts: int
    created_at: datetime
    run_after: datetime
    started_at: datetime | None
    finished_at: datetime | None
    last_error: str | None
    result: str | None
    can_retry: bool


@dataclass(frozen=True)
class JobCounts:
    queued: int
    running: int
    succeeded: int
    failed: int


def _view(job: Job, *, show_error: bool) -> JobView:
    spec = TASKS.get(job.task)
    return JobView(
        id=job.id,
        task=job.task,
        description=spec.description if spec else "a task this version does not know",
        args=dict(job.args or {}),
        school_id=job.school_id,
        status=job.status,
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        created_at=job.created_at,
        run_after=job.run_after,
        started_at=job.started_at,
        finished_at=job.finished_at,
        last_error=job.last_error if show_error or job.last_error is None else HIDDEN_ERROR,
        result=job.result,
        can_retry=job.status == queue.FAILED,
    )


def _require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("only the school's administrators may see its background jobs")


def _check_status(status: str | None) -> None:
    if status is not None and status not in queue.STATUSES:
        raise InvalidInput("status", f"status must be one of {', '.join(queue.STATUSES)}")


def _visible(actor: Actor) -> Any:
    return or_(Job.school_id == actor.school_id, Job.school_id.is_(None))


def list_for_admin(
    session: Session, actor: Actor, status: str | None = None, limit: int = PER_PAGE
) -> list[JobView]:
    """The school's and the installation's jobs, newest first."""
    _require_admin(actor)
    _check_status(status)
    query = select(Job).where(_visible(actor))
    if status is not None:
        query = query.where(Job.status == status)
    jobs = session.scalars(query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit))
    return [_view(job, show_error=job.school_id is not None) for job in jobs]


def counts_for_admin(session: Session, actor: Actor) -> JobCounts:
    _require_admin(actor)
    query: Select[str, int] = select(Job.status, func.count()).where(_visible(actor)).group_by(Job.status)
    found = {status: int(count) for status, count in session.execute(query).all()}
    return JobCounts(*(found.get(status, 0) for status in queue.STATUSES))


def get_for_admin(session: Session, actor: Actor, job_id: int) -> JobView:
    _require_admin(actor)
    job = session.get(Job, job_id)
    if job is None or job.school_id not in (None, actor.school_id):
        raise NotFound(f"job {job_id} not found")
    return _view(job, show_error=job.school_id is not None)


def retry_for_admin(session: Session, actor: Actor, job_id: int) -> JobView:
    """Queue a failed job of the school (or of the installation) again, and record who did it."""
    from atpace.services import audit

    get_for_admin(session, actor, job_id)  # 404 for another school's job, 403 for a non-admin
    job = queue.retry(session, job_id)
    audit.record(
        session,
        school_id=actor.school_id,
        actor_id=actor.user_id,
        action="job.retried",
        detail={"job_id": job.id, "task": job.task},
    )
    return _view(job, show_error=job.school_id is not None)


def list_all(session: Session, status: str | None = None, limit: int = PER_PAGE) -> list[JobView]:
    """Every job, newest first, errors shown (the server's operator, on the command line)."""
    _check_status(status)
    query = select(Job)
    if status is not None:
        query = query.where(Job.status == status)
    return [
        _view(job, show_error=True) for job in session.scalars(query.order_by(Job.id.desc()).limit(limit))
    ]


def retry_as_operator(session: Session, job_id: int) -> JobView:
    return _view(queue.retry(session, job_id), show_error=True)
