"""Offline practice: the batch the browser keeps, and the answers it sends back when it reconnects."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from threading import Barrier

import httpx2
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from atpace.content.answers import check_answer
from atpace.content.spec import AnswerSpec
from atpace.services.access import student_course
from atpace.services.practice import offline
from atpace.services.progress import student_progress
from atpace.store.db import Database
from atpace.store.tables import Attempt, Evidence, LearnerState, User
from tests.live_server import serving
from tests.service.conftest import POSTGRES_ENV, RollbackDatabase, World, actor_of
from tests.service.web import TEST_SETTINGS, bearer, client_for

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _batch(database: Database, student_id: int) -> offline.OfflineBatch:
    with database.transaction() as session:
        return offline.prefetch(session, actor_of(session, student_id))


def _wrong(spec: AnswerSpec) -> str:
    candidates = [*spec.choices, "0", "1", "7/9", "99", "zebra", "<", ">"]
    return next(c for c in candidates if check_answer(spec, c).status == "incorrect")


def _answers(
    batch: offline.OfflineBatch, count: int, *, start: datetime, wrong: int = -1, prefix: str = "offline"
) -> list[dict[str, object]]:
    """``count`` answers to the batch's first skill, a minute apart; the one at index ``wrong`` is wrong."""
    skill = batch.skills[0]
    result = []
    for n, item in enumerate(skill.items[:count]):
        spec = AnswerSpec.from_dict(item.answer)
        result.append(
            {
                "client_attempt_id": f"{prefix}-{n}", "item_id": item.item_id, "skill_key": skill.key,
                "response": _wrong(spec) if n == wrong else spec.correct,
                "answered_at": (start + timedelta(minutes=n)).isoformat(), "duration_ms": 5000, "hints_used": 0,
            }
        )  # fmt: skip
    return result


def _stored(database: Database, student_id: int) -> list[Attempt]:
    with database.transaction() as session:
        return list(
            session.scalars(
                select(Attempt)
                .where(Attempt.student_id == student_id)
                .order_by(Attempt.created_at, Attempt.id)
            )
        )


def test_the_batch_has_twenty_checkable_items_for_every_ready_skill(
    database: RollbackDatabase, world: World
) -> None:
    batch = _batch(database, world.classmate_id)
    with database.transaction() as session:
        student = session.get(User, world.classmate_id)
        assert student is not None
        progress = student_progress(session, student, student_course(session, student))
        ready = set(progress.ready)
    assert batch.student_id == world.classmate_id
    assert ready and ready <= {skill.key for skill in batch.skills}
    for skill in batch.skills:
        assert len(skill.items) >= offline.PER_SKILL, skill.key
        assert len({item.item_id for item in skill.items}) == len(skill.items)
        for item in skill.items:
            spec = AnswerSpec.from_dict(item.answer)  # what the browser's checker reads
            assert spec.auto_scored and check_answer(spec, spec.correct).correct
            assert item.skill_key == skill.key and item.prompt


