"""Load benchmark: a realistic mix of students and teachers against `atpace serve` on PostgreSQL with 1, 2
and 4 workers, and Kolibri's comparable reads beside it.

usage: python benchmarks/load.py [--workers 1,2,4] [--duration 20] [--users 40] [--practice-users 24]
                                 [--compare-clients 10] [--compare-duration 10] [--students 35]
                                 [--pool 400] [--skills 60] [--attempts 60000] [--no-kolibri]
                                 [--profile] [--postgres URL] [--database NAME] [--json OUT]

The data: benchmarks/teacher_pages.py's class (``--students`` students with a year of practice, ``--attempts``
answers on a course of ``--skills`` skills) and its teacher, plus ``--pool`` fresh students in other
classes of the same course, who do the practising (a class that answers for long enough masters the
course; a student who has, answers 409, and its virtual user takes the next one from the pool).

Each worker count runs three phases against a fresh `atpace serve --workers N` (closed loop: each virtual
user has one kept-alive connection and sends its next request when the last one is answered, no think
time, so the figures are what the server sustains; a warm-up of a fifth of the phase is not counted):

- mix (``--users``, ``--duration`` s): nine in ten are students in the practice loop (next item, a hint
  one time in ten, the answer, three in four right; every 20th item they open their map, ``/learn``), one
  in ten are teachers who open the class heatmap, the Today page and a student's page (4:3:3);
- practice (``--practice-users``, ``--duration`` s): only the practice loop; "practice loop" is the time
  of the answer and the next item together (what a student waits between two items);
- compare (``--compare-clients`` clients, ``--compare-duration`` s for each): atpace's class heatmap (API
  and page), a student's map (API and page) and sign-in (``POST /api/auth/token``), each alone; then
  Kolibri (benchmarks/load_kolibri.py, started once and idle while atpace is measured, on the same
  machine) serves its coach class summary, the learner's classroom and sign-in (``POST
  /api/auth/session/``) to as many clients, right after atpace's, so that both meet the same machine.

It prints, per phase and route, the throughput (requests answered without an error, per second), the
median, p95 and p99 (ms, as the client sees them, failed requests included), errors (a timeout, a refused
connection or an unexpected status), and SQL statements per request, counted in the server
(benchmarks/load_queries: only the benchmark's server loads it), then the ratios to Kolibri, the targets
and whether a worker made any route slower. Sign-in is throttled by atpace; the benchmark's server
raises the limits (ATPACE_LOGIN_FAILURES_PER_MINUTE, ATPACE_LOGIN_ATTEMPTS_PER_MINUTE_PER_CLIENT) so
that it measures the sign-in rather than the throttle. ``--profile`` also profiles one request path of
each kind in-process (cProfile, the app's thread pool run inline) and sorts its time into queries,
learner model, templates, web framework and the rest. PostgreSQL gets its own database ``--database`` (default
atpace_bench_load) on the server of ``--postgres``, dropped at the end; everything is bounded (users,
durations, a ``--timeout`` on each request).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import json
import os
import pstats
import random
import re
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, text, update
from sqlalchemy.engine import make_url

import load_kolibri
import teacher_pages
from atpace.config import Settings
from atpace.services.auth import hash_password, issue_token
from atpace.store.db import Database, make_engine
from atpace.store.tables import Classroom, Enrollment, Role, User
from load_http import Connection, HTTPError, Response

ROOT = Path(__file__).resolve().parent.parent
QUERY_HOOK = Path(__file__).resolve().parent / "load_queries"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench-password-1"
PROMPT = re.compile(r"What is (\d+) \+ (\d+)\?")
LOOP = "practice loop (answer + next)"
User_ = Callable[[Connection, "Stats", random.Random], Awaitable[None]]


# -- measuring ---------------------------------------------------------------------------------------------


@dataclass
class Stats:
    users: int  # the clock starts once each of them is ready (signed in, for Kolibri's)
    warm_up: float
    duration: float
    start: float = float("inf")  # requests that end before this are warm-up, not counted
    stop: float = float("inf")
    waiting: int = 0
    started: asyncio.Event = field(default_factory=asyncio.Event)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    queries: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    examples: dict[str, str] = field(default_factory=dict)

    def running(self) -> bool:
        return time.perf_counter() < self.stop

    async def ready(self) -> None:
        """Wait for the other users; the warm-up starts when the last one is ready."""
        self.waiting += 1
        if self.waiting == self.users:
            now = time.perf_counter()
            self.start, self.stop = now + self.warm_up, now + self.warm_up + self.duration
            self.started.set()
        await self.started.wait()

    def add(self, route: str, began: float, ok: bool, queries: int | None = None, error: str = "") -> None:
        now = time.perf_counter()
        if not self.start <= now <= self.stop:
            return  # counted: the requests that end within the measured seconds
        self.times[route].append((now - began) * 1000)
        if not ok:
            self.errors[route] += 1
            self.examples.setdefault(route, error[:300])
        if queries is not None:
            self.queries[route].append(queries)

    def table(self) -> dict[str, dict[str, float]]:
        seconds = self.stop - self.start
        result = {}
        for route in sorted(self.times):
            times = sorted(self.times[route])
            queries = self.queries.get(route)
            result[route] = {
                "requests": len(times),
                "per_s": (len(times) - self.errors.get(route, 0)) / seconds,  # answered without an error
                "p50_ms": percentile(times, 0.5),
                "p95_ms": percentile(times, 0.95), "p99_ms": percentile(times, 0.99),
                "errors": self.errors.get(route, 0),
                "queries": statistics.fmean(queries) if queries else float("nan"),
            }  # fmt: skip
        return result


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def call(
    stats: Stats,
    route: str,
    connection: Connection,
    method: str,
    path: str,
    headers: dict[str, str],
    json_body: Any = None,
    expect: tuple[int, ...] = (200,),
) -> Response | None:
    began = time.perf_counter()
    try:
        response = await connection.request(method, path, headers, json_body=json_body)
    except HTTPError as error:
        stats.add(route, began, False, error=str(error))
        await asyncio.sleep(0.05)  # a server that refuses is not hammered in a tight loop
        return None
    counted = response.headers.get("x-bench-queries")
    queries = int(counted) if counted is not None else None
    if response.status not in expect:
        stats.add(route, began, False, queries, f"{response.status} {response.body[:200]!r}")
        return None
    stats.add(route, began, True, queries)
    return response


async def run_phase(port: int, users: list[User_], duration: float, timeout: float, seed: int) -> Stats:
    """The users for ``duration`` seconds after a warm-up of a fifth of it, each on its own connection."""
    warm_up = duration / 5
    stats = Stats(len(users), warm_up, duration)

    async def one(user: User_, number: int) -> None:
        connection = Connection("127.0.0.1", port, timeout)
        try:
            await user(connection, stats, random.Random(seed * 1000 + number))
        finally:
            await connection.close()

    await asyncio.wait_for(
        asyncio.gather(*(one(user, n) for n, user in enumerate(users))), warm_up + duration + 2 * timeout + 60
    )
    return stats


def print_table(title: str, table: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'route':<42}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'SQL/req':>9}")
    for route, row in table.items():
        print(
            f"{route:<42}{row['per_s']:>9.1f}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}"
            f"{row['errors']:>8.0f}{row['queries']:>9.1f}"
        )


# -- the data ----------------------------------------------------------------------------------------------


@dataclass
class Seeded:
    class_id: int
    teacher_token: str
    class_students: list[tuple[int, str, str]]  # (id, e-mail, token): the class with a year of practice
    pool: list[str] = field(default_factory=list)  # tokens of fresh students who do the practising


def seed(database: Database, students: int, pool: int, skills: int, attempts: int) -> Seeded:
    base = teacher_pages.seed(database, students, skills, attempts)
    class_id = int(base["class_id"])
    with database.transaction() as session:
        classroom = session.get(Classroom, class_id)
        assert classroom is not None
        members = list(
            session.scalars(
                select(User).join(Enrollment, Enrollment.user_id == User.id)
                .where(Enrollment.class_id == class_id).order_by(User.id)
            )
        )  # fmt: skip
        session.execute(
            update(User)
            .where(User.id.in_([m.id for m in members]))
            .values(password_hash=hash_password(PASSWORD))
        )
        class_students = [
            (m.id, m.email, issue_token(session, m, kind="api", lifetime=None)) for m in members
        ]
        tokens = []
        for number in range(pool):
            if number % 40 == 0:
                extra = Classroom(
                    school_id=classroom.school_id,
                    course_id=classroom.course_id,
                    name=f"Practice {number // 40}",
                )
                session.add(extra)
                session.flush()
            student = User(
                school_id=classroom.school_id, email=f"p{number:04d}@bench.example",
                display_name=f"Practising {number:04d}", role=Role.STUDENT, password_hash="",
            )  # fmt: skip
            session.add(student)
            session.flush()
            session.add(Enrollment(class_id=extra.id, user_id=student.id))
            tokens.append(issue_token(session, student, kind="api", lifetime=None))
    return Seeded(class_id, str(base["token"]), class_students, tokens)


@contextmanager
def bench_database(server: str, name: str) -> Iterator[str]:
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- atpace's virtual users --------------------------------------------------------------------------------


def answer_to(prompt: str, right: bool) -> str:
    match = PROMPT.search(prompt)
    value = int(match.group(1)) + int(match.group(2)) if match else 0
    return str(value if right else value + 1)


def practising(
    pool: list[str], hint_share: float = 0.1, map_every: int = 0, right_share: float = 0.75
) -> User_:
    """A student in the practice loop; on 409 (course mastered) the next student of the pool takes over."""

    async def user(connection: Connection, stats: Stats, rng: random.Random) -> None:
        await stats.ready()
        item: dict[str, Any] | None = None
        done = 0
        while stats.running() and pool:
            headers = {"Authorization": f"Bearer {pool.pop()}"}
            while stats.running():
                if item is None:
                    response = await call(
                        stats, "practice: next item", connection, "POST", "/api/practice/next", headers, {},
                        expect=(200, 409),
                    )  # fmt: skip
                    if response is None or response.status == 409:
                        break
                    item = response.json()
                if item["hint_count"] and rng.random() < hint_share:
                    hint = f"/api/items/{item['item_id']}/hints/1"
                    await call(stats, "practice: hint", connection, "GET", hint, headers)
                began = time.perf_counter()
                body = {
                    "item_id": item["item_id"],
                    "response": answer_to(item["prompt"], rng.random() < right_share),
                    "client_attempt_id": uuid.uuid4().hex,
                }  # fmt: skip
                answered = await call(
                    stats,
                    "practice: answer",
                    connection,
                    "POST",
                    "/api/attempts",
                    headers,
                    body,
                    expect=(201,),
                )
                following = await call(
                    stats, "practice: next item", connection, "POST", "/api/practice/next", headers, {},
                    expect=(200, 409),
                )  # fmt: skip
                if answered is not None and following is not None:
                    stats.add(LOOP, began, True)
                item = following.json() if following is not None and following.status == 200 else None
                done += 1
                if map_every and done % map_every == 0:
                    await call(stats, "student: map (page)", connection, "GET", "/learn", headers)
                if following is not None and following.status == 409:
                    break

    return user


def teacher(seeded: Seeded) -> User_:
    """Heatmap, Today and a student's page, 4:3:3."""
    headers = {"Authorization": f"Bearer {seeded.teacher_token}"}
    pages = [
        ("teacher: heatmap (page)", f"/classes/{seeded.class_id}"),
        ("teacher: Today (page)", f"/classes/{seeded.class_id}/today"),
    ]

    async def user(connection: Connection, stats: Stats, rng: random.Random) -> None:
        await stats.ready()
        while stats.running():
            draw = rng.random()
            if draw < 0.4:
                route, path = pages[0]
            elif draw < 0.7:
                route, path = pages[1]
            else:
                student_id = rng.choice(seeded.class_students)[0]
                route, path = "teacher: student page", f"/classes/{seeded.class_id}/students/{student_id}"
            await call(stats, route, connection, "GET", path, headers)

    return user


