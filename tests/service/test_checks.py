"""Mastery checks on demand: offer, unseen items, no hints, pass and fail, idempotent answers, and the class
setting that requires a check before a skill counts as mastered (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, Forbidden
from atpace.services import checks, practice, reports
from atpace.services.access import student_course
from atpace.services.practice import AnswerInput
from atpace.services.progress import StudentProgress, student_progress
from atpace.store.tables import Attempt, Evidence, User
from atpace.store.tables_pathways import MasteryCheck, MasteryCheckAnswer
from tests.service.conftest import World, actor_of
from tests.service.test_practice import correct_response, wrong_response
from tests.service.test_today import root_skill


def practise_right(session: Session, student_id: int, skill_key: str, *, until: float, tag: str) -> float:
    """Right practice answers on the skill until P(learned) reaches ``until``; returns it."""
    actor = actor_of(session, student_id)
    for n in range(40):
        item = practice.next_item(session, actor, skill_key)
        outcome = practice.submit_answer(
            session,
            actor,
            AnswerInput(item.item_id, correct_response(session, item.item_id), f"{tag}{n}", skill_key),
        )
        if outcome.mastery_after >= until:
            return outcome.mastery_after
    raise AssertionError("mastery never reached the target")


def progress_of(session: Session, student_id: int) -> StudentProgress:
    student = session.get(User, student_id)
    assert student is not None
    return student_progress(session, student, student_course(session, student))


def take(
    session: Session, student_id: int, skill_key: str, right: int, tag: str
) -> checks.CheckAnswerOutcome:
    """Start a check and answer its items: the first ``right`` right, the others wrong."""
    actor = actor_of(session, student_id)
    check = checks.start(session, actor, skill_key)
    outcome = None
    for n, item in enumerate(check.items):
        response = (
            correct_response(session, item.item_id) if n < right else wrong_response(session, item.item_id)
        )
        outcome = checks.answer(session, actor, skill_key, item.item_id, response, f"{tag}{n}")
    assert outcome is not None
    return outcome


def test_a_fresh_student_is_not_offered_a_check(session: Session, world: World) -> None:
    key, _ = root_skill(session, world)
    actor = actor_of(session, world.student_id)
    offer = checks.offer(session, actor, key)
    assert not offer.ready
    assert "a check opens at" in offer.reason
    with pytest.raises(Conflict):
        checks.start(session, actor, key)


def test_a_passed_check_confirms_mastery_with_unseen_items_and_no_hints(
    session: Session, world: World
) -> None:
    key, _ = root_skill(session, world)
    actor = actor_of(session, world.student_id)
    threshold = student_course(session, session.get(User, world.student_id)).mastery_threshold  # type: ignore[arg-type]
    practise_right(session, world.student_id, key, until=threshold, tag="p")
    offer = checks.offer(session, actor, key)
    assert offer.ready and "reached mastery" in offer.reason
    check = checks.start(session, actor, key)
    assert len(check.items) == checks.RULE.items == 4
    assert checks.start(session, actor, key).id == check.id  # starting again returns the open check
    practised = set(session.scalars(select(Attempt.item_id).where(Attempt.student_id == world.student_id)))
    assert not practised & {i.item_id for i in check.items}  # unseen items only
    with pytest.raises(Conflict, match="no hints in a mastery check"):
        practice.hint(session, actor, check.items[0].item_id, 1)
    outcome = None
    for n, item in enumerate(check.items):
        outcome = checks.answer(
            session, actor, key, item.item_id, correct_response(session, item.item_id), f"c{n}"
        )
    assert outcome is not None and outcome.check.status == "passed"
    assert outcome.check.reason.startswith("4 of 4 right")
    kinds = session.scalars(
        select(Evidence.kind).where(Evidence.student_id == world.student_id, Evidence.kind == "check")
    ).all()
    assert len(kinds) >= 4  # every answer went through the evidence path
    progress = progress_of(session, world.student_id)
    assert progress.skills[key].confirmed
    after = checks.offer(session, actor, key)
    assert not after.ready and "already confirmed" in after.reason
    # A retried answer stores nothing new and says so.
    first = check.items[0]
    replay = checks.answer(session, actor, key, first.item_id, correct_response(session, first.item_id), "c0")
    assert replay.replayed
    count = session.scalar(
        select(func.count(MasteryCheckAnswer.id)).where(MasteryCheckAnswer.check_id == check.id)
    )
    assert count == 4
    with pytest.raises(Conflict):  # the same id with another answer
        checks.answer(session, actor, key, first.item_id, wrong_response(session, first.item_id), "c0")


def test_a_failed_check_sends_back_to_practice_with_the_reason(session: Session, world: World) -> None:
    key, _ = root_skill(session, world)
    actor = actor_of(session, world.student_id)
    practise_right(session, world.student_id, key, until=0.95, tag="p")
    outcome = take(session, world.student_id, key, right=2, tag="f")
    assert outcome.check.status == "failed"
    assert "2 of 4 right; a pass needs 3" in outcome.check.reason
    assert not progress_of(session, world.student_id).skills[key].confirmed
    offer = checks.offer(session, actor, key)
    assert not offer.ready and "3 answers in a row right" in offer.reason
    assert offer.last_check is not None and offer.last_check.status == "failed"
    practise_right(session, world.student_id, key, until=0.0, tag="q")  # one right answer is not enough
    assert not checks.offer(session, actor, key).ready
    for n in range(2):
        practise_right(session, world.student_id, key, until=0.0, tag=f"r{n}")
    again = checks.offer(session, actor, key)
    assert again.ready, again.reason
    # The second check asks none of the first check's items.
    first = session.scalar(select(MasteryCheck).where(MasteryCheck.student_id == world.student_id))
    assert first is not None
    second = checks.start(session, actor, key)
    assert not set(first.item_ids) & {i.item_id for i in second.items}


def test_a_required_check_holds_back_progression_until_passed(session: Session, world: World) -> None:
    key, _ = root_skill(session, world)
    teacher = actor_of(session, world.teacher_id)
    student = session.get(User, world.student_id)
    assert student is not None
    course = student_course(session, student)
    setting = checks.set_check_required(session, teacher, world.class_id, True)
    assert setting.required
    practise_right(session, world.student_id, key, until=course.mastery_threshold, tag="p")
    progress = student_progress(session, student, course)
    assert progress.check_required
    assert progress.skills[key].state == "check-needed"
    assert key not in progress.mastered
    dependents = progress.course_graph.graph.dependents(key)
    assert dependents and not set(dependents) & set(progress.ready)  # the frontier did not move on
    assert progress.recommendation is not None and progress.recommendation.reason.startswith("Check needed")
    heatmap = reports.class_heatmap(session, teacher, world.class_id)
    row = next(r for r in heatmap.rows if r.student_id == student.id)
    assert row.states[key] == "check-needed" and row.mastered_count == 0
    outcome = take(session, world.student_id, key, right=4, tag="c")
    assert outcome.check.status == "passed"
    progress = student_progress(session, student, course)
    assert progress.skills[key].state == "mastered" and progress.skills[key].confirmed
    assert set(dependents) & set(progress.ready)
    heatmap = reports.class_heatmap(session, teacher, world.class_id)
    row = next(r for r in heatmap.rows if r.student_id == student.id)
    assert row.mastered_count == 1 and key in row.confirmed
    # Without the setting the same skill counts at once: switching it off changes progression back.
    checks.set_check_required(session, teacher, world.class_id, False)
    assert not student_progress(session, student, course).check_required


def test_only_the_class_teachers_set_the_requirement(session: Session, world: World) -> None:
    with pytest.raises(Forbidden):
        checks.set_check_required(session, actor_of(session, world.student_id), world.class_id, True)
    with pytest.raises(Forbidden):
        checks.set_check_required(session, actor_of(session, world.other_teacher_id), world.class_id, True)