def test_the_batch_through_the_api(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    headers = bearer(database, world.student_id)
    body = client.get("/api/offline/batch?per_skill=21", headers=headers).json()
    assert body["student_id"] == world.student_id
    assert all(len(skill["items"]) == 21 for skill in body["skills"])
    item = body["skills"][0]["items"][0]
    assert set(item["answer"]) >= {"kind", "correct", "choices", "allow_decimal", "require_simplest"}
    assert client.get("/api/offline/batch?per_skill=0", headers=headers).status_code == 422
    one = client.get(
        f"/api/offline/items/{item['item_id']}?skill_key={item['skill_key']}", headers=headers
    ).json()
    assert one == item
    wrong_skill = client.get(f"/api/offline/items/{item['item_id']}?skill_key=nope", headers=headers)
    assert wrong_skill.status_code == 422 and wrong_skill.json()["field"] == "skill_key"


def test_offline_answers_are_stored_once_in_order_and_move_mastery(
    database: RollbackDatabase, world: World
) -> None:
    client = client_for(database)
    headers = bearer(database, world.student_id)
    batch = _batch(database, world.student_id)
    start = datetime.now(UTC) - timedelta(hours=1)
    answers = _answers(batch, 5, start=start, wrong=1)
    body = {"student_id": world.student_id, "answers": answers}
    first = client.post("/api/offline/answers", json=body, headers=headers)
    assert first.status_code == 200, first.text
    results = first.json()["results"]
    assert [r["status"] for r in results] == ["stored"] * 5
    assert [r["correct"] for r in results] == [True, False, True, True, True]
    assert results[1]["message"].startswith("Not quite")
    # Sent again (the browser did not hear the answer): nothing new is stored.
    again = client.post("/api/offline/answers", json=body, headers=headers).json()["results"]
    assert [r["status"] for r in again] == ["replayed"] * 5
    assert [r["attempt_id"] for r in again] == [r["attempt_id"] for r in results]
    stored = _stored(database, world.student_id)
    assert [a.client_attempt_id for a in stored] == [a["client_attempt_id"] for a in answers]
    assert [a.created_at for a in stored] == [
        start + timedelta(minutes=n) for n in range(5)
    ]  # the browser's times
    assert [a.id for a in stored] == sorted(a.id for a in stored)  # replayed in the order given
    for earlier, later in itertools.pairwise(stored):
        assert later.mastery_before == pytest.approx(earlier.mastery_after)
    with database.transaction() as session:
        skill_id = stored[0].skill_id
        state = session.scalar(
            select(LearnerState).where(
                LearnerState.student_id == world.student_id, LearnerState.skill_id == skill_id
            )
        )
        assert state is not None and state.p_learned == pytest.approx(stored[-1].mastery_after)
        evidence = session.scalars(select(Evidence).where(Evidence.student_id == world.student_id)).all()
        assert {e.attempt_id for e in evidence} == {a.id for a in stored}
    progress = client.get("/api/students/me/progress", headers=headers).json()
    shown = {s["key"]: s for s in progress["skills"]}[batch.skills[0].key]
    assert shown["mastery"] == pytest.approx(stored[-1].mastery_after)


def test_the_browser_clock_is_bounded_by_the_server(database: RollbackDatabase, world: World) -> None:
    latest = NOW - timedelta(hours=2)
    bounded = offline.bounded_time
    assert bounded(NOW + timedelta(days=3), latest=latest, now=NOW) == NOW  # never in the future
    assert bounded(NOW - timedelta(days=90), latest=None, now=NOW) == NOW - offline.MAX_OFFLINE_AGE
    assert bounded(NOW - timedelta(hours=5), latest=latest, now=NOW) == latest  # never before the last answer
    assert bounded(NOW - timedelta(hours=1), latest=latest, now=NOW) == NOW - timedelta(hours=1)
    assert bounded(NOW - timedelta(hours=1), latest=NOW + timedelta(hours=1), now=NOW) == NOW
    # Through the API: a clock set a year ahead and one answer dated before the others.
    client = client_for(database)
    headers = bearer(database, world.student_id)
    answers = _answers(_batch(database, world.student_id), 3, start=datetime.now(UTC) + timedelta(days=365))
    answers[2]["answered_at"] = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    before = datetime.now(UTC)
    response = client.post(
        "/api/offline/answers", json={"student_id": world.student_id, "answers": answers}, headers=headers
    )
    after = datetime.now(UTC)
    times = [datetime.fromisoformat(r["stored_at"]) for r in response.json()["results"]]
    assert all(before <= t <= after for t in times)
    assert times == sorted(times)
    naive = {**answers[0], "client_attempt_id": "naive", "answered_at": "2026-12-01T10:00:00"}
    refused = client.post(
        "/api/offline/answers", json={"student_id": world.student_id, "answers": [naive]}, headers=headers
    )
    assert refused.status_code == 422 and refused.json()["field"] == "answered_at"


def test_an_answer_the_server_cannot_take_is_refused_and_the_rest_stored(
    database: RollbackDatabase, world: World
) -> None:
    client = client_for(database)
    headers = bearer(database, world.student_id)
    batch = _batch(database, world.student_id)
    answers = _answers(batch, 4, start=datetime.now(UTC) - timedelta(minutes=30))
    answers[1] = {**answers[1], "item_id": 10**9}  # an item that is gone
    answers[2] = {**answers[2], "response": "3//4"}  # malformed: the browser's checker would have refused it
    first = answers[0]
    answers.append({**first, "response": first["response"] + "0"})  # the same id with another answer
    response = client.post(
        "/api/offline/answers", json={"student_id": world.student_id, "answers": answers}, headers=headers
    )
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["stored", "refused", "refused", "stored", "refused"]
    assert results[1]["message"] == f"item {10**9} not found"
    assert "already used with another answer" in results[4]["message"]
    assert [a.client_attempt_id for a in _stored(database, world.student_id)] == ["offline-0", "offline-3"]


def test_answers_of_another_student_on_the_same_browser_are_not_taken(
    database: RollbackDatabase, world: World
) -> None:
    client = client_for(database)
    answers = _answers(_batch(database, world.student_id), 2, start=datetime.now(UTC) - timedelta(minutes=5))
    response = client.post(
        "/api/offline/answers",
        json={"student_id": world.student_id, "answers": answers},
        headers=bearer(database, world.classmate_id),
    )
    assert response.status_code == 409 and response.json()["field"] == "student_id"
    assert _stored(database, world.student_id) == []
    too_many = [{**answers[0], "client_attempt_id": f"x{n}"} for n in range(offline.MAX_ANSWERS + 1)]
    response = client.post(
        "/api/offline/answers",
        json={"student_id": world.student_id, "answers": too_many},
        headers=bearer(database, world.student_id),
    )
    assert response.status_code == 422


def test_service_worker_manifest_and_shell(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["service-worker-allowed"] == "/"
    assert "__ATPACE_SHELL_VERSION__" not in worker.text
    version = re.search(r'const VERSION = "([0-9a-f]{16})"', worker.text)
    assert version is not None
    static = Path(__file__).parents[2] / "src" / "atpace" / "web" / "static"
    cached = re.findall(r'"(/static/[^"]+)"', worker.text)
    assert cached and all((static / path.removeprefix("/static/")).is_file() for path in cached)
    manifest = client.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    icons = manifest.json()["icons"]
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in icons}
    for icon in icons:
        assert client.get(icon["src"]).status_code == 200
    shell = client.get("/practice/offline")
    assert shell.status_code == 200 and 'id="sync-status"' in shell.text and "data-shell" in shell.text
    assert "csrf_token" not in shell.text and "Log out" not in shell.text  # no one's data in the kept page
    page = client.get("/practice", headers=bearer(database, world.student_id))
    assert f'data-student="{world.student_id}"' in page.text
    assert 'aria-live="polite"' in page.text and "/static/offline/practice.js" in page.text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page.text


# ---- real concurrent syncs (two tabs, or a retry while the first request is still running) -------------


def _postgres_database(server_url: str, suffix: str) -> str:
    import psycopg

    url = make_url(server_url)
    name = f"{url.database}_{suffix}"
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        connection.execute(f'CREATE DATABASE "{name}"'.encode())
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, str]]:
    from atpace.config import Settings
    from atpace.services.demo import ensure_demo_school
    from atpace.web.app import create_app

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('offline') / 'live.db'}"
    else:
        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        url = _postgres_database(server, "offline")
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        ensure_demo_school(session)
    app = create_app(Settings(**TEST_SETTINGS), database)  # type: ignore[arg-type]
    with serving(app) as base:
        yield database, base
    database.engine.dispose()


