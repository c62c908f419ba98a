"""axe-core (WCAG 2 A and AA rules) finds no violation on the teacher's week pages and the student's work
pages, rendered in Chromium with the demo's week of classwork (assignments, hand-ins, feedback)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from atpace.config import Settings
from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database
from atpace.store.tables import Assignment, Classroom, Rubric, Strategy, Submission, User
from atpace.web.app import create_app
from tests.live_server import serving

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
PASSWORD = "atpace-demo"
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa"]});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
}"""


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server on the demo school with its week of classwork, and the ids its pages need."""
    folder = tmp_path_factory.mktemp("accessibility")
    database = Database(f"sqlite:///{folder / 'demo.db'}")
    database.upgrade()
    with database.transaction() as session:
        ensure_demo_school(session, classwork=True)
        class_id = session.scalars(select(Classroom.id).order_by(Classroom.id)).first()
        task = session.scalars(select(Assignment).where(Assignment.kind == "task")).one()
        student = session.scalars(
            select(User)
            .join(Submission, Submission.student_id == User.id)
            .where(Submission.status == "returned")
        ).one()
        ids = {
            "class": class_id, "task": task.id, "student_email": student.email,
            "rubric": session.scalars(select(Rubric.id)).first(), "strategy": session.scalars(select(Strategy.id)).first(),
        }  # fmt: skip
    settings = Settings(
        environment="test", secret_key="a" * 40, cookie_secure=False, data_dir=folder / "data"
    )
    with serving(create_app(settings, database)) as url:
        yield {"url": url, **ids}
    database.engine.dispose()


def signed_in(browser: Any, url: str, email: str) -> Any:
    # axe is added to each page as a script; the app's Content-Security-Policy would (rightly) refuse it.
    page = browser.new_context(
        base_url=url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    ).new_page()
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda address: "/login" not in address, timeout=15_000)
    return page


def violations(page: Any, path: str) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    found: list[str] = page.evaluate(RUN_AXE)
    return found


def test_the_teachers_week_pages_have_no_accessibility_violations(browser: Any, week: dict[str, Any]) -> None:
    page = signed_in(browser, week["url"], "teacher@riverside.example")
    c, task = week["class"], week["task"]
    paths = [
        f"/classes/{c}", f"/classes/{c}/today", f"/classes/{c}/groups", f"/classes/{c}/assignments",
        f"/classes/{c}/report", f"/assignments/{task}", f"/assignments/{task}/grade", "/rubrics",
        f"/rubrics/{week['rubric']}", "/rubrics/new", "/strategies", f"/strategies/{week['strategy']}",
        "/strategies/new", "/messages",
    ]  # fmt: skip
    found = {path: violations(page, path) for path in paths}
    assert {path: v for path, v in found.items() if v} == {}
    page.context.close()


def test_the_students_work_pages_have_no_accessibility_violations(browser: Any, week: dict[str, Any]) -> None:
    page = signed_in(browser, week["url"], week["student_email"])
    found = {path: violations(page, path) for path in ("/work", f"/work/{week['task']}", "/messages")}
    assert {path: v for path, v in found.items() if v} == {}
    assert "Returned for revision" in page.goto("/work").text()  # the page checked is the real week
    page.context.close()
