"""Throughput of the xAPI outbox: statements per second sent in batches to a real LRS.

usage: python benchmarks/xapi_outbox.py [--statements 6000] [--batch 500] [--runs 3] [--postgres URL] [--json OUT]

Each run: a fresh database (SQLite in a temporary folder, or the PostgreSQL database ``atpace_bench_xapi`` on
the server of ``--postgres``, dropped at the end) with one school, its LRS set and ``--statements`` statements
in the outbox ("answered", built and checked with ralph's models, for 30 students), and a fresh Ralph LRS
(its server in its own virtual environment, tests/service/xapi_ralph.py, made once under .bench/) on a
loopback port. The clock runs over ``send_pending`` alone, from the first claim to the last batch recorded
as sent, over HTTP to the LRS, which checks every statement and every id. Also timed: writing the
statements into the outbox (build, validate, insert), per statement. Figures are medians over the runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from tests.service.xapi_ralph import RalphLRS, ensure_venv  # noqa: E402

from atpace.services.xapi import outbox as box  # noqa: E402
from atpace.services.xapi import send_pending, statements  # noqa: E402
from atpace.store.db import Database, make_engine, upgrade  # noqa: E402
from atpace.store.tables import Role, School, User, utcnow  # noqa: E402
from atpace.store.tables_xapi import XapiLrs, XapiOutbox  # noqa: E402

HOME = "https://atpace.bench.example"
STUDENTS = 30


def database_url(postgres: str | None, folder: Path) -> str:
    if not postgres:
        return f"sqlite:///{folder / 'bench.db'}"
    admin = make_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS atpace_bench_xapi"))
        connection.execute(text("CREATE DATABASE atpace_bench_xapi"))
    admin.dispose()
    return make_url(postgres).set(database="atpace_bench_xapi").render_as_string(hide_password=False)


def fill(database: Database, endpoint: str, count: int) -> float:
    """The outbox of one school with ``count`` statements; returns the seconds the writing took."""
    with database.transaction() as session:
        school = School(slug="bench", name="Bench School")
        session.add(school)
        session.flush()
        students = [
            User(school_id=school.id, email=f"s{n}@bench.example", display_name=f"Student {n}", role=Role.STUDENT,
                 password_hash="")
            for n in range(STUDENTS)
        ]  # fmt: skip
        session.add_all(students)
        session.add(XapiLrs(school_id=school.id, endpoint=endpoint, home_page=HOME, key="atpace", secret="bench-secret"))
        session.flush()
        school_id, ids = school.id, [s.id for s in students]
    course = statements.course_activity(HOME, "fractions", "Fractions")
    started = time.perf_counter()
    with database.transaction() as session:
        for n in range(count):
            student_id = ids[n % STUDENTS]
            account = box.account_for(session, school_id, student_id, HOME)
            facts = statements.AnswerFacts(
                n % 400 + 1, "numeric", n % 3 != 0, {"frac-add": (0.41, 0.47)}, "practice", 4200, 0, 3
            )
            moment = utcnow()
            box._add(session, school_id, student_id, "answered", statements.answered(box.new_id(), account, course, facts, moment), moment)
            if n % 1000 == 999:
                session.flush()
    return time.perf_counter() - started


def one_run(python: Path, postgres: str | None, count: int, batch: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="atpace-xapi-bench-") as tmp:
        folder = Path(tmp)
        url = database_url(postgres, folder)
        upgrade(url)
        database = Database(url)
        server = RalphLRS(python, folder / "lrs", secret="bench-secret")
        server.start()
        try:
            write_s = fill(database, server.endpoint, count)
            started = time.perf_counter()
            sent = send_pending(database, None, batch_size=batch, max_batches=count // batch + 10)
            send_s = time.perf_counter() - started
            with database.transaction() as session:
                left = session.scalar(select(func.count()).select_from(XapiOutbox).where(XapiOutbox.sent_at.is_(None)))
            stored = len(set(server.statement_ids()))
            assert sent == count and left == 0 and stored == count, (sent, left, stored)
        finally:
            server.stop()
            database.engine.dispose()
            if postgres:
                admin = make_engine(postgres, isolation_level="AUTOCOMMIT")
                with admin.connect() as connection:
                    connection.execute(text("DROP DATABASE IF EXISTS atpace_bench_xapi"))
                admin.dispose()
    return {"send_per_s": count / send_s, "send_s": send_s, "write_us": write_s / count * 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=6000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    python = ensure_venv()
    runs = []
    for n in range(args.runs):
        result = one_run(python, args.postgres, args.statements, args.batch)
        runs.append(result)
        print(f"run {n + 1}: {result['send_per_s']:,.0f} statements/s sent ({result['send_s']:.2f} s), "
              f"outbox write {result['write_us']:.0f} µs/statement", flush=True)  # fmt: skip
    summary = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, {platform.python_version()}",
        "database": "postgresql" if args.postgres else "sqlite", "statements": args.statements,
        "batch": args.batch, "runs": args.runs,
        "send_per_s_median": statistics.median(r["send_per_s"] for r in runs),
        "write_us_median": statistics.median(r["write_us"] for r in runs),
    }  # fmt: skip
    print(
        f"\n| database | statements | batch | sent per second (median of {args.runs}) | outbox write per statement |\n"
        f"|---|---|---|---|---|\n| {summary['database']} | {args.statements:,} | {args.batch} | "
        f"{summary['send_per_s_median']:,.0f} | {summary['write_us_median']:.0f} µs |"
    )
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
