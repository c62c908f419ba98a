"""What a new student tripped over (issue 11), through the services and the pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.content.question_key import answer_value, prompt_numbers, question_key
from atpace.services import limits, practice, reports
from atpace.services.interventions import set_mode, set_override
from atpace.services.practice import AnswerInput
from atpace.store.tables import Attempt, Item, ItemSkill, Skill, User
from tests.service.conftest import RollbackDatabase, World, actor_of, typed_item
from tests.service.test_adaptive import most_mastered_student
from tests.service.test_pages import csrf_of, log_in
from tests.service.test_practice import correct_response, wrong_response
from tests.service.web import client_for


def skill_items(session: Session, course_id: int, skill_key: str) -> list[Item]:
    return list(
        session.scalars(
            select(Item)
            .join(ItemSkill, ItemSkill.item_id == Item.id)
            .join(Skill, Skill.id == ItemSkill.skill_id)
            .where(Skill.course_id == course_id, Skill.key == skill_key, Item.is_current)
            .order_by(Item.id)
        )
    )


def question_of(item: Item) -> str:
    return question_key(item.prompt, str(item.answer["correct"]))


MIXED = "fractions-of-a-whole"  # typed fractions and multiple choice, some of them the same question


def open_mixed_skill(session: Session, world: World) -> None:
    """The teacher unlocks the second skill for the fresh student (its prerequisite is not mastered)."""
    teacher = actor_of(session, world.teacher_id)
    set_override(session, teacher, world.student_id, MIXED, "unlock", "knows it from last year")
    session.flush()


def test_a_new_students_first_items_mix_the_kinds(session: Session, world: World) -> None:
    """The report: 15 of a new student's first 16 items were multiple choice."""
    open_mixed_skill(session, world)
    actor = actor_of(session, world.student_id)
    shown: list[str] = []
    for n in range(16):
        item = practice.next_item(session, actor, MIXED)
        shown.append(item.kind)
        # Mostly wrong, as a beginner: mastery stays low, where the easy multiple-choice items are nearest.
        response = (correct_response if n % 4 == 3 else wrong_response)(session, item.item_id)
        practice.submit_answer(
            session, actor, AnswerInput(item.item_id, response, f"mix-{n}", item.skill_key)
        )
    counts = Counter(shown)
    assert len(counts) >= 2 and max(counts.values()) <= 10, counts


def test_a_missed_question_does_not_come_straight_back_in_another_format(
    session: Session, world: World
) -> None:
    open_mixed_skill(session, world)
    actor = actor_of(session, world.student_id)
    items = skill_items(session, world.course_id, MIXED)
    by_question: dict[str, list[Item]] = {}
    for item in items:
        by_question.setdefault(question_of(item), []).append(item)
    missed, twin = next(
        pair for pair in by_question.values() if len(pair) >= 2 and pair[0].kind != pair[1].kind
    )
    other = next(i for i in items if question_of(i) != question_of(missed) and i.kind == twin.kind)
    # Only these three are servable, and the twin is the one nearest the target: without the rule it would
    # be the next item.
    for item in items:
        if item.id not in (missed.id, twin.id, other.id):
            item.is_current = False
    twin.difficulty, other.difficulty = missed.difficulty, 3.0
    session.flush()
    practice.submit_answer(
        session, actor, AnswerInput(missed.id, wrong_response(session, missed.id), "miss-1", MIXED)
    )
    following = practice.next_item(session, actor, MIXED)
    assert following.item_id == other.id, (missed.prompt, following.prompt)
    # Also when the page asks for the next item after this one (the feedback's "Next question").
    assert practice.next_item(session, actor, MIXED, frozenset({missed.id})).item_id == other.id


def test_the_worked_example_differs_from_the_item_in_numbers_and_answer(
    session: Session, world: World
) -> None:
    set_mode(session, actor_of(session, world.teacher_id), world.student_id, "support", "new to fractions")
    session.flush()
    actor = actor_of(session, world.student_id)
    first = practice.next_item(session, actor)
    shown = session.get(Item, first.item_id)
    assert shown is not None and first.worked_example is not None
    # Give the item a twin of its template at the same difficulty: its numbers in another order, same answer.
    twin = next(
        i
        for i in skill_items(session, world.course_id, first.skill_key)
        if i.template_id == shown.template_id and i.id != shown.id
    )
    numbers = prompt_numbers(shown.prompt)
    twin.prompt = shown.prompt if len(numbers) < 2 else shown.prompt.replace(numbers[0], "@").replace(
        numbers[1], numbers[0]).replace("@", numbers[1])  # fmt: skip
    twin.answer, twin.difficulty = dict(shown.answer), shown.difficulty
    session.flush()
    for _ in range(3):
        item = practice.next_item(session, actor)
        assert item.worked_example is not None
        example_prompt, steps = item.worked_example
        example = session.scalar(select(Item).where(Item.prompt == example_prompt))
        on_screen = session.get(Item, item.item_id)
        assert example is not None and on_screen is not None and steps
        assert sorted(prompt_numbers(example.prompt)) != sorted(prompt_numbers(on_screen.prompt))
        assert answer_value(example.answer["correct"]) != answer_value(on_screen.answer["correct"])
        practice.submit_answer(
            session, actor,
            AnswerInput(item.item_id, correct_response(session, item.item_id), f"ex-{item.item_id}", item.skill_key),
        )  # fmt: skip


