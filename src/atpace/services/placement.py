"""Placement: an adaptive diagnostic (atpace.engine.policy.Placement) that sets a new student's starting mastery.

One request per answer: the engine's state is kept as JSON with the item on screen. Answers give no
feedback and are not practice attempts; when the test stops, every skill the student has not yet
practised starts at the placement's estimate, and skills placed above the threshold count as mastered.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from atpace.content.answers import check_answer
from atpace.content.spec import AnswerSpec
from atpace.engine import policy
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services.access import require_student, student_course
from atpace.services.auth import Actor
from atpace.services.courses import CourseGraph, load_graph, servable
from atpace.services.evidence import Estimate, Ledger, lock_student
from atpace.services.progress import load_overrides, load_parameters, skills_with_items
from atpace.store.tables import Course, Item, ItemSkill, PlacementSession, User, utcnow

ALREADY_STARTED = "you have already started placement; answer its questions or see your map"


@dataclass(frozen=True)
class PlacementItem:
    item_id: int
    kind: str
    prompt: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class PlacementStatus:
    started: bool
    finished: bool
    items_used: int
    max_items: int
    item: PlacementItem | None  # the question on screen while running
    placed_mastered: tuple[str, ...]  # skill names counted as mastered (when finished)
    stop_reason: str | None


def _student(session: Session, actor: Actor) -> User:
    return require_student(session, actor, "take placement")


def _engine(session: Session, course: Course, graph: CourseGraph) -> policy.Placement:
    params = load_parameters(session, course.id)
    bank = policy.PlacementBank(
        graph.graph,
        policy.SkillCalibration.from_graph(graph.graph),
        {key: params.for_skill(key) for key in graph.skills},
    )
    return policy.Placement(bank, policy.PlacementConfig())


def _item_for(session: Session, graph: CourseGraph, skill_key: str) -> Item:
    """The skill's item of median difficulty: typical of the skill, neither its easiest nor its hardest.

    Items that practise this skill alone are preferred, so that the answer is evidence about it.
    """
    skill_count = select(func.count()).where(ItemSkill.item_id == Item.id).correlate(Item).scalar_subquery()
    rows = session.execute(
        select(Item, skill_count)
        .join(ItemSkill, ItemSkill.item_id == Item.id)
        .where(ItemSkill.skill_id == graph.skills[skill_key].id, servable())
        .order_by(Item.difficulty, Item.id)
    ).all()
    if not rows:
        raise NotFound(f"skill {skill_key!r} has no items")
    items: list[Item] = [item for item, count in rows if count == 1] or [item for item, _ in rows]
    return items[len(items) // 2]


def _status(
    engine: policy.Placement, row: PlacementSession | None, item: Item | None, graph: CourseGraph
) -> PlacementStatus:
    if row is None:
        return PlacementStatus(False, False, 0, engine.config.max_items, None, (), None)
    state = policy.PlacementState.from_json(row.state)
    finished = row.finished_at is not None
    mastered: tuple[str, ...] = ()
    if finished:
        result = engine.result(state)
        rule = policy.MasteryRule(graph.course.mastery_threshold)
        mastered = tuple(graph.skills[k].name for k, p in result.mastery.items() if rule.is_mastered(p))
    shown = (
        PlacementItem(item.id, item.kind, item.prompt, AnswerSpec.from_dict(item.answer).choices)
        if item is not None and not finished
        else None
    )
    return PlacementStatus(
        True,
        finished,
        len(state.answers),
        engine.config.max_items,
        shown,
        mastered,
        engine.stop_reason(state),
    )


def status(session: Session, actor: Actor) -> PlacementStatus:
    student = _student(session, actor)
    course = student_course(session, student)
    graph = load_graph(session, course)
    row = session.get(PlacementSession, student.id)
    item = session.get(Item, row.current_item_id) if row and row.current_item_id else None
    return _status(_engine(session, course, graph), row, item, graph)


def start(session: Session, actor: Actor) -> PlacementStatus:
    student = _student(session, actor)
    if session.get(PlacementSession, student.id) is not None:
        raise Conflict(ALREADY_STARTED)
    course = student_course(session, student)
    graph = load_graph(session, course)
    if len(skills_with_items(session, graph)) < len(graph.skills):
        raise Conflict("placement needs items in every skill of the course; ask your teacher")
    engine = _engine(session, course, graph)
    state = engine.start()
    skill = engine.next_skill(state)
    assert skill is not None  # a course with skills always has a first question
    item = _item_for(session, graph, skill)
    row = PlacementSession(
        student_id=student.id, school_id=student.school_id, course_id=course.id, state=state.to_json(),
        current_item_id=item.id,
    )  # fmt: skip
    try:
        with session.begin_nested():  # a second tab may have started it a moment ago
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(ALREADY_STARTED) from None
    return _status(engine, row, item, graph)


def answer(session: Session, actor: Actor, item_id: int, response: str) -> PlacementStatus:
    student = _student(session, actor)
    lock_student(session, student.id)  # two tabs answering at once: one after the other
    row = session.get(PlacementSession, student.id)
    if row is None or row.finished_at is not None:
        raise Conflict("no placement is running; start one first" if row is None else "placement is finished")
    if item_id != row.current_item_id:
        raise InvalidInput(
            "item_id", "answer the question on screen (the page may be out of date: reload it)"
        )
    item = session.get(Item, item_id)
    assert item is not None
    checked = check_answer(AnswerSpec.from_dict(item.answer), response)
    if checked.status == "malformed":
        raise InvalidInput("response", checked.message)
    course = session.get(Course, row.course_id)
    assert course is not None
    graph = load_graph(session, course)
    engine = _engine(session, course, graph)
    state = policy.PlacementState.from_json(row.state)
    # The question on screen was asked for the skill the engine chose from this state (next_skill is a
    # function of the state), whichever other skills its item also practises.
    skill_key = engine.next_skill(state)
    if skill_key is None:
        raise Conflict("placement is finished")
    state = engine.record(state, skill_key, checked.correct)
    row.state = state.to_json()
    following = engine.next_skill(state)
    if following is None:
        row.current_item_id = None
        row.finished_at = utcnow()
        _apply(session, student, graph, engine.result(state))
        return _status(engine, row, None, graph)
    next_item = _item_for(session, graph, following)
    row.current_item_id = next_item.id
    session.flush()
    return _status(engine, row, next_item, graph)


def _apply(session: Session, student: User, graph: CourseGraph, result: policy.PlacementResult) -> None:
    """The placement's estimates as evidence: starting mastery for every skill not practised yet
    (placed-mastered skills get a review memory)."""
    ledger = Ledger.load(session, student, graph, load_parameters(session, graph.course.id))
    ledger.record(
        "placement",
        [Estimate(key, p) for key, p in result.mastery.items()],
        utcnow(),
        overrides=load_overrides(session, student.id, graph),
    )
    session.flush()