def reader(route: str, path: str, tokens: list[str]) -> User_:
    """One read again and again, as the students (or teacher) of ``tokens`` in turn."""

    async def user(connection: Connection, stats: Stats, rng: random.Random) -> None:
        await stats.ready()
        while stats.running():
            headers = {"Authorization": f"Bearer {rng.choice(tokens)}"}
            await call(stats, route, connection, "GET", path, headers)

    return user


def signing_in(emails: list[str]) -> User_:
    async def user(connection: Connection, stats: Stats, rng: random.Random) -> None:
        await stats.ready()
        while stats.running():
            body = {"email": rng.choice(emails), "password": PASSWORD, "name": "bench"}
            await call(stats, "sign-in (API)", connection, "POST", "/api/auth/token", {}, body, expect=(201,))

    return user


# -- Kolibri's virtual users -------------------------------------------------------------------------------


async def kolibri_session(
    connection: Connection, kolibri: load_kolibri.Kolibri, username: str, password: str
) -> str:
    body = {"username": username, "password": password, "facility": kolibri.facility_id}
    response = await connection.request("POST", "/api/auth/session/", json_body=body)
    if response.status != 200 or "kolibri" not in response.cookies:
        raise RuntimeError(f"Kolibri sign-in failed: {response.status} {response.body[:200]!r}")
    return f"kolibri={response.cookies['kolibri']}"


