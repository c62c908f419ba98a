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

from sqlalchemy import and_, func, or_, select
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
    found = _offers(session, student, progress, keys)
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
    ledger = Ledger.from_progress(session, progress, load_parameters(session, course.id))  # after the lock
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
    return _offers(session, student, progress, [skill_key])[0]


def _offers(
    session: Session, student: User, progress: StudentProgress, skill_keys: list[str]
) -> list[CheckOffer]:
    """The offers of the skills, in order, in a few queries however many skills there are."""
    skills: dict[int, Skill] = {}
    for key in skill_keys:
        skill = progress.course_graph.skills.get(key)
        if skill is None:
            raise NotFound(f"no skill {key!r} in {progress.course.title}")
        skills[skill.id] = skill
    if not skills:
        return []
    threshold = progress.course.mastery_threshold
    parameters = load_parameters(session, progress.course.id)
    checks: dict[int, list[MasteryCheck]] = {skill_id: [] for skill_id in skills}
    for check in session.scalars(
        select(MasteryCheck)
        .where(MasteryCheck.student_id == student.id, MasteryCheck.skill_id.in_(skills))
        .order_by(MasteryCheck.started_at.desc(), MasteryCheck.id.desc())
    ):
        checks[check.skill_id].append(check)
    opened: dict[int, MasteryCheck | None] = {}
    last: dict[int, MasteryCheck | None] = {}
    failed_at: dict[int, datetime | None] = {}
    for skill_id, of_skill in checks.items():
        opened[skill_id] = next((c for c in of_skill if c.status == "open"), None)
        last[skill_id] = next((c for c in of_skill if c.status != "open"), None)
        latest = last[skill_id]
        failed_at[skill_id] = latest.finished_at if latest is not None and latest.status == "failed" else None
    recent = _recent_answers(session, student.id, failed_at)
    views = _views(session, [(c, skills[i]) for i in skills for c in (opened[i], last[i]) if c is not None])
    result = []
    for skill_id, skill in skills.items():
        standing = progress.skills[skill.key]
        p_learned = parameters.for_skill(skill.key).prior if standing.mastery is None else standing.mastery
        confirmed = any(c.status == "passed" for c in checks[skill_id])
        decided = RULE.offer(
            p_learned, threshold, recent[skill_id], failed_before=failed_at[skill_id] is not None,
            confirmed=confirmed, paused=standing.state == "held",
        )  # fmt: skip
        if standing.state == "locked":  # prerequisites not mastered yet
            decided = CheckRuleOffer(False, "first master the skills it builds on")
        open_check, last_check = opened[skill_id], last[skill_id]
        found = CheckOffer(
            skill_key=skill.key, skill_name=skill.name, mastery=p_learned, threshold=threshold,
            ready=decided.ready and open_check is None, reason=decided.reason,
            check_required=progress.check_required, confirmed=confirmed,
            open_check=views[open_check.id] if open_check else None,
            last_check=views[last_check.id] if last_check else None,
        )  # fmt: skip
        result.append(found)
    return result


def _recent_answers(
    session: Session, student_id: int, failed_at: Mapping[int, datetime | None]
) -> dict[int, list[policy.AnswerRecord]]:
    """Per skill, the last ``RULE.streak`` practice answers (after the last failed check), oldest first."""
    since = or_(
        Attempt.skill_id.in_([i for i, at in failed_at.items() if at is None]),
        *(
            and_(Attempt.skill_id == i, Attempt.created_at > at)
            for i, at in failed_at.items()
            if at is not None
        ),
    )
    rank = (
        func.row_number()
        .over(partition_by=Attempt.skill_id, order_by=(Attempt.created_at.desc(), Attempt.id.desc()))
        .label("rank")
    )
    columns = (Attempt.correct, Attempt.mastery_before, Attempt.mastery_after, Attempt.created_at)
    ranked = (
        select(Attempt.id, Attempt.skill_id, *columns, rank)
        .where(Attempt.student_id == student_id, since)
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.skill_id, *(ranked.c[c.key] for c in columns))
        .where(ranked.c.rank <= RULE.streak)
        .order_by(ranked.c.skill_id, ranked.c.created_at, ranked.c.id)
    ).all()
    recent: dict[int, list[policy.AnswerRecord]] = {skill_id: [] for skill_id in failed_at}
    for skill_id, ok, before, after, at in rows:
        recent[skill_id].append(policy.AnswerRecord(ok, before, after, at))
    return recent


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
    return _views(session, [(check, skill)])[check.id]


def _views(session: Session, checks: list[tuple[MasteryCheck, Skill]]) -> dict[int, CheckView]:
    """The views of the checks by id: their answers and items in two queries."""
    if not checks:
        return {}
    given: dict[int, dict[int, MasteryCheckAnswer]] = {check.id: {} for check, _ in checks}
    for stored in session.scalars(
        select(MasteryCheckAnswer)
        .where(MasteryCheckAnswer.check_id.in_(given))
        .order_by(MasteryCheckAnswer.id)
    ):
        given[stored.check_id][stored.item_id] = stored
    wanted = {int(i) for check, _ in checks for i in check.item_ids}
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(wanted)))}
    views = {}
    for check, skill in checks:
        answers = given[check.id]
        rows = []
        for item_id in check.item_ids:
            item, reply = items[int(item_id)], answers.get(int(item_id))
            rows.append(
                CheckItemView(
                    item.id,
                    item.kind,
                    item.prompt,
                    AnswerSpec.from_dict(item.answer).choices,
                    reply.response if reply else None,
                    reply.correct if reply else None,
                )
            )
        views[check.id] = CheckView(
            id=check.id, student_id=check.student_id, skill_key=skill.key, skill_name=skill.name,
            status=check.status, items=tuple(rows), right=sum(bool(a.correct) for a in answers.values()),
            pass_min=RULE.pass_min, reason=check.reason, mastery_start=check.mastery_start,
            mastery_end=check.mastery_end, started_at=check.started_at, finished_at=check.finished_at,
        )  # fmt: skip
    return views


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
