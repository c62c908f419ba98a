"""In Chromium: an over-long answer is refused inline with the question kept, the time spent before a
refused answer is kept, and the knowledge map is a list on a phone and a scroll region on a desktop."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from atpace.services.limits import RESPONSE_MAX
from atpace.store.db import Database
from atpace.store.tables import Attempt, User
from tests.browser.axe import PHONE, signed_in

pytestmark = pytest.mark.browser

STUDENT = "student07@riverside.example"
WAIT_MS = 1500


def typed_item_page(page: Any) -> None:
    """Practice until the item on screen takes a typed answer (answering the others with their first choice)."""
    for _ in range(12):
        page.goto("/practice")
        page.wait_for_selector("#answer-form")
        if page.locator("#response").count():
            return
        page.locator("#answer-form input[type=radio], #answer-form input[type=checkbox]").first.check()
        page.locator("#answer-form select").evaluate_all(
            "els => els.forEach((el, n) => { el.selectedIndex = n + 1; })"
        )
        page.click("#check-answer")
        page.wait_for_selector("#feedback")
    raise AssertionError("no typed item in 12 tries")


def test_an_over_long_answer_is_refused_inline_and_the_time_before_it_counts(
    browser: Any, server_url: str, demo_database: Database
) -> None:
    page = signed_in(browser, server_url, STUDENT)
    typed_item_page(page)
    prompt = page.locator("#prompt").inner_text()
    assert page.get_attribute("#response", "maxlength") == str(RESPONSE_MAX)
    page.fill("#response", "7" * (RESPONSE_MAX + 100))  # typing stops at the limit
    assert len(page.input_value("#response")) == RESPONSE_MAX
    page.wait_for_timeout(WAIT_MS)
    # A client that ignores maxlength: the server refuses the answer with the usual inline message.
    page.eval_on_selector(
        "#response", "el => { el.removeAttribute('maxlength'); el.value = '7'.repeat(5000); }"
    )
    page.click("#check-answer")
    page.wait_for_selector("#answer-error")
    assert "too long" in page.locator("#answer-error").inner_text()
    assert page.locator("#practice-area #prompt").inner_text() == prompt  # the question is still there
    assert page.locator("#practice-area #answer-form").count() == 1
    assert page.locator("#practice-area h1, #practice-area main").count() == 0  # no page inside the card
    # A malformed answer next, then a well-formed one: the time counts from when the item was shown.
    page.fill("#response", "3//4")
    page.evaluate("document.querySelector('#answer-error').remove()")  # so that the wait sees the new one
    page.click("#check-answer")
    page.wait_for_selector("#answer-error")
    page.fill("#response", "1/2")
    page.wait_for_timeout(WAIT_MS)
    page.click("#check-answer")
    page.wait_for_selector("#feedback")
    with demo_database.transaction() as session:
        student_id = session.scalar(select(User.id).where(User.email == STUDENT))
        latest = session.scalars(
            select(Attempt).where(Attempt.student_id == student_id).order_by(Attempt.id.desc()).limit(1)
        ).one()
        # Both waits count: the one before the refused answers and the one after them.
        assert latest.duration_ms is not None and latest.duration_ms >= 2 * WAIT_MS, latest.duration_ms
    page.context.close()


def test_the_knowledge_map_is_a_list_on_a_phone_and_a_focusable_drawing_on_a_desktop(
    browser: Any, server_url: str
) -> None:
    phone = signed_in(browser, server_url, STUDENT, PHONE)
    phone.goto("/learn")
    assert phone.locator(".map-drawing").is_hidden()
    items = phone.locator(".map-list li")
    assert items.count() >= 10 and items.first.is_visible()
    # Nothing on the page is wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = items.first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    phone.context.close()
    desktop = signed_in(browser, server_url, STUDENT)
    desktop.goto("/learn")
    drawing = desktop.locator(".map-drawing")
    assert drawing.is_visible() and desktop.locator(".map-list").is_hidden()
    assert desktop.evaluate("document.documentElement.scrollWidth") <= 1280  # the page itself is not cut
    # The part of the map right of the card is reached from the keyboard: focus the map, press the arrow.
    drawing.focus()
    desktop.keyboard.press("ArrowRight")
    desktop.wait_for_function("document.querySelector('.map-drawing').scrollLeft > 0")
    desktop.context.close()
