"""Rubrics: create with skill-aligned criteria, the rules of a rubric, edits frozen once used for feedback
(409, then copy), archive, who may see them, and the pages' forms."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.services import grading, rubrics
from atpace.services.rubrics import CriterionInput, LevelInput, RubricInput
from atpace.store.tables import Assignment, Course, Skill
from tests.service.authz_grading import make_work
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.school import Api, browser, csrf_of

FOUR = [LevelInput("Beginning", "Not yet", 1), LevelInput("Developing", "", 2), LevelInput("Proficient", "", 3),
        LevelInput("Exemplary", "", 4)]  # fmt: skip


def _skill(session: Session, world: World) -> Skill:
    skill = session.scalar(select(Skill).where(Skill.course_id == world.course_id).order_by(Skill.position))
    assert skill is not None
    return skill


def test_a_rubric_with_skill_aligned_criteria_is_shared_by_the_school(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    skill = _skill(session, world)
    course = session.get(Course, world.course_id)
    assert course is not None
    data = RubricInput("Fractions task", [
        CriterionInput("Reasoning", FOUR, "Explains why", skill_id=skill.id),
        CriterionInput("By key", FOUR[:2], course_key=course.key, skill_key=skill.key),
        CriterionInput("Presentation", [LevelInput("Messy"), LevelInput("Tidy", points=1)]),
    ], "For open tasks")  # fmt: skip
    made = rubrics.create_rubric(session, teacher, data)
    assert [(c.title, c.skill_name, len(c.levels)) for c in made.criteria] == [
        ("Reasoning", skill.name, 4),
        ("By key", skill.name, 2),
        ("Presentation", None, 2),
    ]
    assert [lv.credit for lv in made.criteria[0].levels] == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert made.max_points == 4 + 2 + 1 and not made.used
    colleague = actor_of(session, world.other_teacher_id)  # another class, same school
    assert rubrics.get_rubric(session, colleague, made.id).title == "Fractions task"
    listed = rubrics.list_rubrics(session, actor_of(session, world.admin_id))
    assert any(r.id == made.id and r.criterion_count == 3 and r.aligned_count == 2 for r in listed)
    with pytest.raises(Forbidden):
        rubrics.get_rubric(session, actor_of(session, world.student_id), made.id)
    with pytest.raises(NotFound):
        rubrics.get_rubric(session, actor_of(session, world.foreign_teacher_id), made.id)
    assert all(
        r.id != made.id for r in rubrics.list_rubrics(session, actor_of(session, world.foreign_teacher_id))
    )


@pytest.mark.parametrize(
    ("criteria", "field", "words"),
    [
        ([], "criteria", "at least one criterion"),
        ([CriterionInput("One level", FOUR[:1])], "criteria.0.levels", "at least 2 levels"),
        ([CriterionInput("", FOUR)], "criteria.0.title", "required"),
        ([CriterionInput("Falling", [LevelInput("High", points=3), LevelInput("Low", points=1)])],
         "criteria.0.levels.1.points", "lowest to the highest"),
        ([CriterionInput("Skill", FOUR, skill_id=10**12)], "criteria.0.skill_id", "not found"),
        ([CriterionInput("Key", FOUR, course_key="fractions", skill_key="no-such-skill")], "criteria.0.skill_key",
         "not found"),
    ],
)  # fmt: skip
def test_a_broken_rubric_is_refused_naming_the_field(
    session: Session, world: World, criteria: list[CriterionInput], field: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        rubrics.create_rubric(session, actor_of(session, world.teacher_id), RubricInput("Broken", criteria))
    assert refused.value.field == field and words in refused.value.message


def test_a_skill_of_another_school_cannot_be_aligned(session: Session, world: World) -> None:
    foreign_skill = session.scalar(select(Skill).where(Skill.school_id != world.school_id))
    assert foreign_skill is not None
    with pytest.raises(InvalidInput, match="not found"):
        rubrics.create_rubric(session, actor_of(session, world.teacher_id),
                              RubricInput("X", [CriterionInput("C", FOUR, skill_id=foreign_skill.id)]))  # fmt: skip


def test_a_rubric_used_for_feedback_is_frozen_and_a_copy_is_editable(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    work = make_work(session, world)
    assert work.rubric_id is not None
    view = rubrics.get_rubric(session, teacher, work.rubric_id)
    # Before any feedback: editable, criteria kept in place by id.
    kept = CriterionInput(
        "Explains equivalence well", FOUR, id=view.criteria[0].id, skill_id=view.criteria[0].skill_id
    )
    edited = rubrics.update_rubric(session, teacher, work.rubric_id, RubricInput("Renamed", [kept]))
    assert [c.id for c in edited.criteria] == [view.criteria[0].id] and edited.title == "Renamed"
    grading.save_feedback(session, teacher, work.submission_id, [(work.aligned_id, 2, "")], "Good", "graded")
    assert rubrics.get_rubric(session, teacher, work.rubric_id).used
    with pytest.raises(Conflict, match="used for feedback") as refused:
        rubrics.update_rubric(session, teacher, work.rubric_id, RubricInput("Changed", [kept]))
    assert "copy" in refused.value.message
    copy = rubrics.copy_rubric(session, actor_of(session, world.other_teacher_id), work.rubric_id)
    assert copy.id != work.rubric_id and copy.title == "Copy of Renamed" and not copy.used
    assert [(c.title, c.skill_id, [lv.title for lv in c.levels]) for c in copy.criteria] == [
        (c.title, c.skill_id, [lv.title for lv in c.levels])
        for c in rubrics.get_rubric(session, teacher, work.rubric_id).criteria
    ]
    changed = rubrics.update_rubric(
        session, teacher, copy.id, RubricInput("Mine now", [CriterionInput("New", FOUR)])
    )
    assert [c.title for c in changed.criteria] == ["New"]
    # The past feedback still reads as it was given.
    view_after = grading.feedback_views(session, [work.submission_id])[work.submission_id]
    assert [(c.title, c.level_title) for c in view_after.criteria] == [
        ("Explains equivalence well", "Proficient")
    ]


def test_archiving_hides_a_rubric_but_keeps_it(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    made = rubrics.create_rubric(session, teacher, RubricInput("Old", [CriterionInput("C", FOUR)]))
    archived = rubrics.archive_rubric(session, teacher, made.id)
    assert archived.archived
    assert all(r.id != made.id for r in rubrics.list_rubrics(session, teacher))
    assert any(r.id == made.id for r in rubrics.list_rubrics(session, teacher, include_archived=True))
    with pytest.raises(Conflict, match="archived"):
        rubrics.update_rubric(session, teacher, made.id, RubricInput("New", [CriterionInput("C", FOUR)]))


def test_the_api_creates_edits_copies_and_archives(database: RollbackDatabase, world: World) -> None:
    api = Api(database, world.teacher_id)
    body = {
        "title": "Essay",
        "criteria": [{"title": "Ideas", "levels": [{"title": "Weak"}, {"title": "Strong", "points": 2}]}],
    }
    made = api.post("/api/rubrics", body)
    assert made.status_code == 201, made.text
    rubric_id = made.json()["id"]
    assert made.json()["criteria"][0]["levels"][1]["credit"] == 1.0
    body["criteria"][0]["id"] = made.json()["criteria"][0]["id"]  # type: ignore[index]
    body["title"] = "Essay (v2)"
    assert api.put(f"/api/rubrics/{rubric_id}", body).json()["title"] == "Essay (v2)"
    bad = api.post(
        "/api/rubrics", {"title": "X", "criteria": [{"title": "A", "levels": [{"title": "only"}]}]}
    )
    assert bad.status_code == 422
    assert api.post(f"/api/rubrics/{rubric_id}/copy").status_code == 201
    assert api.post(f"/api/rubrics/{rubric_id}/archive").json()["archived"] is True
    assert rubric_id not in [r["id"] for r in api.get("/api/rubrics").json()]
    assert Api(database, world.student_id).get("/api/rubrics").status_code == 403


def test_the_put_of_a_used_rubric_is_409(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        work = make_work(session, world)
        grading.save_feedback(session, actor_of(session, world.teacher_id), work.submission_id,
                              [(work.aligned_id, 1, ""), (work.plain_id, 0, "")], "", "graded")  # fmt: skip
    body = {
        "title": "T",
        "criteria": [{"title": "A", "levels": [{"title": "a"}, {"title": "b", "points": 1}]}],
    }
    refused = Api(database, world.teacher_id).put(f"/api/rubrics/{work.rubric_id}", body)
    assert refused.status_code == 409 and "make a copy" in refused.json()["detail"]


def test_the_pages_make_and_edit_a_rubric_with_plain_forms(database: RollbackDatabase, world: World) -> None:
    client = browser(database, "teacher@riverside.example")
    new = client.get("/rubrics/new")
    assert new.status_code == 200 and 'name="c2_l3_title"' in new.text and "Aligned skill" in new.text
    token = csrf_of(new.text)
    more = client.post("/rubrics", data={"csrf_token": token, "title": "Draft", "c0_title": "Kept", "more": "criterion",
                                         "c0_l0_title": "x"})  # fmt: skip
    assert more.status_code == 200 and 'name="c1_title"' in more.text and 'value="Kept"' in more.text
    refused = client.post("/rubrics", data={"csrf_token": token, "title": "Draft", "c0_title": "Reasoning",
                                            "c0_l0_title": "Only one"})  # fmt: skip
    assert refused.status_code == 422 and "at least 2 levels" in refused.text
    with database.transaction() as session:
        skill = _skill(session, world)
    made = client.post("/rubrics", data={
        "csrf_token": token, "title": "Page rubric", "c0_title": "Reasoning", "c0_skill": str(skill.id),
        "c0_l0_title": "Not yet", "c0_l1_title": "Mostly", "c0_l2_title": "Fully", "c0_l2_points": "5",
        "c1_title": "", "c1_l0_title": "",
    })  # fmt: skip
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"])
    assert page.status_code == 200 and "Page rubric" in page.text and skill.name in page.text
    rubric_id = int(made.headers["location"].split("/")[2].split("?")[0])
    with database.transaction() as session:
        view = rubrics.get_rubric(session, actor_of(session, world.teacher_id), rubric_id)
    assert [(lv.title, lv.points) for lv in view.criteria[0].levels] == [
        ("Not yet", 0),
        ("Mostly", 1),
        ("Fully", 5),
    ]
    saved = client.post(f"/rubrics/{rubric_id}", data={
        "csrf_token": token, "title": "Page rubric", "c0_id": str(view.criteria[0].id), "c0_title": "Reasoning",
        "c0_l0_title": "Not yet", "c0_l1_title": "Fully", "c1_title": "Spelling", "c1_l0_title": "Poor",
        "c1_l1_title": "Good",
    })  # fmt: skip
    assert saved.status_code == 303
    with database.transaction() as session:
        view = rubrics.get_rubric(session, actor_of(session, world.teacher_id), rubric_id)
        used = session.scalar(select(Assignment.id).where(Assignment.rubric_id == rubric_id))
    assert [c.title for c in view.criteria] == ["Reasoning", "Spelling"] and used is None
    assert client.get("/rubrics").text.count("Page rubric") == 1
