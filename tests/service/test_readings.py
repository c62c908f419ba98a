"""Leveled texts through their services and HTTP faces (SQLite and PostgreSQL): a reading at the student's
level, reading up and down, answers as comprehension evidence, the reading level's rule and the teacher's
lock, validation, and two concurrent answers to one question."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from atpace.content.spec import AnswerSpec
from atpace.errors import Forbidden, InvalidInput
from atpace.services import readings
from atpace.services.auth import create_user
from atpace.services.readings.demo import import_reading_course
from atpace.store.db import Database
from atpace.store.tables import (
    Classroom,
    ClassTeacher,
    Course,
    Enrollment,
    Evidence,
    LearnerState,
    Role,
    School,
)
from atpace.store.tables_readings import ReadingAnswer, ReadingLevel, ReadingQuestion, ReadingResult
from tests.service.conftest import POSTGRES_ENV, RollbackDatabase, World, actor_of
from tests.service.web import bearer, client_for


def reading_class(session: Session, world: World) -> tuple[Course, int]:
    """The reading course with its demo texts, and a reading class of the world's teacher with its student
    and classmate."""
    school = session.get(School, world.school_id)
    assert school is not None
    course = import_reading_course(session, school)
    classroom = Classroom(school_id=school.id, course_id=course.id, name="Reading 4")
    session.add(classroom)
    session.flush()
    session.add_all(
        [
            ClassTeacher(class_id=classroom.id, user_id=world.teacher_id),
            Enrollment(class_id=classroom.id, user_id=world.student_id),
            Enrollment(class_id=classroom.id, user_id=world.classmate_id),
        ]
    )
    session.flush()
    return course, classroom.id


def answer_all(session: Session, student_id: int, reading_id: int, version: int | None, right: int) -> None:
    """Answer every question of the version shown: the first ``right`` correctly, the others wrongly."""
    actor = actor_of(session, student_id)
    page = readings.reading_page(session, actor, reading_id, version)
    for index, question in enumerate(page.questions):
        spec = AnswerSpec.from_dict(_question(session, question.id).answer)
        wrong = next((c for c in spec.choices if c != spec.correct), "no idea at all")
        readings.answer(session, actor, reading_id, question.id, spec.correct if index < right else wrong)


def _question(session: Session, question_id: int) -> ReadingQuestion:
    question = session.get(ReadingQuestion, question_id)
    assert question is not None
    return question


def test_a_student_reads_at_their_level_and_the_teacher_s_setting_picks_a_harder_version(
    session: Session, world: World
) -> None:
    course, class_id = reading_class(session, world)
    student = actor_of(session, world.student_id)
    cards = readings.list_readings(session, student)
    assert len(cards) == 8 and all(c.course_title == course.title for c in cards)
    first = readings.reading_page(session, student, cards[0].id)
    assert (first.level, first.chosen, first.picked, first.direction) == (
        3.0,
        0,
        0,
        "at",
    )  # the course's grade 3
    assert len(first.questions) >= 4 and all(q.answered is None for q in first.questions)
    readings.set_level(
        session, actor_of(session, world.teacher_id), class_id, world.student_id, level=13, locked=False
    )
    top = readings.reading_page(session, student, cards[0].id)
    assert top.chosen == len(top.versions) - 1 and top.body != first.body
    with pytest.raises(InvalidInput) as error:
        readings.reading_page(session, student, cards[0].id, version=9)
    assert error.value.field == "version"
    with pytest.raises(Forbidden):
        readings.reading_page(session, actor_of(session, world.other_class_student_id), cards[0].id)


def test_answers_are_comprehension_evidence_and_reading_up_counts(session: Session, world: World) -> None:
    reading_class(session, world)
    student = actor_of(session, world.student_id)
    reading_id = readings.list_readings(session, student)[0].id
    up = readings.reading_page(session, student, reading_id, version=1)
    assert up.direction == "up"
    question = up.questions[0]
    spec = AnswerSpec.from_dict(_question(session, question.id).answer)
    outcome = readings.answer(session, student, reading_id, question.id, spec.correct)
    assert outcome.correct and not outcome.repeated and outcome.finished is None
    evidence = session.scalars(select(Evidence).where(Evidence.student_id == world.student_id)).all()
    assert [(e.kind, e.correct) for e in evidence] == [("comprehension", True)]
    assert evidence[0].skill_id == _question(session, question.id).skill_id
    assert evidence[0].p_after > evidence[0].p_before
    state = session.scalar(
        select(LearnerState).where(
            LearnerState.student_id == world.student_id, LearnerState.skill_id == evidence[0].skill_id
        )
    )
    assert state is not None and state.p_learned == pytest.approx(evidence[0].p_after) and state.attempts == 0
    again = readings.answer(session, student, reading_id, question.id, "something else")
    assert again.repeated and again.correct  # the first answer counts
    assert session.scalar(select(func.count(Evidence.id)).where(Evidence.student_id == world.student_id)) == 1
    for rest in up.questions[1:]:
        readings.answer(
            session,
            student,
            reading_id,
            rest.id,
            AnswerSpec.from_dict(_question(session, rest.id).answer).correct,
        )
    result = session.scalars(select(ReadingResult).where(ReadingResult.student_id == world.student_id)).one()
    assert (result.direction, result.counted) == ("up", True)
    assert result.level_after > result.level_before == 3.0  # a harder version read well counts
    assert (result.right_answers, result.questions) == (len(up.questions), len(up.questions))
    shown = readings.reading_page(session, student, reading_id, version=1)
    assert all(q.answered is not None and q.right_answer for q in shown.questions)


def test_the_level_rises_with_texts_read_well_falls_with_texts_read_badly_and_not_when_locked(
    session: Session, world: World
) -> None:
    _, class_id = reading_class(session, world)
    student = actor_of(session, world.student_id)
    teacher = actor_of(session, world.teacher_id)
    ids = [c.id for c in readings.list_readings(session, student)]

    def level_now() -> float:
        return readings.reading_page(session, student, ids[7]).level

    answer_all(session, world.student_id, ids[0], None, right=4)
    after_one = level_now()
    answer_all(session, world.student_id, ids[1], None, right=4)
    after_two = level_now()
    assert 3.0 < after_one < after_two
    answer_all(session, world.student_id, ids[2], None, right=0)
    answer_all(session, world.student_id, ids[3], None, right=0)
    assert level_now() < after_two
    readings.set_level(session, teacher, class_id, world.student_id, level=5, locked=True)
    answer_all(session, world.student_id, ids[4], None, right=0)
    answer_all(session, world.student_id, ids[5], None, right=0)
    page = readings.reading_page(session, student, ids[6])
    assert (page.level, page.locked) == (5.0, True)
    levels = readings.class_levels(session, teacher, class_id)
    mine = next(s for s in levels.students if s.student_id == world.student_id)
    assert (mine.level, mine.locked, mine.set_by_teacher, mine.texts, mine.last_score) == (
        5.0,
        True,
        True,
        6,
        (0, 4),
    )
    readings.set_level(session, teacher, class_id, world.student_id, level=None, locked=False)
    answer_all(session, world.student_id, ids[6], None, right=0)
    row = session.scalar(select(ReadingLevel).where(ReadingLevel.student_id == world.student_id))
    assert row is not None and row.level < 5.0 and not row.locked  # the texts since the setting count


def test_reading_up_and_reading_down_both_count_and_a_harder_text_read_well_counts_more(
    session: Session, world: World
) -> None:
    _, class_id = reading_class(session, world)
    teacher = actor_of(session, world.teacher_id)
    for student_id in (world.student_id, world.classmate_id):
        readings.set_level(session, teacher, class_id, student_id, level=11, locked=False)
    reading_id = readings.list_readings(session, actor_of(session, world.student_id))[0].id
    picked = readings.reading_page(session, actor_of(session, world.student_id), reading_id).picked
    assert picked == 1
    answer_all(session, world.student_id, reading_id, picked + 1, right=4)
    answer_all(session, world.classmate_id, reading_id, picked - 1, right=4)
    results = {
        r.student_id: r
        for r in session.scalars(select(ReadingResult).where(ReadingResult.reading_id == reading_id))
    }
    up, down = results[world.student_id], results[world.classmate_id]
    assert (up.direction, up.counted, down.direction, down.counted) == ("up", True, "down", True)
    assert up.level_after > down.level_after >= down.level_before == 11.0


def test_a_teacher_adds_a_reading_with_its_readability_and_bad_input_names_its_field(
    session: Session, world: World
) -> None:
    course, _ = reading_class(session, world)
    teacher = actor_of(session, world.teacher_id)
    easy = "Ants live in big groups. They dig long tunnels. They share food."
    hard = (
        "Ant colonies demonstrate remarkable cooperation: specialized workers excavate elaborate subterranean "
        "tunnels, distribute provisions, and defend the reproductive queen."
    )
    question = readings.QuestionInput(
        "key-details", "multiple_choice", "What do ants dig?", "Tunnels", ("Tunnels", "Trees")
    )
    good = readings.ReadingInput(
        "Ant cities", (readings.VersionInput(hard, (question,)), readings.VersionInput(easy, (question,)))
    )
    reading_id = readings.create(session, teacher, course.id, good)
    detail = readings.reading_detail(session, teacher, reading_id)
    assert [v.body for v in detail.versions] == [easy, hard]  # stored easiest first
    assert detail.versions[0].estimated_grade < detail.versions[1].estimated_grade
    assert detail.versions[0].grade_band and detail.versions[0].words == 12
    bad_cases = {
        "versions": good.__class__("Ant cities 2", (good.versions[0],)),
        "versions[1].questions[0].correct": good.__class__(
            "Ant cities 3", (good.versions[0], readings.VersionInput(easy, (question.__class__(
                "key-details", "multiple_choice", "What?", "Roots", ("Tunnels", "Trees")),)))
        ),
        "versions[0].questions[0].skill": good.__class__(
            "Ant cities 4", (readings.VersionInput(easy, (question.__class__("no-such-skill", "short_text", "What?", "x"),)), good.versions[0])
        ),
        "title": good.__class__("  ", good.versions),
    }  # fmt: skip
    for field, data in bad_cases.items():
        with pytest.raises(InvalidInput) as error:
            readings.create(session, teacher, course.id, data)
        assert error.value.field == field
    same = good.__class__(
        "Ant cities 5",
        (readings.VersionInput(easy, (question,)), readings.VersionInput(easy + " ", (question,))),
    )
    with pytest.raises(InvalidInput, match="same estimated grade"):
        readings.create(session, teacher, course.id, same)
    with pytest.raises(Forbidden):
        readings.create(session, actor_of(session, world.student_id), course.id, good)


def test_the_api_reads_answers_and_refuses_bad_input_with_its_field(
    database: RollbackDatabase, world: World
) -> None:
    with database.transaction() as session:
        course, class_id = reading_class(session, world)
        course_id = course.id
    client = client_for(database)
    student, teacher = bearer(database, world.student_id), bearer(database, world.teacher_id)
    listing = client.get("/api/readings", headers=student).json()["readings"]
    reading_id = listing[0]["id"]
    page = client.get(f"/api/readings/{reading_id}?version=2", headers=student).json()
    assert page["direction"] == "up" and page["chosen"] == 2 and len(page["questions"]) >= 4
    first = page["questions"][0]
    answered = client.post(
        f"/api/readings/{reading_id}/answers",
        json={"question_id": first["id"], "response": first["choices"][0]},
        headers=student,
    )
    assert answered.status_code == 200 and answered.json()["repeated"] is False
    too_long = client.post(
        f"/api/readings/{reading_id}/answers",
        json={"question_id": first["id"], "response": "x" * 501},
        headers=student,
    )
    assert too_long.status_code == 422 and too_long.json()["field"] == "response"
    versions = client.get(f"/api/readings/{reading_id}/versions", headers=teacher).json()["versions"]
    grades = [v["estimated_grade"] for v in versions]
    assert grades == sorted(grades) and all(v["flesch_kincaid_grade"] is not None for v in versions)
    one_version = client.post(
        "/api/readings", headers=teacher,
        json={"course_id": course_id, "title": "Short", "versions": [{"body": "One text.", "questions": []}]},
    )  # fmt: skip
    assert one_version.status_code == 422 and one_version.json()["field"] == "versions"
    bad_level = client.put(
        f"/api/classes/{class_id}/students/{world.student_id}/reading-level",
        json={"level": 14, "locked": True},
        headers=teacher,
    )
    assert bad_level.status_code == 422 and bad_level.json()["field"] == "level"
    locked = client.put(
        f"/api/classes/{class_id}/students/{world.student_id}/reading-level",
        json={"level": 6.5, "locked": True},
        headers=teacher,
    )
    assert locked.status_code == 200 and locked.json()["locked"] is True and locked.json()["level"] == 6.5
    levels = client.get(f"/api/classes/{class_id}/reading-levels", headers=teacher).json()["students"]
    assert next(s for s in levels if s["student_id"] == world.student_id)["grade_band"] == "6-8"


def test_the_reading_form_shows_a_refused_reading_with_its_message(
    database: RollbackDatabase, world: World
) -> None:
    from tests.service.school import browser, csrf_of

    with database.transaction() as session:
        course, class_id = reading_class(session, world)
        course_id = course.id
    client = browser(database, "teacher@riverside.example")
    form = client.get(f"/readings/new?course_id={course_id}")
    assert form.status_code == 200 and "Add a reading" in form.text
    refused = client.post(
        "/readings",
        data={
            "csrf_token": csrf_of(form.text), "course_id": str(course_id), "title": "Ant cities",
            "v0_body": "Ants dig. Ants share.", "v0_q0_prompt": "What do ants do?", "v0_q0_kind": "multiple_choice",
            "v0_q0_skill": "key-details", "v0_q0_choices": "Dig\nFly", "v0_q0_correct": "Swim",
            "v1_body": "Colonies of ants excavate extraordinarily elaborate subterranean architecture.",
            "v1_q0_prompt": "What do colonies do?", "v1_q0_kind": "short_text", "v1_q0_skill": "key-details",
            "v1_q0_correct": "excavate",
        },
    )  # fmt: skip
    assert refused.status_code == 422
    assert "Version 1, question 1: the right answer must be one of the choices" in refused.text
    assert "Ant cities" in refused.text  # what the teacher typed is kept
    levels = client.get(f"/classes/{class_id}/readings")
    assert levels.status_code == 200 and "Reading levels" in levels.text


# --- Concurrency: a database of its own, committed for real -----------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def committed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'readings.db'}"
    else:
        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        url = _own_postgres(server)
    database = Database(url)
    database.upgrade()
    yield database
    database.engine.dispose()


def _own_postgres(server_url: str) -> str:
    import psycopg

    name = f"{make_url(server_url).database or 'atpace'}_readings"
    plain = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        connection.execute(f'CREATE DATABASE "{name}"'.encode())
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def test_two_concurrent_answers_to_one_question_count_once(committed: Database) -> None:
    with committed.transaction() as session:
        school = School(slug="reading-race", name="Reading Race")
        session.add(school)
        session.flush()
        course = import_reading_course(session, school)
        student = create_user(
            session,
            school=school,
            email="racer@race.example",
            display_name="Racer",
            role=Role.STUDENT,
            password="pw-racer-1",
        )
        classroom = Classroom(school_id=school.id, course_id=course.id, name="Race")
        session.add(classroom)
        session.flush()
        session.add(Enrollment(class_id=classroom.id, user_id=student.id))
        session.flush()
        actor = actor_of(session, student.id)
        reading_id = readings.list_readings(session, actor)[0].id
        question = readings.reading_page(session, actor, reading_id).questions[0]
        right = AnswerSpec.from_dict(_question(session, question.id).answer).correct
    start = threading.Barrier(2)
    outcomes: list[readings.AnswerOutcome] = []
    failures: list[BaseException] = []

    def answer(response: str) -> None:
        try:
            start.wait(timeout=10)
            with committed.transaction() as s:
                outcomes.append(readings.answer(s, actor, reading_id, question.id, response))
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=answer, args=(text,)) for text in (right, right)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(o.repeated for o in outcomes) == [False, True]
    with committed.transaction() as session:
        assert session.scalar(select(func.count(ReadingAnswer.id))) == 1
        assert session.scalar(select(func.count(Evidence.id)).where(Evidence.kind == "comprehension")) == 1
