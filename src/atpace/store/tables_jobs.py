"""Tables of background jobs (migration 0014).

``jobs`` is the record of every background job on both backends: what was asked (task, arguments, school),
where it stands (queued, running, succeeded, failed), how many attempts it took and the last error. It is what
the administrator sees and what a retry resets. On SQLite the in-process runner also takes its work from it;
on PostgreSQL procrastinate delivers the work (its own ``procrastinate_*`` tables, created by the same
migration) and each delivery names a row of this table (docs/jobs.md says why both).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from atpace.store.tables import Base, BigId, utcnow

TASK_MAX = 60
STATUS_MAX = 12
WORKER_MAX = 120
PERIODIC_KEY_MAX = 100
ERROR_MAX = 4000
RESULT_MAX = 4000


class Job(Base):
    """One background job: queued → running → succeeded, or back to queued to retry, or failed at last."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_run_after", "status", "run_after"),
        Index("ix_jobs_school_created", "school_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task: Mapped[str] = mapped_column(String(TASK_MAX))
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # None: a job of the whole installation (sending xAPI, erasing due data, the nightly refit's fan-out).
    school_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("schools.id", ondelete="CASCADE"), default=None
    )
    status: Mapped[str] = mapped_column(String(STATUS_MAX), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)  # not before (a retry's backoff)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)  # of the latest attempt
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)  # a running job's worker is alive
    worker: Mapped[str] = mapped_column(String(WORKER_MAX), default="")
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    result: Mapped[str | None] = mapped_column(Text, default=None)
    # A periodic job's slot ("xapi.send@2026-12-02T07:31Z"): two schedulers never queue one slot twice.
    periodic_key: Mapped[str | None] = mapped_column(String(PERIODIC_KEY_MAX), unique=True, default=None)
