"""Background jobs (docs/jobs.md): sending xAPI, the nightly refit of learner models, exports, erasures.

``enqueue(database, task, args)`` asks for a job. On PostgreSQL procrastinate delivers it to the workers that
``atpace worker`` starts; on SQLite (the demo) a runner thread in the web process, or ``atpace worker``, runs
it. Either way the job is a row of ``jobs``: retried with backoff when it fails, kept as *failed* when its
attempts are spent, and shown to administrators on /admin/jobs with a button to retry it.
"""

from __future__ import annotations

from datetime import datetime

from atpace.services.jobs.queue import (
    FAILED,
    QUEUED,
    RUNNING,
    STATUSES,
    SUCCEEDED,
    enqueue_in,
    retry,
    run_due,
    run_one,
    sweep,
)
from atpace.services.jobs.registry import TASKS, TaskSpec
from atpace.store.db import Database

__all__ = [
    "FAILED",
    "QUEUED",
    "RUNNING",
    "STATUSES",
    "SUCCEEDED",
    "TASKS",
    "TaskSpec",
    "enqueue",
    "enqueue_in",
    "retry",
    "run_due",
    "run_one",
    "sweep",
]


def enqueue(
    database: Database,
    task: str,
    args: dict[str, int | str] | None = None,
    *,
    school_id: int | None = None,
    run_after: datetime | None = None,
) -> int:
    """Ask for a background job in a transaction of its own; returns the job's id.

    Call it once the data the job needs is committed, outside any open write transaction (on SQLite a second
    writer would wait for the first). To queue a job atomically with the caller's own writes, use
    ``enqueue_in(session, ...)`` inside that transaction instead.
    """
    with database.transaction() as session:
        return enqueue_in(session, task, args, school_id=school_id, run_after=run_after)
