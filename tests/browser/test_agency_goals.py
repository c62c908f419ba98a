"""Goals and calibration in the browser: a student sets a goal on a skill they are learning and sees the
forecast; the teacher opens the class calibration from the class pages and a student's goals from the
student's page, and co-signs the goal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from atpace.services.agency import goals
from atpace.services.auth import Actor
from atpace.store.db import Database
from atpace.store.tables import Classroom, Enrollment, LearnerState, Skill, User, utcnow
from atpace.store.tables_agency import Goal
from tests.browser.test_flows import log_in

pytestmark = pytest.mark.browser


def learning_skill(database: Database, email: str) -> tuple[int, str, str]:
    """(student id, key, name) of a skill the student has answered but not mastered."""
    with database.transaction() as session:
        student = session.scalar(select(User).where(User.email == email))
        assert student is not None
        row = session.execute(
            select(Skill.key, Skill.name)
            .join(LearnerState, LearnerState.skill_id == Skill.id)
            .where(
                LearnerState.student_id == student.id,
                LearnerState.p_learned < 0.95,
                LearnerState.attempts > 0,
            )
            .order_by(Skill.id)
            .limit(1)
        ).one()
        return student.id, row[0], row[1]


def test_a_student_sets_a_goal_and_the_teacher_sees_it_and_the_class_calibration(
    page: Any, output_dir: Path, demo_database: Database, student_with_progress: str
) -> None:
    student_id, key, name = learning_skill(demo_database, student_with_progress)
    log_in(page, student_with_progress)
    page.wait_for_url("**/learn")
    page.click("nav[aria-label=Main] a[href='/goals']")
    page.wait_for_selector("#goal-form")
    page.check(f"#goal-form input[name=skill_keys][value='{key}']")
    page.fill("#goal-form input[name=due_on]", (utcnow().date() + timedelta(days=10)).isoformat())
    page.click("#set-goal")
    page.wait_for_url("**/goals/*?done=set")
    goal_id = int(page.url.split("/goals/")[1].split("?")[0])
    assert page.locator("h1").inner_text() == f"Master {name}"
    forecast = page.locator(".forecast").inner_text()
    with demo_database.transaction() as session:
        student = session.get(User, student_id)
        assert student is not None
        view = goals.goal_view(session, Actor.of(student), goal_id)
    assert (
        view.forecast is not None and view.forecast.reason[:1].upper() + view.forecast.reason[1:] in forecast
    )
    assert page.locator(f"#goal-skills tr[data-skill='{key}']").count() == 1
    page.screenshot(path=str(output_dir / "goal-forecast.png"), full_page=True)
    page.click("nav.agency-nav a[href='/calibration']")
    page.wait_for_selector("#by-confidence svg[role=img]")

    page.context.clear_cookies()
    log_in(page, "teacher@riverside.example")
    page.wait_for_url("**/teach")
    with demo_database.transaction() as session:
        class_id = session.scalar(
            select(Classroom.id).join(Enrollment, Enrollment.class_id == Classroom.id)
            .where(Enrollment.user_id == student_id).order_by(Classroom.id).limit(1)
        )  # fmt: skip
    page.goto(f"/classes/{class_id}")
    page.click("nav.class-nav a[href$='/calibration']")
    page.wait_for_selector("#calibration-students")
    assert page.locator(f"#calibration-students tr[data-student='{student_id}']").count() == 1
    assert page.locator("#class-picture svg[role=img] circle.point").count() >= 1  # the demo's rated answers
    page.screenshot(path=str(output_dir / "class-calibration.png"), full_page=True)
    page.click(f"#calibration-students tr[data-student='{student_id}'] a")
    page.wait_for_selector("#student-goals")
    page.click(f"#student-goals article[data-goal='{goal_id}'] h3 a")
    page.click("#cosign-form button")
    page.wait_for_url("**?done=cosign")
    assert "co-signed by" in page.locator(f"article[data-goal='{goal_id}']").inner_text()
    with demo_database.transaction() as session:
        stored = session.get(Goal, goal_id)
        assert stored is not None and stored.cosigned_by_id is not None
