"""What administrators see of background jobs (/admin/jobs and /api/jobs): their school's jobs and the
installation's, never another school's (404); a failed job with its attempts and last error, retried with
a button (recorded in the audit log); an installation-wide job's error text kept for the server's operator."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from atpace.services.jobs import views
from atpace.store.tables import School, utcnow
from atpace.store.tables_audit import AuditEntry
from atpace.store.tables_jobs import Job
from tests.service.conftest import RollbackDatabase, World
from tests.service.web import bearer, client_for


def _jobs(database: RollbackDatabase, world: World) -> dict[str, int]:
    now = utcnow()
    with database.transaction() as session:
        foreign = session.scalar(select(School.id).where(School.slug == "hillside"))
        rows = {
            "failed": Job(
                task="exports.run",
                args={"export_id": 9},
                school_id=world.school_id,
                status="failed",
                attempts=5,
                max_attempts=5,
                last_error="OSError: disk full",
                finished_at=now,
                created_at=now - timedelta(minutes=3),
            ),
            "queued": Job(
                task="models.refit",
                args={"school_id": world.school_id},
                school_id=world.school_id,
                status="queued",
                attempts=1,
                last_error="RuntimeError: course 3",
                created_at=now,
            ),
            "installation": Job(
                task="xapi.send",
                school_id=None,
                status="failed",
                attempts=5,
                max_attempts=5,
                last_error="HTTPError: 500 from https://lrs.hillside.example (statement 77)",
                finished_at=now,
                created_at=now - timedelta(minutes=2),
            ),
            "done": Job(
                task="jobs.check",
                school_id=world.school_id,
                status="succeeded",
                attempts=1,
                result="the workers are running jobs",
                finished_at=now,
                created_at=now - timedelta(minutes=1),
            ),
            "foreign": Job(
                task="exports.run",
                args={"export_id": 10},
                school_id=foreign,
                status="failed",
                attempts=5,
                last_error="OSError: hillside",
                finished_at=now,
                created_at=now,
            ),
        }
        session.add_all(rows.values())
        session.flush()
        return {name: job.id for name, job in rows.items()}


def test_the_api_lists_the_schools_and_the_installations_jobs_newest_first(
    database: RollbackDatabase, world: World
) -> None:
    ids = _jobs(database, world)
    client = client_for(database)
    answer = client.get("/api/jobs", headers=bearer(database, world.admin_id))
    assert answer.status_code == 200
    body = answer.json()
    listed = [j["id"] for j in body["jobs"]]
    assert listed == [ids["queued"], ids["done"], ids["installation"], ids["failed"]]  # not hillside's
    assert body["counts"] == {"queued": 1, "running": 0, "succeeded": 1, "failed": 2}
    failed = next(j for j in body["jobs"] if j["id"] == ids["failed"])
    assert (failed["status"], failed["attempts"], failed["max_attempts"], failed["can_retry"]) == (
        "failed",
        5,
        5,
        True,
    )
    assert failed["last_error"] == "OSError: disk full"
    installation = next(j for j in body["jobs"] if j["id"] == ids["installation"])
    assert installation["school_id"] is None and "hillside" not in installation["last_error"]
    assert installation["last_error"] == views.HIDDEN_ERROR
    only_failed = client.get("/api/jobs?status=failed", headers=bearer(database, world.admin_id)).json()
    assert [j["id"] for j in only_failed["jobs"]] == [ids["installation"], ids["failed"]]
    assert client.get("/api/jobs?status=lost", headers=bearer(database, world.admin_id)).status_code == 422
    assert (
        client.get(f"/api/jobs/{ids['foreign']}", headers=bearer(database, world.admin_id)).status_code == 404
    )


def test_an_admin_retries_a_failed_job_and_the_audit_log_says_so(
    database: RollbackDatabase, world: World
) -> None:
    ids = _jobs(database, world)
    client = client_for(database)
    admin = bearer(database, world.admin_id)
    retried = client.post(f"/api/jobs/{ids['failed']}/retry", headers=admin)
    assert retried.status_code == 200
    assert (retried.json()["status"], retried.json()["attempts"], retried.json()["can_retry"]) == (
        "queued",
        0,
        False,
    )
    assert client.post(f"/api/jobs/{ids['failed']}/retry", headers=admin).status_code == 409  # queued now
    assert client.post(f"/api/jobs/{ids['done']}/retry", headers=admin).status_code == 409
    assert client.post(f"/api/jobs/{ids['foreign']}/retry", headers=admin).status_code == 404
    assert client.post(f"/api/jobs/{ids['installation']}/retry", headers=admin).status_code == 200
    with database.transaction(write=False) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "job.retried").order_by(AuditEntry.id)
        ).all()
        assert [(e.school_id, e.actor_id, e.detail["job_id"]) for e in entries] == [
            (world.school_id, world.admin_id, ids["failed"]),
            (world.school_id, world.admin_id, ids["installation"]),
        ]
        foreign = session.get(Job, ids["foreign"])
        assert foreign is not None and foreign.status == "failed"


def test_the_page_shows_failed_jobs_with_their_error_and_a_retry_button(
    database: RollbackDatabase, world: World
) -> None:
    ids = _jobs(database, world)
    client = client_for(database)
    admin = bearer(database, world.admin_id)
    page = client.get("/admin/jobs?status=failed", headers=admin)
    assert page.status_code == 200
    html = page.text
    assert f'data-job="{ids["failed"]}" data-status="failed"' in html and "OSError: disk full" in html
    assert f'id="retry-{ids["failed"]}"' in html and "5 of 5" in html
    assert "OSError: hillside" not in html and "lrs.hillside" not in html
    assert '<th scope="col">Attempts</th>' in html and 'name="csrf_token"' in html
    assert client.get("/admin/jobs", headers=admin).text.count("data-job=") == 4
    retried = client.post(f"/admin/jobs/{ids['failed']}/retry", headers=admin)
    assert (retried.status_code, retried.headers["location"]) == (303, f"/admin/jobs?retried={ids['failed']}")
    after = client.get(f"/admin/jobs?retried={ids['failed']}", headers=admin).text
    assert f"Job {ids['failed']} is queued again." in after
    assert f'id="retry-{ids["failed"]}"' not in after
    assert client.get("/admin/jobs", headers=bearer(database, world.teacher_id)).status_code == 403
    assert 'href="/admin/jobs"' in client.get("/admin/audit", headers=admin).text  # in the admin's menu
