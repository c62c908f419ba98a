"""Keep-alive latency of `atpace serve`'s HTTP protocol with one and with two workers.

usage: python benchmarks/keepalive_workers.py [--requests 200] [--runs 3]

The app (a migrated, empty SQLite database) is served by uvicorn on a loopback port with 1 and 2 workers,
once with uvicorn's plain h11 protocol and once with atpace's (``atpace.web.server.NoDelayH11Protocol``,
what `atpace serve` uses). One client keeps its connection open and asks for the sign-in page
``--requests`` times after 10 warm-ups; the table shows the median and 95th percentile over the runs
(each figure the median of the runs' figures). With two workers and the plain protocol, every request
waits about 40 ms for the client's delayed ACK (web/server.py explains why).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

from atpace.store.db import Database
from atpace.web.server import HTTP_PROTOCOL

PROTOCOLS = {"uvicorn h11": "h11", "atpace (h11, TCP_NODELAY)": HTTP_PROTOCOL}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def measure(database_url: str, protocol: str, workers: int, requests: int) -> list[float]:
    port = free_port()
    env = {
        **os.environ, "ATPACE_DATABASE_URL": database_url, "ATPACE_ENVIRONMENT": "production",
        "ATPACE_SECRET_KEY": "k" * 48,
    }  # fmt: skip
    command = [
        sys.executable, "-m", "uvicorn", "atpace.web.server:app_from_environment", "--factory",
        "--port", str(port), "--workers", str(workers), "--http", protocol, "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10.0) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/login")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("the server did not start") from None
                    time.sleep(0.2)
            for _ in range(10):
                client.get("/login")
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get("/login")
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
        return sorted(timings)
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="atpace-keepalive-")
    url = f"sqlite:///{Path(folder) / 'bench.db'}"
    Database(url).upgrade()
    print(f"{'protocol':<28}{'workers':>8}{'median ms':>11}{'p95 ms':>9}")
    for name, protocol in PROTOCOLS.items():
        for workers in (1, 2):
            runs = [measure(url, protocol, workers, args.requests) for _ in range(args.runs)]
            median = statistics.median(statistics.median(t) for t in runs)
            p95 = statistics.median(t[int(0.95 * (len(t) - 1))] for t in runs)
            print(f"{name:<28}{workers:>8}{median:>11.1f}{p95:>9.1f}")


if __name__ == "__main__":
    main()
