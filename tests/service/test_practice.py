"""The practice loop through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.content.spec import AnswerSpec
from atpace.engine.bkt_online import BKTParams, SkillParameters, update
from atpace.engine.policy import item_params
from atpace.errors import Conflict, InvalidInput
from atpace.services import practice, reports
from atpace.services.practice import AnswerInput
from atpace.store.tables import Attempt, ImmutableRowError, Item, LearnerModelParameters, LearnerState
from tests.service.conftest import World, actor_of, typed_item


def correct_response(session: Session, item_id: int) -> str:
    item = session.get(Item, item_id)
    assert item is not None
    return AnswerSpec.from_dict(item.answer).correct


def wrong_response(session: Session, item_id: int) -> str:
    from atpace.content.answers import check_answer

    item = session.get(Item, item_id)
    assert item is not None
    spec = AnswerSpec.from_dict(item.answer)
    for candidate in [*spec.choices, "0", "1", "7/9", "99", "zebra", "<", ">", "="]:
        if check_answer(spec, candidate).status == "incorrect":
            return candidate
    raise AssertionError("no wrong answer found")


def count_attempts(session: Session, student_id: int) -> int:
    return int(session.scalar(select(func.count(Attempt.id)).where(Attempt.student_id == student_id)) or 0)


def test_fresh_student_starts_on_a_root_skill_with_a_reason(session: Session, world: World) -> None:
    actor = actor_of(session, world.student_id)
    progress = reports.progress_of(session, actor, world.student_id)
    assert progress.mastered == set()
    roots = [k for k, s in progress.skills.items() if not s.prerequisites]
    assert progress.ready == roots
    assert progress.recommendation is not None
    assert progress.recommendation.skill_key == roots[0]
    assert progress.recommendation.reason == "Ready: a starting skill, nothing needed first"
    item = practice.next_item(session, actor)
    assert item.skill_key == roots[0] and item.prompt and item.hint_count >= 1


def test_answers_move_mastery_and_are_stored_once(session: Session, world: World) -> None:
    actor = actor_of(session, world.student_id)
    item = practice.next_item(session, actor)
    right = practice.submit_answer(
        session, actor,
        AnswerInput(item.item_id, correct_response(session, item.item_id), "c-1", item.skill_key, 12000, 1, 3),
    )  # fmt: skip
    assert right.correct and right.mastery_after > right.mastery_before and right.worked_solution == ()
    second = practice.next_item(session, actor, item.skill_key, frozenset({item.item_id}))
    assert second.item_id != item.item_id
    wrong = practice.submit_answer(
        session,
        actor,
        AnswerInput(second.item_id, wrong_response(session, second.item_id), "c-2", item.skill_key),
    )
    assert not wrong.correct and wrong.mastery_after < wrong.mastery_before
    assert wrong.worked_solution and wrong.correct_answer
    stored = session.scalars(
        select(Attempt).where(Attempt.student_id == world.student_id).order_by(Attempt.id)
    ).all()
    assert [(a.client_attempt_id, a.correct, a.hints_used, a.confidence) for a in stored] == [
        ("c-1", True, 1, 3),
        ("c-2", False, 0, None),
    ]
    assert stored[0].duration_ms == 12000
    state = session.scalar(select(LearnerState).where(LearnerState.student_id == world.student_id))
    assert state is not None and state.attempts == 2 and state.correct == 1
    assert state.p_learned == pytest.approx(wrong.mastery_after)


def test_a_retried_client_attempt_id_stores_nothing_new(session: Session, world: World) -> None:
    actor = actor_of(session, world.student_id)
    item = practice.next_item(session, actor)
    data = AnswerInput(item.item_id, correct_response(session, item.item_id), "retry-me", item.skill_key)
    first = practice.submit_answer(session, actor, data)
    again = practice.submit_answer(session, actor, data)
    assert again.replayed and not first.replayed
    assert again.attempt_id == first.attempt_id
    assert (again.correct, again.mastery_after) == (first.correct, first.mastery_after)
    # The same id with another answer, or for another item, is a conflict naming the field.
    with pytest.raises(Conflict) as caught:
        practice.submit_answer(session, actor, AnswerInput(item.item_id, "0", "retry-me", item.skill_key))
    assert caught.value.field == "client_attempt_id" and "another answer" in caught.value.message
    other = practice.next_item(session, actor, exclude=frozenset({item.item_id}))
    with pytest.raises(Conflict) as caught:
        practice.submit_answer(
            session, actor, AnswerInput(other.item_id, correct_response(session, other.item_id), "retry-me")
        )
    assert caught.value.field == "client_attempt_id" and "another item" in caught.value.message
    assert count_attempts(session, world.student_id) == 1
    state = session.scalar(select(LearnerState).where(LearnerState.student_id == world.student_id))
    assert state is not None and state.attempts == 1


def test_malformed_input_is_refused_and_nothing_is_written(session: Session, world: World) -> None:
    actor = actor_of(session, world.student_id)
    skill_key = practice.next_item(session, actor).skill_key
    item = typed_item(session, world.course_id, skill_key)
    with pytest.raises(InvalidInput) as caught:
        practice.submit_answer(session, actor, AnswerInput(item.id, "3//4", "bad-1", skill_key))
    assert caught.value.field == "response" and "3//4" in caught.value.message
    with pytest.raises(InvalidInput) as caught:
        practice.submit_answer(session, actor, AnswerInput(item.id, "1", "bad-2", skill_key, confidence=9))
    assert caught.value.field == "confidence"
    assert count_attempts(session, world.student_id) == 0
    assert session.scalar(select(LearnerState).where(LearnerState.student_id == world.student_id)) is None


def test_mastery_at_threshold_unlocks_dependents(session: Session, world: World) -> None:
    actor = actor_of(session, world.student_id)
    progress = reports.progress_of(session, actor, world.student_id)
    root = progress.ready[0]
    dependents = [k for k, s in progress.skills.items() if s.prerequisites == (root,)]
    assert dependents, "the course has a skill that needs only the first one"
    outcomes = []
    for n in range(30):
        item = practice.next_item(session, actor, root)
        outcomes.append(
            practice.submit_answer(
                session,
                actor,
                AnswerInput(item.item_id, correct_response(session, item.item_id), f"m-{n}", root),
            )
        )
        if outcomes[-1].mastered_now:
            break
    final = outcomes[-1]
    assert final.mastered_now and final.mastery_after >= 0.95 > final.mastery_before
    assert progress.skills[dependents[0]].name in final.newly_ready
    after = reports.progress_of(session, actor, world.student_id)
    assert after.skills[root].state == "mastered"
    assert after.skills[dependents[0]].state == "ready"
    assert all(not o.mastered_now for o in outcomes[:-1])


def test_a_locked_dependent_is_not_announced_as_newly_ready(session: Session, world: World) -> None:
    from atpace.services import interventions

    actor = actor_of(session, world.student_id)
    progress = reports.progress_of(session, actor, world.student_id)
    root = progress.ready[0]
    dependents = [k for k, s in progress.skills.items() if s.prerequisites == (root,)]
    interventions.set_override(
        session, actor_of(session, world.teacher_id), world.student_id, dependents[0], "lock", "not yet"
    )
    for n in range(30):
        item = practice.next_item(session, actor, root)
        outcome = practice.submit_answer(
            session, actor, AnswerInput(item.item_id, correct_response(session, item.item_id), f"l-{n}", root)
        )
        if outcome.mastered_now:
            break
    assert outcome.mastered_now and progress.skills[dependents[0]].name not in outcome.newly_ready
    assert reports.progress_of(session, actor, world.student_id).skills[dependents[0]].state == "held"


def test_a_locked_skill_cannot_be_practised(session: Session, world: World) -> None:
    actor = actor_of(session, world.student_id)
    progress = reports.progress_of(session, actor, world.student_id)
    locked = next(k for k, s in progress.skills.items() if s.state == "locked")
    with pytest.raises(Conflict, match="not ready yet"):
        practice.next_item(session, actor, locked)


def test_attempts_are_immutable(session: Session, world: World) -> None:
    attempt = session.scalar(select(Attempt).where(Attempt.student_id == world.classmate_id).limit(1))
    assert attempt is not None
    attempt.correct = not attempt.correct
    with pytest.raises(ImmutableRowError):
        session.flush()
    session.rollback()


def test_stored_parameters_replace_the_defaults(session: Session, world: World) -> None:
    actor = actor_of(session, world.student_id)
    item = practice.next_item(session, actor)
    fitted = SkillParameters(by_skill={item.skill_key: BKTParams(prior=0.5, learn=0.3, guess=0.1, slip=0.05)})
    session.add(
        LearnerModelParameters(
            school_id=world.school_id,
            course_id=world.course_id,
            model="bkt",
            version=1,
            parameters=fitted.to_json(),
        )
    )
    session.flush()
    outcome = practice.submit_answer(
        session,
        actor,
        AnswerInput(item.item_id, correct_response(session, item.item_id), "p-1", item.skill_key),
    )
    assert outcome.mastery_before == pytest.approx(0.5)
    # The fitted parameters, adjusted for this item's difficulty as item selection predicted it.
    difficulty = session.get(Item, item.item_id).difficulty  # type: ignore[union-attr]
    adjusted = item_params(BKTParams(prior=0.5, learn=0.3, guess=0.1, slip=0.05), difficulty)
    assert outcome.mastery_after == pytest.approx(update(0.5, True, adjusted))
    assert outcome.mastery_after != pytest.approx(update(0.5, True, BKTParams()))
