"""Self-ratings and calibration, the reflection journal and turned-around mistakes (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput, NotFound
from atpace.services.agency import calibration, journal, turnarounds
from atpace.store.tables import Assignment, Submission, utcnow
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.school import browser, csrf_of
from tests.service.test_agency_goals import answer, first_skill, master
from tests.service.web import bearer, client_for


def test_sure_when_wrong_gives_advice_and_shows_in_the_class_calibration(
    session: Session, world: World
) -> None:
    key, name = first_skill(session, world)
    for n in range(5):
        answer(session, world.student_id, key, False, f"c{n}", confidence=4)
    for n in range(5):
        answer(session, world.student_id, key, n < 4, f"u{n}", confidence=1)
    student = actor_of(session, world.student_id)
    calibration.rate_skill(session, student, key, 2)
    calibration.rate_skill(session, student, key, 4)  # the newest rating counts
    view = calibration.student_calibration(session, student, world.student_id)
    kinds = {a.kind for a in view.advice if a.skill_key == key}
    assert kinds == {"sure-when-wrong", "unsure-when-right", "rates-higher"}
    sure = next(a for a in view.advice if a.kind == "sure-when-wrong")
    assert sure.text.startswith(f"You are often sure when wrong on {name}: check your work on {name}")
    row = next(s for s in view.skills if s.key == key)
    assert row.self_rating == 4 and row.model_level == 2 and row.calibration is not None  # mastery 0.5-0.8
    assert (row.calibration.sure, row.calibration.sure_wrong) == (5, 5)
    assert [(p.confidence, p.answers, p.right) for p in view.levels] == [
        (1, 5, 4),
        (2, 0, 0),
        (3, 0, 0),
        (4, 5, 0),
    ]
    assert view.summary.label == "mixed" and view.summary.rated == 10
    assert sum(w.sure for w in view.weeks) == 5
    klass = calibration.class_calibration(session, actor_of(session, world.teacher_id), world.class_id)
    line = next(s for s in klass.students if s.student_id == world.student_id)
    assert line.summary.label == "mixed" and line.sure_when_wrong_skills == [name]
    assert klass.levels[3].answers >= 5 and klass.count("mixed") >= 1


def test_self_ratings_are_the_student_own_and_checked(session: Session, world: World) -> None:
    key, _ = first_skill(session, world)
    student = actor_of(session, world.student_id)
    with pytest.raises(InvalidInput) as unknown:
        calibration.rate_skill(session, student, "no-such-skill", 2)
    assert unknown.value.field == "skill_key"
    with pytest.raises(InvalidInput):
        calibration.rate_skill(session, student, key, 5)
    with pytest.raises(Forbidden):
        calibration.rate_skill(session, actor_of(session, world.teacher_id), key, 3)


def test_calibration_access(session: Session, world: World) -> None:
    for who, error in ((world.classmate_id, Forbidden), (world.other_teacher_id, Forbidden),
                       (world.foreign_teacher_id, NotFound), (world.foreign_student_id, NotFound)):  # fmt: skip
        with pytest.raises(error):
            calibration.student_calibration(session, actor_of(session, who), world.student_id)
        with pytest.raises(error):
            journal.journal(session, actor_of(session, who), world.student_id)
        with pytest.raises(error):
            turnarounds.turned_around(session, actor_of(session, who), world.student_id)
    with pytest.raises(Forbidden):
        calibration.class_calibration(session, actor_of(session, world.other_teacher_id), world.class_id)
    with pytest.raises(NotFound):
        calibration.class_calibration(session, actor_of(session, world.foreign_teacher_id), world.class_id)
    with pytest.raises(Forbidden):
        calibration.class_calibration(session, actor_of(session, world.student_id), world.class_id)


def returned_assignment(session: Session, world: World, status: str) -> int:
    assignment = Assignment(
        school_id=world.school_id, class_id=world.class_id, kind="task", title="Fractions poster",
        open_at=utcnow(),
    )  # fmt: skip
    session.add(assignment)
    session.flush()
    session.add(Submission(school_id=world.school_id, assignment_id=assignment.id, student_id=world.student_id,
                           body="my poster", status=status))  # fmt: skip
    session.flush()
    return assignment.id


def test_journal_entries_after_practice_and_on_returned_work(session: Session, world: World) -> None:
    key, name = first_skill(session, world)
    student = actor_of(session, world.student_id)
    journal.add_entry(session, student, journal.NewEntry("practice", "The hints", "", skill_key=key))
    waiting = returned_assignment(session, world, "submitted")
    with pytest.raises(InvalidInput) as not_returned:
        journal.add_entry(session, student, journal.NewEntry("work", "x", assignment_id=waiting))
    assert not_returned.value.field == "assignment_id"
    returned = returned_assignment(session, world, "returned")
    journal.add_entry(session, student, journal.NewEntry("work", "", "Check units", assignment_id=returned))
    for bad, field in ((journal.NewEntry("free"), "helped"), (journal.NewEntry("goal", "x"), "context"),
                       (journal.NewEntry("free", "x" * 1001), "helped"),
                       (journal.NewEntry("practice", "x", skill_key="nope"), "skill_key")):  # fmt: skip
        with pytest.raises(InvalidInput) as refused:
            journal.add_entry(session, student, bad)
        assert refused.value.field == field
    with pytest.raises(InvalidInput):
        # another student cannot reflect on work that is not theirs
        journal.add_entry(
            session,
            actor_of(session, world.classmate_id),
            journal.NewEntry("work", "x", assignment_id=returned),
        )
    with pytest.raises(Forbidden):
        journal.add_entry(session, actor_of(session, world.teacher_id), journal.NewEntry("free", "x"))
    for reader in (world.student_id, world.teacher_id, world.admin_id):
        _, entries = journal.journal(session, actor_of(session, reader), world.student_id)
        assert [(e.entry.context, e.about) for e in entries] == [
            ("work", "Fractions poster"),
            ("practice", name),
        ]


def test_a_skill_mastered_after_wrong_answers_is_a_turnaround(session: Session, world: World) -> None:
    key, name = first_skill(session, world)
    student = actor_of(session, world.student_id)
    answer(session, world.student_id, key, True, "t0")
    assert turnarounds.turned_around(session, student, world.student_id)[1] == []
    answer(session, world.student_id, key, False, "t1")
    assert turnarounds.turned_around(session, student, world.student_id)[1] == []  # not mastered yet
    master(session, world.student_id, key, "tm")
    _, found = turnarounds.turned_around(session, actor_of(session, world.teacher_id), world.student_id)
    assert [(t.skill_key, t.skill_name, t.found.wrong_before) for t in found] == [(key, name, 1)]
    assert found[0].found.answers_before >= 3


def test_pages_hook_reflection_into_practice_and_show_the_teacher_views(
    database: RollbackDatabase, world: World
) -> None:
    client = client_for(database)
    with database.transaction() as session:
        key, name = first_skill(session, world)
        answer(session, world.student_id, key, False, "p0", confidence=4)
    cookie = browser(database, "student01@riverside.example")
    practice_page = cookie.get(f"/practice?skill={key}")
    assert practice_page.status_code == 200
    journal_page = cookie.get(f"/journal?after=practice&skill={key}")
    assert (
        journal_page.status_code == 200 and f"Reflect on this practice session ({name})" in journal_page.text
    )
    saved = cookie.post("/journal", data={"csrf_token": csrf_of(journal_page.text), "context": "practice",
                                          "skill_key": key, "helped": "Drawing the fractions"})  # fmt: skip
    assert saved.status_code == 303
    empty = cookie.post("/journal", data={"csrf_token": csrf_of(journal_page.text), "context": "free"})
    assert empty.status_code == 422 and 'id="journal-error"' in empty.text
    assert "Drawing the fractions" in cookie.get("/journal").text
    menu = cookie.get("/calibration")
    assert menu.status_code == 200 and 'href="/goals"' in menu.text and "<svg" in menu.text
    teacher = bearer(database, world.teacher_id)
    student_page = client.get(f"/classes/{world.class_id}/students/{world.student_id}", headers=teacher)
    assert f"/classes/{world.class_id}/students/{world.student_id}/agency" in student_page.text
    agency = client.get(f"/classes/{world.class_id}/students/{world.student_id}/agency", headers=teacher)
    assert agency.status_code == 200 and "Drawing the fractions" in agency.text
    klass = client.get(f"/classes/{world.class_id}/calibration", headers=teacher)
    assert klass.status_code == 200 and f'data-student="{world.student_id}"' in klass.text
    api = client.get(f"/api/classes/{world.class_id}/calibration", headers=teacher).json()
    mine = next(s for s in api["students"] if s["student_id"] == world.student_id)
    assert mine["summary"]["sure_wrong"] == 1 and mine["summary"]["label"] == "too-few"
    rated = client.post(
        "/api/self-ratings", json={"skill_key": key, "rating": 3}, headers=bearer(database, world.student_id)
    )
    assert rated.status_code == 201
    seen = client.get(f"/api/students/{world.student_id}/calibration", headers=teacher).json()
    assert next(s for s in seen["skills"] if s["skill_key"] == key)["self_rating"] == 3
