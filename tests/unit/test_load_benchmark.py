"""The load benchmark's own parts (benchmarks/load*.py): its HTTP client, the server-side statement counter
that only the benchmark's server loads, and the window its figures are counted in."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from tests.own_loop import run_on_own_loop

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


load_http = load("load_http", BENCHMARKS / "load_http.py")
counter = load("load_queries_sitecustomize", BENCHMARKS / "load_queries" / "sitecustomize.py")


async def serve_and_ask() -> list[Any]:
    replies = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Bench-Queries: 3\r\n\r\nhello",
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nSet-Cookie: kolibri=abc; Path=/\r\n\r\n"
        b'3\r\n{"a\r\n5\r\n": 1}\r\n0\r\n\r\n',
    ]
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for reply in replies:  # both on one kept-alive connection
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                ),
                0,
            )
            seen.append(head + await reader.readexactly(length))
            writer.write(reply)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connection = load_http.Connection("127.0.0.1", port, timeout=5)
    first = await connection.request("GET", "/a")
    second = await connection.request("POST", "/b", json_body={"x": 1})
    await connection.close()
    server.close()
    return [first, second, seen]


def test_the_client_reads_length_and_chunked_bodies_on_one_connection() -> None:
    first, second, seen = run_on_own_loop(serve_and_ask())
    assert (first.status, first.body, first.headers["x-bench-queries"]) == (200, b"hello", "3")
    assert (second.status, second.json(), second.cookies) == (201, {"a": 1}, {"kolibri": "abc"})
    assert seen[1].startswith(b"POST /b HTTP/1.1") and seen[1].endswith(b'{"x": 1}')
    assert b"Content-Length: 8" in seen[1] and b"application/json" in seen[1]


def test_a_refused_connection_is_an_http_error() -> None:
    async def ask() -> None:
        await load_http.Connection("127.0.0.1", 1, timeout=2).request("GET", "/")

    try:
        run_on_own_loop(ask())
    except load_http.HTTPError as error:
        assert "GET /" in str(error)
    else:
        raise AssertionError("no error")


def test_the_counter_sends_the_statements_of_each_request(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'count.db'}")
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    app = FastAPI()

    @app.get("/three")
    def three() -> dict[str, int]:  # a sync endpoint: it runs in the thread pool
        with engine.connect() as connection:
            for _ in range(3):
                connection.execute(text("SELECT 1"))
        return {"ok": 1}

    event.listen(Engine, "before_cursor_execute", counter._count)
    try:
        with TestClient(counter.CountQueries(app)) as client:
            assert client.get("/three").headers["x-bench-queries"] == "3"
            assert client.get("/three").headers["x-bench-queries"] == "3"  # per request, not in total
    finally:
        event.remove(Engine, "before_cursor_execute", counter._count)
        engine.dispose()


def test_only_the_benchmark_s_server_is_counted() -> None:
    probe = "import atpace.web.server as s; print(s.app_from_environment.__qualname__)"
    env = {**os.environ, "PYTHONPATH": str(BENCHMARKS / "load_queries")}
    counted = subprocess.run(
        [sys.executable, "-c", probe], env={**env, "ATPACE_BENCH_COUNT_QUERIES": "1"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert counted.stdout.strip() == "_patch.<locals>.app_from_environment"
    env.pop("ATPACE_BENCH_COUNT_QUERIES", None)
    plain = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert plain.stdout.strip() == "app_from_environment"  # atpace itself is untouched


def test_figures_count_the_requests_that_end_within_the_window() -> None:
    load_kolibri = load("load_kolibri", BENCHMARKS / "load_kolibri.py")
    assert load_kolibri.KOLIBRI_VERSION == "0.19.5"
    sys.path.insert(0, str(BENCHMARKS))
    try:
        bench = load("load_bench", BENCHMARKS / "load.py")
    finally:
        sys.path.remove(str(BENCHMARKS))

    async def measure() -> Any:
        stats = bench.Stats(users=1, warm_up=0.05, duration=0.2)
        await stats.ready()
        stats.add("warm-up", stats.start - 0.01, True)  # ends before the window: not counted
        early = stats.start - 1.0
        await asyncio.sleep(0.06)
        stats.add("long", early, True, queries=4)  # began in the warm-up, ends inside: counted
        stats.add("failed", stats.start, False, error="500 boom")
        return stats

    stats = run_on_own_loop(measure())
    table = stats.table()
    assert set(table) == {"long", "failed"}
    assert table["long"]["queries"] == 4 and table["long"]["p50_ms"] > 1000
    assert table["failed"]["errors"] == 1 and stats.examples["failed"] == "500 boom"
    assert bench.percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 3.0
    assert (
        bench.answer_to("What is 12 + 3?", True) == "15" and bench.answer_to("What is 12 + 3?", False) == "16"
    )
