"""Migrations: upgrade, downgrade and upgrade again on SQLite and PostgreSQL, and the migrated schema
matches the ORM tables (nothing the code expects is missing from a migrated database)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from atpace.store.db import alembic_config, make_engine
from atpace.store.tables import Base
from tests.service.conftest import POSTGRES_ENV
from tests.service.test_concurrency import _postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    server = os.environ.get(POSTGRES_ENV, "")
    if not server:
        pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
    return _postgres_database(server, "atpace_migrations_test")


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    # Index and constraint naming details differ by backend; tables and columns must match exactly.
    # procrastinate's own tables (PostgreSQL, migration 0014) are not atpace's ORM tables.
    return [
        d
        for d in diff
        if isinstance(d, tuple)
        and d[0] in ("add_table", "remove_table", "add_column", "remove_column")
        and not (d[0] == "remove_table" and d[1].name.startswith("procrastinate_"))
    ]


def test_upgrade_downgrade_upgrade_keeps_the_schema_whole(empty_url: str) -> None:
    config = alembic_config(empty_url)
    command.upgrade(config, "head")
    assert _differences(empty_url) == []
    command.downgrade(config, "0003")
    engine = make_engine(empty_url)
    assert "evidence" not in inspect(engine).get_table_names()
    engine.dispose()
    command.upgrade(config, "head")
    assert _differences(empty_url) == []
    engine = make_engine(empty_url)
    if engine.dialect.name == "postgresql":
        columns = {c["name"]: c for c in inspect(engine).get_columns("attempts")}
        assert str(columns["id"]["type"]) == "BIGINT" and str(columns["student_id"]["type"]) == "BIGINT"
    engine.dispose()
