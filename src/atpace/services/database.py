"""What the faces (web, CLI) need of the store, handed over by the services layer: the database handle and
the session type, the roles a user can have. The faces import services only (tests/unit/test_layers.py)."""

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError as DatabaseError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from atpace.engine.graph import SkillGraph
from atpace.store.db import Database, make_engine
from atpace.store.tables import Role

__all__ = [
    "Database", "DatabaseError", "PoolTimeout", "Role", "Session", "SkillGraph", "database_unavailable",
    "unpooled_engine",
]  # fmt: skip
SQLITE_TRANSIENT = ("database is locked", "unable to open database file", "disk I/O error")


def unpooled_engine(url: str) -> Engine:
    """An engine whose connections close when released (for one-shot commands)."""
    return make_engine(url, poolclass=NullPool)


def database_unavailable(error: Exception) -> bool:
    """A transient fault of the database or of the way to it, not of the request (the web answers 503, not
    500): a lost or refused connection, a pool with no free connection, PostgreSQL going away."""
    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, DatabaseError):
        return False
    if type(error.orig).__module__ == "sqlite3":  # SQLite's OperationalError also means a bad query
        return any(cause in str(error.orig) for cause in SQLITE_TRANSIENT)
    return error.connection_invalidated or isinstance(error, OperationalError | InterfaceError)
