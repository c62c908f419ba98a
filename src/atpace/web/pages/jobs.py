"""Pages: background jobs for administrators (docs/jobs.md): queued, running, succeeded and failed jobs,
with their attempts and last error, and a button that queues a failed job again."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from atpace.services.jobs import views
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId
from atpace.web.pages.common import render

router = APIRouter()
StatusQuery = Annotated[Literal["", "queued", "running", "succeeded", "failed"], Query()]


@router.get("/admin/jobs")
def jobs_page(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    status: StatusQuery = "",
    retried: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    counts = views.counts_for_admin(session, actor)  # administrators only (403 for anyone else)
    jobs = views.list_for_admin(session, actor, status or None, limit=100)
    return render(
        request, "jobs.html", actor, counts=counts, jobs=jobs, status=status, retried=retried,
    )  # fmt: skip


@router.post("/admin/jobs/{job_id}/retry")
def retry_job(job_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    views.retry_for_admin(session, actor, job_id)
    return RedirectResponse(f"/admin/jobs?retried={job_id}", status_code=303)
