"""What the faces (web, CLI) need of the store, handed over by the services layer: the database handle and
the session type, the roles a user can have. The faces import services only (tests/unit/test_layers.py)."""

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from atpace.engine.graph import SkillGraph
from atpace.store.db import Database, make_engine
from atpace.store.tables import Role

__all__ = ["Database", "Role", "Session", "SkillGraph", "unpooled_engine"]


def unpooled_engine(url: str) -> Engine:
    """An engine whose connections close when released (for one-shot commands)."""
    return make_engine(url, poolclass=NullPool)
