"""Flexible groups through the service and the faces, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.services import groups
from atpace.services.courses import load_graph
from atpace.services.demo import ensure_demo_school
from atpace.services.evidence import Ledger, Observation
from atpace.services.progress import load_parameters
from atpace.store.db import Database
from atpace.store.tables import (
    Classroom,
    Course,
    Strategy,
    StrategySkill,
    StrategyUse,
    StudentGroup,
    StudentGroupMember,
    User,
    utcnow,
)
from tests.service.conftest import POSTGRES_ENV, RollbackDatabase, World, actor_of
from tests.service.school import browser, csrf_of
from tests.service.web import bearer, client_for

UNIT = ["equivalent-fractions", "add-like-denominators", "add-unlike-denominators"]


def test_suggestion_on_the_demo_class_groups_every_student_once(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    suggestion = groups.suggest_groups(session, teacher, world.class_id)
    assert suggestion.k_chosen_by == "atpace" and suggestion.focus_by == "atpace"
    assert suggestion.k_reason.startswith(f"atpace chose {suggestion.k} group")
    assert 2 <= suggestion.k <= 6 and len(suggestion.groups) == suggestion.k
    members = [sid for g in suggestion.groups for sid in g.student_ids]
    assert len(members) == len(set(members)) == 24
    assert all(len(g.student_ids) >= 2 for g in suggestion.groups)
    words = {"ready": "ready for: ", "needs": "needs: ", "extend": "extend: "}
    for group in suggestion.groups:
        assert group.name.startswith(words[group.kind] + group.skill_name)
        assert group.skill_key in suggestion.focus_keys and group.activity.text
    means = [g.mean_mastery for g in suggestion.groups]
    assert means == sorted(means)
    # Deterministic: the same state gives the same groups.
    again = groups.suggest_groups(session, teacher, world.class_id)
    assert [g.student_ids for g in again.groups] == [g.student_ids for g in suggestion.groups]


def test_the_teachers_focus_and_k(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    suggestion = groups.suggest_groups(session, teacher, world.class_id, list(reversed(UNIT)), k=3)
    assert suggestion.focus_keys == UNIT and suggestion.focus_by == "teacher"
    assert (
        suggestion.k == 3
        and suggestion.k_chosen_by == "teacher"
        and suggestion.k_reason == "You chose 3 groups."
    )
    # Most of the demo class has not mastered equivalent fractions yet: the first group needs it.
    assert suggestion.groups[0].name == "needs: Equivalent fractions"


def test_bad_skill_keys_and_k_name_the_field(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    with pytest.raises(InvalidInput) as error:
        groups.suggest_groups(session, teacher, world.class_id, ["unit-fractions", "no-such-skill"])
    assert error.value.field == "skills" and "no-such-skill" in error.value.message
    with pytest.raises(InvalidInput) as error:
        groups.suggest_groups(session, teacher, world.class_id, None, k=0)
    assert error.value.field == "k"


def test_bad_skill_key_is_a_422_naming_the_field(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    response = client.get(
        f"/api/classes/{world.class_id}/groups/suggestion?skills=nope",
        headers=bearer(database, world.teacher_id),
    )
    assert response.status_code == 422 and response.json()["field"] == "skills"


def test_access_to_a_class_groups(session: Session, world: World) -> None:
    with pytest.raises(Forbidden):
        groups.suggest_groups(session, actor_of(session, world.other_teacher_id), world.class_id)
    with pytest.raises(NotFound):
        groups.suggest_groups(session, actor_of(session, world.foreign_teacher_id), world.class_id)
    with pytest.raises(Forbidden):
        groups.class_groups(session, actor_of(session, world.classmate_id), world.class_id)
    admin = actor_of(session, world.admin_id)
    assert groups.suggest_groups(session, admin, world.class_id, ["unit-fractions"], 2).k == 2


def _save_two(session: Session, world: World) -> list[groups.SavedGroup]:
    teacher = actor_of(session, world.teacher_id)
    return groups.save_groups(
        session, teacher, world.class_id,
        [groups.GroupDraft("needs: Unit fractions", [world.student_id], "needs", "unit-fractions", "Games"),
         groups.GroupDraft("ready for: Fractions of a whole", [world.classmate_id], "ready", "fractions-of-a-whole")],
        focus=["unit-fractions", "fractions-of-a-whole"],
    )  # fmt: skip


def test_save_rename_move_dissolve(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    first, second = _save_two(session, world)
    assert first.created_label == "today" and first.focus[0] == ("unit-fractions", "Unit fractions")
    assert first.student_ids == [world.student_id] and first.activity == "Games"
    row = session.get(StudentGroup, first.id)
    assert row is not None and set(row.baseline[str(world.student_id)]) == {
        "unit-fractions",
        "fractions-of-a-whole",
    }
    renamed = groups.update_group(session, teacher, first.id, name="  Table 1 ", activity="Fraction strips")
    assert (renamed.name, renamed.activity) == ("Table 1", "Fraction strips")
    with pytest.raises(InvalidInput) as error:
        groups.update_group(session, teacher, first.id, name=" ")
    assert error.value.field == "name"
    # Moving the classmate into the first group takes them out of the second (saved together).
    moved = groups.move_member(session, teacher, first.id, world.classmate_id)
    assert moved.student_ids == sorted(
        [world.student_id, world.classmate_id], key=lambda s: moved.student_ids.index(s)
    )
    assert set(moved.student_ids) == {world.student_id, world.classmate_id}
    listed = {g.id: g for g in groups.class_groups(session, teacher, world.class_id)}
    assert listed[second.id].student_ids == []
    # A student of another class cannot join.
    with pytest.raises(NotFound):
        groups.move_member(session, teacher, first.id, world.other_class_student_id)
    groups.remove_member(session, teacher, first.id, world.student_id)
    assert groups.get_group(session, teacher, first.id).student_ids == [world.classmate_id]
    dissolved = groups.dissolve_group(session, teacher, first.id)
    assert dissolved.dissolved_at is not None
    assert [g.id for g in groups.class_groups(session, teacher, world.class_id)] == [second.id]
    assert first.id in {
        g.id for g in groups.class_groups(session, teacher, world.class_id, include_dissolved=True)
    }
    with pytest.raises(Conflict):
        groups.move_member(session, teacher, first.id, world.student_id)


def test_save_refuses_bad_groups(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    cases = [
        ([groups.GroupDraft("A", [world.other_class_student_id])], "student_ids"),
        (
            [groups.GroupDraft("A", [world.student_id]), groups.GroupDraft("B", [world.student_id])],
            "student_ids",
        ),
        ([groups.GroupDraft("A", [world.student_id], "needs", "no-such-skill")], "skill_key"),
        ([groups.GroupDraft("", [world.student_id])], "name"),
        ([groups.GroupDraft("A", [])], "student_ids"),
    ]
    for drafts, field in cases:
        with pytest.raises(InvalidInput) as error:
            groups.save_groups(session, teacher, world.class_id, drafts)
        assert error.value.field == field


def _master(session: Session, student_id: int, course_id: int, skill: str, moment_offset: int = 1) -> None:
    student = session.get(User, student_id)
    course = session.get(Course, course_id)
    assert student is not None and course is not None
    graph = load_graph(session, course)
    ledger = Ledger.load(session, student, graph, load_parameters(session, course.id))
    moment = utcnow() + timedelta(seconds=moment_offset)
    for _ in range(30):
        if ledger.rule.is_mastered(ledger.p_learned(skill)):
            break
        ledger.record("practice", [Observation(skill, True)], moment)
    session.flush()
    assert ledger.rule.is_mastered(ledger.p_learned(skill))


def test_moved_on_note_after_a_member_masters_the_skill(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    first, _ = _save_two(session, world)
    assert first.notes == []
    _master(session, world.student_id, world.course_id, "unit-fractions")
    view = groups.get_group(session, teacher, first.id)
    member = view.members[0]
    assert member.mastered_since and member.p_then is not None and member.p_then < 0.95 <= member.p_now
    student = session.get(User, world.student_id)
    assert student is not None
    assert view.notes[0] == f"1 student has mastered Unit fractions today: {student.display_name}."


def test_when_label_uses_weekdays_within_a_week() -> None:
    now = utcnow().replace(year=2026, month=3, day=12, hour=12)  # a Thursday
    assert groups.when_label(now - timedelta(days=2), now) == "Tuesday"
    assert groups.when_label(now - timedelta(days=1), now) == "yesterday"
    assert groups.when_label(now, now) == "today"
    assert groups.when_label(now - timedelta(days=10), now) == "2 March 2026"


def test_activity_comes_from_the_most_used_strategy(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    suggestion = groups.suggest_groups(session, teacher, world.class_id, UNIT, k=3)
    skill_key = suggestion.groups[0].skill_key
    course = session.get(Course, world.course_id)
    assert course is not None
    skill = load_graph(session, course).skills[skill_key]
    rare = Strategy(school_id=world.school_id, title="Area models")
    popular = Strategy(school_id=world.school_id, title="Fraction strips")
    session.add_all([rare, popular])
    session.flush()
    session.add_all([StrategySkill(strategy_id=rare.id, skill_id=skill.id),
                     StrategySkill(strategy_id=popular.id, skill_id=skill.id)])  # fmt: skip
    session.add_all(
        StrategyUse(school_id=world.school_id, strategy_id=popular.id, used_on=utcnow()) for _ in range(2)
    )
    session.flush()
    again = groups.suggest_groups(session, teacher, world.class_id, UNIT, k=3)
    assert again.groups[0].activity.strategy_id == popular.id
    assert (
        "Fraction strips" in again.groups[0].activity.text and "used 2 times" in again.groups[0].activity.text
    )
    saved = groups.save_groups(session, teacher, world.class_id, again.groups, focus=again.focus_keys)
    assert saved[0].strategy_id == popular.id and saved[0].strategy_title == "Fraction strips"


def test_api_save_list_patch_members_dissolve(database: RollbackDatabase, world: World) -> None:
    client, headers = client_for(database), bearer(database, world.teacher_id)
    suggestion = client.get(
        f"/api/classes/{world.class_id}/groups/suggestion?skills={','.join(UNIT)}&k=3", headers=headers
    ).json()
    assert suggestion["k"] == 3 and suggestion["k_chosen_by"] == "teacher"
    body = {"focus": UNIT, "groups": [
        {k: g[k] for k in ("name", "kind", "skill_key", "student_ids")} | {"activity": g["activity"]["text"]}
        for g in suggestion["groups"]]}  # fmt: skip
    saved = client.post(f"/api/classes/{world.class_id}/groups", json=body, headers=headers)
    assert saved.status_code == 201, saved.text
    ids = [g["id"] for g in saved.json()]
    listed = client.get(f"/api/classes/{world.class_id}/groups", headers=headers).json()
    assert {g["id"] for g in listed} == set(ids)
    patched = client.patch(f"/api/groups/{ids[0]}", json={"name": "Table A"}, headers=headers)
    assert patched.status_code == 200 and patched.json()["name"] == "Table A"
    student = saved.json()[1]["members"][0]["student_id"]
    moved = client.put(f"/api/groups/{ids[0]}/members/{student}", headers=headers)
    assert student in [m["student_id"] for m in moved.json()["members"]]
    assert client.delete(f"/api/groups/{ids[0]}/members/{student}", headers=headers).status_code == 204
    assert client.post(f"/api/groups/{ids[0]}/dissolve", headers=headers).json()["dissolved_at"]
    assert ids[0] not in {
        g["id"] for g in client.get(f"/api/classes/{world.class_id}/groups", headers=headers).json()
    }
    refused = client.patch(f"/api/groups/{ids[0]}", json={"name": "again"}, headers=headers)
    assert refused.status_code == 409


def test_page_suggest_edit_and_save(database: RollbackDatabase, world: World) -> None:
    client = browser(database, "teacher@riverside.example")
    page = client.get(f"/classes/{world.class_id}/groups?skills={','.join(UNIT)}&k=2")
    assert page.status_code == 200 and "You chose 2 groups." in page.text
    assert 'value="equivalent-fractions" checked' in page.text
    bad = client.get(f"/classes/{world.class_id}/groups?skills=nope")
    assert bad.status_code == 422 and "nope" in bad.text
    with database.transaction() as session:
        suggestion = groups.suggest_groups(
            session, actor_of(session, world.teacher_id), world.class_id, UNIT, 2
        )
    # The teacher renames group 1 and moves one student of group 2 into group 1.
    mover = suggestion.groups[1].student_ids[0]
    members = [f"{sid}:{i}" for i, g in enumerate(suggestion.groups) for sid in g.student_ids if sid != mover]
    form = {
        "csrf_token": csrf_of(page.text), "focus": ",".join(UNIT), "name": ["Table 1", suggestion.groups[1].name],
        "activity": ["Fraction strips", ""], "kind": [g.kind for g in suggestion.groups],
        "skill": [g.skill_key for g in suggestion.groups], "strategy": ["", ""], "member": [*members, f"{mover}:0"],
    }  # fmt: skip
    response = client.post(f"/classes/{world.class_id}/groups", data=form)
    assert response.status_code == 303, response.text
    shown = client.get(response.headers["location"])
    assert "Groups saved." in shown.text and "Table 1" in shown.text and "Fraction strips" in shown.text
    with database.transaction() as session:
        saved = groups.class_groups(session, actor_of(session, world.teacher_id), world.class_id)
    table = next(g for g in saved if g.name == "Table 1")
    assert mover in table.student_ids
    assert f"/classes/{world.class_id}/assignments?group={table.id}" in shown.text
    # Dissolve through the page.
    done = client.post(
        f"/classes/{world.class_id}/groups/{table.id}/dissolve", data={"csrf_token": csrf_of(shown.text)}
    )
    assert done.status_code == 303
    assert "Table 1" not in client.get(f"/classes/{world.class_id}/groups").text.split('id="saved"')[1]


# --- concurrent edits of one group set: a real database, two sessions in two threads -------------------


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def committed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    from tests.service.test_concurrency import _postgres_database

    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('groups')) / 'groups.db'}"
    else:
        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        url = _postgres_database(server, "atpace_groups_concurrency_test")
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        ensure_demo_school(session)
    yield database
    database.engine.dispose()


def test_two_moves_of_one_student_at_once_leave_them_in_one_group(committed: Database) -> None:
    with committed.transaction() as session:
        classroom = session.scalar(select(Classroom).order_by(Classroom.id).limit(1))
        teacher_id = session.scalar(select(User.id).where(User.email == "teacher@riverside.example"))
        assert classroom is not None and teacher_id is not None
        teacher = actor_of(session, teacher_id)
        suggestion = groups.suggest_groups(session, teacher, classroom.id, UNIT, k=3)
        saved = groups.save_groups(session, teacher, classroom.id, suggestion.groups, focus=UNIT)
    student = saved[0].student_ids[0]
    targets = [saved[1].id, saved[2].id] * 3
    gate = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def move(group_id: int) -> None:
        try:
            gate.wait(timeout=30)
            with committed.transaction() as session:
                groups.move_member(session, actor_of(session, teacher_id), group_id, student)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=move, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with committed.transaction() as session:
        count = session.scalar(
            select(func.count())
            .select_from(StudentGroupMember)
            .where(
                StudentGroupMember.student_id == student,
                StudentGroupMember.group_id.in_([g.id for g in saved]),
            )
        )
        total = session.scalar(
            select(func.count())
            .select_from(StudentGroupMember)
            .where(StudentGroupMember.group_id.in_([g.id for g in saved]))
        )
    assert count == 1
    assert total == sum(len(g.student_ids) for g in saved)
