"""Time the teacher's busiest pages on a year of data: Today, the heatmap and the group suggestion.

usage: python benchmarks/teacher_pages.py [--students 35] [--skills 60] [--attempts 200000] [--requests 200]
                                          [--runs 3] [--postgres URL | --sqlite] [--json OUT] [--only NAME]

The data: one school, a course of ``--skills`` skills (each needs the one before it, every third also the
one three back), a class of ``--students`` students and a year of practice (``--attempts`` answers, each a
knowledge-tracing step, with its evidence row and the learner states they lead to), some students idle
for weeks, some stuck (wrong answers in a row), and open tasks with submissions waiting for feedback.
Each page is requested ``--requests`` times in each of ``--runs`` runs (the figures are medians over the
runs, with the worst run's 99th percentile beside them) from a real server, ``atpace serve`` (one worker, uvicorn) on a
loopback port, with a teacher's bearer token over one kept-alive connection, after five warm-up requests;
the table shows the median, 95th and 99th percentile wall time as the client sees it, and the number of SQL
statements per request (counted in-process through FastAPI's test client, where they can be seen). PostgreSQL gets its own
database ``atpace_bench_teacher`` on the server of ``--postgres`` (default: $ATPACE_BENCH_POSTGRES_URL or
postgresql://postgres@127.0.0.1:5432/postgres), dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient
from sqlalchemy import event, insert, text
from sqlalchemy.engine import make_url

from atpace.config import Settings
from atpace.content.spec import AnswerSpec, CourseSpec, ItemSpec, SkillSpec, TemplateSpec
from atpace.engine.bkt_online import BKTParams, predict_correct, update
from atpace.services.auth import create_user, issue_token
from atpace.services.courses import import_course
from atpace.services.schools import create_school
from atpace.store.db import Database, make_engine
from atpace.store.tables import (
    Assignment,
    Attempt,
    Classroom,
    ClassTeacher,
    Enrollment,
    Evidence,
    LearnerState,
    Role,
    Submission,
    User,
)
from atpace.web.app import create_app

BENCH_DB = "atpace_bench_teacher"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PARAMS = BKTParams()
THRESHOLD = 0.95


def course_spec(skills: int) -> CourseSpec:
    specs = []
    for n in range(skills):
        prerequisites = tuple(f"s{p:02d}" for p in {n - 1, n - 3} if p >= 0 and (p == n - 1 or n % 3 == 0))
        specs.append(SkillSpec(f"s{n:02d}", f"Skill {n:02d}", f"Skill number {n}.", 4, prerequisites))

    def items() -> list[ItemSpec]:
        return [
            ItemSpec(
                f"s{n:02d}-{i}",
                (f"s{n:02d}",),
                "numbers",
                f"What is {n} + {i}?",
                AnswerSpec("numeric", str(n + i)),
                (),
                (),
                (i - 1) * 0.5,
            )
            for n in range(skills)
            for i in range(3)
        ]

    template = TemplateSpec("numbers", tuple(s.key for s in specs), "numeric", "sums", items)
    return CourseSpec("bench", "Benchmark course", "A long course.", "4", tuple(specs), (template,))


def seed(
    database: Database, students: int, skills: int, attempts: int, seed_value: int = 7
) -> dict[str, Any]:
    """The school, class and a year of practice; returns the class id and a teacher token."""
    rng = random.Random(seed_value)
    now = datetime.now(UTC)
    start = now - timedelta(days=365)
    with database.transaction() as session:
        school = create_school(session, "bench", "Benchmark School")
        course = import_course(session, school, course_spec(skills))
        teacher = create_user(
            session, school=school, email="teacher@bench.example", display_name="Teacher",
            role=Role.TEACHER, password="bench-password-1",
        )  # fmt: skip
        classroom = Classroom(school_id=school.id, course_id=course.id, name="Grade 4 - Benchmark")
        session.add(classroom)
        session.flush()
        session.add(ClassTeacher(class_id=classroom.id, user_id=teacher.id))
        people = []
        for n in range(students):
            student = User(
                school_id=school.id, email=f"s{n:02d}@bench.example", display_name=f"Student {n:02d}",
                role=Role.STUDENT, password_hash="",
            )  # fmt: skip
            session.add(student)
            session.flush()
            session.add(Enrollment(class_id=classroom.id, user_id=student.id))
            people.append(student.id)
        session.flush()
        skill_ids = [
            session.scalar(text("SELECT id FROM skills WHERE course_id = :c AND key = :k"), {"c": course.id, "k": f"s{n:02d}"})
            for n in range(skills)
        ]  # fmt: skip
        items_of = {
            skill_id: [
                row[0]
                for row in session.execute(
                    text("SELECT item_id FROM item_skills WHERE skill_id = :s ORDER BY item_id"),
                    {"s": skill_id},
                )
            ]
            for skill_id in skill_ids
        }
        school_id, class_id, teacher_id = school.id, classroom.id, teacher.id
        token = issue_token(session, teacher, kind="api", lifetime=None)
    per_student = attempts // students
    for number, student_id in enumerate(people):
        ability = rng.uniform(0.6, 1.4)
        idle_days = rng.choice([0, 0, 0, 1, 2, 8, 20])  # some have not practised for a while
        stuck_now = number % 6 == 0  # these end on a run of wrong answers
        end = now - timedelta(days=idle_days, hours=rng.uniform(0, 6))
        moments = sorted(start + (end - start) * rng.random() for _ in range(per_student))
        attempt_rows: list[dict[str, Any]] = []
        evidence_rows: list[dict[str, Any]] = []
        states: dict[int, list[Any]] = {}
        position = 0
        for index, moment in enumerate(moments):
            skill_id = skill_ids[min(position, skills - 1)]
            p = states.setdefault(skill_id, [PARAMS.prior, 0, 0, None, None])[0]
            chance = predict_correct(p, PARAMS) * ability
            correct = rng.random() < min(chance, 0.97) and not (stuck_now and index >= per_student - 5)
            after = update(p, correct, PARAMS)
            state = states[skill_id]
            state[0] = after
            state[1] += 1
            state[2] += int(correct)
            state[3] = moment
            if after >= THRESHOLD and state[4] is None:
                state[4] = moment
            item_id = rng.choice(items_of[skill_id])
            attempt_rows.append(
                dict(
                    school_id=school_id, student_id=student_id, item_id=item_id, skill_id=skill_id,
                    client_attempt_id=f"b{student_id}-{index}", response="1", correct=correct,
                    created_at=moment, hints_used=0, mastery_before=p, mastery_after=after,
                )
            )  # fmt: skip
            evidence_rows.append(
                dict(
                    school_id=school_id, student_id=student_id, skill_id=skill_id, kind="history",
                    item_id=item_id, correct=correct, p_before=p, p_after=after, created_at=moment,
                )
            )  # fmt: skip
            if after >= THRESHOLD and rng.random() < 0.8:
                position += 1  # moves on once mastered (mostly)
        with database.transaction() as session:
            session.execute(insert(Attempt), attempt_rows)
            session.execute(insert(Evidence), evidence_rows)
            session.execute(
                insert(LearnerState),
                [
                    dict(
                        school_id=school_id, student_id=student_id, skill_id=skill_id, p_learned=s[0],
                        attempts=s[1], correct=s[2], last_attempt_at=s[3], mastered_at=s[4],
                    )
                    for skill_id, s in states.items()
                ],
            )  # fmt: skip
    with database.transaction() as session:
        for n in range(4):  # open tasks, half the class has handed in the first two
            task = Assignment(
                school_id=school_id, class_id=class_id, kind="task", title=f"Task {n + 1}",
                instructions="Explain your thinking.", target="class", open_at=now - timedelta(days=10),
                due_at=now - timedelta(days=2 - n * 3), created_by_id=teacher_id,
            )  # fmt: skip
            session.add(task)
            session.flush()
            if n < 2:
                for student_id in people[::2]:
                    session.add(
                        Submission(
                            school_id=school_id, assignment_id=task.id, student_id=student_id,
                            body="My answer.", submitted_at=now - timedelta(days=3), status="submitted",
                        )
                    )  # fmt: skip
    return {"class_id": class_id, "token": token}


def count_statements(client: TestClient, database: Database, url: str, token: str) -> float:
    """SQL statements per request, seen in-process."""
    headers = {"Authorization": f"Bearer {token}"}
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    client.get(url, headers=headers)
    event.listen(database.engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code, response.text[:500])
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    return statements / 5


def time_requests(http: httpx.Client, url: str, token: str, requests: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(5):
        response = http.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code, response.text[:500])
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = http.get(url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return sorted(timings)


@contextmanager
def atpace_server(
    database_url: str, workers: int = 1, extra_env: dict[str, str] | None = None, start_timeout: float = 60.0
) -> Iterator[str]:
    """``atpace serve`` (``workers`` processes) in its own process on a free loopback port, until the block
    ends; ``extra_env`` is added to its environment (benchmarks/load.py uses it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = {
        **os.environ, "ATPACE_ENVIRONMENT": "production", "ATPACE_SECRET_KEY": "b" * 48,
        "ATPACE_FILES_DIR": tempfile.mkdtemp(prefix="atpace-bench-files-"), **(extra_env or {}),
    }  # fmt: skip
    atpace = str(Path(sys.executable).with_name("atpace"))  # the venv's console script
    command = [
        atpace, "serve", "--database-url", database_url, "--port", str(port), "--workers", str(workers)
    ]  # fmt: skip
    # a file, not a pipe: a long run's log would fill a pipe and stall the server
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + start_timeout
            while True:
                if process.poll() is not None:
                    errors.seek(0)
                    raise RuntimeError(f"atpace serve stopped: {errors.read().decode()}")
                try:
                    httpx.get(f"{base}/login", timeout=1.0)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"atpace serve did not start in {start_timeout:.0f} s") from None
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def pages(class_id: int) -> list[tuple[str, str]]:
    return [
        ("Today (page)", f"/classes/{class_id}/today"),
        ("Today (API)", f"/api/classes/{class_id}/today"),
        ("Heatmap (page)", f"/classes/{class_id}"),
        ("Heatmap (API)", f"/api/classes/{class_id}/heatmap"),
        ("Group suggestion (API)", f"/api/classes/{class_id}/groups/suggestion"),
        ("Groups (page)", f"/classes/{class_id}/groups"),
    ]


