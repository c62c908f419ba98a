"""The next practice item: on the recommended skill (or the student's choice), at the mode's target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from atpace.content.question_key import answer_value, prompt_numbers, question_key
from atpace.content.spec import AnswerSpec
from atpace.engine import bkt_online, policy
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services.access import student_course
from atpace.services.auth import Actor
from atpace.services.courses import servable
from atpace.services.practice.common import acting_student, course_item, item_skill_keys, practisable
from atpace.services.practice.modes import practice_mode
from atpace.services.progress import StudentProgress, load_parameters, student_progress
from atpace.store.tables import Attempt, Item, ItemSkill, Skill, User, utcnow

SESSION = policy.SITTING  # one sitting: items answered this recently are not asked again
KIND_WINDOW = 6  # latest answers whose item kinds the next item should vary from


@dataclass(frozen=True)
class PracticeItem:
    item_id: int
    skill_key: str
    skill_name: str
    kind: str
    prompt: str
    choices: tuple[str, ...]
    hint_count: int
    mastery: float
    reason: str
    mode: str = "standard"
    mode_reason: str = ""
    target: float = 0.8
    predicted_success: float = 0.5
    worked_example: tuple[str, tuple[str, ...]] | None = None  # support mode: (prompt, steps) shown first


def next_item(
    session: Session, actor: Actor, skill_key: str | None = None, exclude: frozenset[int] = frozenset()
) -> PracticeItem:
    """The next item for the student: on the chosen skill, or on the recommended one."""
    student = acting_student(session, actor)
    progress = student_progress(session, student, student_course(session, student))
    if skill_key is None:
        if progress.recommendation is None:
            raise Conflict("You have mastered every skill in this course. Well done!")
        skill_key, reason = progress.recommendation.skill_key, progress.recommendation.reason
    elif offered := next((r for r in progress.recommendations if r.skill_key == skill_key), None):
        reason = offered.reason  # a review or another ready skill picked from the list keeps its reason
    elif skill_key in progress.course_graph.skills:
        reason = f"Your choice: {progress.course_graph.skills[skill_key].name}."
    else:
        reason = ""
    mixed_in = _review_to_mix_in(session, student, progress, skill_key)
    if mixed_in is not None:
        skill_key = mixed_in.skill_key
        reason = (
            f"Review mixed in: {progress.skills[skill_key].name}, last practised {mixed_in.ago}, "
            f"predicted recall {mixed_in.recall:.0%}"
        )
    skill = practisable(progress, skill_key)
    mastery = progress.skills[skill_key].mastery
    params = load_parameters(session, progress.course.id).for_skill(skill_key)
    p_learned = params.prior if mastery is None else mastery
    mode = practice_mode(session, student)
    item, predicted = _choose_item(session, student.id, skill.id, p_learned, params, mode.target, exclude)
    example = _worked_example(session, skill.id, item) if mode.worked_example_first else None
    return _practice_item(item, skill, p_learned, reason, mode, predicted, example)


def next_item_by_id(session: Session, actor: Actor, item_id: int, skill_key: str) -> PracticeItem:
    """The given item again (after malformed input), on the skill being practised."""
    student = acting_student(session, actor)
    course = student_course(session, student)
    item = course_item(session, course, item_id)
    progress = student_progress(session, student, course)
    if skill_key not in item_skill_keys(session, item, progress):
        raise InvalidInput("skill_key", f"item {item_id} does not practise {skill_key!r}")
    skill = practisable(progress, skill_key)
    mastery = progress.skills[skill_key].mastery
    p_learned = (
        load_parameters(session, progress.course.id).for_skill(skill_key).prior
        if mastery is None
        else mastery
    )
    return _practice_item(item, skill, p_learned, "")


def _review_to_mix_in(
    session: Session, student: User, progress: StudentProgress, skill_key: str, now: datetime | None = None
) -> policy.DueReview | None:
    """A due review of a mastered skill, every few items of new practice (policy.review_slot)."""
    if progress.skills.get(skill_key) is None or progress.skills[skill_key].state == "mastered":
        return None  # already reviewing
    due = [
        d
        for d in policy.due_reviews(progress.reviews, now or utcnow())
        if progress.skills[d.skill_key].state == "mastered"
    ]
    if not due:
        return None
    reviewed = {progress.course_graph.skills[r.skill_key].id for r in progress.reviews}
    recent = session.scalars(
        select(Attempt.skill_id)
        .where(Attempt.student_id == student.id, Attempt.created_at >= (now or utcnow()) - SESSION)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
    ).all()
    since_review = next((n for n, skill_id in enumerate(recent) if skill_id in reviewed), len(recent))
    return policy.review_slot(since_review, due)


def _practice_item(
    item: Item,
    skill: Skill,
    p_learned: float,
    reason: str,
    mode: policy.ModeDecision | None = None,
    predicted: float = 0.5,
    example: tuple[str, tuple[str, ...]] | None = None,
) -> PracticeItem:
    return PracticeItem(
        item_id=item.id,
        skill_key=skill.key,
        skill_name=skill.name,
        kind=item.kind,
        prompt=item.prompt,
        choices=AnswerSpec.from_dict(item.answer).choices,
        hint_count=len(item.hints),
        mastery=p_learned,
        reason=reason,
        mode=mode.mode if mode else "standard",
        mode_reason=mode.reason if mode else "",
        target=mode.target if mode else 0.8,
        predicted_success=predicted,
        worked_example=example,
    )


def _question_of(item: Item) -> str:
    """The item's question whatever its wording (atpace.content.question_key)."""
    return question_key(item.prompt, str(item.answer.get("correct", "")))


