"""Adaptive practice: serve an item, check the answer, update mastery, say what comes next.

One answer is one transaction: the attempt (idempotent on the client's attempt id), the learner
states of every skill the item practises, and the feedback are written together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from atpace.content.answers import check_answer
from atpace.content.spec import AnswerSpec
from atpace.engine import bkt_online, policy
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services.access import require_student, student_course
from atpace.services.auth import Actor
from atpace.services.progress import StudentProgress, load_parameters, student_progress
from atpace.store.tables import (
    Attempt,
    Course,
    Item,
    ItemSkill,
    LearnerState,
    PlacementSession,
    PracticeModeSetting,
    ReviewMemory,
    Skill,
    User,
    utcnow,
)

SESSION = policy.SITTING  # one sitting: items answered this recently are not asked again
MODE_WINDOW = 5  # recent answers that decide the practice mode
CONFIDENCE_WORDS: dict[int, policy.Confidence] = {1: "low", 2: "low", 3: "medium", 4: "high"}


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


@dataclass(frozen=True)
class AnswerInput:
    item_id: int
    response: str
    client_attempt_id: str
    skill_key: str | None = None
    duration_ms: int | None = None
    hints_used: int = 0
    confidence: int | None = None


@dataclass(frozen=True)
class AnswerOutcome:
    attempt_id: int
    correct: bool
    message: str
    correct_answer: str
    worked_solution: tuple[str, ...]  # shown on a miss; empty when correct
    skill_key: str
    skill_name: str
    prompt: str
    response: str
    mastery_before: float
    mastery_after: float
    mastered_now: bool
    newly_ready: tuple[str, ...]  # names of skills that became ready with this answer
    replayed: bool  # True when the client attempt id was seen before and nothing new was stored


def _require_student(session: Session, actor: Actor) -> User:
    return require_student(session, actor, "practise; teachers see items from the class page")


def _practisable(progress: StudentProgress, skill_key: str) -> Skill:
    skill = progress.course_graph.skills.get(skill_key)
    if skill is None:
        raise InvalidInput("skill_key", f"no skill {skill_key!r} in {progress.course.title}")
    if progress.skills[skill_key].state == "held":
        raise Conflict(f"{skill.name} is paused by your teacher ({progress.skills[skill_key].override}).")
    if progress.skills[skill_key].state == "locked":
        missing = [
            progress.skills[p].name
            for p in progress.skills[skill_key].prerequisites
            if p not in progress.mastered
        ]
        raise Conflict(f"{skill.name} is not ready yet: first master {', '.join(missing)}.")
    return skill


def next_item(
    session: Session, actor: Actor, skill_key: str | None = None, exclude: frozenset[int] = frozenset()
) -> PracticeItem:
    """The next item for the student: on the chosen skill, or on the recommended one."""
    student = _require_student(session, actor)
    progress = student_progress(session, student, student_course(session, student))
    if skill_key is None:
        if progress.recommendation is None:
            raise Conflict("You have mastered every skill in this course. Well done!")
        skill_key, reason = progress.recommendation.skill_key, progress.recommendation.reason
    elif progress.recommendation and progress.recommendation.skill_key == skill_key:
        reason = progress.recommendation.reason
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
    skill = _practisable(progress, skill_key)
    mastery = progress.skills[skill_key].mastery
    params = load_parameters(session, progress.course.id).for_skill(skill_key)
    p_learned = params.prior if mastery is None else mastery
    mode = practice_mode(session, student)
    item, predicted = _choose_item(session, student.id, skill.id, p_learned, params, mode.target, exclude)
    example = _worked_example(session, skill.id, item) if mode.worked_example_first else None
    return _practice_item(item, skill, p_learned, reason, mode, predicted, example)


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


def practice_mode(session: Session, student: User) -> policy.ModeDecision:
    """The teacher's setting if there is one, else the mode the student's recent answers call for."""
    setting = session.get(PracticeModeSetting, student.id)
    recent = session.scalars(
        select(Attempt.correct)
        .where(Attempt.student_id == student.id)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(MODE_WINDOW)
    ).all()
    if setting is None:
        return policy.choose_mode(list(reversed(recent)))
    teacher_mode = cast(policy.Mode, setting.mode)  # stored only after set_mode validated it
    return policy.choose_mode(list(reversed(recent)), teacher_mode, teacher_reason=setting.reason)


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


def next_item_by_id(session: Session, actor: Actor, item_id: int, skill_key: str) -> PracticeItem:
    """The given item again (after malformed input), on the skill being practised."""
    student = _require_student(session, actor)
    course = student_course(session, student)
    item = _course_item(session, course, item_id)
    progress = student_progress(session, student, course)
    if skill_key not in _item_skill_keys(session, item, progress):
        raise InvalidInput("skill_key", f"item {item_id} does not practise {skill_key!r}")
    skill = _practisable(progress, skill_key)
    mastery = progress.skills[skill_key].mastery
    p_learned = (
        load_parameters(session, progress.course.id).for_skill(skill_key).prior
        if mastery is None
        else mastery
    )
    return _practice_item(item, skill, p_learned, "")


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

    Items answered in this session are not asked again; items missed in an earlier session come
    back first when they suit the target. When every item was seen this session, the least recent returns.
    """
    candidates = {
        item.id: item
        for item in session.scalars(
            select(Item).join(ItemSkill, ItemSkill.item_id == Item.id).where(ItemSkill.skill_id == skill_id)
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
    seen = {str(i) for i, _, at in history if at >= since} | {str(i) for i in exclude}
    last_result = {i: ok for i, ok, _ in history}
    missed = [str(i) for i, ok in last_result.items() if not ok and str(i) not in seen]
    predicted = {
        key: policy.predicted_success(p_learned, params, item.difficulty) for key, item in candidates.items()
    }
    choice = policy.select_item(
        (policy.Candidate(str(key), value) for key, value in predicted.items()), target, seen, missed
    )
    if choice is None:  # everything seen this session: start again from the least recently answered
        order = {i: n for n, (i, _, _) in enumerate(history)}
        item = min(candidates.values(), key=lambda it: (it.id in exclude, order.get(it.id, -1), it.id))
        return item, predicted[item.id]
    return candidates[int(choice.item_key)], choice.predicted_success


def _worked_example(session: Session, skill_id: int, shown: Item) -> tuple[str, tuple[str, ...]] | None:
    """Another item of the skill with its worked solution, to study before trying (support mode)."""
    other = session.scalar(
        select(Item)
        .join(ItemSkill, ItemSkill.item_id == Item.id)
        .where(ItemSkill.skill_id == skill_id, Item.id != shown.id, Item.template_id == shown.template_id)
        .order_by(func.abs(Item.difficulty - shown.difficulty), Item.id)
        .limit(1)
    )
    return (other.prompt, tuple(str(step) for step in other.worked_solution)) if other else None


def hint(session: Session, actor: Actor, item_id: int, number: int) -> tuple[str, int]:
    """Hint ``number`` (1-based) of an item in the student's course, and how many hints it has."""
    item = _hinted_item(session, actor, item_id)
    if not 1 <= number <= len(item.hints):
        raise InvalidInput("number", f"this item has hints 1 to {len(item.hints)}")
    return str(item.hints[number - 1]), len(item.hints)


def hints_shown(session: Session, actor: Actor, item_id: int, count: int) -> list[str]:
    """The first ``count`` hints of an item (those the student has read), in one lookup."""
    item = _hinted_item(session, actor, item_id)
    return [str(text) for text in item.hints[: max(count, 0)]]


def _hinted_item(session: Session, actor: Actor, item_id: int) -> Item:
    """An item of the student's course whose hints may be shown (not the question of a running placement)."""
    student = _require_student(session, actor)
    item = _course_item(session, student_course(session, student), item_id)
    running = session.get(PlacementSession, student.id)
    if running is not None and running.finished_at is None and running.current_item_id == item.id:
        raise Conflict("no hints during placement: it finds what you can do on your own")
    return item


def _course_item(session: Session, course: Course, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if item is None or item.course_id != course.id:
        raise NotFound(f"item {item_id} not found")
    return item


def validate_answer_input(data: AnswerInput) -> None:
    if not data.client_attempt_id or len(data.client_attempt_id) > 64:
        raise InvalidInput("client_attempt_id", "client_attempt_id must be 1-64 characters")
    if len(data.response) > 500:
        raise InvalidInput("response", "the answer is too long (500 characters at most)")
    if data.confidence is not None and not 1 <= data.confidence <= 4:
        raise InvalidInput("confidence", "confidence must be 1, 2, 3 or 4")
    if data.hints_used < 0:
        raise InvalidInput("hints_used", "hints_used cannot be negative")
    if data.duration_ms is not None and not 0 <= data.duration_ms <= 86_400_000:
        raise InvalidInput("duration_ms", "duration_ms must be between 0 and 86400000")


def submit_answer(
    session: Session, actor: Actor, data: AnswerInput, *, now: datetime | None = None
) -> AnswerOutcome:
    validate_answer_input(data)
    student = _require_student(session, actor)
    previous = session.scalar(
        select(Attempt).where(
            Attempt.student_id == student.id, Attempt.client_attempt_id == data.client_attempt_id
        )
    )
    if previous is not None:
        return _replay(session, student, previous)
    course = student_course(session, student)
    item = _course_item(session, course, data.item_id)
    answer = AnswerSpec.from_dict(item.answer)
    result = check_answer(answer, data.response)
    if result.status == "malformed":
        raise InvalidInput("response", result.message)  # not a wrong answer: nothing is stored
    progress = student_progress(session, student, course)
    item_skill_keys = _item_skill_keys(session, item, progress)
    skill_key = data.skill_key or item_skill_keys[0]
    if skill_key not in item_skill_keys:
        raise InvalidInput("skill_key", f"item {item.id} does not practise {skill_key!r}")
    practised = _practisable(progress, skill_key)
    moment = now or utcnow()
    try:
        # A savepoint: if a concurrent retry stored this client attempt id first, the learner
        # states changed here are undone with the attempt, and the stored result is returned.
        with session.begin_nested():
            before_after = _update_states(
                session, student, progress, item, item_skill_keys, result.correct, moment
            )
            _update_reviews(session, student, progress, before_after, data, result.correct, moment)
            before, after = before_after[skill_key]
            attempt = Attempt(
                school_id=student.school_id,
                student_id=student.id,
                item_id=item.id,
                skill_id=practised.id,
                client_attempt_id=data.client_attempt_id,
                response=data.response.strip(),
                correct=result.correct,
                created_at=moment,
                duration_ms=data.duration_ms,
                hints_used=min(data.hints_used, len(item.hints)),
                confidence=data.confidence,
                mastery_before=before,
                mastery_after=after,
            )
            session.add(attempt)
            session.flush()
    except IntegrityError:
        stored = session.scalar(
            select(Attempt).where(
                Attempt.student_id == student.id, Attempt.client_attempt_id == data.client_attempt_id
            )
        )
        if stored is None:
            raise
        return _replay(session, student, stored)
    threshold = progress.course.mastery_threshold
    was_ready = set(progress.ready)
    newly_mastered = {k for k, (b, a) in before_after.items() if b < threshold <= a}
    mastery_after = {**progress.mastery_map(), **{k: a for k, (_, a) in before_after.items()}}
    now_mastered = {k for k, p in mastery_after.items() if p >= threshold}
    newly_ready = [
        progress.course_graph.skills[k].name
        for k in progress.course_graph.graph.frontier(now_mastered, locked=progress.held)
        if k not in was_ready
    ]
    return AnswerOutcome(
        attempt_id=attempt.id,
        correct=result.correct,
        message=result.message,
        correct_answer=answer.correct,
        worked_solution=() if result.correct else tuple(str(s) for s in item.worked_solution),
        skill_key=skill_key,
        skill_name=practised.name,
        prompt=item.prompt,
        response=attempt.response,
        mastery_before=before,
        mastery_after=after,
        mastered_now=skill_key in newly_mastered,
        newly_ready=tuple(newly_ready),
        replayed=False,
    )


def _update_states(
    session: Session,
    student: User,
    progress: StudentProgress,
    item: Item,
    skill_keys: list[str],
    correct: bool,
    moment: datetime,
) -> dict[str, tuple[float, float]]:
    """Advance the BKT state of every skill the item practises; return (before, after) per skill.

    Guess and slip are adjusted for the item's difficulty (as item selection predicted it), so a
    right answer to a hard item is stronger evidence than one to an easy item.
    """
    params = load_parameters(session, progress.course.id)
    before_after: dict[str, tuple[float, float]] = {}
    for key in skill_keys:
        skill = progress.course_graph.skills[key]
        skill_params = params.for_skill(key)
        state = session.scalar(
            select(LearnerState).where(
                LearnerState.student_id == student.id, LearnerState.skill_id == skill.id
            )
        )
        if state is None:
            state = LearnerState(
                school_id=student.school_id,
                student_id=student.id,
                skill_id=skill.id,
                p_learned=skill_params.prior,
                attempts=0,
                correct=0,
            )
            session.add(state)
        before = state.p_learned
        state.p_learned = bkt_online.update(
            before, correct, policy.item_params(skill_params, item.difficulty)
        )
        state.attempts += 1
        state.correct += int(correct)
        state.last_attempt_at = moment
        if state.p_learned >= progress.course.mastery_threshold and state.mastered_at is None:
            state.mastered_at = moment
        before_after[key] = (before, state.p_learned)
    return before_after


def _update_reviews(
    session: Session,
    student: User,
    progress: StudentProgress,
    before_after: dict[str, tuple[float, float]],
    data: AnswerInput,
    correct: bool,
    moment: datetime,
) -> None:
    """Give a newly mastered skill its FSRS memory; an answer on a mastered skill is a review."""
    threshold = progress.course.mastery_threshold
    for key, (before, after) in before_after.items():
        skill = progress.course_graph.skills[key]
        row = session.scalar(
            select(ReviewMemory).where(
                ReviewMemory.student_id == student.id, ReviewMemory.skill_id == skill.id
            )
        )
        if before < threshold <= after:  # mastered, or mastered again after falling back: a fresh memory
            state, _ = policy.ReviewState.start(key, moment)
            if row is None:
                row = ReviewMemory(
                    school_id=student.school_id,
                    student_id=student.id,
                    skill_id=skill.id,
                    state="",
                    due_at=moment,
                )
                session.add(row)
        elif row is not None and before >= threshold:
            memory = policy.ReviewState.from_json(row.state)
            if not memory.counts_as_review(correct, moment):
                continue  # practice between reviews does not stretch the interval
            confidence = CONFIDENCE_WORDS.get(data.confidence) if data.confidence else None
            state, _ = memory.record(correct, moment, confidence, data.hints_used > 0)
        else:
            continue
        row.state, row.due_at, row.updated_at = state.to_json(), state.card.due, moment


def _item_skill_keys(session: Session, item: Item, progress: StudentProgress) -> list[str]:
    by_id = progress.course_graph.skill_by_id()
    ids = session.scalars(select(ItemSkill.skill_id).where(ItemSkill.item_id == item.id)).all()
    return [skill.key for skill in sorted((by_id[i] for i in ids), key=lambda skill: skill.position)]


def _replay(session: Session, student: User, attempt: Attempt) -> AnswerOutcome:
    item = attempt.item
    answer = AnswerSpec.from_dict(item.answer)
    result = check_answer(answer, attempt.response)
    skill = session.get(Skill, attempt.skill_id)
    assert skill is not None
    course = student_course(session, student)
    return AnswerOutcome(
        attempt_id=attempt.id,
        correct=attempt.correct,
        message=result.message,
        correct_answer=answer.correct,
        worked_solution=() if attempt.correct else tuple(str(s) for s in item.worked_solution),
        skill_key=skill.key,
        skill_name=skill.name,
        prompt=item.prompt,
        response=attempt.response,
        mastery_before=attempt.mastery_before,
        mastery_after=attempt.mastery_after,
        mastered_now=attempt.mastery_before < course.mastery_threshold <= attempt.mastery_after,
        newly_ready=(),
        replayed=True,
    )
