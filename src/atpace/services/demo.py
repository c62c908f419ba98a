"""The demo school: a teacher, 24 students, the fractions course and a few weeks of practice history.

The history is simulated with the same BKT update the practice loop uses, so the dashboards a
teacher sees on first start are consistent with what practice will do next.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.content import FRACTIONS_COURSE
from atpace.content.answers import check_answer
from atpace.content.spec import AnswerSpec
from atpace.engine import bkt_online, policy
from atpace.services.auth import create_user
from atpace.services.courses import CourseGraph, import_course, load_graph
from atpace.store.tables import (
    Attempt,
    Classroom,
    ClassTeacher,
    Course,
    Enrollment,
    Item,
    ItemSkill,
    LearnerState,
    ReviewMemory,
    Role,
    School,
    User,
    utcnow,
)

DEMO_SCHOOL_SLUG = "riverside"
DEMO_PASSWORD = "atpace-demo"
STUDENT_NAMES = (
    "Amara Okafor", "Ben Carter", "Chloe Nguyen", "Diego Alvarez", "Elif Yilmaz", "Finn O'Brien",
    "Grace Kim", "Hamza Said", "Isla MacLeod", "Jonas Weber", "Kiara Patel", "Liam Murphy",
    "Maya Cohen", "Noah Schmidt", "Olivia Rossi", "Pablo Ortega", "Quinn Taylor", "Rosa Lindqvist",
    "Samir Haddad", "Tara Singh", "Uma Reddy", "Victor Dubois", "Wen Li", "Yusuf Demir",
)  # fmt: skip


@dataclass(frozen=True)
class DemoLogins:
    school: str
    admin: str
    teacher: str
    students: list[str]
    password: str
    created: bool


def ensure_demo_school(session: Session, *, now: datetime | None = None, seed: int = 2026) -> DemoLogins:
    """Create the demo school unless it exists; either way return its logins."""
    school = session.scalar(select(School).where(School.slug == DEMO_SCHOOL_SLUG))
    created = school is None
    if school is None:
        school = _create(session, now or utcnow(), random.Random(seed))
    users = session.scalars(select(User).where(User.school_id == school.id).order_by(User.id)).all()
    demo_class_id = session.scalar(
        select(Classroom.id).where(Classroom.school_id == school.id).order_by(Classroom.id).limit(1)
    )
    enrolled = set(session.scalars(select(Enrollment.user_id).where(Enrollment.class_id == demo_class_id)))
    return DemoLogins(
        school=school.name,
        admin=next(u.email for u in users if u.role == Role.ADMIN),
        teacher=next(u.email for u in users if u.role == Role.TEACHER),
        students=[u.email for u in users if u.id in enrolled],
        password=DEMO_PASSWORD,
        created=created,
    )


def _create(session: Session, now: datetime, rng: random.Random) -> School:
    school = School(slug=DEMO_SCHOOL_SLUG, name="Riverside Elementary")
    session.add(school)
    session.flush()
    create_user(
        session, school=school, email="admin@riverside.example", display_name="Ada Admin",
        role=Role.ADMIN, password=DEMO_PASSWORD,
    )  # fmt: skip
    teacher = create_user(
        session, school=school, email="teacher@riverside.example", display_name="Ms. Rivera",
        role=Role.TEACHER, password=DEMO_PASSWORD,
    )  # fmt: skip
    course = import_course(session, school, FRACTIONS_COURSE)
    classroom = Classroom(school_id=school.id, course_id=course.id, name="Grade 4 - Room 12")
    session.add(classroom)
    session.flush()
    session.add(ClassTeacher(class_id=classroom.id, user_id=teacher.id))
    graph = load_graph(session, course)
    items_by_skill = _items_by_skill(session, course, graph)
    for index, name in enumerate(STUDENT_NAMES, start=1):
        student = create_user(
            session, school=school, email=f"student{index:02d}@riverside.example", display_name=name,
            role=Role.STUDENT, password=DEMO_PASSWORD,
        )  # fmt: skip
        session.add(Enrollment(class_id=classroom.id, user_id=student.id))
        session.flush()
        # The first student starts fresh so that a demo visitor sees the first steps of the course.
        if index > 1:
            _simulate_history(session, student, course, graph, items_by_skill, now, rng)
    session.flush()
    return school


def _items_by_skill(session: Session, course: Course, graph: CourseGraph) -> dict[str, list[Item]]:
    items_by_skill: dict[str, list[Item]] = {key: [] for key in graph.skills}
    skill_key_of = {s.id: s.key for s in graph.skills.values()}
    for item, skill_id in session.execute(
        select(Item, ItemSkill.skill_id)
        .join(ItemSkill, ItemSkill.item_id == Item.id)
        .where(Item.course_id == course.id)
    ):
        items_by_skill[skill_key_of[skill_id]].append(item)
    return items_by_skill


def _simulate_history(
    session: Session,
    student: User,
    course: Course,
    graph: CourseGraph,
    items_by_skill: dict[str, list[Item]],
    now: datetime,
    rng: random.Random,
) -> None:
    """A few weeks of practice by a simulated learner with their own pace and prior knowledge."""
    params = bkt_online.BKTParams()
    learn_rate = rng.choice((0.03, 0.06, 0.1, 0.1, 0.15, 0.25))  # slow ... fast learners
    prior_knowledge = rng.choice((0.0, 0.1, 0.3))  # some start knowing the early skills
    knows = {key: rng.random() < prior_knowledge for key in graph.skills}
    mastery: dict[str, float] = {}
    counts: dict[str, list[int]] = {}
    last_at: dict[str, datetime] = {}
    mastered_at: dict[str, datetime] = {}
    sessions = rng.randint(3, 12)
    days = sorted(rng.sample(range(1, 22), sessions), reverse=True)
    for day in days:
        moment = (now - timedelta(days=day)).replace(hour=rng.randint(9, 14), minute=rng.randint(0, 59))
        for _ in range(rng.randint(6, 14)):
            mastered = {k for k, p in mastery.items() if p >= course.mastery_threshold}
            frontier = graph.graph.frontier(mastered)
            if not frontier:
                break
            started = [k for k in frontier if k in mastery]
            key = max(started, key=lambda k: mastery[k]) if started else frontier[0]
            item = rng.choice(items_by_skill[key])
            correct = rng.random() < (1 - params.slip if knows[key] else params.guess)
            if not knows[key] and rng.random() < learn_rate:
                knows[key] = True
            before = mastery.get(key, params.prior)
            after = bkt_online.update(before, correct, params)
            mastery[key] = after
            tally = counts.setdefault(key, [0, 0])
            tally[0] += 1
            tally[1] += int(correct)
            last_at[key] = moment
            if after >= course.mastery_threshold and key not in mastered_at:
                mastered_at[key] = moment
            session.add(
                Attempt(
                    school_id=student.school_id,
                    student_id=student.id,
                    item_id=item.id,
                    skill_id=graph.skills[key].id,
                    client_attempt_id=str(uuid.UUID(int=rng.getrandbits(128))),
                    response=_response(AnswerSpec.from_dict(item.answer), correct, rng),
                    correct=correct,
                    created_at=moment,
                    duration_ms=rng.randint(15_000, 120_000),
                    hints_used=0 if correct or rng.random() < 0.6 else 1,
                    confidence=rng.randint(3, 4) if correct else rng.randint(1, 3),
                    mastery_before=before,
                    mastery_after=after,
                )
            )
            moment += timedelta(seconds=rng.randint(30, 150))
    for key, when in mastered_at.items():
        memory, _ = policy.ReviewState.start(key, when)
        session.add(
            ReviewMemory(
                school_id=student.school_id, student_id=student.id, skill_id=graph.skills[key].id,
                state=memory.to_json(), due_at=memory.card.due, updated_at=when,
            )
        )  # fmt: skip
    for key, p in mastery.items():
        session.add(
            LearnerState(
                school_id=student.school_id,
                student_id=student.id,
                skill_id=graph.skills[key].id,
                p_learned=p,
                attempts=counts[key][0],
                correct=counts[key][1],
                last_attempt_at=last_at[key],
                mastered_at=mastered_at.get(key),
            )
        )


def _response(answer: AnswerSpec, correct: bool, rng: random.Random) -> str:
    """The canonical answer, or a plausible wrong one that the checker marks incorrect."""
    if correct:
        return answer.correct
    candidates = [c for c in answer.choices if c != answer.correct]
    rng.shuffle(candidates)
    if "/" in answer.correct:
        top, _, bottom = answer.correct.partition("/")
        candidates += [f"{top}/{bottom.strip()}0", f"1/{bottom.strip()}"]
    candidates += ["0", "1", "2", "not sure"]
    for candidate in candidates:
        if check_answer(answer, candidate).status == "incorrect":
            return candidate
    return "?"
