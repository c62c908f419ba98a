"""Counts SQL statements per request in `atpace serve`, for benchmarks/load.py only.

benchmarks/load.py starts `atpace serve` with this folder on PYTHONPATH, so that Python imports this module
at start-up in the server and in each of its workers; with ATPACE_BENCH_COUNT_QUERIES=1 it wraps the app that
uvicorn builds (``atpace.web.server.app_from_environment``) in a middleware that counts the statements the
request's database cursors execute and sends the count as the response header ``x-bench-queries``. Nothing in
atpace itself changes, and without this folder on the path nothing is counted.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import types
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]
HEADER = b"x-bench-queries"
TARGET = "atpace.web.server"
_counter: ContextVar[list[int] | None] = ContextVar("atpace_bench_queries", default=None)


def _count(*_args: object) -> None:
    counter = _counter.get()  # the request's, also in the thread pool (anyio copies the context)
    if counter is not None:
        counter[0] += 1


class CountQueries:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(
        self,
        scope: Message,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        counter = [0]
        token = _counter.set(counter)

        async def send_with_count(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (HEADER, str(counter[0]).encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_count)
        finally:
            _counter.reset(token)


def _patch(server: Any) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    build = server.app_from_environment

    def app_from_environment() -> Any:
        return CountQueries(build())

    event.listen(Engine, "before_cursor_execute", _count)
    server.app_from_environment = app_from_environment


def _patch_loader(loader: Any) -> None:
    execute = loader.exec_module

    def exec_module(module: types.ModuleType) -> None:
        execute(module)
        _patch(module)

    loader.exec_module = exec_module


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Patches ``atpace.web.server`` when something imports it, not before: importing atpace here would slow
    each uvicorn worker's start past the 5 s its supervisor waits for the first health check."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name != TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                _patch_loader(spec.loader)
                return spec
        return None


if os.environ.get("ATPACE_BENCH_COUNT_QUERIES") == "1":
    sys.meta_path.insert(0, _PatchOnImport())
