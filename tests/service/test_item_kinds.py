"""Item kinds beyond one answer: multiple select and ordering through the practice page, and written
answers (open response) never served in practice."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.content.spec import AnswerSpec
from atpace.services import limits
from atpace.services.auth import create_user
from atpace.services.courses import servable
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
    Skill,
    SkillOverride,
)
from tests.service.conftest import RollbackDatabase, World
from tests.service.web import bearer, client_for


def _ratios_student(database: RollbackDatabase, world: World) -> tuple[int, int]:
    """A new student in a new class of the demo school's ratios course; returns (student id, course id)."""
    with database.transaction() as session:
        school = session.get(School, world.school_id)
        assert school is not None
        course = session.scalar(select(Course).where(Course.school_id == school.id, Course.key == "ratios"))
        assert course is not None
        classroom = Classroom(school_id=school.id, course_id=course.id, name="Grade 6 - Ratios")
        session.add(classroom)
        session.flush()
        student = create_user(
            session, school=school, email="ratio@riverside.example", display_name="Rae Tio",
            role=Role.STUDENT, password="password-7",
        )  # fmt: skip
        session.add_all(
            [
                Enrollment(class_id=classroom.id, user_id=student.id),
                ClassTeacher(class_id=classroom.id, user_id=world.teacher_id),
            ]
        )
        return student.id, course.id


def _item(session: Session, course_id: int, skill_key: str, kind: str) -> Item:
    item = session.scalar(
        select(Item)
        .join(ItemSkill, ItemSkill.item_id == Item.id)
        .join(Skill, Skill.id == ItemSkill.skill_id)
        .where(Skill.course_id == course_id, Skill.key == skill_key, Item.kind == kind)
        .order_by(Item.id)
        .limit(1)
    )
    assert item is not None, (skill_key, kind)
    return item


def _csrf(client: object, headers: dict[str, str]) -> str:
    page = client.get("/practice?skill=ratio-language", headers=headers)  # type: ignore[attr-defined]
    assert page.status_code == 200, page.text
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return token


def test_multiple_select_is_answered_with_checkboxes(database: RollbackDatabase, world: World) -> None:
    student, course_id = _ratios_student(database, world)
    with database.transaction() as session:
        item = _item(session, course_id, "ratio-language", "multiple_select")
        spec = AnswerSpec.from_dict(item.answer)
        item_id = item.id
    client = client_for(database)
    headers = bearer(database, student)
    token = _csrf(client, headers)
    form = {
        "csrf_token": token,
        "item_id": str(item_id),
        "skill_key": "ratio-language",
        "client_attempt_id": "ms-1",
    }
    unknown = client.post("/practice/answer", data={**form, "picked": ["no such choice"]}, headers=headers)
    assert unknown.status_code == 422 and unknown.text.count('type="checkbox"') == len(spec.choices)
    wrong = [c for c in spec.choices if c not in spec.correct_choices][:1] + list(spec.correct_choices[:1])
    answered = client.post("/practice/answer", data={**form, "picked": wrong}, headers=headers)
    assert answered.status_code == 200 and "Not quite" in answered.text, answered.text
    right = client.post(
        "/practice/answer", data={**form, "client_attempt_id": "ms-2", "picked": list(spec.correct_choices)},
        headers=headers,
    )  # fmt: skip
    assert right.status_code == 200 and "Correct" in right.text
    with database.transaction() as session:
        stored = session.scalars(
            select(Attempt.correct).where(Attempt.student_id == student).order_by(Attempt.id)
        ).all()
    assert stored == [False, True]


def test_ordering_is_answered_position_by_position(database: RollbackDatabase, world: World) -> None:
    student, course_id = _ratios_student(database, world)
    with database.transaction() as session:
        item = _item(session, course_id, "compare-ratios", "ordering")
        spec = AnswerSpec.from_dict(item.answer)
        skill_id = session.scalar(
            select(Skill.id).where(Skill.course_id == course_id, Skill.key == "compare-ratios")
        )
        assert skill_id is not None
        # The teacher opens the skill early (its prerequisites are not mastered yet).
        session.add(
            SkillOverride(
                school_id=world.school_id, student_id=student, skill_id=skill_id, action="unlock",
                reason="ready for it", decided_by_id=world.teacher_id,
            )
        )  # fmt: skip
        item_id = item.id
    client = client_for(database)
    headers = bearer(database, student)
    token = _csrf(client, headers)
    form = {
        "csrf_token": token,
        "item_id": str(item_id),
        "skill_key": "compare-ratios",
        "client_attempt_id": "o-1",
    }
    half = client.post(
        "/practice/answer", data={**form, "picked": list(spec.correct_choices[:1])}, headers=headers
    )
    assert (
        half.status_code == 422 and 'aria-invalid="true"' in half.text
    )  # not every piece placed: asked again
    assert half.text.count("<select") == len(spec.choices)
    right = client.post(
        "/practice/answer", data={**form, "picked": list(spec.correct_choices)}, headers=headers
    )
    assert right.status_code == 200 and "Correct" in right.text, right.text


def test_written_answers_are_never_served_in_practice(database: RollbackDatabase, world: World) -> None:
    student, course_id = _ratios_student(database, world)
    with database.transaction() as session:
        written = _item(session, course_id, "ratio-language", "open_response")
        servable_ids = set(session.scalars(select(Item.id).where(Item.course_id == course_id, servable())))
        assert written.id not in servable_ids and len(servable_ids) > 900
        written_id = written.id
    client = client_for(database)
    headers = bearer(database, student)
    refused = client.post(
        "/api/attempts", json={"item_id": written_id, "response": "a ratio", "client_attempt_id": "w-1"},
        headers=headers,
    )  # fmt: skip
    assert refused.status_code == 422 and refused.json()["field"] == "item_id"


def test_the_page_limit_on_choices_is_the_content_limit() -> None:
    from atpace.content.spec import MAX_CHOICES

    assert limits.MAX_CHOICES == MAX_CHOICES


def test_a_skill_without_items_is_not_recommended_and_placement_waits_for_items(
    session: Session, world: World
) -> None:
    from atpace.errors import Conflict
    from atpace.services import placement, practice
    from atpace.services.courses import add_skill
    from atpace.services.progress import student_progress
    from atpace.store.tables import User
    from tests.service.conftest import actor_of

    # A new skill with no prerequisite is ready at once, but has nothing to practise yet.
    add_skill(session, actor_of(session, world.admin_id), world.course_id, "estimate-fractions", "Estimate")
    student = session.get(User, world.student_id)
    course = session.get(Course, world.course_id)
    assert student is not None and course is not None
    progress = student_progress(session, student, course)
    assert progress.skills["estimate-fractions"].state == "ready"
    assert all(r.skill_key != "estimate-fractions" for r in progress.recommendations)
    assert progress.placement is None  # not offered while a skill has no items
    actor = actor_of(session, world.student_id)
    assert practice.next_item(session, actor).skill_key != "estimate-fractions"
    with pytest.raises(Conflict, match="items in every skill"):
        placement.start(session, actor)
