"""Background jobs in the authorization matrix: the page and the JSON API are for the school's
administrators only (everyone else who is signed in: 403). A failed job of the school is retried by its
administrator; another school's jobs are missing (404: tests/service/test_jobs_admin.py)."""

from __future__ import annotations

from atpace.store.tables import utcnow
from atpace.store.tables_jobs import Job
from tests.service.authz import Case, everyone
from tests.service.conftest import RollbackDatabase, World

ADMINS_ONLY = {**everyone(403), "admin": 200}


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    """A failed job of world's school, for the retry routes."""
    with database.transaction() as session:
        job = Job(
            task="jobs.check",
            args={"fail": "matrix"},
            school_id=world.school_id,
            status="failed",
            attempts=3,
            max_attempts=3,
            last_error="RuntimeError: matrix",
            finished_at=utcnow(),
        )
        session.add(job)
        session.flush()
        return {"failed_job": job.id}


CASES = [
    Case("GET", "/admin/jobs", lambda w, i: "/admin/jobs", ADMINS_ONLY),
    Case(
        "POST",
        "/admin/jobs/{job_id}/retry",
        lambda w, i: f"/admin/jobs/{i['failed_job']}/retry",
        {**everyone(403), "admin": 303},
        body=lambda w, i, a: {},
        form=True,
    ),
    Case("GET", "/api/jobs", lambda w, i: "/api/jobs", ADMINS_ONLY),
    Case("GET", "/api/jobs/{job_id}", lambda w, i: f"/api/jobs/{i['failed_job']}", ADMINS_ONLY),
    Case("POST", "/api/jobs/{job_id}/retry", lambda w, i: f"/api/jobs/{i['failed_job']}/retry", ADMINS_ONLY),
]
