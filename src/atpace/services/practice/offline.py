"""Practice without a connection: a batch of items to answer offline, and the answers given offline.

The browser keeps a batch of items for each skill the student is ready to practise, each with its answer
spec, so that a checker in the browser (static/offline/checker.js, the same rules as
atpace.content.answers) gives feedback at once while the classroom has no connection. That puts the answer
key of those items in the student's browser: a student who opens the browser's developer tools can read
them. The server stays the authority: the answers given offline come back here and every one is checked
again by the server's own checker (``submit_answer``), so only the server's verdict is stored and moves
mastery; a student who reads the key gains right answers on those items, as one who copies a classmate's
would, and nothing else (docs/offline.md).

Answers come back in the order the student gave them and are replayed in that order, one evidence update
after the other, each idempotent on its ``client_attempt_id``. The time the browser says an answer was
given is kept, bounded by the server's clock: never in the future, never before the student's latest
stored answer (learner state and review memory move forward in time) and never more than
``MAX_OFFLINE_AGE`` ago.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.content.question_key import question_key
from atpace.content.spec import AnswerSpec
from atpace.engine import bkt_online, policy
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services import limits
from atpace.services.access import student_course
from atpace.services.auth import Actor
from atpace.services.courses import servable
from atpace.services.evidence import lock_student
from atpace.services.practice.answering import AnswerInput, submit_answer
from atpace.services.practice.common import acting_student, course_item
from atpace.services.practice.items import SESSION
from atpace.services.practice.modes import practice_mode
from atpace.services.progress import load_parameters, student_progress
from atpace.store.tables import Attempt, Item, ItemSkill, Skill, utcnow

PER_SKILL = 20  # items per ready skill in a batch (fewer only when the skill has fewer)
MAX_PER_SKILL = 50
MAX_ANSWERS = 100  # answers in one sync request; the browser sends a longer queue in several
MAX_OFFLINE_AGE = timedelta(days=14)  # an answer dated earlier is stored as of this long ago

SyncStatus = Literal["stored", "replayed", "refused"]


@dataclass(frozen=True)
class OfflineItem:
    item_id: int
    skill_key: str
    kind: str
    prompt: str
    choices: tuple[str, ...]
    hints: tuple[str, ...]
    worked_solution: tuple[str, ...]
    answer: dict[str, object]  # AnswerSpec.to_dict(): what the browser's checker needs


@dataclass(frozen=True)
class OfflineSkill:
    key: str
    name: str
    mastery: float
    items: tuple[OfflineItem, ...]


@dataclass(frozen=True)
class OfflineBatch:
    student_id: int
    course_title: str
    issued_at: datetime
    skills: tuple[OfflineSkill, ...]


@dataclass(frozen=True)
class OfflineAnswer:
    client_attempt_id: str
    item_id: int
    skill_key: str
    response: str
    answered_at: datetime  # the browser's clock
    duration_ms: int | None = None
    hints_used: int = 0
    confidence: int | None = None


@dataclass(frozen=True)
class SyncResult:
    client_attempt_id: str
    status: SyncStatus
    message: str
    attempt_id: int | None = None
    correct: bool | None = None
    skill_key: str | None = None
    mastery_after: float | None = None
    stored_at: datetime | None = None


def _offline_item(item: Item, skill_key: str) -> OfflineItem:
    answer = AnswerSpec.from_dict(item.answer)
    return OfflineItem(
        item_id=item.id,
        skill_key=skill_key,
        kind=item.kind,
        prompt=item.prompt,
        choices=answer.choices,
        hints=tuple(str(h) for h in item.hints),
        worked_solution=tuple(str(s) for s in item.worked_solution),
        answer=answer.to_dict(),
    )


def prefetch(
    session: Session, actor: Actor, per_skill: int = PER_SKILL, *, now: datetime | None = None
) -> OfflineBatch:
    """Items for every skill the student may practise now (ready or in progress, and a recommended
    review): on each, those not answered in this sitting first, one wording per question, nearest the
    practice mode's target first."""
    if not 1 <= per_skill <= MAX_PER_SKILL:
        raise InvalidInput("per_skill", f"per_skill must be between 1 and {MAX_PER_SKILL}")
    student = acting_student(session, actor)
    progress = student_progress(session, student, student_course(session, student))
    keys = list(progress.ready)
    if progress.recommendation is not None and progress.recommendation.skill_key not in keys:
        keys.insert(0, progress.recommendation.skill_key)
    if not keys:
        raise Conflict("You have mastered every skill in this course. Well done!")
    moment = now or utcnow()
    target = practice_mode(session, student).target
    parameters = load_parameters(session, progress.course.id)
    skills = progress.course_graph.skills
    ids = [skills[key].id for key in keys]
    rows = session.execute(
        select(Item, ItemSkill.skill_id)
        .join(ItemSkill, ItemSkill.item_id == Item.id)
        .where(ItemSkill.skill_id.in_(ids), servable())
        .order_by(Item.id)
    ).all()
    recent = set(
        session.scalars(
            select(Attempt.item_id).where(
                Attempt.student_id == student.id, Attempt.created_at >= moment - SESSION
            )
        )
    )
    by_skill: dict[int, list[Item]] = {skill_id: [] for skill_id in ids}
    for item, skill_id in rows:
        by_skill[skill_id].append(item)
    batch = []
    for key in keys:
        mastery = progress.skills[key].mastery
        params = parameters.for_skill(key)
        p_learned = params.prior if mastery is None else mastery

        ranked = sorted(by_skill[skills[key].id], key=lambda i: _rank(i, recent, p_learned, params, target))
        questions: set[str] = set()
        first: list[Item] = []
        rest: list[Item] = []
        for item in ranked:  # one wording of each question first, then the other wordings
            question = question_key(item.prompt, str(item.answer.get("correct", "")))
            (rest if question in questions else first).append(item)
            questions.add(question)
        chosen = (first + rest)[:per_skill]
        batch.append(
            OfflineSkill(key, skills[key].name, p_learned, tuple(_offline_item(i, key) for i in chosen))
        )
    return OfflineBatch(student.id, progress.course.title, moment, tuple(batch))


