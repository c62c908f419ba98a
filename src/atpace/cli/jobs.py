"""`atpace worker` and `atpace jobs`: background jobs: run them, see the queue, retry a failed one."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from atpace.cli.common import DatabaseUrl, console, describe, fail, opened_database
from atpace.errors import AtpaceError

app = typer.Typer(
    help="Background jobs: see the queue, retry a failed job (`atpace worker` runs them).",
    no_args_is_help=True,
)


def worker(
    database_url: DatabaseUrl = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", min=1, max=64, help="Jobs run at once by this worker.")
    ] = 1,
    burst: Annotated[
        bool,
        typer.Option("--burst", help="Run the jobs that are due, then exit (instead of waiting for more)."),
    ] = False,
) -> None:
    """Run background jobs until Ctrl+C or SIGTERM (a running job finishes first). On PostgreSQL start one
    or more of these beside `atpace serve`; on SQLite the web process runs jobs itself, and this command
    runs them when it does not."""
    import logging

    from atpace.config import Settings
    from atpace.services.database import Database
    from atpace.services.jobs.worker import run_worker

    try:
        settings = Settings(database_url=database_url) if database_url else Settings()
    except ValidationError as error:
        fail("; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in error.errors()))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    database = Database(settings.resolved_database_url())
    backend = "PostgreSQL (procrastinate)" if database.engine.dialect.name == "postgresql" else "SQLite"
    console.print(f"atpace worker on {backend}, {concurrency} at once{', until idle' if burst else ''}")
    try:
        run_worker(database, settings, concurrency=concurrency, burst=burst)
    finally:
        database.engine.dispose()


@app.command("list")
def list_jobs(
    database_url: DatabaseUrl = None,
    status: Annotated[
        str | None, typer.Option(help="Only jobs in this state: queued, running, succeeded or failed.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many, newest first.")] = 50,
) -> None:
    """The newest jobs of every school and of the installation, with their attempts and last error."""
    from atpace.services.jobs.views import list_all

    database = opened_database(database_url)
    try:
        with database.transaction(write=False) as session:
            rows = list_all(session, status=status, limit=limit)
    except AtpaceError as error:
        fail(describe(error))
    table = Table("id", "task", "school", "status", "attempts", "created", "last error / result")
    for job in rows:
        table.add_row(
            str(job.id),
            job.task,
            str(job.school_id or "all"),
            job.status,
            f"{job.attempts}/{job.max_attempts}",
            f"{job.created_at:%Y-%m-%d %H:%M}",
            (job.last_error if job.status != "succeeded" else job.result) or "",
        )
    console.print(table)


@app.command("retry")
def retry_job(job_id: int, database_url: DatabaseUrl = None) -> None:
    """Queue a failed job again, with a fresh count of attempts."""
    from atpace.services.jobs.views import retry_as_operator

    database = opened_database(database_url)
    try:
        with database.transaction() as session:
            job = retry_as_operator(session, job_id)
    except AtpaceError as error:
        fail(describe(error))
    console.print(f"job {job.id} ({job.task}) is queued again")


@app.command("check")
def check(
    database_url: DatabaseUrl = None,
    fail_with: Annotated[
        str | None, typer.Option("--fail", help="Make the job fail with this message (to see a failure).")
    ] = None,
) -> None:
    """Queue a job that does nothing, to see that the workers run jobs (`atpace jobs list` shows it)."""
    from atpace.services.jobs import enqueue

    database = opened_database(database_url)
    try:
        job_id = enqueue(database, "jobs.check", {"fail": fail_with} if fail_with else None)
    except AtpaceError as error:
        fail(describe(error))
    console.print(f"queued job {job_id}")
