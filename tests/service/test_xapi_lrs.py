"""End to end against a real Learning Record Store: Ralph's LRS server (tests/service/xapi_ralph.py) in its
own virtual environment, on a loopback port. Real statements from atpace's events are accepted; the LRS is
killed (SIGKILL) in the middle of sending and started again, and every statement arrives exactly once
(counted by id through GET /xAPI/statements); answers lost on the way are resent without a duplicate."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from atpace.services.xapi import send_pending
from atpace.services.xapi.sender import http_request
from atpace.store.tables_xapi import XapiOutbox
from tests.service.conftest import RollbackDatabase, World
from tests.service.test_xapi import answer, connect, fill, outbox
from tests.service.xapi_ralph import READY_TIMEOUT_S, RalphLRS, ensure_venv

TOTAL = 1200
BATCH = 40
DEADLINE_S = 180.0


def unsent(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(XapiOutbox).where(XapiOutbox.sent_at.is_(None))) or 0)


def lines(path: Path) -> int:
    try:
        with path.open("rb") as stored:
            return sum(1 for _ in stored)
    except FileNotFoundError:
        return 0


def test_every_statement_arrives_exactly_once_though_the_lrs_is_killed_mid_send(
    database: RollbackDatabase, world: World, tmp_path: Path
) -> None:
    python = ensure_venv()
    server = RalphLRS(python, tmp_path / "lrs", secret="Zq8-secret-value")
    server.start()
    try:
        with database.transaction() as session:
            connect(session, world, server.endpoint)
            for n in range(3):  # real events: answers (and whatever mastery they move)
                answer(session, world.student_id, f"lrs-{n}")
            real = [r.statement_id for r in outbox(session)]
        ids = real + fill(database, world, TOTAL - len(real))
        with database.transaction() as session:
            connect(session, world, server.endpoint)  # fill() set it again: same LRS
        # In the middle of the send round, as the sender is about to POST its tenth batch, the LRS is killed
        # (SIGKILL); a moment later it starts again on the same port and files. The kill falls between two
        # requests: Ralph's file backend is not crash-safe (a write cut by SIGKILL leaves half a line that
        # it cannot read back), which a real deployment's database backend is. Answers lost in flight are
        # covered below, deterministically.
        killed = threading.Event()
        restarted = threading.Event()
        posts = [0]

        def restart() -> None:
            time.sleep(0.5)
            server.start()
            restarted.set()

        def send(method: str, url: str, headers: dict[str, str], body: bytes, timeout: float) -> tuple[int, bytes]:
            posts[0] += 1
            if posts[0] == 10:
                server.kill()
                killed.set()
                threading.Thread(target=restart, daemon=True).start()
            return http_request(method, url, headers, body, timeout)

        rounds, deadline = 0, time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            rounds += 1
            send_pending(
                database, None, batch_size=BATCH, timeout=5, backoff_base=0.05, backoff_max=0.5, lease=30, send=send
            )
            with database.transaction() as session:
                if unsent(session) == 0 and restarted.is_set():
                    break
            time.sleep(0.02)
        assert killed.is_set() and restarted.wait(timeout=READY_TIMEOUT_S)
        with database.transaction() as session:
            errors = Counter(session.scalars(select(XapiOutbox.last_error).where(XapiOutbox.sent_at.is_(None))))
            log = (server.folder / "server.log").read_text()[-1500:]
            tail = server.store.read_bytes()[-200:] if server.store.exists() else b""
            assert unsent(session) == 0, f"statements left after {rounds} rounds: {errors.most_common(3)}\n{log}\n{tail!r}"
            failed_once = session.scalar(select(func.count()).select_from(XapiOutbox).where(XapiOutbox.attempts > 0))
        assert failed_once and failed_once >= BATCH, "the kill should have failed at least one batch"
        stored = server.statement_ids()
        counts = Counter(stored)
        assert len(stored) == TOTAL and set(counts) == set(ids) and max(counts.values()) == 1

        # Answers lost on the way (the sender dies after the LRS stored a batch): the lease runs out, the
        # statements are sent again with their ids, and the LRS still holds one of each.
        with database.transaction() as session:
            session.execute(update(XapiOutbox).where(XapiOutbox.statement_id.in_(ids[:300])).values(sent_at=None))
        from atpace.store.tables import utcnow

        later = utcnow().replace(year=utcnow().year + 1)
        assert send_pending(database, None, batch_size=BATCH, clock=lambda: later) == 300
        again = server.statement_ids()
        assert len(again) == TOTAL and len(set(again)) == TOTAL
    finally:
        server.stop()
