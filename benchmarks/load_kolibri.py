"""Kolibri beside atpace, for benchmarks/load.py: its own virtual environment, a provisioned home, a server.

Everything lives under ``.bench/`` (git-ignored): ``.bench/kolibri-venv`` (Kolibri ``KOLIBRI_VERSION`` from
PyPI, installed with pip on first use) and ``.bench/kolibri-home`` (``KOLIBRI_HOME``), provisioned once with
one facility (the "formal" preset), one class, one coach and the given number of learners, all with
passwords. Kolibri runs as it ships: ``kolibri start --foreground`` on SQLite (its default database) with
its default thread pool; only Zeroconf discovery is turned off (it would broadcast on the network).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

KOLIBRI_VERSION = "0.19.5"
COACH = ("coach", "coach-password-1")
LEARNER_PASSWORD = "learner-password-1"
MARK = "KOLIBRI_BENCH "

PROVISION = """
import json
from django.contrib.auth.hashers import make_password
from kolibri.core.auth.constants import role_kinds
from kolibri.core.auth.models import Classroom, Facility, FacilityUser
facility = Facility.objects.get()
classroom = Classroom.objects.create(name="Grade 4 - Benchmark", parent=facility)
coach = FacilityUser.objects.create(username="{coach}", facility=facility)
coach.set_password("{coach_password}")
coach.save()
facility.add_role(coach, role_kinds.COACH)
classroom.add_coach(coach)
hashed = make_password("{learner_password}")  # one hash for all: PBKDF2 is slow on purpose
learners = []
for n in range({learners}):
    learner = FacilityUser.objects.create(username="learner%03d" % n, facility=facility, password=hashed)
    classroom.add_member(learner)
    learners.append(learner.username)
print("{mark}" + json.dumps(dict(facility_id=facility.id, class_id=classroom.id, learners=learners)))
"""


@dataclass(frozen=True)
class Kolibri:
    home: Path
    executable: Path
    facility_id: str
    class_id: str
    learners: list[str]


def environment(home: Path) -> dict[str, str]:
    return {**os.environ, "KOLIBRI_HOME": str(home), "KOLIBRI_ZEROCONF_ENABLED": "False"}


def install(root: Path) -> Path:
    """The ``kolibri`` command of ``root/kolibri-venv``, installed first if it is not there."""
    venv = root / "kolibri-venv"
    executable = venv / "bin" / "kolibri"
    if not executable.exists():
        print(f"installing Kolibri {KOLIBRI_VERSION} into {venv} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", f"kolibri=={KOLIBRI_VERSION}"], check=True
        )
    version = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import kolibri; print(kolibri.__version__)"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if KOLIBRI_VERSION not in version:
        raise RuntimeError(f"{executable} is not Kolibri {KOLIBRI_VERSION}: {version.strip()!r}")
    return executable


def provision(root: Path, learners: int) -> Kolibri:
    """Kolibri installed and its home provisioned (reused while it has the same number of learners)."""
    executable = install(root)
    home = root / "kolibri-home"
    record = home / "atpace-bench.json"
    if record.exists():
        saved = json.loads(record.read_text())
        if len(saved["learners"]) == learners:
            return Kolibri(home, executable, saved["facility_id"], saved["class_id"], saved["learners"])
    if home.exists():
        subprocess.run(["rm", "-rf", "--", str(home)], check=True)
    home.mkdir(parents=True)
    env = environment(home)
    print(
        f"provisioning Kolibri in {home}: one facility, one class, one coach, {learners} learners", flush=True
    )
    subprocess.run(
        [str(executable), "manage", "--no-input", "provisiondevice", "--facility", "Benchmark School",
         "--preset", "formal", "--superusername", "admin", "--superuserpassword", "admin-password-1",
         "--language_id", "en", "--noinput"],
        env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    script = PROVISION.format(
        coach=COACH[0], coach_password=COACH[1], learner_password=LEARNER_PASSWORD, learners=learners,
        mark=MARK,
    )  # fmt: skip
    output = subprocess.run(
        [str(executable), "manage", "--skip-update", "shell", "-c", script],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    line = next(line for line in output.splitlines() if line.startswith(MARK))
    saved = json.loads(line[len(MARK) :])
    record.write_text(json.dumps(saved))
    return Kolibri(home, executable, saved["facility_id"], saved["class_id"], saved["learners"])


@contextmanager
def kolibri_server(kolibri: Kolibri) -> Iterator[int]:
    """``kolibri start --foreground`` on a free loopback port (its whole process group stopped at the end)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    log = (kolibri.home / "bench-server.log").open("wb")
    process = subprocess.Popen(
        [str(kolibri.executable), "start", "--foreground", "--port", str(port)],
        env=environment(kolibri.home), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"kolibri stopped; see {kolibri.home / 'bench-server.log'}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/public/info/", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("kolibri did not start within 120 s")
            time.sleep(0.5)
        yield port
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)  # its own session: only what this call started
            process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()