def test_two_syncs_of_one_queue_at_once_store_each_answer_once(live: tuple[Database, str]) -> None:
    database, base = live
    with database.transaction() as session:
        student_id = session.scalar(select(User.id).where(User.email == "student05@riverside.example"))
    assert student_id is not None
    headers = bearer(database, student_id)
    answers = _answers(_batch(database, student_id), 6, start=datetime.now(UTC) - timedelta(hours=1), wrong=2)
    body = {"student_id": student_id, "answers": answers}
    gate = Barrier(3)

    def send(_: int) -> httpx2.Response:
        with httpx2.Client(base_url=base, timeout=60) as client:
            gate.wait(timeout=30)
            return client.post("/api/offline/answers", json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(send, range(3)))
    assert [r.status_code for r in responses] == [200, 200, 200]
    statuses = [[r["status"] for r in response.json()["results"]] for response in responses]
    assert sorted(statuses) == [["replayed"] * 6, ["replayed"] * 6, ["stored"] * 6]
    # The demo student has answered before: the synced answers come after those, in the order given.
    stored = [a for a in _stored(database, student_id) if a.client_attempt_id.startswith("offline-")]
    assert [a.client_attempt_id for a in stored] == [a["client_attempt_id"] for a in answers]
    for earlier, later in itertools.pairwise(stored):
        assert later.mastery_before == pytest.approx(earlier.mastery_after)
