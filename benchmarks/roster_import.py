"""Time the OneRoster roster import on SQLite and PostgreSQL: first import, the same files again, a delta.

usage: python benchmarks/roster_import.py [--users 10000] [--classes 400] [--enrollments 30000] [--runs 3]
                                          [--postgres URL | --no-postgres] [--no-sqlite] [--json OUT]

The packages come from benchmarks/gen_oneroster.py (bulk with demographics, and the delta that follows it).
Each run starts from an empty, migrated database with one school; each figure is the wall time of reading
the package, importing it (the sign-in links included) and committing, as `atpace roster import` does.
The table shows the median of the runs. PostgreSQL gets its own database, ``atpace_bench``, created on the
server of ``--postgres`` (default: $ATPACE_BENCH_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/postgres,
used only to create and drop it) and dropped at the end.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from sqlalchemy import text
from sqlalchemy.engine import make_url

from atpace.interop.oneroster import read_roster
from atpace.services.roster import RosterReport, import_roster
from atpace.services.schools import create_school
from atpace.store.db import Database, make_engine

BENCH_DB = "atpace_bench"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
STEPS = ("first import", "same files again", "delta")


def generator() -> ModuleType:
    path = Path(__file__).with_name("gen_oneroster.py")
    spec = importlib.util.spec_from_file_location("gen_oneroster", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_oneroster", module)
    spec.loader.exec_module(module)
    return module


def timed_import(database: Database, package: Path) -> tuple[float, RosterReport]:
    start = time.perf_counter()
    roster = read_roster(package)
    with database.transaction() as session:
        from atpace.store.tables import School

        school = session.query(School).filter_by(slug="bench").one()
        report = import_roster(session, school, roster, apply=True)
    elapsed = time.perf_counter() - start
    if not report.ok:
        raise SystemExit(f"the import failed: {report.problems[:5]}")
    return elapsed, report


def one_run(make_database: Callable[[], Database], bulk: Path, delta: Path) -> list[float]:
    database = make_database()
    try:
        database.upgrade()
        with database.transaction() as session:
            create_school(session, "bench", "Benchmark Middle School")
        first, report = timed_import(database, bulk)
        again, same = timed_import(database, bulk)
        assert same.changed == 0, "a second import changed something"
        changed, _delta = timed_import(database, delta)
        print(
            f"    {first:6.2f} s, {again:6.2f} s, {changed:6.2f} s "
            f"({report.tables['users'].created} users, {report.tables['enrollments'].created} enrolments,"
            f" {len(report.links)} links)",
            flush=True,
        )
        return [first, again, changed]
    finally:
        database.engine.dispose()


def sqlite_database(folder: Path) -> Callable[[], Database]:
    counter = iter(range(1000))

    def make() -> Database:
        return Database(f"sqlite:///{folder / f'bench-{next(counter)}.db'}")

    return make


def postgres_database(server: str) -> tuple[Callable[[], Database], Callable[[], None]]:
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    url = make_url(server).set(database=BENCH_DB).render_as_string(hide_password=False)

    def recreate() -> Database:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{BENCH_DB}"'))
        return Database(url)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
        admin.dispose()

    return recreate, drop


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--classes", type=int, default=400)
    parser.add_argument("--enrollments", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--postgres", default=os.environ.get("ATPACE_BENCH_POSTGRES_URL", DEFAULT_SERVER), help="server URL"
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    gen = generator()
    results: dict[str, list[list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="atpace-roster-bench-") as tmp:
        folder = Path(tmp)
        plan = gen.Plan(args.users, args.classes, args.enrollments, 7)
        gen.write(folder / "bulk.zip", gen.bulk(plan, demographics=True), "bulk")
        gen.write(
            folder / "delta.zip", gen.delta(gen.Plan(args.users, args.classes, args.enrollments, 7)), "delta"
        )
        print(
            f"{args.users} users, {args.classes} classes, {args.enrollments} enrolments; {os.cpu_count()} CPUs;"
            f" load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        backends: list[tuple[str, Callable[[], Database], Callable[[], None] | None]] = []
        if not args.no_sqlite:
            backends.append(("SQLite", sqlite_database(folder), None))
        if not args.no_postgres:
            make, drop = postgres_database(args.postgres)
            backends.append(("PostgreSQL", make, drop))
        for name, make_database, cleanup in backends:
            print(f"  {name}: {args.runs} runs (first import, same files again, delta)")
            try:
                results[name] = [
                    one_run(make_database, folder / "bulk.zip", folder / "delta.zip")
                    for _ in range(args.runs)
                ]
            finally:
                if cleanup is not None:
                    cleanup()
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print(f"| backend | {' | '.join(STEPS)} |")
    print("|---|" + "---:|" * len(STEPS))
    medians: dict[str, dict[str, float]] = {}
    for name, runs in results.items():
        medians[name] = {step: statistics.median(run[i] for run in runs) for i, step in enumerate(STEPS)}
        print(f"| {name} | " + " | ".join(f"{medians[name][step]:.2f} s" for step in STEPS) + " |")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"sizes": vars(args) | {"json": None}, "runs": results, "medians": medians},
                indent=2,
                default=str,
            )
        )


if __name__ == "__main__":
    main()
