"""The course editor in Chromium: a teacher edits an item (live preview, try an answer, save as a new
version), a prerequisite cycle is refused on the page, and the student then practises the new version.

This module runs on its own demo database (its server_url overrides the session one), so its edits do not
reach the other browser tests, which expect the demo school as seeded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from atpace.config import Settings
from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database
from atpace.web.app import create_app
from tests.browser.conftest import _add_answer_key_route
from tests.live_server import serving

pytestmark = pytest.mark.browser

SKILL = "unit-fractions"  # the first skill of the demo course: ready for student01, who starts fresh
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("editor") / "demo.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    with database.transaction() as session:
        ensure_demo_school(session)
    app = create_app(Settings(environment="test", secret_key="e" * 40, cookie_secure=False), database)
    _add_answer_key_route(app, database)
    with serving(app) as url:
        yield url
    database.engine.dispose()


def log_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "atpace-demo")
    page.click("button[type=submit]")


def answer_key(page: Any, item_id: str) -> dict[str, str]:
    key: dict[str, str] = page.request.get(f"/__test__/answer/{item_id}").json()
    return key


def answer(page: Any, wrong: bool) -> None:
    """Answer the item on the practice card (a wrong answer keeps the skill open for more practice)."""
    item_id = page.get_attribute("#item-card", "data-item")
    value = answer_key(page, item_id)["wrong" if wrong else "correct"]
    if page.locator("input[name=response][type=radio]").count():
        page.check(f"input[name=response][value='{value}']")
    else:
        page.fill("#response", value)
    page.click("#check-answer")
    page.wait_for_selector("#feedback")


def focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_a_teacher_edits_an_item_and_the_student_practises_the_new_version(
    browser: Any, server_url: str, output_dir: Path
) -> None:
    student = browser.new_context(base_url=server_url, viewport={"width": 1280, "height": 900}).new_page()
    teacher = browser.new_context(base_url=server_url, viewport={"width": 1280, "height": 900}).new_page()
    errors: list[str] = []
    for page in (student, teacher):
        page.on("pageerror", lambda error: errors.append(str(error)))

    # The student meets an item of the first skill and answers it: the item now has an answer.
    log_in(student, "student01@riverside.example")
    student.wait_for_url("**/learn")
    student.goto(f"/practice?skill={SKILL}")
    student.wait_for_selector("#answer-form")
    item_id = student.get_attribute("#item-card", "data-item")
    old_prompt = student.locator("#prompt").inner_text().strip()
    answer(student, wrong=True)

    # The teacher opens the course editor from the menu.
    log_in(teacher, "teacher@riverside.example")
    teacher.wait_for_url("**/teach")
    teacher.click("nav >> text=Courses")
    teacher.wait_for_url("**/courses")
    assert teacher.locator("h1").inner_text() == "Courses"
    teacher.click("#course-list a >> nth=0")
    teacher.wait_for_selector("#skill-table")
    assert teacher.locator("#skill-table tbody tr").count() >= 20
    assert teacher.locator("#prerequisites svg [data-skill]").count() >= 20
    teacher.screenshot(path=str(output_dir / "course-editor.png"), full_page=True)

    # A prerequisite that would make a cycle is refused, naming it; the focus goes to the message.
    first_edge = teacher.locator("#edge-list li >> nth=0")
    before, after = first_edge.get_attribute("data-from"), first_edge.get_attribute("data-to")
    teacher.select_option("#prerequisite-key", after)
    teacher.select_option("#prerequisite-skill", before)
    teacher.click("#add-prerequisite")
    teacher.wait_for_selector("#prerequisite-error")
    assert "would create a cycle" in teacher.locator("#prerequisite-error").inner_text()
    assert " -> " in teacher.locator("#prerequisite-error").inner_text()
    teacher.wait_for_function("document.activeElement.id === 'prerequisite-error'")
    assert teacher.locator("#prerequisite-key").get_attribute("aria-invalid") == "true"
    teacher.screenshot(path=str(output_dir / "course-editor-cycle.png"), full_page=False)

    # The skill's items, then the item the student answered.
    teacher.click(f"#skill-table tr[data-skill='{SKILL}'] th a")
    teacher.wait_for_selector("#item-table")
    teacher.click(f"#item-table tr[data-item-id='{item_id}'] a.item-link")
    teacher.wait_for_selector("#item-form")
    assert "answered" in teacher.locator("#version-line").inner_text()
    assert teacher.locator("#preview-prompt").inner_text().strip() == old_prompt
    assert teacher.locator("label:has-text('Question (what the student reads)') textarea").count() == 1

    # Edit the question: the live preview follows as it is typed.
    new_prompt = "Edited by the teacher: " + old_prompt
    teacher.fill("#item-prompt", new_prompt)
    teacher.wait_for_function(
        "text => document.querySelector('#preview-prompt') && "
        "document.querySelector('#preview-prompt').innerText.trim() === text",
        arg=new_prompt,
    )
    # Try answers in the box: the checker's verdict and message, the focus stays in the box.
    key = answer_key(teacher, item_id)
    teacher.fill("#try-response", key["correct"])
    teacher.click("#try-button")
    teacher.wait_for_selector("#try-verdict[data-status=correct]")
    teacher.fill("#try-response", key["wrong"])
    teacher.click("#try-button")
    teacher.wait_for_selector("#try-verdict[data-status=incorrect]")
    assert "Wrong" in teacher.locator("#try-verdict").inner_text()
    assert teacher.url.endswith(f"/items/{item_id}")  # htmx answered in place: the page was not reloaded
    teacher.screenshot(path=str(output_dir / "item-editor.png"), full_page=True)

    # Saving makes version 2; the answer stays with version 1.
    teacher.click("#save-item")
    teacher.wait_for_selector("#saved")
    notice = teacher.locator("#saved").inner_text()
    assert re.search(r"Saved as version 2; \d+ answers? kept on older versions", notice), notice
    assert focused_id(teacher) == "saved"
    assert teacher.locator("#version-table tbody tr").count() == 2
    new_id = re.search(r"/items/(\d+)", teacher.url).group(1)  # type: ignore[union-attr]
    assert new_id != item_id

    # The phone layout of the editor pages.
    teacher.set_viewport_size(PHONE)
    teacher.screenshot(path=str(output_dir / "item-editor-phone.png"), full_page=True)
    teacher.goto(teacher.url.split("/items/")[0])
    teacher.wait_for_selector("#skill-table")
    teacher.screenshot(path=str(output_dir / "course-editor-phone.png"), full_page=True)

    # The student practises the skill and gets the new version, never the old one.
    seen = []
    for _ in range(60):
        student.goto(f"/practice?skill={SKILL}")
        student.wait_for_selector("#answer-form")
        shown = student.get_attribute("#item-card", "data-item")
        seen.append(shown)
        assert shown != item_id
        if shown == new_id:
            break
        answer(student, wrong=True)
    else:
        pytest.fail(f"practice never served the new version; served {seen}")
    assert student.locator("#prompt").inner_text().strip() == new_prompt
    student.screenshot(path=str(output_dir / "student-new-version.png"), full_page=True)
    answer(student, wrong=False)
    assert student.locator("#feedback-title").inner_text() == "Correct!"
    assert errors == [], f"JavaScript errors on the page: {errors}"


CASE_FILE = (
    Path(__file__).parents[1]
    / "fixtures"
    / "case"
    / "opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json"
)


def test_an_admin_imports_standards_starts_a_course_and_aligns_a_skill(
    browser: Any, server_url: str, output_dir: Path
) -> None:
    admin = browser.new_context(base_url=server_url, viewport={"width": 1280, "height": 900}).new_page()
    errors: list[str] = []
    admin.on("pageerror", lambda error: errors.append(str(error)))
    log_in(admin, "admin@riverside.example")
    admin.wait_for_url("**/teach")
    admin.goto("/courses")
    assert admin.locator("#package-form").count() == 1
    admin.click("text=Import a CASE framework")
    admin.wait_for_url("**/admin/standards")
    admin.set_input_files("#case-file", str(CASE_FILE))
    admin.click("#case-submit")
    admin.wait_for_selector("#framework-link")
    assert "16 standards" in admin.locator("#case-report").inner_text()
    admin.wait_for_function("document.activeElement.id === 'case-report'")  # the report has the focus
    admin.click("#framework-link")
    admin.wait_for_selector("#outline")
    for n in (1, 2, 3):
        for grade in (6, 7):
            admin.check(f"#outline li[data-code='CCSS.Math.Content.{grade}.RP.A.{n}'] input")
    admin.screenshot(path=str(output_dir / "standards-outline.png"), full_page=True)
    admin.fill("input[name=key]", "ratios-ccss")
    admin.fill("input[name=title]", "Ratios (Common Core)")
    admin.click("#create-course")
    admin.wait_for_selector("#skill-table")
    assert "Course started from the framework" in admin.locator("#notice").inner_text()
    assert admin.locator("#skill-table tbody tr").count() == 6
    assert admin.locator("#edge-list li[data-from]").count() == 3
    admin.screenshot(path=str(output_dir / "course-from-framework.png"), full_page=True)

    # Align the fractions course's first skill to a standard, on the skill's page.
    admin.goto("/courses")
    admin.click("#course-list li[data-course='fractions'] a")
    admin.click(f"#skill-table tr[data-skill='{SKILL}'] th a")
    admin.wait_for_selector("#align-standard")  # the school's only framework is chosen already
    option = admin.locator("#align-standard option", has_text="CCSS.Math.Content.6.RP.A.1 ").first
    admin.select_option("#align-standard", option.get_attribute("value"))
    admin.click("#align")
    admin.wait_for_selector("#skill-standards li[data-code='CCSS.Math.Content.6.RP.A.1']")
    admin.screenshot(path=str(output_dir / "course-skill.png"), full_page=True)

    # The student sees the code, and the statement when they open it.
    student = browser.new_context(base_url=server_url, viewport=PHONE).new_page()
    student.on("pageerror", lambda error: errors.append(str(error)))
    log_in(student, "student02@riverside.example")
    student.wait_for_url("**/learn")
    badge = student.locator(
        f"#skill-standards li[data-skill='{SKILL}'] details[data-code='CCSS.Math.Content.6.RP.A.1']"
    )
    assert badge.count() == 1
    assert not badge.locator(".statement").is_visible()
    badge.locator("summary").focus()
    student.keyboard.press("Enter")
    assert badge.locator(".statement").is_visible()
    assert "ratio" in badge.locator(".statement").inner_text()
    badge.scroll_into_view_if_needed()
    student.screenshot(path=str(output_dir / "student-standards-phone.png"), full_page=False)
    teacher = browser.new_context(base_url=server_url, viewport={"width": 1280, "height": 900}).new_page()
    log_in(teacher, "teacher@riverside.example")
    teacher.wait_for_url("**/teach")
    teacher.click(".class-link")
    teacher.click("#heatmap tbody tr th a >> nth=0")
    teacher.wait_for_selector("#skill-standards")
    assert teacher.locator("#skill-standards .badge").count() >= 20
    teacher.locator("#skill-standards").scroll_into_view_if_needed()
    teacher.screenshot(path=str(output_dir / "teacher-student-standards.png"), full_page=False)
    assert errors == [], f"JavaScript errors on the page: {errors}"