def kolibri_reader(kolibri: load_kolibri.Kolibri, route: str, path: str, coach: bool) -> User_:
    async def user(connection: Connection, stats: Stats, rng: random.Random) -> None:
        if coach:
            cookie = await kolibri_session(connection, kolibri, *load_kolibri.COACH)
        else:
            learner = rng.choice(kolibri.learners)
            cookie = await kolibri_session(connection, kolibri, learner, load_kolibri.LEARNER_PASSWORD)
        await stats.ready()
        while stats.running():
            await call(stats, route, connection, "GET", path, {"Cookie": cookie})

    return user


def kolibri_signing_in(kolibri: load_kolibri.Kolibri) -> User_:
    async def user(connection: Connection, stats: Stats, rng: random.Random) -> None:
        await stats.ready()
        while stats.running():
            body = {
                "username": rng.choice(kolibri.learners), "password": load_kolibri.LEARNER_PASSWORD,
                "facility": kolibri.facility_id,
            }  # fmt: skip
            await call(stats, "sign-in", connection, "POST", "/api/auth/session/", {}, body)

    return user


def measure_kolibri(
    kolibri: load_kolibri.Kolibri, port: int, workers: int, args: argparse.Namespace
) -> dict[str, dict[str, float]]:
    """Kolibri's three reads, right after atpace's with ``workers`` workers: both meet the same machine."""
    reads: list[tuple[str, Callable[[], User_]]] = [
        ("coach class summary", lambda: kolibri_reader(
            kolibri, "coach class summary", f"/coach/api/classsummary/{kolibri.class_id}/", coach=True)),
        ("learner's classroom", lambda: kolibri_reader(
            kolibri, "learner's classroom", "/learn/api/learnerclassroom/", coach=False)),
        ("sign-in", lambda: kolibri_signing_in(kolibri)),
    ]  # fmt: skip
    results: dict[str, dict[str, float]] = {}
    for _, make in reads:
        users = [make() for _ in range(args.compare_clients)]
        stats = asyncio.run(run_phase(port, users, args.compare_duration, args.timeout, 3))
        results.update(stats.table())
        if stats.examples:
            print(f"  Kolibri errors: {json.dumps(stats.examples)[:1500]}")
    title = f"Kolibri {load_kolibri.KOLIBRI_VERSION}, after atpace with {workers} worker(s)"
    print_table(f"{title} ({args.compare_clients} clients each)", results)
    return results


