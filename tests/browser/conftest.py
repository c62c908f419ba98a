"""A real server on loopback with the demo school, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Integer

from atpace.config import Settings
from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database
from atpace.web.app import create_app
from tests.live_server import serving

CHROMIUM = os.environ.get("ATPACE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("browser") / "demo.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    with database.transaction() as session:
        ensure_demo_school(session)
    yield database
    database.engine.dispose()


@pytest.fixture(scope="session")
def student_with_progress(demo_database: Database) -> str:
    """The e-mail of the demo student with the most mastered skills (who also has skills to go)."""
    from sqlalchemy import func, select

    from atpace.store.tables import LearnerState, User

    with demo_database.transaction() as session:
        mastered = func.sum(func.cast(LearnerState.p_learned >= 0.95, Integer))
        email = session.scalar(
            select(User.email)
            .join(LearnerState, LearnerState.student_id == User.id)
            .group_by(User.id)
            .order_by(mastered.desc(), User.id)
            .limit(1)
        )
    assert email is not None
    return email


@pytest.fixture(scope="session")
def server_url(demo_database: Database) -> Iterator[str]:
    database = demo_database
    settings = Settings(environment="test", secret_key="b" * 40, cookie_secure=False)
    app = create_app(settings, database)
    _add_answer_key_route(app, database)
    with serving(app) as url:
        yield url


def _add_answer_key_route(app: FastAPI, database: Database) -> None:
    """Test server only: tells the browser test a right and a wrong answer, as a student cannot know."""
    from atpace.content.answers import check_answer
    from atpace.content.spec import AnswerSpec
    from atpace.store.tables import Item

    @app.get("/__test__/answer/{item_id}", include_in_schema=False)
    def answer_key(item_id: int) -> dict[str, str]:
        with database.transaction() as session:
            item = session.get(Item, item_id)
            assert item is not None
            spec = AnswerSpec.from_dict(item.answer)
        wrong = next(
            c
            for c in [*spec.choices, "0", "1", "7/9", "99", "zebra", "<", ">", "="]
            if check_answer(spec, c).status == "incorrect"
        )
        return {"correct": spec.correct, "wrong": wrong}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (scripts/test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object, server_url: str) -> Iterator[object]:
    context = browser.new_context(base_url=server_url, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
