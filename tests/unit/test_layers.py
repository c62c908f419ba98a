"""The layers point downwards only (DESIGN.md): checked on the import statements of every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "atpace"
FORBIDDEN = {
    "engine": (
        "atpace.content",
        "atpace.datasets",
        "atpace.store",
        "atpace.services",
        "atpace.web",
        "atpace.cli",
        "sqlalchemy",
        "fastapi",
    ),
    "content": ("atpace.store", "atpace.services", "atpace.web", "sqlalchemy", "fastapi"),
    "datasets": ("atpace.services", "atpace.web", "fastapi"),
    "store": ("atpace.services", "atpace.web", "fastapi"),
    "services": ("atpace.web", "fastapi", "starlette"),
    # The web is a face over the services: it imports them and its own modules, never the store, the
    # engine, content or interop directly.
    "web": (
        "atpace.store",
        "atpace.engine",
        "atpace.content",
        "atpace.datasets",
        "atpace.interop",
        "sqlalchemy",
    ),
    "interop": ("atpace.store", "atpace.services", "atpace.web", "sqlalchemy", "fastapi"),
}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_down(layer: str) -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in imports_of(path)
        if name.startswith(FORBIDDEN[layer])
    ]
    assert offenders == []