# -- atpace's phases ---------------------------------------------------------------------------------------


def measure_atpace(
    url: str, workers: int, seeded: Seeded, args: argparse.Namespace
) -> dict[str, dict[str, dict[str, float]]]:
    env = {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(QUERY_HOOK), os.environ.get("PYTHONPATH", "")])),
        "ATPACE_BENCH_COUNT_QUERIES": "1", "ATPACE_LOGIN_FAILURES_PER_MINUTE": "1000",
        "ATPACE_LOGIN_ATTEMPTS_PER_MINUTE_PER_CLIENT": "100000",
    }  # fmt: skip
    class_tokens = [token for _, _, token in seeded.class_students]
    emails = [email for _, email, _ in seeded.class_students]
    heatmap = f"/api/classes/{seeded.class_id}/heatmap"
    compare: list[tuple[str, Callable[[], User_]]] = [
        ("class heatmap (API)", lambda: reader("class heatmap (API)", heatmap, [seeded.teacher_token])),
        ("class heatmap (page)", lambda: reader(
            "class heatmap (page)", f"/classes/{seeded.class_id}", [seeded.teacher_token])),
        ("student's map (API)", lambda: reader(
            "student's map (API)", "/api/students/me/progress", class_tokens)),
        ("student's map (page)", lambda: reader("student's map (page)", "/learn", class_tokens)),
        ("sign-in (API)", lambda: signing_in(emails)),
    ]  # fmt: skip
    results: dict[str, dict[str, dict[str, float]]] = {}
    with teacher_pages.atpace_server(url, workers, env, args.start_timeout) as base:
        port = int(base.rsplit(":", 1)[1])
        teachers = max(1, args.users // 10)
        mix = [teacher(seeded) for _ in range(teachers)]
        mix += [practising(seeded.pool, map_every=20) for _ in range(args.users - teachers)]
        for phase, users in [
            ("mix", mix), ("practice", [practising(seeded.pool) for _ in range(args.practice_users)])
        ]:  # fmt: skip
            stats = asyncio.run(run_phase(port, users, args.duration, args.timeout, workers))
            results[phase] = stats.table()
            print_table(
                f"atpace, {workers} worker(s): {phase} ({len(users)} users, {args.duration:.0f} s)",
                results[phase],
            )
            if stats.examples:
                print(f"  errors: {json.dumps(stats.examples)[:1500]}")
        results["compare"] = {}
        for _, make in compare:
            users = [make() for _ in range(args.compare_clients)]
            stats = asyncio.run(run_phase(port, users, args.compare_duration, args.timeout, workers))
            results["compare"].update(stats.table())
            if stats.examples:
                print(f"  errors: {json.dumps(stats.examples)[:1500]}")
        print_table(
            f"atpace, {workers} worker(s): compare ({args.compare_clients} clients each)", results["compare"]
        )
        print(f"  {len(seeded.pool)} fresh students left in the pool", flush=True)
    return results


# -- profile -----------------------------------------------------------------------------------------------

CATEGORIES = [
    ("database driver (psycopg, waiting on PostgreSQL)", ("/psycopg/", "/psycopg_binary/", "/psycopg_pool/")),
    ("SQLAlchemy (building queries, ORM)", ("/sqlalchemy/",)),
    ("learner model (atpace/engine)", ("/atpace/engine/",)),
    ("atpace services and store", ("/atpace/services/", "/atpace/store/", "/atpace/content/")),
    ("templates (Jinja2)", ("/jinja2/", "/atpace/web/templates/", "<template>")),
    ("atpace web layer", ("/atpace/web/",)),
    ("FastAPI, Starlette, Pydantic, anyio", ("/fastapi/", "/starlette/", "/pydantic", "/anyio/")),
]


def category(filename: str) -> str:
    for name, markers in CATEGORIES:
        if any(marker in filename for marker in markers):
            return name
    return "other (Python, stdlib, builtins)"


async def asgi_request(
    app: Any, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, bytes]:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80), "state": {},
    }  # fmt: skip
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