def test_a_review_picked_from_the_list_keeps_its_review_reason(session: Session, world: World) -> None:
    student_id = most_mastered_student(session)  # three weeks of history: reviews are due
    actor = actor_of(session, student_id)
    progress = reports.progress_of(session, actor, student_id)
    # A review further down the list (the top recommendation's reason was always kept).
    review = next(r for r in progress.recommendations if r.kind == "review" and r != progress.recommendation)
    item = practice.next_item(session, actor, review.skill_key)
    assert item.reason == review.reason and item.reason.startswith("Review")
    assert not item.reason.startswith("Your choice")


def test_the_home_pages_reason_names_the_skill_of_its_button(
    database: RollbackDatabase, world: World
) -> None:
    with database.transaction() as session:
        actor = actor_of(session, world.student_id)
        root = practice.next_item(session, actor).skill_key
        for n in range(30):  # master the starting skill: the next skills become ready
            if reports.progress_of(session, actor, world.student_id).skills[root].state == "mastered":
                break
            item = practice.next_item(session, actor, root)
            practice.submit_answer(
                session, actor,
                AnswerInput(item.item_id, correct_response(session, item.item_id), f"home-{n}", root, 5000),
            )  # fmt: skip
        email = session.get(User, world.student_id).email  # type: ignore[union-attr]
    client = client_for(database)
    log_in(client, email)
    page = client.get("/learn").text
    reason = re.search(r'id="recommendation-reason">([^<]*)<', page)
    button = re.search(r'id="start-practice" href="/practice\?skill=([^"]+)">Practise ([^<]*)<', page)
    assert reason and button, page
    assert reason.group(1).startswith("Ready: you mastered")
    assert button.group(2) in reason.group(1)


def test_an_over_long_answer_gets_the_inline_message_and_keeps_the_question_and_time(
    database: RollbackDatabase, world: World
) -> None:
    client = client_for(database)
    log_in(client, "student01@riverside.example")
    page = client.get("/practice")
    assert f'maxlength="{limits.RESPONSE_MAX}"' in page.text or 'type="radio"' in page.text
    skill = re.search(r'name="skill_key" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    with database.transaction() as session:
        typed = typed_item(session, world.course_id, skill)
        typed_id, prompt = typed.id, typed.prompt
    form = {
        "item_id": typed_id, "skill_key": skill, "client_attempt_id": "long-1", "csrf_token": csrf_of(page.text),
        "duration_ms": "42000",
    }  # fmt: skip
    answer = client.post(
        "/practice/answer", data={**form, "response": "7" * 5000}, headers={"hx-request": "true"}
    )
    assert answer.status_code == 422 and "<html" not in answer.text
    assert 'id="answer-error"' in answer.text and "too long" in answer.text
    assert 'id="prompt"' in answer.text and prompt.split("\n")[0] in answer.text.replace("&#34;", '"')
    assert f'maxlength="{limits.RESPONSE_MAX}"' in answer.text
    # The time spent so far comes back with the form, so the next try counts it too.
    assert re.search(r'name="duration_ms" value="42000" data-timer data-elapsed="42000"', answer.text)
    malformed = client.post(
        "/practice/answer", data={**form, "response": "3//4", "client_attempt_id": "long-2"},
        headers={"hx-request": "true"},
    )  # fmt: skip
    assert malformed.status_code == 422 and 'data-elapsed="42000"' in malformed.text
    right = client.post(
        "/practice/answer",
        data={**form, "response": "0", "client_attempt_id": "long-3", "duration_ms": "45500"},
        headers={"hx-request": "true"},
    )
    assert right.status_code == 200 and 'id="feedback"' in right.text
    with database.transaction() as session:
        stored = session.scalar(select(Attempt).where(Attempt.client_attempt_id == "long-3"))
        assert stored is not None and stored.duration_ms == 45500
        refused = session.scalars(select(Attempt).where(Attempt.client_attempt_id.in_(["long-1", "long-2"])))
        assert refused.all() == []


def test_students_have_no_api_link_in_their_menu_and_teachers_do(
    database: RollbackDatabase, world: World
) -> None:
    student = client_for(database)
    log_in(student, "student01@riverside.example")
    menu = re.search(r'<nav aria-label="Main">.*?</nav>', student.get("/learn").text, re.S)
    assert menu is not None and "/learn" in menu.group(0) and "/api/docs" not in menu.group(0)
    teacher = client_for(database)
    log_in(teacher, "teacher@riverside.example")
    menu = re.search(r'<nav aria-label="Main">.*?</nav>', teacher.get("/teach").text, re.S)
    assert menu is not None and '<a href="/api/docs">API</a>' in menu.group(0)


def test_the_map_comes_with_a_list_and_a_focusable_scroll_region(database: RollbackDatabase) -> None:
    client = client_for(database)
    log_in(client, "student02@riverside.example")
    page = client.get("/learn").text
    assert re.search(
        r'<div class="map-scroll map-drawing" tabindex="0" role="region" aria-label="[^"]+"', page
    )
    listing = re.search(r'<ol class="map-list">(.*?)</ol>', page, re.S)
    assert listing is not None and listing.group(1).count("<li") == page.count('<g class="skill ')
    assert "🔒" not in page
