"""Leveled texts in the browser: a student opens the text at their reading level and answers its questions
(feedback after each, in place); the teacher locks the student's reading level, which the student then sees.
axe-core (WCAG 2 A and AA) finds no violation on the reading pages of students and teachers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from atpace.config import Settings
from atpace.content.spec import AnswerSpec
from atpace.services.auth import create_user
from atpace.services.readings.demo import import_reading_course
from atpace.store.db import Database
from atpace.store.tables import Classroom, ClassTeacher, Enrollment, Role, School
from atpace.store.tables_readings import ReadingLevel, ReadingQuestion
from atpace.web.app import create_app
from tests.live_server import serving

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa"]});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
}"""
PASSWORD = "reading-pw-1"
WAIT_MS = 30_000


@dataclass
class Library:
    url: str
    database: Database
    class_id: int
    student_id: int


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """A school with the reading course and its texts, a reading class with a teacher and a student."""
    folder = tmp_path_factory.mktemp("readings")
    database = Database(f"sqlite:///{folder / 'readings.db'}")
    database.upgrade()
    with database.transaction() as session:
        school = School(slug="brookside", name="Brookside")
        session.add(school)
        session.flush()
        course = import_reading_course(session, school)
        teacher = create_user(
            session, school=school, email="teacher@brook.example", display_name="Mr. Brook", role=Role.TEACHER,
            password=PASSWORD,
        )  # fmt: skip
        student = create_user(
            session, school=school, email="student@brook.example", display_name="Bea Brook", role=Role.STUDENT,
            password=PASSWORD,
        )  # fmt: skip
        classroom = Classroom(school_id=school.id, course_id=course.id, name="Reading 4B")
        session.add(classroom)
        session.flush()
        session.add_all(
            [
                ClassTeacher(class_id=classroom.id, user_id=teacher.id),
                Enrollment(class_id=classroom.id, user_id=student.id),
            ]
        )
        class_id, student_id = classroom.id, student.id
    settings = Settings(
        environment="test", secret_key="r" * 40, cookie_secure=False, data_dir=folder / "data"
    )
    with serving(create_app(settings, database)) as url:
        yield Library(url, database, class_id, student_id)
    database.engine.dispose()


def log_in(browser: Any, url: str, email: str, errors: list[str]) -> Any:
    context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda address: "/login" not in address)
    return page


def axe_violations(page: Any, path: str) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    found: list[str] = page.evaluate(RUN_AXE)
    return found


def right_answer(database: Database, question_id: int) -> AnswerSpec:
    with database.transaction() as session:
        question = session.get(ReadingQuestion, question_id)
        assert question is not None
        return AnswerSpec.from_dict(question.answer)


def test_a_student_reads_at_their_level_and_the_teacher_locks_the_level(
    browser: Any, library: Library
) -> None:
    errors: list[str] = []
    student = log_in(browser, library.url, "student@brook.example", errors)
    student.click("nav >> text=Reading")
    student.wait_for_selector("#reading-list")
    student.locator("#reading-list a").first.click()
    student.wait_for_selector("#reading-text")
    assert "grade 3" in student.locator("#reading-level").inner_text()  # the course's grade
    assert "version for your level" in student.locator(".reading-versions").inner_text()
    questions = student.locator("#reading-questions li.reading-question")
    count = questions.count()
    assert count >= 4
    for index in range(count):
        item = student.locator("#reading-questions li.reading-question").nth(index)
        question_id = int(item.get_attribute("id").removeprefix("question-"))
        spec = right_answer(library.database, question_id)
        if spec.choices:
            choice = spec.correct if index % 2 == 0 else next(c for c in spec.choices if c != spec.correct)
            item.get_by_label(choice, exact=True).check()
        else:
            item.get_by_label("Your answer").fill(spec.correct if index % 2 == 0 else "no idea")
        item.get_by_role("button", name="Check").click()
        answered = student.locator(f"#question-{question_id}.answered")
        answered.wait_for()
        verdict = "Right." if index % 2 == 0 else "Not quite."
        assert verdict in answered.inner_text()
    student.wait_for_selector("#reading-finished-note")  # said by the last answer, in place
    student.reload()
    assert student.locator("li.reading-question.answered").count() == count  # stored, shown after a reload

    teacher = log_in(browser, library.url, "teacher@brook.example", errors)
    teacher.click("nav >> text=Readings")
    teacher.click("#class-levels >> text=Reading 4B")
    teacher.wait_for_selector("#reading-levels")
    row = teacher.locator(f"#student-{library.student_id}")
    row.get_by_label("Level").fill("6")
    row.get_by_label("Locked").check()
    row.get_by_role("button", name="Save").click()
    teacher.wait_for_selector(f"#locked-{library.student_id}")
    assert "grade 6" in teacher.locator(f"#student-{library.student_id}").inner_text()
    with library.database.transaction() as session:
        level = session.scalars(
            select(ReadingLevel).where(ReadingLevel.student_id == library.student_id)
        ).one()
        assert (level.level, level.locked, level.texts) == (6.0, True, 1)

    student.goto("/readings")
    student.locator("#reading-list a").nth(1).click()
    assert "grade 6" in student.locator("#reading-level").inner_text()
    assert "set by your teacher" in student.locator(".reading-versions").inner_text()
    student.click("#read-up")
    student.wait_for_url(lambda address: "version=" in address)
    assert "harder version" in student.locator(".reading-versions").inner_text()
    student.click("#read-at-level")
    assert "version for your level" in student.locator(".reading-versions").inner_text()
    assert errors == []
    student.context.close()
    teacher.context.close()


def test_the_reading_pages_have_no_accessibility_violations(browser: Any, library: Library) -> None:
    errors: list[str] = []
    teacher = log_in(browser, library.url, "teacher@brook.example", errors)
    student = log_in(browser, library.url, "student@brook.example", errors)
    found = {
        path: axe_violations(teacher, path)
        for path in ("/readings", "/readings/1/versions", "/readings/new", "/readings/1/edit",
                     f"/classes/{library.class_id}/readings")
    }  # fmt: skip
    found |= {f"student {path}": axe_violations(student, path) for path in ("/readings", "/readings/2")}
    assert {path: v for path, v in found.items() if v} == {}
    assert errors == []
    teacher.context.close()
    student.context.close()