def profile(url: str, seeded: Seeded, requests: int) -> dict[str, dict[str, float]]:
    """Each request path ``requests`` times in this thread (the thread pool run inline, so that cProfile
    sees the endpoint), its time sorted into categories; the SQL time is the wall time between a cursor's
    execute and its end, as SQLAlchemy's events see it."""
    import anyio.to_thread

    from atpace.web.app import create_app

    async def inline(func: Callable[..., Any], *args: Any, **_options: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = inline  # type: ignore[assignment]
    database = Database(url)
    settings = Settings(
        environment="test", secret_key="p" * 40, cookie_secure=False, files_dir=Path(tempfile.mkdtemp())
    )
    app = create_app(settings, database)
    sql = {"seconds": 0.0, "statements": 0}
    started: list[float] = []

    def before(*_args: object) -> None:
        started.append(time.perf_counter())

    def after(*_args: object) -> None:
        sql["seconds"] += time.perf_counter() - started.pop()
        sql["statements"] += 1

    event.listen(database.engine, "before_cursor_execute", before)
    event.listen(database.engine, "after_cursor_execute", after)
    teacher_headers = {"Authorization": f"Bearer {seeded.teacher_token}"}
    student_token = seeded.pool.pop()
    student_headers = {"Authorization": f"Bearer {student_token}", "Content-Type": "application/json"}
    rng = random.Random(5)

    async def practice_loop() -> None:
        status, body = await asgi_request(app, "POST", "/api/practice/next", student_headers, b"{}")
        assert status == 200, body[:300]
        item = json.loads(body)
        answer = {
            "item_id": item["item_id"], "response": answer_to(item["prompt"], rng.random() < 0.75),
            "client_attempt_id": uuid.uuid4().hex,
        }  # fmt: skip
        status, body = await asgi_request(
            app, "POST", "/api/attempts", student_headers, json.dumps(answer).encode()
        )
        assert status == 201, body[:300]

    def getter(path: str, headers: dict[str, str]) -> Callable[[], Awaitable[None]]:
        async def get() -> None:
            status, body = await asgi_request(app, "GET", path, headers)
            assert status == 200, (path, status, body[:300])

        return get

    class_student = {"Authorization": f"Bearer {seeded.class_students[0][2]}"}
    paths: list[tuple[str, Callable[[], Awaitable[None]]]] = [
        ("practice loop (next + answer, API)", practice_loop),
        ("class heatmap (page)", getter(f"/classes/{seeded.class_id}", teacher_headers)),
        ("class heatmap (API)", getter(f"/api/classes/{seeded.class_id}/heatmap", teacher_headers)),
        ("student's map (page)", getter("/learn", class_student)),
        ("Today (page)", getter(f"/classes/{seeded.class_id}/today", teacher_headers)),
    ]
    results: dict[str, dict[str, float]] = {}

    async def run_all() -> None:
        async with app.router.lifespan_context(app):
            for name, run in paths:
                for _ in range(5):
                    await run()  # warm
                sql.update(seconds=0.0, statements=0)
                profiler = cProfile.Profile()
                wall = time.perf_counter()
                profiler.enable()
                for _ in range(requests):
                    await run()
                profiler.disable()
                wall = time.perf_counter() - wall
                results[name] = report_profile(name, profiler, wall, requests, sql)

    asyncio.run(run_all())
    database.engine.dispose()
    return results


def report_profile(
    name: str, profiler: cProfile.Profile, wall: float, requests: int, sql: dict[str, float]
) -> dict[str, float]:
    stats = pstats.Stats(profiler)
    by_category: dict[str, float] = defaultdict(float)
    entries = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, _function), (_cc, _nc, own, _cum, _callers) in entries.items():
        by_category[category(filename)] += own
    total = sum(by_category.values())
    per_request = wall / requests * 1000
    print(f"\nprofile: {name}, {requests} requests, {per_request:.1f} ms each under cProfile")
    print(
        f"  SQL: {sql['statements'] / requests:.1f} statements, {sql['seconds'] / requests * 1000:.1f} ms "
        f"from execute to result ({sql['seconds'] / wall:.0%} of the wall time)"
    )
    for label, seconds in sorted(by_category.items(), key=lambda kv: -kv[1]):
        print(f"  {label:<52}{seconds / total:>6.0%}")
    top = sorted(entries.items(), key=lambda kv: -kv[1][2])[:8]
    print("  top functions by own time:")
    for (filename, line, function), (_cc, calls, own, _cum, _callers) in top:
        where = filename.split("site-packages/")[-1].split("/src/")[-1]
        print(
            f"    {own / requests * 1000:7.2f} ms  {calls / requests:7.1f} calls  {function} ({where}:{line})"
        )
    return {
        "ms_per_request_profiled": per_request,
        "sql_ms": sql["seconds"] / requests * 1000,
        "sql_statements": sql["statements"] / requests,
        **{label: seconds / total for label, seconds in by_category.items()},
    }


