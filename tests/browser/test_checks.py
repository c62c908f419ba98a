"""A student takes a mastery check from their map: four new questions, no hints, then "mastery confirmed"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_flows import log_in

pytestmark = pytest.mark.browser


def answer_check_item(page: Any) -> None:
    """Give the right answer to the check's question on screen (from the test server's answer key)."""
    item_id = page.get_attribute("#check-form input[name=item_id]", "value")
    correct = page.request.get(f"/__test__/answer/{item_id}").json()["correct"]
    if page.locator("#check-form input[name=response][type=radio]").count():
        page.check(f"#check-form input[name=response][value='{correct}']")
    elif page.locator("#check-form input[name=picked][type=checkbox]").count():
        for value in correct.split("\n"):
            page.check(f"#check-form input[name=picked][value='{value}']")
    elif page.locator("#check-form select[name=picked]").count():
        for n, value in enumerate(correct.split("\n")):
            page.locator("#check-form select[name=picked]").nth(n).select_option(value)
    else:
        page.fill("#response", correct)
    page.click("#check-form button[type=submit]")


def test_a_student_takes_a_mastery_check(page: Any, output_dir: Path, student_with_progress: str) -> None:
    log_in(page, student_with_progress)
    page.wait_for_url("**/learn")
    offers = page.locator("#check-offers a[href^='/checks/']")
    assert offers.count() >= 1  # a mastered skill not yet confirmed is offered a check
    skill = offers.first.get_attribute("href").removeprefix("/checks/")
    offers.first.click()
    page.wait_for_selector("#start-check")
    assert "Ready for a check" in page.locator("#offer-heading").inner_text()
    page.click("#start-check button")
    page.wait_for_selector("#check-form")
    assert page.locator("#check-heading").inner_text() == "Question 1 of 4"
    assert page.locator("#hint-button").count() == 0  # no hints in a check
    page.screenshot(path=str(output_dir / "mastery-check.png"), full_page=True)
    for number in range(2, 5):
        answer_check_item(page)
        page.wait_for_selector(f"#check-heading:has-text('Question {number} of 4')")
    answer_check_item(page)
    page.wait_for_selector("#check-result")
    assert page.get_attribute("#check-result", "data-status") == "passed"
    assert page.locator("#result-heading").inner_text() == "Passed: mastery confirmed"
    page.screenshot(path=str(output_dir / "mastery-check-passed.png"), full_page=True)
    # The map shows the skill as confirmed, in words.
    page.goto("/learn")
    assert "confirmed by a check" in page.locator(f"#mastered-skills li[data-skill='{skill}']").inner_text()
    assert "confirmed" in page.get_attribute(f"svg [data-skill='{skill}']", "aria-label")
