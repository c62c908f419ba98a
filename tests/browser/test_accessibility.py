"""axe-core (WCAG 2 A and AA rules) in Chromium on the demo school with its week of classwork
(assignments, hand-ins, feedback).

Every student and teacher page is checked at desktop (1280 px) and phone (390 px) widths for serious and
critical violations; the teacher's week pages and the student's work pages, at desktop width, for any
violation at all. The reusable part (sign in, run axe) is tests/browser/axe.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from atpace.config import Settings
from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database
from atpace.store.tables import (
    Assignment,
    Classroom,
    Course,
    Enrollment,
    Item,
    LearnerState,
    Rubric,
    Skill,
    Strategy,
    Submission,
    User,
)
from atpace.store.tables_pathways import LearningResource
from atpace.web.app import create_app
from tests.browser.axe import DESKTOP, PHONE, SERIOUS, page_violations, signed_in, violations
from tests.live_server import serving

pytestmark = pytest.mark.browser

TEACHER = "teacher@riverside.example"


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
        # A student of the class with no evidence yet: the placement quiz is offered to them.
        with_state = select(LearnerState.student_id)
        newcomer = session.scalars(
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.class_id == class_id, User.role == "student", User.id.not_in(with_state))
            .order_by(User.id)
        ).first()
        course = session.scalars(select(Course).where(Course.key == "fractions")).first()
        assert course is not None and newcomer is not None
        ids = {
            "class": class_id, "task": task.id, "student_email": student.email, "student": student.id,
            "newcomer_email": newcomer.email, "course": course.id,
            "skill": session.scalars(select(Skill.key).where(Skill.course_id == course.id)).first(),
            "item": session.scalars(select(Item.id).where(Item.course_id == course.id)).first(),
            "rubric": session.scalars(select(Rubric.id)).first(), "strategy": session.scalars(select(Strategy.id)).first(),
        }  # fmt: skip
        ids["resource"] = session.scalars(select(LearningResource.id).order_by(LearningResource.id)).first()
    settings = Settings(
        environment="test", secret_key="a" * 40, cookie_secure=False, data_dir=folder / "data"
    )
    with serving(create_app(settings, database)) as url:
        yield {"url": url, **ids}
    database.engine.dispose()


def teacher_pages(week: dict[str, Any]) -> list[str]:
    c, task, s = week["class"], week["task"], week["student"]
    course, skill, item = week["course"], week["skill"], week["item"]
    return [
        "/teach", f"/classes/{c}", f"/classes/{c}/students/{s}", f"/classes/{c}/today", f"/classes/{c}/groups",
        f"/classes/{c}/assignments", f"/classes/{c}/report", f"/classes/{c}/roster", f"/assignments/{task}",
        f"/assignments/{task}/grade", "/rubrics", f"/rubrics/{week['rubric']}", "/rubrics/new", "/strategies",
        f"/strategies/{week['strategy']}", f"/strategies/{week['strategy']}/edit", "/strategies/new",
        "/courses", f"/courses/{course}", f"/courses/{course}/skills/{skill}", f"/courses/{course}/items/{item}",
        "/messages", f"/classes/{c}/calibration", f"/classes/{c}/students/{s}/agency",
        "/choices", f"/classes/{c}/choices/new",
        f"/classes/{c}/checks", f"/courses/{course}/skills/{skill}/resources", f"/resources/{week['resource']}",
    ]  # fmt: skip


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}: {'; '.join(listed)}" for page, listed in found.items())


STUDENT_PAGES = ["/learn", "/practice", "/work", "/messages", "/join"]
STUDENT_PAGES += ["/goals", "/calibration", "/journal", "/turnarounds"]  # goals and reflection (issue 11)
STUDENT_PAGES += ["/choices", "/projects/new"]  # choice boards and projects (issue 11)


def test_the_teachers_week_pages_have_no_accessibility_violations(browser: Any, week: dict[str, Any]) -> None:
    page = signed_in(browser, week["url"], TEACHER)
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


def test_every_teacher_page_at_desktop_and_phone_size_has_no_serious_violation(
    browser: Any, week: dict[str, Any]
) -> None:
    found = page_violations(browser, week["url"], TEACHER, teacher_pages(week))
    assert found == {}, report(found)


def test_every_student_page_at_desktop_and_phone_size_has_no_serious_violation(
    browser: Any, week: dict[str, Any]
) -> None:
    pages = [
        *STUDENT_PAGES, f"/work/{week['task']}", f"/checks/{week['skill']}", f"/pathways/{week['skill']}",
        f"/resources/{week['resource']}",
    ]  # fmt: skip
    found = page_violations(browser, week["url"], week["student_email"], pages)
    # A new student: the home page offers the placement quiz, and the quiz page itself.
    found |= page_violations(browser, week["url"], week["newcomer_email"], ["/learn", "/placement"])
    assert found == {}, report(found)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_practice_feedback_and_a_refused_answer_have_no_serious_violation(
    browser: Any, week: dict[str, Any], viewport: dict[str, int]
) -> None:
    """The practice card's other states, reached with htmx: an answer refused as malformed, and feedback."""
    page = signed_in(browser, week["url"], week["student_email"], viewport)
    page.goto("/practice")
    kind = page.get_attribute("#item-card", "data-kind")
    if page.locator("#response").count():
        # Over the limit: maxlength stops typing, so the value is set from script.
        page.eval_on_selector(
            "#response", "el => { el.removeAttribute('maxlength'); el.value = 'x'.repeat(600); }"
        )
        page.click("#check-answer")
        page.wait_for_selector("#answer-error")
        assert violations(page, impacts=SERIOUS) == [], kind
        page.fill("#response", {"fraction": "1/2", "numeric": "1"}.get(kind or "", "="))
    else:
        page.locator("#answer-form input[type=radio], #answer-form input[type=checkbox]").first.check()
        page.locator("#answer-form select").evaluate_all(
            "els => els.forEach((el, n) => { el.selectedIndex = n + 1; })"
        )
    page.click("#check-answer")
    page.wait_for_selector("#feedback")
    assert violations(page, impacts=SERIOUS) == []
    page.context.close()


def test_the_audit_log_page_has_no_accessibility_violations(browser: Any, week: dict[str, Any]) -> None:
    """The administrator's audit log (issue 12), its table and a refused filter, at desktop and phone size."""
    admin = "admin@riverside.example"
    page = signed_in(browser, week["url"], admin)
    assert violations(page, "/admin/audit") == []
    assert page.locator('#audit-table tr[data-action="sign_in.succeeded"]').count() >= 1  # this very sign-in
    page.goto("/admin/audit?since=not-a-day")
    assert page.locator("#audit-error").count() == 1
    assert violations(page) == []
    page.context.close()
    found = page_violations(browser, week["url"], admin, ["/admin/audit"], sizes={"phone": PHONE})
    assert found == {}, report(found)
