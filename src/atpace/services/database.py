"""What the faces (web, CLI) need of the store, handed over by the services layer: the database handle and
the session type, the roles a user can have. The faces import services only (tests/unit/test_layers.py)."""

from sqlalchemy.orm import Session

from atpace.engine.graph import SkillGraph
from atpace.store.db import Database
from atpace.store.tables import Role

__all__ = ["Database", "Role", "Session", "SkillGraph"]
