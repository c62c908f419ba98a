"""Shared fixtures: seeded databases on SQLite and PostgreSQL, each test in a rolled-back transaction."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from atpace.services.auth import Actor, create_user
from atpace.services.courses import import_course
from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database, make_engine, upgrade
from atpace.store.tables import (
    Classroom,
    ClassTeacher,
    Course,
    Enrollment,
    Item,
    ItemSkill,
    Role,
    School,
    Skill,
    User,
)

POSTGRES_ENV = "ATPACE_TEST_POSTGRES_URL"


@dataclass(frozen=True)
class World:
    """Ids of the seeded people and places that tests refer to."""

    school_id: int
    course_id: int
    class_id: int
    admin_id: int
    teacher_id: int
    student_id: int  # a fresh student (no history)
    classmate_id: int  # a student with history in the same class
    other_teacher_id: int  # teaches another class in the same school
    other_class_id: int
    other_class_student_id: int
    foreign_teacher_id: int  # another school
    foreign_student_id: int


def _seed(database: Database) -> World:
    from atpace.content import FRACTIONS_COURSE

    with database.transaction() as session:
        ensure_demo_school(session)
        school = session.query(School).filter_by(slug="riverside").one()
        users = {u.email: u for u in session.query(User).filter_by(school_id=school.id)}
        course = session.query(Course).filter_by(school_id=school.id, key="fractions").one()
        main_class = session.query(Classroom).filter_by(school_id=school.id).one()
        other_teacher = create_user(
            session, school=school, email="t2@riverside.example", display_name="Mr. Other",
            role=Role.TEACHER, password="password-2",
        )  # fmt: skip
        other_class = Classroom(school_id=school.id, course_id=course.id, name="Grade 5 - Room 3")
        session.add(other_class)
        session.flush()
        other_student = create_user(
            session, school=school, email="s-other@riverside.example", display_name="Otto Other",
            role=Role.STUDENT, password="password-3",
        )  # fmt: skip
        session.add_all(
            [
                ClassTeacher(class_id=other_class.id, user_id=other_teacher.id),
                Enrollment(class_id=other_class.id, user_id=other_student.id),
            ]
        )
        foreign = School(slug="hillside", name="Hillside Middle")
        session.add(foreign)
        session.flush()
        foreign_course = import_course(session, foreign, FRACTIONS_COURSE)
        foreign_teacher = create_user(
            session, school=foreign, email="teacher@hillside.example", display_name="Dr. Hill",
            role=Role.TEACHER, password="password-4",
        )  # fmt: skip
        foreign_student = create_user(
            session, school=foreign, email="student@hillside.example", display_name="Hal Hill",
            role=Role.STUDENT, password="password-5",
        )  # fmt: skip
        foreign_class = Classroom(school_id=foreign.id, course_id=foreign_course.id, name="Hill 6A")
        session.add(foreign_class)
        session.flush()
        session.add_all(
            [
                ClassTeacher(class_id=foreign_class.id, user_id=foreign_teacher.id),
                Enrollment(class_id=foreign_class.id, user_id=foreign_student.id),
            ]
        )
        return World(
            school_id=school.id,
            course_id=course.id,
            class_id=main_class.id,
            admin_id=users["admin@riverside.example"].id,
            teacher_id=users["teacher@riverside.example"].id,
            student_id=users["student01@riverside.example"].id,
            classmate_id=users["student02@riverside.example"].id,
            other_teacher_id=other_teacher.id,
            other_class_id=other_class.id,
            other_class_student_id=other_student.id,
            foreign_teacher_id=foreign_teacher.id,
            foreign_student_id=foreign_student.id,
        )


def _fresh_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@dataclass
class Backend:
    name: str
    url: str
    engine: Engine
    world: World


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = os.environ.get(POSTGRES_ENV, "")
        if not url:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        _fresh_postgres(url)
    upgrade(url)  # the migrations themselves are under test here
    database = Database(url)
    world = _seed(database)
    yield Backend(request.param, url, database.engine, world)
    database.engine.dispose()


class RollbackDatabase(Database):
    """A Database whose every transaction is a savepoint inside one outer transaction."""

    def __init__(self, backend: Backend) -> None:
        self.url = backend.url
        self.engine = backend.engine
        self.connection = backend.engine.connect()
        self.outer = self.connection.begin()
        self._sessions = sessionmaker(
            bind=self.connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        self._read_sessions = self._sessions

    def close(self) -> None:
        self.outer.rollback()
        self.connection.close()


@pytest.fixture
def database(backend: Backend) -> Iterator[RollbackDatabase]:
    db = RollbackDatabase(backend)
    yield db
    db.close()


@pytest.fixture
def world(backend: Backend) -> World:
    return backend.world


@pytest.fixture
def session(database: RollbackDatabase) -> Iterator[Session]:
    with database.transaction() as s:
        yield s


def typed_item(session: Session, course_id: int, skill_key: str) -> Item:
    """An item of the skill that takes a typed (fraction or numeric) answer, so that "3//4" is malformed."""
    item = session.scalar(
        select(Item)
        .join(ItemSkill, ItemSkill.item_id == Item.id)
        .join(Skill, Skill.id == ItemSkill.skill_id)
        .where(Skill.course_id == course_id, Skill.key == skill_key, Item.kind.in_(("fraction", "numeric")))
        .order_by(Item.id)
        .limit(1)
    )
    assert item is not None, f"{skill_key} has no typed item"
    return item


def actor_of(session: Session, user_id: int) -> Actor:
    user = session.get(User, user_id)
    assert user is not None
    return Actor.of(user)