# -- summary -----------------------------------------------------------------------------------------------


def summary(
    atpace: dict[int, dict[str, dict[str, dict[str, float]]]],
    kolibris: dict[int, dict[str, dict[str, float]]],
) -> dict[str, Any]:
    out: dict[str, Any] = {"targets": {}, "ratios": {}, "slower_with_more_workers": []}
    print("\ntargets")
    for workers, phases in atpace.items():
        practice = phases["practice"]
        answers = practice.get("practice: answer", {}).get("per_s", 0.0)
        loop_p99 = practice.get(LOOP, {}).get("p99_ms", float("nan"))
        ok = answers >= 500 and loop_p99 <= 50
        out["targets"][f"practice_{workers}w"] = {
            "answers_per_s": answers,
            "loop_p99_ms": loop_p99,
            "met": ok,
        }
        print(
            f"  {workers} worker(s): practice loop {answers:.0f} answers/s (target >= 500), "
            f"p99 of answer + next {loop_p99:.1f} ms (target <= 50): {'met' if ok else 'NOT met'}"
        )
    if kolibris:
        pairs = [
            ("class heatmap (API)", "coach class summary"), ("class heatmap (page)", "coach class summary"),
            ("student's map (API)", "learner's classroom"), ("student's map (page)", "learner's classroom"),
            ("sign-in (API)", "sign-in"),
        ]  # fmt: skip
        print("\nratios to Kolibri (requests per second, same number of clients)")
        for workers, phases in atpace.items():
            kolibri = kolibris.get(workers, {})
            for ours, theirs in pairs:
                if ours in phases["compare"] and theirs in kolibri and kolibri[theirs]["per_s"] > 0:
                    ratio = phases["compare"][ours]["per_s"] / kolibri[theirs]["per_s"]
                    out["ratios"][f"{ours} / Kolibri {theirs}, {workers}w"] = ratio
                    mark = ""
                    if ours == "class heatmap (API)":
                        mark = "  (target >= 10: " + ("met)" if ratio >= 10 else "NOT met)")
                    print(f"  {workers} worker(s): {ours} / Kolibri {theirs}: {ratio:.1f}x{mark}")
    counts = sorted(atpace)
    print("\nadding a worker (median and p99 of each route in the mix, more than 10% slower is listed)")
    for fewer, more in itertools.pairwise(counts):
        for route, row in atpace[fewer]["mix"].items():
            after = atpace[more]["mix"].get(route)
            if after is None:
                continue
            for key in ("p50_ms", "p99_ms"):
                if after[key] > row[key] * 1.1:
                    line = f"{route} {key}: {row[key]:.1f} ms with {fewer}, {after[key]:.1f} ms with {more}"
                    out["slower_with_more_workers"].append(line)
                    print(f"  slower: {line}")
    if not out["slower_with_more_workers"]:
        print("  no route was slower with more workers")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", default="1,2,4", help="worker counts, comma-separated")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of the mix and practice phases")
    parser.add_argument("--users", type=int, default=40, help="virtual users in the mix")
    parser.add_argument("--practice-users", type=int, default=24)
    parser.add_argument("--compare-clients", type=int, default=10)
    parser.add_argument("--compare-duration", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds allowed to one request")
    parser.add_argument(
        "--start-timeout", type=float, default=180.0, help="seconds allowed to start a server"
    )
    parser.add_argument("--students", type=int, default=35)
    parser.add_argument("--pool", type=int, default=400, help="fresh students who do the practising")
    parser.add_argument("--skills", type=int, default=60)
    parser.add_argument("--attempts", type=int, default=60_000)
    parser.add_argument("--no-kolibri", action="store_true")
    parser.add_argument("--profile", action="store_true", help="also profile each request path in-process")
    parser.add_argument("--profile-requests", type=int, default=50)
    parser.add_argument("--postgres", default=os.environ.get("ATPACE_BENCH_POSTGRES_URL", DEFAULT_SERVER))
    parser.add_argument("--database", default="atpace_bench_load")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    worker_counts = [int(n) for n in args.workers.split(",")]
    for number in (args.users, args.practice_users, args.compare_clients):
        if not 1 <= number <= 500:
            parser.error("users and clients: 1 to 500")
    if not 1 <= args.duration <= 600 or not 1 <= args.compare_duration <= 600:
        parser.error("durations: 1 to 600 s")

    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, load average {os.getloadavg()}")
    results: dict[str, Any] = {"kolibri": {}, "atpace": {}, "profile": None}
    with ExitStack() as stack:
        kolibri = None if args.no_kolibri else load_kolibri.provision(ROOT / ".bench", args.students)
        kolibri_port = stack.enter_context(load_kolibri.kolibri_server(kolibri)) if kolibri else 0
        url = stack.enter_context(bench_database(args.postgres, args.database))
        database = Database(url)
        database.upgrade()
        began = time.perf_counter()
        seeded = seed(database, args.students, args.pool, args.skills, args.attempts)
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        database.engine.dispose()
        print(f"seeded in {time.perf_counter() - began:.0f} s", flush=True)
        if args.profile:
            results["profile"] = profile(url, seeded, args.profile_requests)
        for workers in worker_counts:
            results["atpace"][workers] = measure_atpace(url, workers, seeded, args)
            if kolibri:
                results["kolibri"][workers] = measure_kolibri(kolibri, kolibri_port, workers, args)
            print(f"load average {os.getloadavg()}", flush=True)
    results["summary"] = summary(results["atpace"], results["kolibri"])
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
