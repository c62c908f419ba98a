"""The demo school: a teacher, 24 students, the fractions course and a few weeks of practice history.

The history is recorded through the evidence ledger with the rule the practice loop uses, so the dashboards
a teacher sees on first start are consistent with what practice will do next.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.content import FRACTIONS_COURSE, load_builtin_course
from atpace.content.answers import check_answer
from atpace.content.spec import AnswerSpec
from atpace.engine import bkt_online
from atpace.services.auth import create_user, hash_password
from atpace.services.courses import CourseGraph, import_course, load_graph, servable
from atpace.services.demo_pathways import seed_demo_resources
from atpace.services.evidence import Ledger, Observation, SkillChange
from atpace.services.progress import load_parameters
from atpace.store.tables import (
    Attempt,
    Classroom,
    ClassTeacher,
    Course,
    Enrollment,
    Item,
    ItemSkill,
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


def ensure_demo_school(
    session: Session, *, now: datetime | None = None, seed: int = 2026, classwork: bool = False
) -> DemoLogins:
    """Create the demo school unless it exists; either way return its logins. ``classwork`` also gives the
    demo class a week of assignments and hand-ins and adds the reading course with a reading class of the same
    students (``atpace demo`` does; tests start from a class without)."""
    school = session.scalar(select(School).where(School.slug == DEMO_SCHOOL_SLUG))
    created = school is None
    if school is None:
        school = _create(session, now or utcnow(), random.Random(seed))
    seed_demo_strategies(session, school)
    seed_demo_resources(session, school)  # a few learning resources per skill (docs/pathways.md)
    users = session.scalars(select(User).where(User.school_id == school.id).order_by(User.id)).all()
    demo_class_id = session.scalar(
        select(Classroom.id).where(Classroom.school_id == school.id).order_by(Classroom.id).limit(1)
    )
    if classwork and demo_class_id is not None:
        from atpace.services.demo_classwork import seed_demo_classwork

        classroom = session.get(Classroom, demo_class_id)
        teacher = next(u for u in users if u.role == Role.TEACHER)
        assert classroom is not None
        seed_demo_classwork(session, teacher, classroom, now or utcnow())
    if classwork:
        from atpace.services.readings.demo import seed_demo_readings

        seed_demo_readings(session, school)  # the reading course, its leveled texts and a reading class
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
    # Every demo account has the published demo password: one argon2 hash serves them all (hashing it per
    # account took 5 of the demo's 16 seconds of set-up).
    demo_hash = hash_password(DEMO_PASSWORD)
    create_user(
        session, school=school, email="admin@riverside.example", display_name="Ada Admin",
        role=Role.ADMIN, password=DEMO_PASSWORD, password_hash=demo_hash,
    )  # fmt: skip
    teacher = create_user(
        session, school=school, email="teacher@riverside.example", display_name="Ms. Rivera",
        role=Role.TEACHER, password=DEMO_PASSWORD, password_hash=demo_hash,
    )  # fmt: skip
    course = import_course(session, school, FRACTIONS_COURSE)
    # A second course, in another subject, for the admin to give to a class (no class uses it yet).
    import_course(session, school, load_builtin_course("ratios"))
    classroom = Classroom(school_id=school.id, course_id=course.id, name="Grade 4 - Room 12")
    session.add(classroom)
    session.flush()
    session.add(ClassTeacher(class_id=classroom.id, user_id=teacher.id))
    graph = load_graph(session, course)
    items_by_skill = _items_by_skill(session, course, graph)
    for index, name in enumerate(STUDENT_NAMES, start=1):
        student = create_user(
            session, school=school, email=f"student{index:02d}@riverside.example", display_name=name,
            role=Role.STUDENT, password=DEMO_PASSWORD, password_hash=demo_hash,
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
        .where(Item.course_id == course.id, servable())
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
    """A few weeks of practice by a simulated learner with their own pace and prior knowledge.

    The answers go through the evidence ledger as "history", the rule live practice uses (item-adjusted
    knowledge tracing, FSRS review memory), so the dashboards agree with what practice does next.
    """
    ledger = Ledger.load(session, student, graph, load_parameters(session, course.id))
    truth = bkt_online.BKTParams()  # how the simulated learner answers
    learn_rate = rng.choice((0.03, 0.06, 0.1, 0.1, 0.15, 0.25))  # slow ... fast learners
    prior_knowledge = rng.choice((0.0, 0.1, 0.3))  # some start knowing the early skills
    knows = {key: rng.random() < prior_knowledge for key in graph.skills}
    rule = ledger.rule
    sessions = rng.randint(3, 12)
    days = sorted(rng.sample(range(1, 22), sessions), reverse=True)
    for day in days:
        moment = (now - timedelta(days=day)).replace(hour=rng.randint(9, 14), minute=rng.randint(0, 59))
        for _ in range(rng.randint(6, 14)):
            mastery = ledger.mastery()
            frontier = graph.graph.frontier({k for k, p in mastery.items() if rule.is_mastered(p)})
            if not frontier:
                break
            started = [k for k in frontier if k in mastery]
            key = max(started, key=lambda k: mastery[k]) if started else frontier[0]
            item = rng.choice(items_by_skill[key])
            correct = rng.random() < (1 - truth.slip if knows[key] else truth.guess)
            if not knows[key] and rng.random() < learn_rate:
                knows[key] = True
            hints = 0 if correct or rng.random() < 0.6 else 1
            confidence = rng.randint(3, 4) if correct else rng.randint(1, 3)
            attempt = Attempt(
                school_id=student.school_id, student_id=student.id, item_id=item.id,
                skill_id=graph.skills[key].id, client_attempt_id=str(uuid.UUID(int=rng.getrandbits(128))),
                response=_response(AnswerSpec.from_dict(item.answer), correct, rng), correct=correct,
                created_at=moment, duration_ms=rng.randint(15_000, 120_000), hints_used=hints,
                confidence=confidence,
            )  # fmt: skip

            def store(changes: Mapping[str, SkillChange], attempt: Attempt = attempt, key: str = key) -> int:
                attempt.mastery_before, attempt.mastery_after = changes[key].before, changes[key].after
                session.add(attempt)
                session.flush()
                return attempt.id

            ledger.record(
                "history",
                [Observation(key, correct, item.difficulty, item.id)],
                moment,
                confidence=confidence,
                hints_used=hints,
                attach=store,
            )
            moment += timedelta(seconds=rng.randint(30, 150))


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


# A few strategies in the demo school's library (added once; a strategy of the same title is left alone).
@dataclass(frozen=True)
class DemoStrategy:
    title: str
    description: str
    grade_band: str
    needs: tuple[str, ...]
    skills: tuple[str, ...]  # keys of the fractions course
    link: tuple[str, str] | None = None  # (title, url)
    comment: str = ""  # by the school's administrator


DEMO_STRATEGIES = (
    DemoStrategy(
        title="Fraction strips for equivalent fractions",
        description=(
            "Each student folds or cuts paper strips into halves, quarters, eighths, thirds and sixths and lines "
            "them up under a whole strip. Ask: which pieces cover exactly the same length as 1/2? Record every "
            "match as an equation (1/2 = 2/4 = 4/8) and look for the pattern: the same number multiplies the "
            "numerator and the denominator.\n\n"
            "Finish with two strips that do not match (2/3 and 3/4) so that students explain why they are not "
            "equivalent."
        ),
        grade_band="3-5",
        needs=("concrete models", "needs: Equivalent fractions", "English learners"),
        skills=("equivalent-fractions", "simplify-fractions"),
        link=("Fraction strips (Wikipedia: Fraction)", "https://en.wikipedia.org/wiki/Fraction"),
        comment="Our Grade 3 team uses these too: a class set of strips is in the maths cupboard of Room 9.",
    ),
    DemoStrategy(
        title="Number line talk",
        description=(
            "Draw a long number line from 0 to 2 on the board. Give each pair a card (3/4, 5/4, 2/3, 1 1/2...) "
            "to place, then discuss placements as a class: how do you know 5/4 is past 1? Students justify "
            "with the size of the unit fraction and the number of copies."
        ),
        grade_band="3-5",
        needs=("discussion", "visual learners", "struggling with comparing"),
        skills=("fractions-on-number-line", "compare-same-denominator", "compare-unlike-fractions"),
        link=("Number line (Wikipedia)", "https://en.wikipedia.org/wiki/Number_line"),
        comment="",
    ),
    DemoStrategy(
        title="Worked example pairs",
        description=(
            "Show a fully worked example (1/3 + 1/4 with the common denominator 12, each step written and "
            "said aloud), then a similar problem with the last steps left blank for the student, then one to "
            "do alone. Fade the steps over a week."
        ),
        grade_band="4-6",
        needs=("new to the procedure", "independent practice"),
        skills=("add-unlike-denominators", "subtract-unlike-denominators", "add-subtract-mixed-unlike"),
        link=None,
        comment="",
    ),
    DemoStrategy(
        title="Would you rather? fraction problems",
        description=(
            "Pose a choice: would you rather have 3/8 of a pizza or 2/5 of the same pizza? Students decide, "
            "prove it two ways, and write their own question for a partner."
        ),
        grade_band="4-5",
        needs=("extension", "reasoning"),
        skills=("compare-unlike-fractions", "fraction-word-problems"),
        link=None,
        comment="",
    ),
)


def seed_demo_strategies(session: Session, school: School) -> None:
    """Add the demo strategies that the school's library lacks, by its (first) teacher."""
    from atpace.store.tables import Skill, Strategy, StrategyComment, StrategyMaterial, StrategySkill

    existing = set(session.scalars(select(Strategy.title).where(Strategy.school_id == school.id)))
    missing = [s for s in DEMO_STRATEGIES if s.title not in existing]
    if not missing:
        return
    users = session.scalars(select(User).where(User.school_id == school.id).order_by(User.id)).all()
    teacher = next((u for u in users if u.role == Role.TEACHER), None)
    admin = next((u for u in users if u.role == Role.ADMIN), None)
    skills = {
        key: skill_id
        for key, skill_id in session.execute(
            select(Skill.key, Skill.id)
            .join(Course, Course.id == Skill.course_id)
            .where(Course.school_id == school.id, Course.key == FRACTIONS_COURSE.key)
        )
    }
    for spec in missing:
        strategy = Strategy(
            school_id=school.id, title=spec.title, description=spec.description,
            grade_band=spec.grade_band, needs=list(spec.needs),
            created_by_id=teacher.id if teacher else None,
        )  # fmt: skip
        session.add(strategy)
        session.flush()
        session.add_all(
            StrategySkill(strategy_id=strategy.id, skill_id=skills[key])
            for key in spec.skills
            if key in skills
        )
        if spec.link is not None:
            title, url = spec.link
            session.add(StrategyMaterial(strategy_id=strategy.id, title=title, url=url, position=1))
        if spec.comment and admin is not None:
            session.add(
                StrategyComment(
                    school_id=school.id, strategy_id=strategy.id, author_id=admin.id, body=spec.comment
                )
            )
    session.flush()
