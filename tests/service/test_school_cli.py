"""`atpace demo --database-url`: the demo school in a database of one's choice (PostgreSQL too)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from atpace.cli import app
from atpace.store.db import Database, make_engine
from atpace.store.tables import Classroom, School, User
from tests.service.conftest import POSTGRES_ENV
from tests.service.test_concurrency import _postgres_database

runner = CliRunner()


DEMO_CLASSES = 2  # the fractions class and the reading class of the demo's week


def _seeded(url: str) -> tuple[int, int]:
    database = Database(url)
    with database.transaction() as session:
        school = session.scalar(select(School).where(School.slug == "riverside"))
        assert school is not None
        users = session.scalar(select(func.count()).select_from(User).where(User.school_id == school.id))
        classes = session.scalar(
            select(func.count()).select_from(Classroom).where(Classroom.school_id == school.id)
        )
    database.engine.dispose()
    return users or 0, classes or 0


def test_demo_into_a_given_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere' / 'school.db'}"
    first = runner.invoke(
        app, ["demo", "--data-dir", str(tmp_path / "data"), "--database-url", url, "--no-serve"]
    )
    assert first.exit_code == 0, first.output
    assert "Created the demo school in sqlite:///" in first.output.replace("\n", "")
    assert not (tmp_path / "data" / "atpace.db").exists()  # the default database was not made
    assert _seeded(url) == (26, DEMO_CLASSES)
    again = runner.invoke(
        app, ["demo", "--data-dir", str(tmp_path / "data"), "--database-url", url, "--no-serve"]
    )
    assert again.exit_code == 0 and "Reusing" in again.output and _seeded(url) == (26, DEMO_CLASSES)


def test_demo_refuses_a_database_url_it_cannot_use(tmp_path: Path) -> None:
    bad = runner.invoke(
        app, ["demo", "--data-dir", str(tmp_path), "--database-url", "not a url", "--no-serve"]
    )
    assert bad.exit_code == 2 and "--database-url" in bad.output
    unreachable = runner.invoke(
        app, ["demo", "--data-dir", str(tmp_path), "--no-serve",
              "--database-url", "postgresql://nobody:secret-pw@127.0.0.1:1/none?connect_timeout=2"],
    )  # fmt: skip
    output = unreachable.output.replace("\n", "")
    assert unreachable.exit_code == 2 and "cannot prepare the demo" in output
    assert "secret-pw" not in output  # the password is not printed


@pytest.mark.postgres
def test_demo_into_postgresql(tmp_path: Path) -> None:
    server = os.environ.get(POSTGRES_ENV, "")
    if not server:
        pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
    url = _postgres_database(server, "atpace_demo_cli_test")
    try:
        result = runner.invoke(
            app, ["demo", "--data-dir", str(tmp_path), "--database-url", url, "--no-serve"]
        )
        assert result.exit_code == 0, result.output
        assert "Created the demo school in postgresql" in result.output.replace("\n", "")
        assert _seeded(url) == (26, DEMO_CLASSES)
    finally:
        engine = make_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with engine.connect() as connection:
            connection.execute(text('DROP DATABASE IF EXISTS "atpace_demo_cli_test" WITH (FORCE)'))
        engine.dispose()
