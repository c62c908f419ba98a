"""A student's login -> practice -> feedback -> mastery change -> map, and a teacher's heatmap."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def log_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "atpace-demo")
    page.click("button[type=submit]")


def percent(text: str) -> int:
    match = re.search(r"(\d+)%", text)
    assert match, text
    return int(match.group(1))


def test_student_practice_loop(page: Any, server_url: str, output_dir: Path) -> None:
    log_in(page, "student01@riverside.example")
    page.wait_for_url("**/learn")
    assert page.locator("svg [data-state=ready]").count() >= 1
    reason = page.locator("#recommendation-reason").inner_text()
    assert reason.startswith("Ready:")
    page.click("#start-practice")
    page.wait_for_selector("#answer-form")
    # The practice page says why this skill and in which mode.
    assert page.locator("#practice-reason").inner_text() == reason
    assert page.locator("#practice-mode").inner_text().startswith("Standard mode")
    before = percent(page.locator("#mastery-now").inner_text())

    # A wrong answer: feedback with the worked solution, mastery goes down or stays.
    page.click("#hint-button")
    page.wait_for_selector("#hints [data-hint='1']")
    fill_answer(page, wrong=True)
    page.click("#check-answer")
    page.wait_for_selector("#feedback")
    assert page.locator("#feedback-title").inner_text() == "Not quite"
    assert page.locator("#worked-solution li").count() >= 1
    page.screenshot(path=str(output_dir / "student-feedback-wrong.png"), full_page=True)

    # Then right answers until mastery rises past where it started.
    after = before
    for _ in range(3):
        page.click("#next-question")
        page.wait_for_selector("#answer-form")
        fill_answer(page, wrong=False)
        page.click("#check-answer")
        page.wait_for_selector("#feedback")
        assert page.locator("#feedback-title").inner_text() == "Correct!"
        after = percent(page.locator("#mastery-after").inner_text())
    assert after > before
    page.screenshot(path=str(output_dir / "student-feedback-right.png"), full_page=True)

    page.click("#back-to-map")
    page.wait_for_url("**/learn")
    node = page.locator("svg [data-state=in-progress]").first
    assert node.count() == 1
    assert f"{after}%" in page.locator("svg").first.inner_html()
    page.screenshot(path=str(output_dir / "student-map.png"), full_page=True)


def fill_answer(page: Any, wrong: bool) -> None:
    """Type or pick an answer. The right one comes from the test-only helper route of the test server."""
    item_id = page.get_attribute("#item-card", "data-item")
    solution = page.request.get(f"/__test__/answer/{item_id}").json()
    choices = page.locator("input[name=response][type=radio]")
    value = solution["wrong"] if wrong else solution["correct"]
    if choices.count():
        page.check(f"input[name=response][value='{value}']")
    else:
        page.fill("#response", value)


def open_typed_item(page: Any) -> bool:
    """Open practice on ready skills until one shows an item that takes a number or a fraction."""
    for href in page.locator("#start-practice, #recommendations a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    ):
        page.goto(href)
        page.wait_for_selector("#answer-form")
        if page.get_attribute("#item-card", "data-kind") in ("fraction", "numeric"):
            return True
    return False


def test_malformed_answer_is_explained_not_marked(page: Any) -> None:
    for number in range(3, 13):  # students with history have several ready skills
        log_in(page, f"student{number:02d}@riverside.example")
        page.wait_for_url("**/learn")
        if open_typed_item(page):
            break
        page.context.clear_cookies()
    else:
        pytest.fail("no typed item found on any ready skill")
    page.fill("#response", "3//4")
    page.click("#check-answer")
    page.wait_for_selector("#answer-error")
    assert "3//4" in page.locator("#answer-error").inner_text()
    assert page.locator("#feedback").count() == 0
    assert page.locator("#response").input_value() == "3//4"  # the input is kept to correct


def test_teacher_heatmap(page: Any, output_dir: Path) -> None:
    log_in(page, "teacher@riverside.example")
    page.wait_for_url("**/teach")
    page.click(".class-link")
    page.wait_for_selector("#heatmap")
    rows = page.locator("#heatmap tbody tr")
    assert rows.count() == 24
    assert page.locator("#heatmap td.cell").count() >= 24 * 20
    page.screenshot(path=str(output_dir / "teacher-heatmap.png"), full_page=True)
    page.click("#heatmap thead a:has-text('Average')")
    page.wait_for_url("**sort=average**")
    averages = [percent(t) for t in page.locator("#heatmap tbody tr td:nth-child(3)").all_inner_texts()]
    assert averages == sorted(averages, reverse=True) and averages[0] > averages[-1]
    page.click("#heatmap tbody tr th a >> nth=0")
    page.wait_for_selector("#attempts")
    assert page.locator("#attempts tbody tr").count() >= 1
    assert page.locator("svg [data-skill]").count() >= 20


def test_map_of_a_student_with_progress(page: Any, output_dir: Path, student_with_progress: str) -> None:
    page.set_viewport_size({"width": 2150, "height": 1000})  # the whole map without scrolling
    log_in(page, student_with_progress)
    page.wait_for_url("**/learn")
    states = page.locator("svg [data-state]").evaluate_all("nodes => nodes.map(n => n.dataset.state)")
    assert len(states) >= 20 and "mastered" in states and ("ready" in states or "in-progress" in states)
    mastered_list = page.locator("#mastered-skills li[data-skill]").count()
    # a skill whose mastery a check confirmed is drawn as "confirmed"; the list names both
    assert mastered_list == states.count("mastered") + states.count("confirmed")
    page.screenshot(path=str(output_dir / "student-map-progress.png"), full_page=True)
