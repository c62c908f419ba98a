"""A student's progress through a course: mastery per skill, the frontier and ranked recommendations.

The decisions come from ``atpace.engine.policy``; this module loads their inputs from the store
(mastery, the teacher's overrides, review memories) and shapes the result for the faces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from atpace.engine import policy
from atpace.engine.bkt_online import SkillParameters
from atpace.services.courses import CourseGraph, load_graph, servable
from atpace.store.tables import (
    Attempt,
    Classroom,
    Course,
    Enrollment,
    Item,
    ItemSkill,
    LearnerModelParameters,
    LearnerState,
    PlacementSession,
    ReviewMemory,
    Skill,
    SkillOverride,
    User,
    utcnow,
)
from atpace.store.tables_pathways import ClassCheckSetting, MasteryCheck

SKILL_STATES = policy.SKILL_STATES  # decided in one place: atpace.engine.policy.Progress.state


@dataclass(frozen=True)
class SkillProgress:
    key: str
    name: str
    description: str
    mastery: float | None  # None: never practised
    attempts: int
    correct: int
    state: policy.SkillState
    last_attempt_at: datetime | None
    prerequisites: tuple[str, ...]  # keys
    override: str | None  # the teacher's decision in force, in words
    confirmed: bool = False  # mastered and confirmed by a passed mastery check


@dataclass(frozen=True)
class Recommendation:
    kind: str  # continue, review, new (placement when offered)
    skill_key: str
    skill_name: str
    reason: str


@dataclass(frozen=True)
class StudentProgress:
    student: User
    course: Course
    course_graph: CourseGraph
    skills: dict[str, SkillProgress]
    recommendations: list[Recommendation]
    reviews: list[policy.ReviewState]  # FSRS memories of mastered skills
    overrides: list[policy.Override]  # the teacher's decisions, oldest first
    check_required: bool = False  # a class of the student requires a mastery check before a skill counts
    # the rows read (after the caller's student lock, if any), for services.evidence.Ledger.from_progress
    unconfirmed: frozenset[str] = frozenset()
    state_rows: dict[str, LearnerState] = field(default_factory=dict, compare=False, repr=False)
    review_rows: dict[str, ReviewMemory] = field(default_factory=dict, compare=False, repr=False)

    @property
    def recommendation(self) -> Recommendation | None:
        """The best practice activity (placement, when offered, is listed apart)."""
        return next((r for r in self.recommendations if r.kind != "placement"), None)

    @property
    def placement(self) -> Recommendation | None:
        return next((r for r in self.recommendations if r.kind == "placement"), None)

    @property
    def mastered(self) -> set[str]:
        return {key for key, s in self.skills.items() if s.state == "mastered"}

    @property
    def ready(self) -> list[str]:
        return [key for key, s in self.skills.items() if s.state in ("ready", "in-progress")]

    @property
    def held(self) -> set[str]:
        return {key for key, s in self.skills.items() if s.state == "held"}

    def mastery_map(self) -> dict[str, float]:
        return {key: s.mastery for key, s in self.skills.items() if s.mastery is not None}


CURRENT_SKILL_LOOKBACK = 20  # attempts searched for the skill in progress


def skills_with_items(session: Session, graph: CourseGraph) -> set[str]:
    """Keys of the course's skills that have at least one item practice can serve."""
    by_id = graph.skill_by_id()
    ids = session.scalars(
        select(ItemSkill.skill_id)
        .join(Item, Item.id == ItemSkill.item_id)
        .where(ItemSkill.skill_id.in_(by_id), servable())
        .distinct()
    )
    return {by_id[i].key for i in ids}


def load_parameters(session: Session, course_id: int) -> SkillParameters:
    """The newest stored BKT parameters of the course, else the defaults."""
    row = session.scalar(
        select(LearnerModelParameters)
        .where(LearnerModelParameters.course_id == course_id, LearnerModelParameters.model == "bkt")
        .order_by(LearnerModelParameters.version.desc())
        .limit(1)
    )
    return SkillParameters.from_json(row.parameters) if row else SkillParameters()


