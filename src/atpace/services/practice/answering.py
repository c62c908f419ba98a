"""Answering a practice item: check it, store the attempt, move the learner model, say what is next.

One answer is one transaction: the attempt (idempotent on the client's attempt id) and the evidence it
gives (atpace.services.evidence: learner states of every skill the item practises, review memory) are
written together or not at all. The student's row lock makes concurrent answers of one student run one
after the other, so that every stored attempt is reflected in learner state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.content.answers import check_answer
from atpace.content.spec import AnswerSpec
from atpace.engine import policy
from atpace.errors import Conflict, InvalidInput
from atpace.services import limits
from atpace.services.access import student_course
from atpace.services.assignments.completion import complete_mastered
from atpace.services.auth import Actor
from atpace.services.evidence import Ledger, Observation, SkillChange, lock_student
from atpace.services.practice.common import acting_student, course_item, item_skill_keys, practisable
from atpace.services.progress import load_parameters, student_progress
from atpace.store.tables import Attempt, Skill, User, utcnow


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


def validate_answer_input(data: AnswerInput) -> None:
    if not data.client_attempt_id or len(data.client_attempt_id) > limits.KEY_MAX:
        raise InvalidInput("client_attempt_id", f"client_attempt_id must be 1-{limits.KEY_MAX} characters")
    if len(data.response) > limits.RESPONSE_MAX:
        raise InvalidInput("response", f"the answer is too long ({limits.RESPONSE_MAX} characters at most)")
    if data.confidence is not None and not limits.CONFIDENCE_MIN <= data.confidence <= limits.CONFIDENCE_MAX:
        raise InvalidInput("confidence", "confidence must be 1, 2, 3 or 4")
    if not 0 <= data.hints_used <= limits.HINTS_MAX:
        raise InvalidInput("hints_used", f"hints_used must be between 0 and {limits.HINTS_MAX}")
    if data.duration_ms is not None and not 0 <= data.duration_ms <= limits.DURATION_MAX_MS:
        raise InvalidInput("duration_ms", f"duration_ms must be between 0 and {limits.DURATION_MAX_MS}")


def submit_answer(
    session: Session, actor: Actor, data: AnswerInput, *, now: datetime | None = None
) -> AnswerOutcome:
    validate_answer_input(data)
    student = acting_student(session, actor)
    # Everything below reads and writes this student's learner state: one request at a time per student.
    lock_student(session, student.id)
    previous = session.scalar(
        select(Attempt).where(
            Attempt.student_id == student.id, Attempt.client_attempt_id == data.client_attempt_id
        )
    )
    if previous is not None:
        return _replay(session, student, previous, data)
    course = student_course(session, student)
    item = course_item(session, course, data.item_id)
    answer = AnswerSpec.from_dict(item.answer)
    if item.kind == "open_response":
        raise InvalidInput("item_id", "this item is a written answer that your teacher scores, not practice")
    result = check_answer(answer, data.response)
    if result.status == "malformed":
        raise InvalidInput("response", result.message)  # not a wrong answer: nothing is stored
    progress = student_progress(session, student, course)
    skill_keys = item_skill_keys(session, item, progress)
    skill_key = data.skill_key or skill_keys[0]
    if skill_key not in skill_keys:
        raise InvalidInput("skill_key", f"item {item.id} does not practise {skill_key!r}")
    practised = practisable(progress, skill_key)
    moment = now or utcnow()
    graph = progress.course_graph
    ledger = Ledger.from_progress(session, progress, load_parameters(session, course.id))  # after the lock
    stored: list[Attempt] = []

    def store_attempt(changes: Mapping[str, SkillChange]) -> int:
        change = changes[skill_key]
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
            mastery_before=change.before,
            mastery_after=change.after,
        )
        session.add(attempt)
        session.flush()
        stored.append(attempt)
        return attempt.id

    evidence = ledger.record(
        "practice",
        [Observation(key, result.correct, item.difficulty, item.id) for key in skill_keys],
        moment,
        overrides=progress.overrides,  # read once, with the progress above
        confidence=data.confidence,
        hints_used=data.hints_used,
        attach=store_attempt,
    )
    session.flush()
    if any(c.mastered_now for c in evidence.changes.values()):
        # Practice-to-mastery assignments whose skills are now all mastered complete themselves.
        complete_mastered(session, student, graph, now=moment)
    change = evidence.changes[skill_key]
    return AnswerOutcome(
        attempt_id=stored[0].id,
        correct=result.correct,
        message=result.message,
        correct_answer=answer.correct,
        worked_solution=() if result.correct else tuple(str(s) for s in item.worked_solution),
        skill_key=skill_key,
        skill_name=practised.name,
        prompt=item.prompt,
        response=stored[0].response,
        mastery_before=change.before,
        mastery_after=change.after,
        mastered_now=change.mastered_now,
        newly_ready=tuple(graph.skills[k].name for k in evidence.newly_ready),
        replayed=False,
    )


def _replay(session: Session, student: User, attempt: Attempt, data: AnswerInput) -> AnswerOutcome:
    """The stored result of a retried request; the same id with another item or answer is a 409."""
    if attempt.item_id != data.item_id:
        raise Conflict(
            f"client_attempt_id {data.client_attempt_id!r} was already used for another item",
            field="client_attempt_id",
        )
    if attempt.response != data.response.strip():
        raise Conflict(
            f"client_attempt_id {data.client_attempt_id!r} was already used with another answer",
            field="client_attempt_id",
        )
    item = attempt.item
    answer = AnswerSpec.from_dict(item.answer)
    result = check_answer(answer, attempt.response)
    skill = session.get(Skill, attempt.skill_id)
    assert skill is not None
    rule = policy.MasteryRule(student_course(session, student).mastery_threshold)
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
        mastered_now=not rule.is_mastered(attempt.mastery_before) and rule.is_mastered(attempt.mastery_after),
        newly_ready=(),
        replayed=True,
    )
