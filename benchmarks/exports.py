"""Export speed: rows per second of an attempts export, CSV and Parquet, on a synthetic practice log.

usage: python benchmarks/exports.py [--attempts N] [--runs R] [--chunk N] [--database-url URL]

Builds a fresh database (SQLite in a temporary folder, or the PostgreSQL database of ``--database-url``,
whose public schema is DROPPED and recreated: never point it at data you keep), runs the migrations, adds
the demo school, then N synthetic answers spread over the demo class's students and the course's items.
Each run asks for a new whole-school attempts export and runs it exactly as the job does
(``atpace.services.exports.run_export``: keyset chunks, progress noted after each chunk, file written and
renamed). Prints rows/s per format (wall clock, and per CPU second of this process: on a shared machine the wall clock
mostly measures the neighbours), the median over the runs, and the file sizes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from atpace.config import Settings
from atpace.services import exports
from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database, make_engine, upgrade
from atpace.store.tables import Attempt, Classroom, Enrollment, Item, ItemSkill, School
from atpace.store.tables_exports import Export


def fresh(url: str | None, folder: Path) -> str:
    if url is None:
        return f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def load(database: Database, attempts: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with database.transaction() as session:
        ensure_demo_school(session)
        school = session.scalars(select(School).where(School.slug == "riverside")).one()
        classroom = session.scalars(select(Classroom).where(Classroom.school_id == school.id)).first()
        assert classroom is not None
        students = list(
            session.scalars(select(Enrollment.user_id).where(Enrollment.class_id == classroom.id))
        )
        pairs = session.execute(
            select(Item.id, ItemSkill.skill_id)
            .join(ItemSkill, ItemSkill.item_id == Item.id)
            .where(Item.course_id == classroom.course_id)
        ).all()
        school_id = school.id
    start = datetime(2026, 1, 5, 8, tzinfo=UTC)
    batch: list[dict[str, object]] = []
    for n in range(attempts):
        item_id, skill_id = pairs[rng.randrange(len(pairs))]
        correct = rng.random() < 0.7
        batch.append(
            dict(
                school_id=school_id, student_id=rng.choice(students), item_id=item_id, skill_id=skill_id,
                client_attempt_id=str(uuid.UUID(int=rng.getrandbits(128))), response="3/4" if correct else "2/4",
                correct=correct, created_at=start + timedelta(seconds=40 * n), duration_ms=rng.randint(2_000, 90_000),
                hints_used=rng.choice((0, 0, 0, 1, 2)), confidence=None, mastery_before=0.4, mastery_after=0.5,
            )
        )  # fmt: skip
        if len(batch) == 10_000 or n == attempts - 1:
            with database.transaction() as session:
                session.execute(insert(Attempt), batch)
            batch = []
    with database.engine.connect() as connection:  # statistics, as a database in use has them
        connection.execute(text("ANALYZE"))
        connection.commit()


def run_once(database: Database, settings: Settings, fmt: str, chunk: int) -> tuple[int, float, int, float]:
    with database.transaction() as session:
        export_id = exports.request_operator_export(session, "riverside", kind="attempts", fmt=fmt)
    began, cpu = time.perf_counter(), time.process_time()
    exports.run_export(database, settings, export_id, chunk_rows=chunk)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    with database.transaction() as session:
        export = session.get(Export, export_id)
        assert export is not None and export.status == "done", export and export.error
        return export.rows_done, elapsed, export.size or 0, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=exports.CHUNK_ROWS)
    parser.add_argument("--database-url", default=None, help="PostgreSQL (its public schema is dropped!)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="atpace-bench-exports-") as folder:
        url = fresh(args.database_url, Path(folder))
        upgrade(url)
        database = Database(url)
        began = time.perf_counter()
        load(database, args.attempts)
        print(
            f"loaded {args.attempts:,} answers in {time.perf_counter() - began:.1f} s ({database.engine.name})"
        )
        settings = Settings(environment="test", secret_key="b" * 40, files_dir=Path(folder) / "files")
        print(
            "| format | rows | runs | median s | median rows/s | median rows per CPU s (this process) | file size |"
        )
        print("|---|---|---|---|---|---|---|")
        for fmt in ("csv", "parquet"):
            results = [run_once(database, settings, fmt, args.chunk) for _ in range(args.runs)]
            rows = results[0][0]
            seconds = statistics.median(r[1] for r in results)
            rates = statistics.median(r[0] / r[1] for r in results)
            per_cpu = statistics.median(r[0] / r[3] for r in results)
            size = results[0][2] / 1e6
            print(
                f"| {fmt} | {rows:,} | {args.runs} | {seconds:.2f} | {rates:,.0f} | {per_cpu:,.0f} | {size:.1f} MB |"
            )
        database.engine.dispose()


if __name__ == "__main__":
    main()
