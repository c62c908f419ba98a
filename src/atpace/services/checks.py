"""Mastery checks on demand (docs/checks.md): offer, start, answer and finish a short check of a skill, and
the class setting that requires one before a skill counts as mastered.

The decisions are ``atpace.engine.policy.checks.CheckRule``'s; answers are evidence of kind ``check``
through the one evidence path (``services.evidence.Ledger``). An answer is idempotent on the client's
attempt id; the student's row lock serialises a student's answers, and the unique (check, item) constraint
keeps one answer per item even so.
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
from atpace.engine.policy.checks import CheckOffer as CheckRuleOffer
from atpace.engine.policy.checks import CheckRule
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services import limits
from atpace.services.access import get_class, get_student, require_staff, student_course
from atpace.services.assignments.completion import complete_mastered
from atpace.services.auth import Actor
from atpace.services.courses import servable
from atpace.services.evidence import Ledger, Observation, SkillChange, lock_student
from atpace.services.practice.common import acting_student, practisable
from atpace.services.progress import StudentProgress, load_parameters, student_progress
from atpace.store.tables import Attempt, Enrollment, Item, ItemSkill, Skill, User, utcnow
from atpace.store.tables_pathways import ClassCheckSetting, MasteryCheck, MasteryCheckAnswer

RULE = CheckRule()


@dataclass(frozen=True)
class CheckItemView:
    item_id: int
    kind: str
    prompt: str
    choices: tuple[str, ...]
    response: str | None  # the student's answer once given
    correct: bool | None


@dataclass(frozen=True)
class CheckView:
    id: int
    student_id: int
    skill_key: str
    skill_name: str
    status: str  # open, passed or failed
    items: tuple[CheckItemView, ...]
    right: int
    pass_min: int
    reason: str
    mastery_start: float
    mastery_end: float | None
    started_at: datetime
    finished_at: datetime | None

    @property
    def current(self) -> CheckItemView | None:
        """The next item to answer; None when every item is answered."""
        return next((i for i in self.items if i.response is None), None)

    @property
    def answered(self) -> int:
        return sum(i.response is not None for i in self.items)


@dataclass(frozen=True)
class CheckOffer:
    skill_key: str
    skill_name: str
    mastery: float
    threshold: float
    ready: bool
    reason: str
    check_required: bool
    confirmed: bool
    open_check: CheckView | None
    last_check: CheckView | None  # the latest finished check of the skill


@dataclass(frozen=True)
class CheckAnswerOutcome:
    check: CheckView
    item_id: int
    correct: bool
    message: str
    replayed: bool


@dataclass(frozen=True)
class ClassChecks:
    class_id: int
    class_name: str
    required: bool
    checks: tuple[tuple[str, CheckView], ...]  # (student name, check), newest first


def offer(session: Session, actor: Actor, skill_key: str, *, now: datetime | None = None) -> CheckOffer:
    """Whether the student may take a check of the skill now, and why (or what is still needed)."""
    student = acting_student(session, actor)
    progress = student_progress(session, student, student_course(session, student), now=now)
    return _offer(session, student, progress, skill_key)


def offers(session: Session, actor: Actor) -> list[CheckOffer]:
    """The skills the student may take a check of now (their map and home page list them)."""
    student = acting_student(session, actor)
    progress = student_progress(session, student, student_course(session, student))
    keys = [k for k, s in progress.skills.items() if s.state not in ("held", "locked") and s.attempts]
    found = [_offer(session, student, progress, key) for key in keys]
    return [o for o in found if o.ready or o.open_check is not None]


def start(session: Session, actor: Actor, skill_key: str, *, now: datetime | None = None) -> CheckView:
    """Start a check of the skill (or return the one already open): ``RULE.items`` unseen items, no hints."""
    student = acting_student(session, actor)
    lock_student(session, student.id)  # one start at a time: never two open checks of one skill
    progress = student_progress(session, student, student_course(session, student), now=now)
    found = _offer(session, student, progress, skill_key)
    if found.open_check is not None:
        return found.open_check
    if not found.ready:
        raise Conflict(f"No check of {found.skill_name} yet: {found.reason}.")
    skill = progress.course_graph.skills[skill_key]
    seen = _seen_items(session, student.id)
    candidates = session.execute(
        select(Item.id, Item.difficulty)
        .join(ItemSkill, ItemSkill.item_id == Item.id)
        .where(ItemSkill.skill_id == skill.id, servable(), Item.kind != "open_response")
    ).all()
    unseen = [(item_id, difficulty) for item_id, difficulty in candidates if item_id not in seen]
    if len(unseen) < RULE.items:
        raise Conflict(
            f"No check of {skill.name} yet: it needs {RULE.items} questions you have not seen, "
            f"and only {len(unseen)} are left. Ask your teacher for a check in class."
        )
    check = MasteryCheck(
        school_id=student.school_id, student_id=student.id, skill_id=skill.id, status="open",
        item_ids=list(RULE.pick(unseen)), mastery_start=found.mastery, started_at=now or utcnow(),
    )  # fmt: skip
    session.add(check)
    session.flush()
    return _view(session, check, skill)


def answer(
    session: Session,
    actor: Actor,
    skill_key: str,
    item_id: int,
    response: str,
    client_attempt_id: str,
    *,
    now: datetime | None = None,
) -> CheckAnswerOutcome:
    """Answer one item of the open check of the skill; the last answer decides pass or fail."""
    if not client_attempt_id or len(client_attempt_id) > limits.KEY_MAX:
        raise InvalidInput("client_attempt_id", f"client_attempt_id must be 1-{limits.KEY_MAX} characters")
    if len(response) > limits.RESPONSE_MAX:
        raise InvalidInput("response", f"the answer is too long ({limits.RESPONSE_MAX} characters at most)")
    student = acting_student(session, actor)
    lock_student(session, student.id)  # a student's answers one after the other
    previous = session.scalar(
        select(MasteryCheckAnswer).where(
            MasteryCheckAnswer.student_id == student.id,
            MasteryCheckAnswer.client_attempt_id == client_attempt_id,
        )
    )
    if previous is not None:
        return _replay(session, previous, item_id, response, client_attempt_id)
    course = student_course(session, student)
    progress = student_progress(session, student, course)
    skill = practisable(progress, skill_key)
    check = _open_check(session, student.id, skill.id)
    if check is None:
        raise Conflict(f"You have no open check of {skill.name}: start one first.", field="skill_key")
    if item_id not in check.item_ids:
        raise InvalidInput("item_id", f"item {item_id} is not in this check")
    if session.scalar(
        select(MasteryCheckAnswer.id).where(
            MasteryCheckAnswer.check_id == check.id, MasteryCheckAnswer.item_id == item_id
        )
    ):
        raise Conflict("You already answered this question of the check.", field="item_id")
    item = session.get(Item, item_id)
    assert item is not None  # chosen from the course's items when the check started
    result = check_answer(AnswerSpec.from_dict(item.answer), response)
    if result.status == "malformed":
        raise InvalidInput("response", result.message)  # not a wrong answer: nothing is stored
    moment = now or utcnow()
    graph = progress.course_graph
    ledger = Ledger.load(session, student, graph, load_parameters(session, course.id))
    by_id = graph.skill_by_id()
    keys = sorted(
        (by_id[i] for i in session.scalars(select(ItemSkill.skill_id).where(ItemSkill.item_id == item.id))),
        key=lambda s: s.position,
    )
    stored: list[MasteryCheckAnswer] = []

    def store_answer(changes: Mapping[str, SkillChange]) -> None:
        change = changes[skill_key]
        row = MasteryCheckAnswer(
            school_id=student.school_id, check_id=check.id, student_id=student.id, item_id=item.id,
            client_attempt_id=client_attempt_id, response=response.strip(), correct=result.correct,
            mastery_before=change.before, mastery_after=change.after, created_at=moment,
        )  # fmt: skip
        session.add(row)
        session.flush()
        stored.append(row)

    ledger.record(
        "check",
        [Observation(s.key, result.correct, item.difficulty, item.id) for s in keys],
        moment,
        overrides=progress.overrides,
        attach=store_answer,
    )
    session.flush()
    if check.item_ids and len(_answers(session, check.id)) == len(check.item_ids):
        _finish(session, student, check, ledger.p_learned(skill_key), graph.course.mastery_threshold, moment)
        if check.status == "passed":
            complete_mastered(session, student, graph, now=moment)  # a confirmed skill may finish work
    return CheckAnswerOutcome(_view(session, check, skill), item.id, result.correct, result.message, False)


def check_setting(session: Session, actor: Actor, class_id: int) -> ClassChecks:
    """The class's check setting and its students' recent checks (the class's teachers, admins)."""
    classroom = get_class(session, actor, class_id)
    setting = session.get(ClassCheckSetting, classroom.id)
    rows = session.execute(
        select(MasteryCheck, User.display_name, Skill)
        .join(Enrollment, Enrollment.user_id == MasteryCheck.student_id)
        .join(User, User.id == MasteryCheck.student_id)
        .join(Skill, Skill.id == MasteryCheck.skill_id)
        .where(Enrollment.class_id == classroom.id, Skill.course_id == classroom.course_id)
        .order_by(MasteryCheck.started_at.desc(), MasteryCheck.id.desc())
        .limit(100)
    ).all()
    checks = tuple((name, _view(session, check, skill)) for check, name, skill in rows)
    return ClassChecks(classroom.id, classroom.name, bool(setting and setting.required), checks)


def set_check_required(
    session: Session, actor: Actor, class_id: int, required: bool, *, now: datetime | None = None
) -> ClassChecks:
    """Require (or stop requiring) a passed check before a skill counts as mastered for the class."""
    classroom = get_class(session, actor, class_id)  # another school's class is missing (404) first
    require_staff(actor)
    setting = session.get(ClassCheckSetting, classroom.id, with_for_update=True)
    if setting is None:
        setting = ClassCheckSetting(class_id=classroom.id, school_id=classroom.school_id)
        session.add(setting)
    setting.required, setting.set_by_id, setting.updated_at = required, actor.user_id, now or utcnow()
    session.flush()
    return check_setting(session, actor, class_id)


def student_checks(session: Session, actor: Actor, student_id: int) -> list[CheckView]:
    """A student's checks, newest first (the student, their teachers, the school's admins)."""
    student = get_student(session, actor, student_id)
    rows = session.execute(
        select(MasteryCheck, Skill)
        .join(Skill, Skill.id == MasteryCheck.skill_id)
        .where(MasteryCheck.student_id == student.id)
        .order_by(MasteryCheck.started_at.desc(), MasteryCheck.id.desc())
    ).all()
    return [_view(session, check, skill) for check, skill in rows]


def _offer(session: Session, student: User, progress: StudentProgress, skill_key: str) -> CheckOffer:
    skill = progress.course_graph.skills.get(skill_key)
    if skill is None:
        raise NotFound(f"no skill {skill_key!r} in {progress.course.title}")
    standing = progress.skills[skill_key]
    threshold = progress.course.mastery_threshold
    params = load_parameters(session, progress.course.id).for_skill(skill_key)
    p_learned = params.prior if standing.mastery is None else standing.mastery
    checks = session.scalars(
        select(MasteryCheck)
        .where(MasteryCheck.student_id == student.id, MasteryCheck.skill_id == skill.id)
        .order_by(MasteryCheck.started_at.desc(), MasteryCheck.id.desc())
    ).all()
    open_check = next((c for c in checks if c.status == "open"), None)
    finished = [c for c in checks if c.status != "open"]
    last = finished[0] if finished else None
    failed_at = last.finished_at if last is not None and last.status == "failed" else None
    query = select(Attempt.correct, Attempt.mastery_before, Attempt.mastery_after, Attempt.created_at).where(
        Attempt.student_id == student.id, Attempt.skill_id == skill.id
    )
    if failed_at is not None:
        query = query.where(Attempt.created_at > failed_at)
    recent = session.execute(
        query.order_by(Attempt.created_at.desc(), Attempt.id.desc()).limit(RULE.streak)
    ).all()
    answers = [policy.AnswerRecord(ok, before, after, at) for ok, before, after, at in reversed(recent)]
    confirmed = any(c.status == "passed" for c in finished)
    decided = RULE.offer(
        p_learned, threshold, answers, failed_before=failed_at is not None, confirmed=confirmed,
        paused=standing.state == "held",
    )  # fmt: skip
    if standing.state == "locked":  # prerequisites not mastered yet
        decided = CheckRuleOffer(False, "first master the skills it builds on")
    return CheckOffer(
        skill_key=skill_key, skill_name=skill.name, mastery=p_learned, threshold=threshold,
        ready=decided.ready and open_check is None, reason=decided.reason,
        check_required=progress.check_required, confirmed=confirmed,
        open_check=_view(session, open_check, skill) if open_check else None,
        last_check=_view(session, last, skill) if last else None,
    )  # fmt: skip


def _finish(
    session: Session, student: User, check: MasteryCheck, p_after: float, threshold: float, moment: datetime
) -> None:
    results = [a.correct for a in _answers(session, check.id)]
    verdict = RULE.verdict(results, p_after, threshold)
    check.status = "passed" if verdict.passed else "failed"
    check.right, check.reason, check.mastery_end, check.finished_at = (
        verdict.right,
        verdict.reason,
        p_after,
        moment,
    )
    session.flush()


def _seen_items(session: Session, student_id: int) -> set[int]:
    """Items the student answered in practice or was asked in a check: a check asks none of them."""
    practised = set(
        session.scalars(select(Attempt.item_id).where(Attempt.student_id == student_id).distinct())
    )
    checked = session.scalars(select(MasteryCheck.item_ids).where(MasteryCheck.student_id == student_id))
    return practised | {int(i) for ids in checked for i in ids}


def _open_check(session: Session, student_id: int, skill_id: int) -> MasteryCheck | None:
    return session.scalar(
        select(MasteryCheck)
        .where(
            MasteryCheck.student_id == student_id,
            MasteryCheck.skill_id == skill_id,
            MasteryCheck.status == "open",
        )
        .order_by(MasteryCheck.id)
        .limit(1)
    )


def _answers(session: Session, check_id: int) -> list[MasteryCheckAnswer]:
    return list(
        session.scalars(
            select(MasteryCheckAnswer)
            .where(MasteryCheckAnswer.check_id == check_id)
            .order_by(MasteryCheckAnswer.id)
        )
    )


def _view(session: Session, check: MasteryCheck, skill: Skill) -> CheckView:
    given = {a.item_id: a for a in _answers(session, check.id)}
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(check.item_ids)))}
    views = []
    for item_id in check.item_ids:
        item, reply = items[int(item_id)], given.get(int(item_id))
        views.append(
            CheckItemView(
                item.id,
                item.kind,
                item.prompt,
                AnswerSpec.from_dict(item.answer).choices,
                reply.response if reply else None,
                reply.correct if reply else None,
            )
        )
    return CheckView(
        id=check.id, student_id=check.student_id, skill_key=skill.key, skill_name=skill.name,
        status=check.status, items=tuple(views), right=sum(bool(a.correct) for a in given.values()),
        pass_min=RULE.pass_min, reason=check.reason, mastery_start=check.mastery_start,
        mastery_end=check.mastery_end, started_at=check.started_at, finished_at=check.finished_at,
    )  # fmt: skip


def _replay(
    session: Session, previous: MasteryCheckAnswer, item_id: int, response: str, client_attempt_id: str
) -> CheckAnswerOutcome:
    """The stored result of a retried request; the same id with another item or answer is a 409."""
    if previous.item_id != item_id or previous.response != response.strip():
        raise Conflict(
            f"client_attempt_id {client_attempt_id!r} was already used for another answer",
            field="client_attempt_id",
        )
    check = session.get(MasteryCheck, previous.check_id)
    assert check is not None
    skill = session.get(Skill, check.skill_id)
    assert skill is not None
    item = session.get(Item, item_id)
    assert item is not None
    message = check_answer(AnswerSpec.from_dict(item.answer), previous.response).message
    return CheckAnswerOutcome(_view(session, check, skill), item_id, previous.correct, message, True)