def load_overrides(session: Session, student_id: int, graph: CourseGraph) -> list[policy.Override]:
    by_id = graph.skill_by_id()
    rows = session.scalars(
        select(SkillOverride)
        .options(joinedload(SkillOverride.decided_by))
        .where(SkillOverride.student_id == student_id, SkillOverride.skill_id.in_(by_id))
        .order_by(SkillOverride.created_at, SkillOverride.id)
    )
    return [_override(o, by_id) for o in rows]


def load_class_overrides(
    session: Session, student_ids: list[int], graph: CourseGraph
) -> dict[int, list[policy.Override]]:
    """The overrides of many students in one query, per student."""
    by_id = graph.skill_by_id()
    rows = session.scalars(
        select(SkillOverride)
        .options(joinedload(SkillOverride.decided_by))
        .where(SkillOverride.student_id.in_(student_ids), SkillOverride.skill_id.in_(by_id))
        .order_by(SkillOverride.created_at, SkillOverride.id)
    )
    result: dict[int, list[policy.Override]] = {}
    for o in rows:
        result.setdefault(o.student_id, []).append(_override(o, by_id))
    return result


def _override(row: SkillOverride, by_id: dict[int, Skill]) -> policy.Override:
    action = cast(policy.OverrideAction, row.action)  # the table's check constraint allows only these
    return policy.Override(
        by_id[row.skill_id].key, action, row.decided_by.display_name, row.reason, row.created_at
    )


def confirmed_skills(session: Session, student_ids: list[int], graph: CourseGraph) -> dict[int, set[str]]:
    """The skills each student's passed mastery checks confirmed, per student (one query)."""
    by_id = graph.skill_by_id()
    rows = session.execute(
        select(MasteryCheck.student_id, MasteryCheck.skill_id).where(
            MasteryCheck.student_id.in_(student_ids),
            MasteryCheck.skill_id.in_(by_id),
            MasteryCheck.status == "passed",
        )
    ).all()
    result: dict[int, set[str]] = {}
    for student_id, skill_id in rows:
        result.setdefault(student_id, set()).add(by_id[skill_id].key)
    return result


def checks_required(session: Session, student_ids: list[int], course_id: int) -> set[int]:
    """The students for whom skills of this course count as mastered only once a check confirmed them: one
    of their open classes using the course requires checks (a class setting)."""
    rows = session.scalars(
        select(Enrollment.user_id)
        .join(Classroom, Classroom.id == Enrollment.class_id)
        .join(ClassCheckSetting, ClassCheckSetting.class_id == Classroom.id)
        .where(
            Enrollment.user_id.in_(student_ids),
            Classroom.course_id == course_id,
            Classroom.archived_at.is_(None),
            ClassCheckSetting.required.is_(True),
        )
    )
    return set(rows)


def unconfirmed_skills(session: Session, student_ids: list[int], graph: CourseGraph) -> dict[int, frozenset[str]]:
    """Per student, the skills whose mastery still waits for a required check (policy.awaiting_check): the
    one rule behind the student's map, recommendations, the Ledger's frontier and the class heatmap."""
    required = checks_required(session, student_ids, graph.course.id)
    waiting = [i for i in student_ids if i in required]
    confirmed = confirmed_skills(session, waiting, graph) if waiting else {}  # no query that cannot match
    return {
        i: policy.awaiting_check(graph.skills, confirmed.get(i, set()), i in required) for i in student_ids
    }


def load_reviews(session: Session, student_id: int, graph: CourseGraph) -> list[policy.ReviewState]:
    by_id = graph.skill_by_id()
    rows = session.scalars(
        select(ReviewMemory).where(ReviewMemory.student_id == student_id, ReviewMemory.skill_id.in_(by_id))
    )
    return [policy.ReviewState.from_json(row.state) for row in rows]


