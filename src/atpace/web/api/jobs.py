"""JSON API: background jobs for administrators (docs/jobs.md): the queue's state, retrying a failed job."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from atpace.services.jobs import views
from atpace.web.api.school_schemas import errors
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId

router = APIRouter(tags=["jobs"])

StatusQuery = Annotated[
    Literal["queued", "running", "succeeded", "failed"] | None, Query(description="only jobs in this state")
]


class JobOut(BaseModel):
    id: int
    task: str
    description: str
    args: dict[str, Any]
    school_id: int | None  # null: a job of the whole installation
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


class JobCountsOut(BaseModel):
    queued: int
    running: int
    succeeded: int
    failed: int


class JobsOut(BaseModel):
    counts: JobCountsOut
    jobs: list[JobOut]


def _out(job: views.JobView) -> JobOut:
    return JobOut.model_validate(job, from_attributes=True)


@router.get("/jobs", response_model=JobsOut, responses=errors(401, 403, 422))
def list_jobs(
    actor: ActorDep,
    session: SessionDep,
    status: StatusQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = views.PER_PAGE,
) -> JobsOut:
    """The school's and the installation's background jobs, newest first (the school's administrators)."""
    counts = views.counts_for_admin(session, actor)
    return JobsOut(
        counts=JobCountsOut.model_validate(counts, from_attributes=True),
        jobs=[_out(job) for job in views.list_for_admin(session, actor, status, limit)],
    )


@router.get("/jobs/{job_id}", response_model=JobOut, responses=errors(401, 403, 404, 422))
def get_job(job_id: PathId, actor: ActorDep, session: SessionDep) -> JobOut:
    """One job, with its attempts and last error."""
    return _out(views.get_for_admin(session, actor, job_id))


@router.post("/jobs/{job_id}/retry", response_model=JobOut, responses=errors(401, 403, 404, 409, 422))
def retry_job(job_id: PathId, actor: ActorDep, session: SessionDep) -> JobOut:
    """Queue a failed job again with a fresh count of attempts (409 unless it has failed)."""
    return _out(views.retry_for_admin(session, actor, job_id))
