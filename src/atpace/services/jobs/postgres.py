"""PostgreSQL: the procrastinate app that ``atpace worker`` runs.

Each of atpace's tasks is a procrastinate task of the same name whose one argument is the id of a row of
``jobs``: the worker claims that row, runs the task and records the outcome (``queue.execute``), so a
procrastinate job itself always succeeds and is deleted (``delete_jobs="successful"``); retries, failures
and the administrator's view live in ``jobs``. The periodic tasks are procrastinate periodic tasks (its
``procrastinate_periodic_defers`` table makes sure one slot is deferred once however many workers run):
each queues its atpace job for the slot, and ``jobs.sweep`` recovers the jobs of a dead worker every minute.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import make_url

from atpace.config import Settings
from atpace.services.jobs import queue
from atpace.services.jobs.registry import TASKS
from atpace.store.db import Database

log = logging.getLogger("atpace.jobs")
SWEEP_CRON = "* * * * *"


def conninfo(database: Database) -> str:
    """The libpq URL of the database (SQLAlchemy's ``postgresql+psycopg://`` spelled for psycopg)."""
    return make_url(database.url).set(drivername="postgresql").render_as_string(hide_password=False)


def make_app(database: Database, settings: Settings, worker: str | None = None) -> Any:
    import procrastinate

    worker = worker or queue.worker_name()
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(database)))

    def deliver_task(name: str) -> None:
        def deliver(job_id: int) -> None:
            if queue.run_one(database, settings, job_id, worker=worker) is None:
                queue.wake_again(database, job_id)

        deliver.__name__ = deliver.__qualname__ = f"deliver_{name.replace('.', '_')}"
        app.task(name=name, queue=queue.PROCRASTINATE_QUEUE)(deliver)

    def periodic_task(name: str, cron: str) -> None:
        def schedule(timestamp: int) -> None:
            queue.enqueue_periodic(database, name, datetime.fromtimestamp(timestamp, UTC))

        schedule.__name__ = schedule.__qualname__ = f"schedule_{name.replace('.', '_')}"
        app.periodic(cron=cron, periodic_id=name)(
            app.task(name=f"schedule.{name}", queue=queue.PROCRASTINATE_QUEUE)(schedule)
        )

    for spec in TASKS.values():
        deliver_task(spec.name)
        if spec.cron is not None:
            periodic_task(spec.name, spec.cron)

    def sweep(timestamp: int) -> None:
        queue.sweep(database, datetime.fromtimestamp(timestamp, UTC))

    app.periodic(cron=SWEEP_CRON, periodic_id="jobs.sweep")(
        app.task(name="jobs.sweep", queue=queue.PROCRASTINATE_QUEUE)(sweep)
    )
    return app


def run_worker(database: Database, settings: Settings, *, concurrency: int = 1, burst: bool = False) -> None:
    """Run procrastinate's worker in the foreground until SIGINT/SIGTERM (``burst``: until none is due)."""
    worker = queue.worker_name()
    queue.sweep(database)  # what a worker that died left running is queued again at once
    app = make_app(database, settings, worker)
    app.run_worker(
        queues=[queue.PROCRASTINATE_QUEUE],
        name=worker,
        concurrency=concurrency,
        wait=not burst,
        delete_jobs="successful",
        install_signal_handlers=not burst,
    )