def student_progress(
    session: Session,
    student: User,
    course: Course,
    graph: CourseGraph | None = None,
    now: datetime | None = None,
) -> StudentProgress:
    graph = graph or load_graph(session, course)
    moment = now or utcnow()
    by_id = graph.skill_by_id()
    states = {
        by_id[state.skill_id].key: state
        for state in session.scalars(
            select(LearnerState).where(
                LearnerState.student_id == student.id, LearnerState.skill_id.in_(by_id)
            )
        )
    }
    mastery = {key: row.p_learned for key, row in states.items()}
    overrides = load_overrides(session, student.id, graph)
    rule = policy.MasteryRule(course.mastery_threshold)
    confirmed = confirmed_skills(session, [student.id], graph).get(student.id, set())
    check_required = bool(checks_required(session, [student.id], course.id))
    unconfirmed = policy.awaiting_check(graph.skills, confirmed, check_required)
    decided = policy.progress(graph.graph, mastery, rule, overrides, unconfirmed)
    skills: dict[str, SkillProgress] = {}
    for key, skill in graph.skills.items():
        row = states.get(key)
        state = decided.state(key, practised=bool(row and row.attempts))
        in_force = decided.overrides.get(key)
        skills[key] = SkillProgress(
            key=key,
            name=skill.name,
            description=skill.description,
            mastery=row.p_learned if row else None,
            attempts=row.attempts if row else 0,
            correct=row.correct if row else 0,
            state=state,
            last_attempt_at=row.last_attempt_at if row else None,
            prerequisites=tuple(k for k in graph.skills if k in graph.graph.prerequisites[key]),
            override=f"{in_force.action}ed by {in_force.by}: {in_force.reason}" if in_force else None,
            confirmed=state == "mastered" and key in confirmed,
        )
    # The skill being worked on: the latest practised one not yet mastered (a review mixed in between
    # does not end it).
    recent_skills = session.scalars(
        select(Attempt.skill_id)
        .where(Attempt.student_id == student.id, Attempt.skill_id.in_(by_id))
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(CURRENT_SKILL_LOOKBACK)
    ).all()
    last_skill = next((i for i in recent_skills if by_id[i].key not in decided.mastered), None)
    review_rows = {
        by_id[row.skill_id].key: row
        for row in session.scalars(
            select(ReviewMemory).where(
                ReviewMemory.student_id == student.id, ReviewMemory.skill_id.in_(by_id)
            )
        )
    }
    reviews = [policy.ReviewState.from_json(row.state) for row in review_rows.values()]
    # A skill without items to serve (just added in the editor, or a course started from a framework)
    # cannot be practised or placed: it is not recommended, and placement waits until every skill has items.
    with_items = skills_with_items(session, graph)
    ranked = policy.recommend(
        graph.graph,
        mastery,
        moment,
        skill_names={key: s.name for key, s in graph.skills.items()},
        rule=rule,
        overrides=overrides,
        current_skill=by_id[last_skill].key if last_skill is not None else None,
        reviews=reviews,
        # A new student (no evidence at all, no placement yet) is offered the placement diagnostic.
        needs_placement=not states
        and session.get(PlacementSession, student.id) is None
        and len(with_items) == len(graph.skills),
        unconfirmed=unconfirmed,
    )
    recommendations = [
        Recommendation(r.kind, r.skill_key, graph.skills[r.skill_key].name, _check_reason(r, decided, rule))
        if r.skill_key is not None
        else Recommendation(r.kind, "", "Placement", r.reason)
        for r in ranked
        if r.skill_key is None or r.skill_key in with_items
    ]
    return StudentProgress(
        student, course, graph, skills, recommendations, reviews, overrides, check_required=check_required,
        unconfirmed=unconfirmed, state_rows=states, review_rows=review_rows,
    )  # fmt: skip


def _check_reason(rec: policy.Recommendation, decided: policy.Progress, rule: policy.MasteryRule) -> str:
    """A skill waiting for its required check is next to confirm, not to learn: say so."""
    if rec.skill_key not in decided.checks_needed:
        return rec.reason
    return (
        f"Check needed: you reached {rule.threshold:.0%}; your class counts a skill as mastered "
        "once a mastery check confirms it"
    )
