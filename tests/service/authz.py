"""The shared vocabulary of the route x role x school authorization matrix (test_authorization.py).

Each feature adds its routes in a module ``tests/service/authz_<feature>.py`` that defines ``CASES`` (a list
of :class:`Case`) and, if its URLs need ids of its own, ``extra_ids(database, world) -> dict``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from tests.service.conftest import RollbackDatabase, World

ACTORS = (
    "anonymous",
    "student",
    "classmate",
    "teacher",
    "other_teacher",
    "admin",
    "foreign_teacher",
    "foreign_student",
)


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # route template, as FastAPI lists it
    url: Callable[[World, dict[str, int]], str]
    expected: dict[str, int]  # by actor; anonymous defaults to 401 for /api and 303 for pages
    body: Callable[[World, dict[str, int], str], dict[str, object]] | None = None
    form: bool = False


def everyone(code: int) -> dict[str, int]:
    return {a: code for a in ACTORS if a != "anonymous"}


STUDENT_DATA = {
    "student": 200, "classmate": 403, "teacher": 200, "other_teacher": 403, "admin": 200,
    "foreign_teacher": 404, "foreign_student": 404,
}  # fmt: skip
CLASS_DATA = {
    "student": 403, "classmate": 403, "teacher": 200, "other_teacher": 403, "admin": 200,
    "foreign_teacher": 404, "foreign_student": 404,
}  # fmt: skip
PRACTICE = {
    "student": 200, "classmate": 200, "teacher": 403, "other_teacher": 403, "admin": 403,
    "foreign_teacher": 403, "foreign_student": 404,
}  # fmt: skip
COURSE = {**everyone(200), "foreign_teacher": 404, "foreign_student": 404}
DECIDE = {**STUDENT_DATA, "student": 403, "teacher": 201, "admin": 201}
DECIDE_PAGE = {**CLASS_DATA, "teacher": 303, "admin": 303}
COURSE_EDIT = {**COURSE, "student": 403, "classmate": 403, "teacher": 201, "other_teacher": 201, "admin": 201}


def feature_modules() -> list[ModuleType]:
    """Every tests/service/authz_<feature>.py module, imported."""
    import tests.service as package

    return [
        importlib.import_module(f"tests.service.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if info.name.startswith("authz_")
    ]


def feature_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    ids: dict[str, object] = {}
    for module in feature_modules():
        extra = getattr(module, "extra_ids", None)
        if extra is not None:
            ids.update(extra(database, world))
    return ids
