from __future__ import annotations

from pathlib import Path

import pytest

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With pytest-xdist's ``--dist loadgroup`` (CI): every PostgreSQL test runs on one worker, one after
    another, as they share the server's databases; the browser tests share one Chromium on another; the
    rest is spread over the workers."""
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.xdist_group("postgresql"))
        elif item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("chromium"))
