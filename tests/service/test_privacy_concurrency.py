"""Erasure under concurrency, with real requests to a real server on SQLite and PostgreSQL: two
administrators confirming at once erase once; two administrators asking at once make one request; two runs
of ``erase_due`` at once carry a request out once."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url

from atpace.config import Settings
from atpace.services import privacy
from atpace.services.auth import Actor, create_user
from atpace.services.files import FileStore, check_upload
from atpace.store.db import Database
from atpace.store.tables import Role, School, User, utcnow
from atpace.store.tables_audit import AuditEntry
from atpace.store.tables_privacy import ErasureRequest
from tests.live_server import serving
from tests.service.conftest import POSTGRES_ENV
from tests.service.test_concurrency import _postgres_database
from tests.service.web import TEST_SETTINGS, bearer

PDF = b"%PDF-1.7\n%%EOF\n"


@dataclass
class Live:
    database: Database
    url: str
    settings: Settings
    school_id: int
    admins: list[int]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    from atpace.web.app import create_app

    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('privacy')) / 'live.db'}"
    else:
        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        url = _postgres_database(server, f"{make_url(server).database}_privacy")
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        school = School(slug="lakeside", name="Lakeside")
        session.add(school)
        session.flush()
        admins = [
            create_user(
                session, school=school, email=f"admin{n}@lakeside.example", display_name=f"Admin {n}",
                role=Role.ADMIN, password=f"password-admin-{n}",
            ).id
            for n in range(3)
        ]  # fmt: skip
        school_id = school.id
    settings = Settings(**{**TEST_SETTINGS, "erasure_grace_days": 0})  # type: ignore[arg-type]
    app = create_app(settings, database)
    with serving(app) as base:
        yield Live(database, base, settings, school_id, admins)
    database.engine.dispose()


def _student(live: Live, name: str) -> tuple[int, Path]:
    """A student with an uploaded file."""
    with live.database.transaction() as session:
        school = session.get(School, live.school_id)
        assert school is not None
        student = create_user(
            session, school=school, email=f"{name}@lakeside.example", display_name=name.title(),
            role=Role.STUDENT, password="password-student",
        )  # fmt: skip
        store = FileStore(live.settings.resolved_files_dir())
        row = store.save(session, school.id, student.id, check_upload("notes.pdf", PDF))
        return student.id, store.root / row.path


def _all_at_once(count: int, work: object) -> list[object]:
    gate = threading.Barrier(count)

    def run(n: int) -> object:
        gate.wait(timeout=30)
        return work(n)  # type: ignore[operator]

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _completed(live: Live, student_id: int) -> int:
    with live.database.transaction() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.action == "erasure.completed", AuditEntry.subject_id == student_id
                )
            ) or 0
        )  # fmt: skip


def test_two_requests_and_two_confirmations_at_once_erase_once(live: Live) -> None:
    student_id, path = _student(live, "ada")
    heads = [bearer(live.database, a) for a in live.admins]
    asked = _all_at_once(
        2,
        lambda n: httpx2.post(
            f"{live.url}/api/privacy/students/{student_id}/erasure", json={"reason": f"ask {n}"},
            headers=heads[n], timeout=60,
        ),
    )  # fmt: skip
    codes = sorted(r.status_code for r in asked)  # type: ignore[attr-defined]
    assert codes == [201, 409], [r.text for r in asked]  # type: ignore[attr-defined]
    made = next(r for r in asked if r.status_code == 201).json()  # type: ignore[attr-defined]
    requester = live.admins.index(made["requested_by_id"])
    others = [h for n, h in enumerate(heads) if n != requester]
    confirmed = _all_at_once(
        2,
        lambda n: httpx2.post(
            f"{live.url}/api/privacy/erasures/{made['id']}/confirm", headers=others[n], timeout=60
        ),
    )
    codes = sorted(r.status_code for r in confirmed)  # type: ignore[attr-defined]
    assert codes == [200, 409], [r.text for r in confirmed]  # type: ignore[attr-defined]
    assert _completed(live, student_id) == 1 and not path.exists()
    with live.database.transaction() as session:
        user = session.get(User, student_id)
        assert user is not None and user.display_name == "Erased student"


def test_two_runs_of_erase_due_at_once_carry_a_request_out_once(live: Live) -> None:
    students = [_student(live, name) for name in ("bea", "cyd")]
    with live.database.transaction() as session:
        for student_id, _ in students:
            first = Actor.of(session.get(User, live.admins[0]))  # type: ignore[arg-type]
            second = Actor.of(session.get(User, live.admins[1]))  # type: ignore[arg-type]
            request = privacy.request_erasure(session, first, student_id, "")
            privacy.confirm_erasure(session, second, request.id, 7, FileStore(Path("unused")))
        session.execute(
            update(ErasureRequest)
            .where(ErasureRequest.executed_at.is_(None))
            .values(executes_after=utcnow() - timedelta(minutes=1))
        )
    counts = _all_at_once(3, lambda n: privacy.erase_due(live.database, live.settings))
    assert sum(counts) == 2, counts  # type: ignore[arg-type]
    for student_id, path in students:
        assert _completed(live, student_id) == 1 and not path.exists()
