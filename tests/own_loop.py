"""Run a coroutine on a fresh event loop in a thread of its own.

With pytest-xdist a worker may run unit tests after the browser tests, and synchronous Playwright (alive
for the whole session) leaves an event loop marked running in the main thread, where ``asyncio.run()``
then refuses to start."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_on_own_loop(coroutine: Coroutine[Any, Any, T], timeout: float = 120) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=timeout)