def _choose_item(
    session: Session,
    student_id: int,
    skill_id: int,
    p_learned: float,
    params: bkt_online.BKTParams,
    target: float,
    exclude: frozenset[int],
    *,
    now: datetime | None = None,
) -> tuple[Item, float]:
    """The item whose predicted success is nearest the mode's target (atpace.engine.policy.select_item).

    Items answered in this session are not asked again, nor are other wordings of their question (the
    same numbers and answer in another format); items missed in an earlier session come back first when
    they suit the target. Item kinds are varied (the kinds of the latest KIND_WINDOW answers). When every
    item was seen this session, the least recent returns.
    """
    candidates = {
        item.id: item
        for item in session.scalars(
            select(Item)
            .join(ItemSkill, ItemSkill.item_id == Item.id)
            .where(ItemSkill.skill_id == skill_id, servable())
        )
    }
    if not candidates:
        raise NotFound("this skill has no items yet")
    since = (now or utcnow()) - SESSION
    # Answers to these items under any skill: an item shared by two skills is not asked twice in a session.
    history = session.execute(
        select(Attempt.item_id, Attempt.correct, Attempt.created_at)
        .where(Attempt.student_id == student_id, Attempt.item_id.in_(candidates))
        .order_by(Attempt.created_at, Attempt.id)
    ).all()
    # Every item answered in this sitting, on any skill, newest first: their questions and kinds.
    sitting = session.scalars(
        select(Item)
        .join(Attempt, Attempt.item_id == Item.id)
        .where(Attempt.student_id == student_id, Attempt.created_at >= since)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
    ).all()
    asked = {_question_of(item) for item in sitting}
    if exclude:
        asked |= {_question_of(item) for item in session.scalars(select(Item).where(Item.id.in_(exclude)))}
    seen = (
        {str(i) for i, _, at in history if at >= since}
        | {str(i) for i in exclude}
        | {str(key) for key, item in candidates.items() if _question_of(item) in asked}
    )
    last_result = {i: ok for i, ok, _ in history}
    missed = [str(i) for i, ok in last_result.items() if not ok and str(i) not in seen]
    predicted = {
        key: policy.predicted_success(p_learned, params, item.difficulty) for key, item in candidates.items()
    }
    recent_kinds = [item.kind for item in reversed(sitting[:KIND_WINDOW])]
    choice = policy.select_item(
        (policy.Candidate(str(key), value, candidates[key].kind) for key, value in predicted.items()),
        target,
        seen,
        missed,
        recent_kinds=recent_kinds,
    )
    if choice is None:  # everything seen this session: start again from the least recently answered
        order = {i: n for n, (i, _, _) in enumerate(history)}
        item = min(candidates.values(), key=lambda it: (it.id in exclude, order.get(it.id, -1), it.id))
        return item, predicted[item.id]
    return candidates[int(choice.item_key)], choice.predicted_success


def _worked_example(session: Session, skill_id: int, shown: Item) -> tuple[str, tuple[str, ...]] | None:
    """Another item of the skill with its worked solution, to study before trying (support mode).

    The example must not give the item away: its numbers and its answer both differ from the item's.
    An item of the same template (the same kind of problem) nearest in difficulty is preferred.
    """
    others = session.scalars(
        select(Item)
        .join(ItemSkill, ItemSkill.item_id == Item.id)
        .where(ItemSkill.skill_id == skill_id, Item.id != shown.id, servable())
        .order_by(
            case((Item.template_id == shown.template_id, 0), else_=1),
            func.abs(Item.difficulty - shown.difficulty),
            Item.id,
        )
    )
    shown_numbers = prompt_numbers(shown.prompt)
    shown_answer = answer_value(str(shown.answer.get("correct", "")))
    for other in others:
        if not other.worked_solution:
            continue
        numbers = prompt_numbers(other.prompt)
        if shown_numbers and sorted(numbers) == sorted(shown_numbers):
            continue  # the same numbers in another order (1/4 + 2/4 and 2/4 + 1/4) give the answer away
        if answer_value(str(other.answer.get("correct", ""))) == shown_answer:
            continue
        return other.prompt, tuple(str(step) for step in other.worked_solution)
    return None
