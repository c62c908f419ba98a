"""A newcomer's first minute: from a fresh clone to a demo school that answers, with `scripts/demo`.

usage: python benchmarks/cold_start.py [--runs 3] [--timeout 600]

Each run clones this repository's committed HEAD into a new temporary folder (no .venv, no data) and
starts ``scripts/demo --port P --data-dir D`` there, as a newcomer would. It records when the script
prints that the packages are installed, and when ``GET /login`` first answers 200 (polled every 0.1 s),
then stops the server. pip's download cache is whatever this machine already has (the figure asked for is
"with the packages already in pip's cache"; run `scripts/bootstrap` once anywhere first). The table shows
each run and the median; the machine's load average before each run is printed, as a busy machine can
double the figure.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
INSTALLED_MARK = "atpace: packages installed"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def one_run(timeout: float) -> tuple[float, float]:
    """Seconds until the packages were installed, and until the demo answered."""
    with tempfile.TemporaryDirectory(prefix="atpace-cold-") as folder:
        clone = Path(folder) / "atpace"
        subprocess.run(["git", "clone", "-q", str(REPOSITORY), str(clone)], check=True)
        port = free_port()
        log_path = Path(folder) / "demo.log"
        started = time.perf_counter()
        with log_path.open("w") as log:
            demo = subprocess.Popen(
                ["scripts/demo", "--port", str(port), "--data-dir", str(Path(folder) / "data")],
                cwd=clone, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )  # fmt: skip
        installed = served = float("nan")
        try:
            deadline = started + timeout
            while time.perf_counter() < deadline:  # bounded by --timeout
                elapsed = time.perf_counter() - started
                if installed != installed and INSTALLED_MARK in log_path.read_text(errors="replace"):
                    installed = elapsed
                if demo.poll() is not None:
                    raise SystemExit(f"scripts/demo stopped early:\n{log_path.read_text()[-3000:]}")
                if answers(f"http://127.0.0.1:{port}/login"):
                    served = elapsed
                    break
                time.sleep(0.1)
            else:
                raise SystemExit(f"no answer within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")
        finally:
            os.killpg(demo.pid, signal.SIGTERM)
            try:
                demo.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(demo.pid, signal.SIGKILL)
                demo.wait()
        return installed, served


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    print(f"{'run':>4} {'load avg':>9} {'packages installed (s)':>23} {'demo answers (s)':>17}")
    totals: list[float] = []
    for run in range(1, args.runs + 1):
        load = os.getloadavg()[0]
        installed, served = one_run(args.timeout)
        totals.append(served)
        print(f"{run:>4} {load:>9.2f} {installed:>23.1f} {served:>17.1f}", flush=True)
    print(f"median time from a fresh clone to a demo that answers: {statistics.median(totals):.1f} s")


if __name__ == "__main__":
    sys.exit(main())
