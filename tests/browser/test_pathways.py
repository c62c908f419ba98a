"""A student chooses a resource from the practice page; the teacher sees that it was used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_flows import log_in

pytestmark = pytest.mark.browser


def test_a_student_chooses_a_resource(page: Any, output_dir: Path) -> None:
    log_in(page, "student01@riverside.example")
    page.wait_for_url("**/learn")
    page.click("#start-practice")
    page.wait_for_selector("#answer-form")
    page.click("#pathway-entry")
    page.wait_for_selector("#student-playlist")
    skill_key = page.url.rsplit("/pathways/", 1)[1]
    first = page.locator("#student-playlist li[data-resource]").first
    title = first.locator("button").inner_text()
    assert page.locator("#student-playlist li[data-resource]").count() >= 2  # a choice, not one path
    first.locator("button").click()
    page.wait_for_selector("#resource-title")
    assert page.locator("#resource-title").inner_text() == title
    assert page.locator("#resource-body p").count() >= 1
    page.screenshot(path=str(output_dir / "student-resource.png"), full_page=True)
    page.click("#resource-practise")  # back to practice on the same skill
    page.wait_for_selector("#answer-form")
    # The teacher's playlist shows the use.
    page.context.clear_cookies()
    log_in(page, "teacher@riverside.example")
    page.wait_for_url("**/teach")
    page.goto("/courses")
    page.click(".course-title a:has-text('Fractions')")
    page.wait_for_url("**/courses/*")
    page.goto(f"{page.url.rstrip('/')}/skills/{skill_key}/resources")
    entry = page.locator("#playlist li[data-resource]", has_text=title).first
    assert "Used by 1 student (1 time)" in entry.inner_text()
    assert "too few to tell" in entry.inner_text()
