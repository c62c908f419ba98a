"""The in-process runner (SQLite): worker threads that take due jobs from the ``jobs`` table.

The web app starts one in its lifespan when its database is SQLite (``ATPACE_JOBS_IN_PROCESS``), and
``atpace worker`` runs one in the foreground. A keeper thread queues the periodic tasks when their slot
comes (never a slot from before the runner started: the demo does not refit on every start) and recovers
the jobs of a worker that died. ``stop()`` lets running jobs finish and joins every thread.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from atpace.config import Settings
from atpace.services.jobs import queue
from atpace.store.db import Database
from atpace.store.tables import utcnow

log = logging.getLogger("atpace.jobs")


class Runner:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        concurrency: int = 1,
        poll: timedelta = timedelta(seconds=2),
        keep_every: timedelta = timedelta(seconds=15),
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.database, self.settings, self.concurrency = database, settings, concurrency
        self._poll, self._keep_every = poll.total_seconds(), keep_every.total_seconds()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self.started_at = utcnow()
        self.worker = queue.worker_name()

    def start(self) -> Runner:
        if self._threads:
            raise RuntimeError("the runner has already started")
        self.started_at = utcnow()
        queue._wake_events.add(self._wake)
        self._threads = [
            threading.Thread(target=self._work, name=f"atpace-jobs-{n}", daemon=True)
            for n in range(self.concurrency)
        ]
        self._threads.append(threading.Thread(target=self._keep, name="atpace-jobs-keeper", daemon=True))
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Ask every thread to stop once its current job is done, and wait for them."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join()
        self._threads = []
        queue._wake_events.discard(self._wake)

    def stop_soon(self) -> None:
        """Ask the threads to stop without waiting (safe in a signal handler); ``stop()`` then joins them."""
        self._stop.set()
        self._wake.set()

    def wait(self) -> None:
        """Block until ``stop()`` is called (from a signal handler or another thread)."""
        while not self._stop.wait(1.0):
            pass

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                ran = queue.run_one(self.database, self.settings, worker=self.worker)
            except Exception:  # a locked or unreachable database: wait and try again
                log.exception("the job runner could not take a job")
                ran = None
            if ran is None:
                self._wake.wait(self._poll)
                self._wake.clear()

    def _keep(self) -> None:
        while True:
            try:
                queue.schedule_periodic(self.database, utcnow(), since=self.started_at)
                queue.sweep(self.database)
            except Exception:
                log.exception("the job runner's keeper could not schedule or sweep")
            if self._stop.wait(self._keep_every):
                return


def in_process_runner(database: Database, settings: Settings) -> Runner | None:
    """The web app's runner, started: on SQLite when ``ATPACE_JOBS_IN_PROCESS`` allows it, else None."""
    wanted = settings.jobs_in_process
    if wanted is None:
        wanted = settings.environment != "test"
    if not wanted or queue.is_postgres(database):
        return None
    return Runner(database, settings).start()
