"""A real Learning Record Store for the xAPI tests and benchmark: Ralph's LRS server (openfun/ralph), with its
file-system backend (no database), on a free loopback port.

Ralph's server extra pins an older FastAPI than atpace's, so it lives in a virtual environment of its own,
made once under ``.bench/ralph-venv`` (ignored by git) with pip from the package registry; a marker file
records what was installed, and a lock lets two test runs share the work. The server is started as
``uvicorn.run("ralph.api:app")`` in that environment: the same application ``ralph runserver`` serves,
without runserver's auto-reload, whose file-watching parent would survive a SIGKILL aimed at the server
(and without the ``cli`` extra it needs), and with one fix to its file backend (see ``SERVE``). Every
wait is bounded.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".bench" / "ralph-venv"
# ralph-malph's own requirement pins for the server extra; its OIDC module also imports requests.
REQUIREMENTS = ("ralph-malph[lrs]==5.1.0", "requests==2.34.2")
INSTALL_TIMEOUT_S = 900
READY_TIMEOUT_S = 60.0
# Ralph's file-system LRS backend writes with the data backend's default operation, CREATE, which refuses an
# existing file: every POST after the first would fail with a 500 (ralph-malph 4.2 to 5.1). Appending is
# what an LRS file needs, so the server runs with that one default changed; the rest is Ralph's own app.
SERVE = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def ensure_venv(path: Path = VENV) -> Path:
    """The Python of a virtual environment with Ralph's LRS server, made on first use (progress printed)."""
    python = path / "bin" / "python"
    marker = path / "atpace-requirements.txt"
    wanted = "\n".join(REQUIREMENTS) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / "ralph-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second run waits for the first one's install
        if python.exists() and marker.exists() and marker.read_text() == wanted:
            return python
        print(f"[xapi] creating Ralph's LRS environment in {path} (once) ...", file=sys.stderr, flush=True)
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=300)
        started = time.monotonic()
        with subprocess.Popen(  # the context closes pip's output pipe (no ResourceWarning)
            [str(python), "-m", "pip", "install", "--progress-bar", "off", *REQUIREMENTS],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=_clean_env(),
        ) as process:  # fmt: skip
            assert process.stdout is not None
            for line in process.stdout:  # pip's own progress, line by line
                if not line.startswith("WARNING: Location"):
                    print(f"[xapi pip] {line.rstrip()}", file=sys.stderr, flush=True)
                if time.monotonic() - started > INSTALL_TIMEOUT_S:
                    process.kill()
                    raise RuntimeError(f"installing {REQUIREMENTS} took over {INSTALL_TIMEOUT_S} s")
            if process.wait(timeout=60) != 0:
                raise RuntimeError(f"pip could not install {REQUIREMENTS} into {path}")
        marker.write_text(wanted)
        print(f"[xapi] Ralph's environment ready in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        return python


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RalphLRS:
    """Ralph's LRS on ``127.0.0.1:port``, storing statements as JSON lines under ``folder``."""

    def __init__(self, python: Path, folder: Path, key: str = "atpace", secret: str = "lrs-secret") -> None:
        self.python, self.folder, self.key, self.secret = python, folder, key, secret
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        for name in ("data", "app"):
            (folder / name).mkdir(parents=True, exist_ok=True)
        digest = subprocess.run(
            [str(python), "-c", "import bcrypt,sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())",
             secret], check=True, capture_output=True, text=True, timeout=60,
        ).stdout.strip()  # fmt: skip
        users = [{"username": key, "hash": digest, "scopes": ["all"], "agent": {"mbox": "mailto:lrs@example.org"}}]
        (folder / "auth.json").write_text(json.dumps(users))

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    @property
    def store(self) -> Path:
        return self.folder / "data" / "fs_lrs.jsonl"

    def start(self) -> None:
        env = _clean_env() | {
            "RALPH_APP_DIR": str(self.folder / "app"),
            "RALPH_AUTH_FILE": str(self.folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "data"),
            "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": "100000",
        }
        log = open(self.folder / "server.log", "ab")  # noqa: SIM115 (the child holds it)
        self.process = subprocess.Popen(
            [str(self.python), "-c", SERVE, str(self.port)],
            cwd=self.folder, env=env, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph's LRS exited: {(self.folder / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__lbheartbeat__", timeout=1):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Ralph's LRS was not ready within {READY_TIMEOUT_S} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; requests in flight are cut."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def _get(self, url: str) -> dict[str, Any]:
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        request = urllib.request.Request(
            url, headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return dict(json.loads(response.read()))

    def statement_ids(self, pages: int = 100) -> list[str]:
        """Every statement id the LRS holds (GET /xAPI/statements, following ``more``; bounded)."""
        ids: list[str] = []
        url = f"http://127.0.0.1:{self.port}/xAPI/statements?limit=100000"
        for _ in range(pages):
            answer = self._get(url)
            ids.extend(s["id"] for s in answer["statements"])
            more = answer.get("more")
            if not more:
                return ids
            url = f"http://127.0.0.1:{self.port}{more}"
        raise AssertionError(f"more than {pages} pages of statements")

    def __enter__(self) -> RalphLRS:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