def measure_pages(
    client: TestClient,
    http: httpx.Client,
    database: Database,
    seeded: dict[str, Any],
    only: str,
    requests: int,
    runs: int,
) -> dict[str, dict[str, float]]:
    """Each page ``runs`` times (the pages in turn, so that a slow moment of the machine does not land on one
    page only); each figure is the median over the runs."""
    chosen = [(name, page) for name, page in pages(seeded["class_id"]) if only.lower() in name.lower()]
    per_run: dict[str, list[list[float]]] = {name: [] for name, _ in chosen}
    for _ in range(runs):
        for name, page in chosen:
            per_run[name].append(time_requests(http, page, seeded["token"], requests))
    results = {}
    print(f"\n{'page':<26}{'median ms':>11}{'p95 ms':>9}{'p99 ms':>9}{'worst p99':>11}{'SQL/request':>13}")
    for name, page in chosen:
        p99s = [t[int(0.99 * (len(t) - 1))] for t in per_run[name]]
        figures = {
            "median_ms": statistics.median(statistics.median(t) for t in per_run[name]),
            "p95_ms": statistics.median(t[int(0.95 * (len(t) - 1))] for t in per_run[name]),
            "p99_ms": statistics.median(p99s),
            "worst_p99_ms": max(p99s),
            "queries": count_statements(client, database, page, seeded["token"]),
        }
        results[name] = figures
        print(
            f"{name:<26}{figures['median_ms']:>11.1f}{figures['p95_ms']:>9.1f}{figures['p99_ms']:>9.1f}"
            f"{figures['worst_p99_ms']:>11.1f}{figures['queries']:>13.0f}"
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=35)
    parser.add_argument("--skills", type=int, default=60)
    parser.add_argument("--attempts", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per page and run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get("ATPACE_BENCH_POSTGRES_URL", DEFAULT_SERVER))
    parser.add_argument("--sqlite", action="store_true", help="use a temporary SQLite database instead")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    args = parser.parse_args()

    admin_engine = None
    if args.sqlite:
        folder = tempfile.mkdtemp(prefix="atpace-bench-")
        url = f"sqlite:///{folder}/bench.db"
    else:
        admin_engine = make_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {BENCH_DB}"))
        url = make_url(args.postgres).set(database=BENCH_DB).render_as_string(hide_password=False)
    database = Database(url)
    try:
        database.upgrade()
        started = time.perf_counter()
        seeded = seed(database, args.students, args.skills, args.attempts)
        if database.engine.dialect.name == "postgresql":
            # A year-old database has been vacuumed and analysed by autovacuum; a freshly bulk-loaded one
            # has no planner statistics yet, which is not what a school runs on.
            with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        print(
            f"seeded {args.attempts} attempts in {time.perf_counter() - started:.0f} s on {database.engine.dialect.name}"
        )
        settings = Settings(
            environment="test", secret_key="b" * 40, cookie_secure=False, files_dir=Path(tempfile.mkdtemp())
        )
        with (
            atpace_server(url) as base,
            httpx.Client(base_url=base, timeout=30.0) as http,
            TestClient(create_app(settings, database), base_url="https://bench") as client,
        ):
            results = measure_pages(client, http, database, seeded, args.only, args.requests, args.runs)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        database.engine.dispose()
        if admin_engine is not None:
            with admin_engine.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"))
            admin_engine.dispose()


if __name__ == "__main__":
    main()
