"""``atpace worker``: run background jobs on either backend, in the foreground."""

from __future__ import annotations

import signal
from types import FrameType

from atpace.config import Settings
from atpace.services.jobs import queue
from atpace.store.db import Database


def run_worker(database: Database, settings: Settings, *, concurrency: int = 1, burst: bool = False) -> None:
    """Run jobs until SIGINT or SIGTERM (a running job finishes first); ``burst``: until none is due."""
    if queue.is_postgres(database):
        from atpace.services.jobs.postgres import run_worker as run_postgres_worker

        run_postgres_worker(database, settings, concurrency=concurrency, burst=burst)
        return
    if burst:
        queue.sweep(database)
        queue.run_due(database, settings)
        return
    from atpace.services.jobs.runner import Runner

    runner = Runner(database, settings, concurrency=concurrency)

    def stop(_signal: int, _frame: FrameType | None) -> None:
        runner.stop_soon()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    runner.start()
    try:
        runner.wait()
    finally:
        runner.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
