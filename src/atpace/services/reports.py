"""Teacher views: class lists, the mastery heatmap and a student's recent attempts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from atpace.engine import policy
from atpace.engine.evidence import KIND_INFO
from atpace.errors import InvalidInput
from atpace.services.access import class_course, get_class, get_class_student, get_student, student_course
from atpace.services.auth import Actor
from atpace.services.courses import load_graph
from atpace.services.practice import practice_mode
from atpace.services.progress import (
    StudentProgress,
    confirmed_skills,
    load_class_overrides,
    student_progress,
    unconfirmed_skills,
)
from atpace.services.today import stuck_by_student
from atpace.store.tables import (
    Attempt,
    Classroom,
    ClassTeacher,
    Enrollment,
    Evidence,
    Item,
    LearnerState,
    Role,
    Skill,
    User,
    utcnow,
)


@dataclass(frozen=True)
class ClassSummary:
    id: int
    name: str
    course_title: str
    student_count: int  # active students
    archived: bool = False


@dataclass(frozen=True)
class HeatmapRow:
    student_id: int
    student_name: str
    mastery: dict[str, float | None]  # skill key -> P(learned), None when never practised
    states: dict[str, policy.SkillState]  # as the student's own map shows them
    mastered_count: int
    average: float  # mean over all skills, unpractised counted as 0
    # skill key -> why the student is stuck on it ("missed the last 4 answers in a row"), from the
    # attention rule (atpace.services.today); skills where the student is not stuck are absent.
    stuck: dict[str, str] = field(default_factory=dict)
    confirmed: frozenset[str] = frozenset()  # mastered skills a passed mastery check confirmed


@dataclass(frozen=True)
class Heatmap:
    class_id: int
    class_name: str
    course_title: str
    threshold: float
    skills: list[tuple[str, str]]  # (key, name) in course order
    rows: list[HeatmapRow]
    sort: str
    descending: bool


def classes_for(session: Session, actor: Actor, *, include_archived: bool = False) -> list[ClassSummary]:
    """The actor's classes (all of the school for an admin); archived ones only when asked for."""
    query = (
        select(Classroom)
        .options(joinedload(Classroom.course))
        .where(Classroom.school_id == actor.school_id)
        .order_by(Classroom.archived_at.is_not(None), Classroom.name)
    )
    if not include_archived:
        query = query.where(Classroom.archived_at.is_(None))
    if actor.role == Role.TEACHER:
        query = query.join(ClassTeacher, ClassTeacher.class_id == Classroom.id).where(
            ClassTeacher.user_id == actor.user_id
        )
    elif actor.role == Role.STUDENT:
        query = query.join(Enrollment, Enrollment.class_id == Classroom.id).where(
            Enrollment.user_id == actor.user_id
        )
    classrooms = session.scalars(query).all()
    # One grouped count for all classes rather than one query per class.
    counts: dict[int, int] = {
        class_id: count
        for class_id, count in session.execute(
            select(Enrollment.class_id, func.count(Enrollment.user_id))
            .join(User, User.id == Enrollment.user_id)
            .where(Enrollment.class_id.in_([c.id for c in classrooms]), User.is_active.is_(True))
            .group_by(Enrollment.class_id)
        )
    }
    return [
        ClassSummary(
            c.id, c.name, c.course.title if c.course else "", counts.get(c.id, 0), c.archived_at is not None
        )
        for c in classrooms
    ]


HEATMAP_SORTS = ("name", "average", "mastered")


def class_heatmap(
    session: Session, actor: Actor, class_id: int, sort: str = "name", descending: bool = False
) -> Heatmap:
    """Students x skills mastery. ``sort`` is name, average, mastered or a skill key."""
    classroom = get_class(session, actor, class_id)
    course = class_course(classroom)
    graph = load_graph(session, course)
    if sort not in HEATMAP_SORTS and sort not in graph.skills:
        raise InvalidInput("sort", f"sort by one of {', '.join(HEATMAP_SORTS)} or a skill key")
    students = session.scalars(
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.class_id == classroom.id, User.is_active.is_(True))  # deactivated: left out
        .order_by(User.display_name)
    ).all()
    skill_ids = {skill.id: key for key, skill in graph.skills.items()}
    student_ids = [s.id for s in students]
    states = session.execute(
        select(LearnerState.student_id, LearnerState.skill_id, LearnerState.p_learned).where(
            LearnerState.student_id.in_(student_ids), LearnerState.skill_id.in_(skill_ids)
        )
    ).all()
    by_student: dict[int, dict[str, float | None]] = {s.id: dict.fromkeys(graph.skills) for s in students}
    for student_id, skill_id, p in states:
        by_student[student_id][skill_ids[skill_id]] = p
    overrides = load_class_overrides(session, student_ids, graph)
    stuck = stuck_by_student(session, student_ids, graph, utcnow())  # one query for the whole class
    rule = policy.MasteryRule(course.mastery_threshold)
    unconfirmed = unconfirmed_skills(session, student_ids, graph)
    confirmed = confirmed_skills(session, student_ids, graph)
    rows = []
    for student in students:
        mastery = by_student[student.id]
        known = {key: p for key, p in mastery.items() if p is not None}
        # The student's own map decides the same way (a paused skill, or one waiting for a required
        # check, is not counted as mastered).
        decided = policy.progress(
            graph.graph, known, rule, overrides.get(student.id, []), unconfirmed[student.id]
        )
        values = [p or 0.0 for p in mastery.values()]
        rows.append(
            HeatmapRow(
                student_id=student.id,
                student_name=student.display_name,
                mastery=mastery,
                states={key: decided.state(key, key in known) for key in graph.skills},
                mastered_count=sum(decided.state(key, True) == "mastered" for key in graph.skills),
                average=sum(values) / len(values) if values else 0.0,
                stuck={key: reason.text for key, reason in stuck.get(student.id, {}).items()},
                confirmed=frozenset(k for k in confirmed.get(student.id, ()) if k in decided.mastered),
            )
        )
    threshold = rule.threshold

    def key(row: HeatmapRow) -> tuple[float | str, str]:
        if sort == "name":
            return (row.student_name.lower(), "")
        if sort == "average":
            return (row.average, row.student_name.lower())
        if sort == "mastered":
            return (row.mastered_count, row.student_name.lower())
        value = row.mastery[sort]
        return (-1.0 if value is None else value, row.student_name.lower())

    rows.sort(key=key, reverse=descending)
    return Heatmap(
        class_id=classroom.id,
        class_name=classroom.name,
        course_title=course.title,
        threshold=threshold,
        skills=[(k, s.name) for k, s in graph.skills.items()],
        rows=rows,
        sort=sort,
        descending=descending,
    )


