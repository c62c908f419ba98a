"""Practice without a connection, in Chromium with network emulation (docs/offline.md).

The browser's checker agrees with the server's on every case of the shared corpus; a student who loses
the connection keeps answering, closes and reopens the tab while offline, and when the connection
returns every answer is stored once, in the order given, and the map shows the new mastery.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from atpace.content.spec import AnswerSpec
from atpace.store.db import Database
from atpace.store.tables import Attempt, Item, LearnerState, Skill, User
from tests.browser.axe import violations

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).parents[1] / "fixtures" / "offline" / "answer_corpus.json"
EMAIL = "student11@riverside.example"  # no other browser test uses this student
SYNC_TIMEOUT_MS = 20_000

CHECK_ALL = """async (corpus) => {
  const { checkAnswer } = await import("/static/offline/checker.js");
  const wrong = [];
  for (const [n, source, response, status, message, normalized] of corpus.cases) {
    const got = checkAnswer(corpus.specs[n], response);
    if (got.status !== status || got.message !== message || got.normalized !== normalized) {
      wrong.push({ source, response, expected: { status, message, normalized }, got });
    }
  }
  return { count: corpus.cases.length, wrong: wrong.slice(0, 20) };
}"""


def test_the_browser_checker_agrees_with_the_server_on_every_case(page: Any) -> None:
    page.goto("/practice/offline")  # any page of the site: the checker is a module it can import
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    outcome = page.evaluate(CHECK_ALL, corpus)
    assert outcome["count"] == len(corpus["cases"]) > 1000
    assert outcome["wrong"] == []


def _spec(database: Database, item_id: int) -> AnswerSpec:
    with database.transaction() as session:
        item = session.get(Item, item_id)
        assert item is not None
        return AnswerSpec.from_dict(item.answer)


def _answer(page: Any, database: Database, *, wrong: bool = False) -> str:
    """Answer the item on screen (right, or wrong) and check it; returns its client_attempt_id."""
    page.wait_for_selector("#answer-form")
    item_id = int(page.get_attribute("#item-card", "data-item"))
    spec = _spec(database, item_id)
    attempt_id = str(page.input_value("#answer-form input[name=client_attempt_id]"))
    if spec.kind == "multiple_choice":
        choice = next(c for c in spec.choices if (c != spec.correct) == wrong)
        page.locator("input[name=response][type=radio]").nth(spec.choices.index(choice)).check()
    elif spec.kind == "multiple_select":
        picks = spec.correct_choices[1:] if wrong else spec.correct_choices
        for choice in picks:
            page.locator("input[name=picked][type=checkbox]").nth(spec.choices.index(choice)).check()
        if wrong and not picks:
            other = next(c for c in spec.choices if c not in spec.correct_choices)
            page.locator("input[name=picked][type=checkbox]").nth(spec.choices.index(other)).check()
    elif spec.kind == "ordering":
        order = list(reversed(spec.correct_choices)) if wrong else list(spec.correct_choices)
        for position, choice in enumerate(order):
            page.locator("select[name=picked]").nth(position).select_option(choice)
    else:
        page.fill(
            "#response",
            "zebra 99" if wrong and spec.kind == "short_text" else "999" if wrong else spec.correct,
        )
    page.click("#check-answer")
    page.wait_for_selector("#feedback[data-offline]")
    return attempt_id


def _waiting(page: Any) -> int:
    return int(page.get_attribute("#sync-status", "data-waiting") or "0")


def test_offline_answers_survive_a_closed_tab_and_sync_once_in_order(
    browser: Any, server_url: str, demo_database: Database, output_dir: Path
) -> None:
    with demo_database.transaction() as session:
        student_id = session.scalar(select(User.id).where(User.email == EMAIL))
        assert student_id is not None
        before = len(session.scalars(select(Attempt.id).where(Attempt.student_id == student_id)).all())
    # bypass_csp: axe-core is added to the page as a script, which the app's CSP would refuse.
    context = browser.new_context(
        base_url=server_url, viewport={"width": 1024, "height": 900}, bypass_csp=True
    )
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto("/login")
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", "atpace-demo")
        page.click("button[type=submit]")
        page.wait_for_url("**/learn")
        page.goto("/practice")
        page.wait_for_selector("html[data-offline-batch=kept]", timeout=SYNC_TIMEOUT_MS)
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # the shell is cached

        context.set_offline(True)
        given = [_answer(page, demo_database, wrong=True)]  # the item the server rendered, answered offline
        assert page.inner_text("#feedback-title") == "Not quite"
        assert page.locator("#worked-solution li").count() >= 1
        assert page.inner_text("#sync-status") == "1 answer waiting to sync"
        for _ in range(2):
            page.click("#next-question")
            given.append(_answer(page, demo_database))
            assert page.inner_text("#feedback-title") == "Correct!"
        assert page.inner_text("#sync-status") == "3 answers waiting to sync"
        assert violations(page) == []  # the feedback given offline, and the status line
        page.screenshot(path=str(output_dir / "offline-feedback.png"), full_page=True)

        page.close()  # the tab is closed while offline; the answers wait in IndexedDB
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto("/practice")  # offline: the service worker answers with the kept shell
        page.wait_for_selector("#offline-practice[data-shell] #answer-form")
        assert page.inner_text("#sync-status") == "3 answers waiting to sync"
        # The demo's "Fraction of a set" questions take a typed number. Input that is not an answer gets
        # the server's message and is not queued.
        assert page.get_attribute("#item-card", "data-kind") in ("fraction", "numeric")
        page.fill("#response", "1//2")
        page.click("#check-answer")
        assert page.inner_text("#answer-error").startswith("1//2 is not a")
        assert _waiting(page) == 3
        for _ in range(2):
            given.append(_answer(page, demo_database))
            page.click("#next-question")
        assert page.inner_text("#sync-status") == "5 answers waiting to sync"
        assert page.get_attribute("#sync-status", "aria-live") == "polite"
        assert violations(page) == []  # the kept offline page with a question of the batch
        page.screenshot(path=str(output_dir / "offline-waiting.png"), full_page=True)

        context.set_offline(False)  # the browser's "online" event sends the queue
        page.wait_for_selector("#sync-status[data-waiting='0']", timeout=SYNC_TIMEOUT_MS)
        assert "5 answers synced" in page.inner_text("#sync-status")
        page.wait_for_selector("#back-online")

        with demo_database.transaction() as session:
            attempts = session.scalars(
                select(Attempt)
                .where(Attempt.student_id == student_id)
                .order_by(Attempt.created_at, Attempt.id)
            ).all()
            assert len(attempts) == before + 5  # each answer once
            new = attempts[-5:]
            assert [a.client_attempt_id for a in new] == given  # in the order given
            assert [a.correct for a in new] == [False, True, True, True, True]  # the server's own verdicts
            last = new[-1]
            skill = session.get(Skill, last.skill_id)
            assert skill is not None
            state = session.scalar(
                select(LearnerState).where(
                    LearnerState.student_id == student_id, LearnerState.skill_id == last.skill_id
                )
            )
            assert state is not None and state.p_learned == pytest.approx(last.mastery_after)
        page.click("#back-online a[href='/learn']")
        page.wait_for_url("**/learn")
        assert f"{round(last.mastery_after * 100)}%" in page.locator("svg").first.inner_html()
        page.screenshot(path=str(output_dir / "offline-synced-map.png"), full_page=True)
    finally:
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