def _rank(
    item: Item, recent: set[int], p_learned: float, params: bkt_online.BKTParams, target: float
) -> tuple[bool, float, int]:
    predicted = policy.predicted_success(p_learned, params, item.difficulty)
    return item.id in recent, abs(predicted - target), item.id


def offline_item(session: Session, actor: Actor, item_id: int, skill_key: str) -> OfflineItem:
    """One item of the student's course with its answer spec: the item on screen, kept for offline use."""
    student = acting_student(session, actor)
    course = student_course(session, student)
    item = course_item(session, course, item_id)
    if not AnswerSpec.from_dict(item.answer).auto_scored:
        raise InvalidInput("item_id", "this item is a written answer that your teacher scores, not practice")
    keys = session.scalars(
        select(Skill.key).join(ItemSkill, ItemSkill.skill_id == Skill.id).where(ItemSkill.item_id == item.id)
    ).all()
    if skill_key not in keys:
        raise InvalidInput("skill_key", f"item {item_id} does not practise {skill_key!r}")
    return _offline_item(item, skill_key)


def bounded_time(answered_at: datetime, *, latest: datetime | None, now: datetime) -> datetime:
    """The browser's time of an answer within what the server knows: not after now, not before the
    student's latest stored answer, not more than MAX_OFFLINE_AGE ago. A time without a zone is UTC."""
    if answered_at.tzinfo is None:
        raise InvalidInput("answered_at", "answered_at must include a time zone, e.g. 2026-12-02T08:15:00Z")
    moment = min(answered_at, now)
    moment = max(moment, now - MAX_OFFLINE_AGE)
    if latest is not None:
        moment = max(moment, min(latest, now))
    return moment


def sync_answers(
    session: Session,
    actor: Actor,
    student_id: int,
    answers: list[OfflineAnswer],
    *,
    now: datetime | None = None,
) -> list[SyncResult]:
    """Store answers given offline, in the order given (one request: one transaction).

    Each answer is checked again here; one the server cannot accept (the item was removed, the skill was
    paused meanwhile, the id was used for another answer) is refused with the reason and the others are
    stored: a queue is never stuck behind one answer. A repeated ``client_attempt_id`` stores nothing.
    ``student_id`` is the student who gave the answers (a shared computer's browser may hold answers of
    several): answers of another student are a 409, and the browser keeps them for that student.
    """
    if len(answers) > MAX_ANSWERS:
        raise InvalidInput("answers", f"send at most {MAX_ANSWERS} answers at a time")
    student = acting_student(session, actor)
    if student_id != student.id:
        raise Conflict(
            "these answers were given by another student on this browser: they are kept for them",
            field="student_id",
        )
    lock_student(session, student.id)  # one sync (or answer) of this student at a time
    moment_now = now or utcnow()
    latest = session.scalar(select(func.max(Attempt.created_at)).where(Attempt.student_id == student.id))
    results = []
    for answer in answers:
        moment = bounded_time(answer.answered_at, latest=latest, now=moment_now)
        data = AnswerInput(
            item_id=answer.item_id,
            response=answer.response,
            client_attempt_id=answer.client_attempt_id,
            skill_key=answer.skill_key,
            duration_ms=answer.duration_ms,
            hints_used=min(answer.hints_used, limits.HINTS_MAX),
            confidence=answer.confidence,
        )
        try:
            with session.begin_nested():  # a refused answer leaves nothing behind
                outcome = submit_answer(session, actor, data, now=moment)
        except (InvalidInput, Conflict, NotFound) as refused:
            results.append(SyncResult(answer.client_attempt_id, "refused", refused.message))
            continue
        stored_at = session.scalar(select(Attempt.created_at).where(Attempt.id == outcome.attempt_id))
        if not outcome.replayed:
            latest = moment if latest is None else max(latest, moment)
        results.append(
            SyncResult(
                answer.client_attempt_id,
                "replayed" if outcome.replayed else "stored",
                outcome.message,
                attempt_id=outcome.attempt_id,
                correct=outcome.correct,
                skill_key=outcome.skill_key,
                mastery_after=outcome.mastery_after,
                stored_at=stored_at,
            )
        )
    return results
