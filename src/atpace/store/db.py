"""The database handle: engine, session factory and migrations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
WRITE_OPTION = "atpace_write"  # execution option: False marks a read-only transaction


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs; SQLAlchemy emits BEGIN itself instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A write transaction takes SQLite's write lock at BEGIN (IMMEDIATE) and so waits its turn under
    # busy_timeout; a deferred one that reads first and writes later can find the lock taken when it
    # tries to write and fail at once with "database is locked". Reads stay deferred (WAL lets them run
    # beside a writer).
    immediate = connection.get_execution_options().get(WRITE_OPTION, True)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


READ_ONLY = "atpace.read_only"  # session.info key: True in a transaction that only reads
# session.info keys: lists of callables(Session) that Database.transaction runs in a new write transaction
# once the request's own has committed (writes a read-only request must make) or rolled back (records that
# must outlive the failure they record, such as a failed sign-in's audit entry).
AFTER_COMMIT = "atpace.after_commit"
AFTER_ROLLBACK = "atpace.after_rollback"


class Database:
    """Owns the engine and hands out sessions; one per process."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = normalise_url(url)
        self.engine = engine if engine is not None else make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: False}), expire_on_commit=False
        )

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """A session whose work commits at the end of the block, or rolls back on any error.

        ``write=False`` for requests that only read: on SQLite they then do not queue for the write lock.
        """
        factory = self._sessions if write else self._read_sessions
        session = factory()
        try:
            with session, session.begin():
                session.info[READ_ONLY] = not write
                yield session
        except Exception as error:
            try:
                self._follow_up(session.info.pop(AFTER_ROLLBACK, []))
            except Exception as failed:  # the request's own error is the one to report
                error.add_note(f"the records kept after the rollback could not be written: {failed!r}")
            raise
        self._follow_up(session.info.pop(AFTER_COMMIT, []))

    def _follow_up(self, work: list[Callable[[Session], None]]) -> None:
        if work:
            with self.transaction() as session:
                for step in work:
                    step(session)

    def upgrade(self, revision: str = "head") -> None:
        upgrade(self.url, revision)


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)