@dataclass(frozen=True)
class AttemptView:
    id: int
    created_at: datetime
    skill_name: str
    prompt: str
    response: str
    correct: bool
    hints_used: int
    confidence: int | None
    duration_ms: int | None
    mastery_before: float
    mastery_after: float


def recent_attempts(session: Session, actor: Actor, student_id: int, limit: int = 20) -> list[AttemptView]:
    if not 1 <= limit <= 200:
        raise InvalidInput("limit", "limit must be between 1 and 200")
    return _attempt_views(session, get_student(session, actor, student_id).id, limit)


def _attempt_views(session: Session, student_id: int, limit: int) -> list[AttemptView]:
    rows = session.execute(
        select(Attempt, Skill.name, Item.prompt)
        .join(Skill, Skill.id == Attempt.skill_id)
        .join(Item, Item.id == Attempt.item_id)
        .where(Attempt.student_id == student_id)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(limit)
    ).all()
    return [
        AttemptView(
            id=a.id,
            created_at=a.created_at,
            skill_name=skill_name,
            prompt=prompt,
            response=a.response,
            correct=a.correct,
            hints_used=a.hints_used,
            confidence=a.confidence,
            duration_ms=a.duration_ms,
            mastery_before=a.mastery_before,
            mastery_after=a.mastery_after,
        )
        for a, skill_name, prompt in rows
    ]


def progress_of(session: Session, actor: Actor, student_id: int) -> StudentProgress:
    """A student's progress in their course, if the actor may see it."""
    student = get_student(session, actor, student_id)
    return student_progress(session, student, student_course(session, student, seen_by=actor))


@dataclass(frozen=True)
class EvidenceView:
    """One piece of evidence about a skill and how it moved mastery, in the teacher's words."""

    id: int
    created_at: datetime
    kind: str
    label: str  # the evidence kind's name a teacher sees (atpace.engine.evidence.KIND_INFO)
    effect: str
    skill_name: str
    correct: bool | None
    mastery_before: float
    mastery_after: float


def recent_evidence(session: Session, actor: Actor, student_id: int, limit: int = 20) -> list[EvidenceView]:
    if not 1 <= limit <= 200:
        raise InvalidInput("limit", "limit must be between 1 and 200")
    return _evidence_views(session, get_student(session, actor, student_id).id, limit)


def _evidence_views(session: Session, student_id: int, limit: int) -> list[EvidenceView]:
    rows = session.execute(
        select(Evidence, Skill.name)
        .join(Skill, Skill.id == Evidence.skill_id)
        .where(Evidence.student_id == student_id)
        .order_by(Evidence.created_at.desc(), Evidence.id.desc())
        .limit(limit)
    ).all()
    views = []
    for row, skill_name in rows:
        info = KIND_INFO.get(row.kind)  # type: ignore[call-overload]
        label, effect = (info.label, info.effect) if info else (row.kind, "")
        views.append(
            EvidenceView(
                row.id,
                row.created_at,
                row.kind,
                label,
                effect,
                skill_name,
                row.correct,
                row.p_before,
                row.p_after,
            )
        )
    return views


@dataclass(frozen=True)
class StudentInClass:
    """What a teacher's page of one student shows, under one of the teacher's classes."""

    classroom: Classroom
    progress: StudentProgress
    attempts: list[AttemptView]
    mode: policy.ModeDecision
    evidence: list[EvidenceView]


def student_in_class(
    session: Session, actor: Actor, class_id: int, student_id: int, attempts: int = 25
) -> StudentInClass:
    """Progress, recent attempts and practice mode of a student enrolled in the class (access checked once)."""
    classroom, student = get_class_student(session, actor, class_id, student_id)
    return StudentInClass(
        classroom,
        student_progress(session, student, class_course(classroom)),
        _attempt_views(session, student.id, attempts),
        practice_mode(session, student),
        _evidence_views(session, student.id, attempts),
    )
