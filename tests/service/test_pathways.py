"""Several pathways to a skill: the playlist's editing and order, validation, a student's use (and when), and
what followed each resource (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput, NotFound
from atpace.services import pathways, practice
from atpace.services.pathways import ResourceInput
from atpace.services.practice import AnswerInput
from atpace.store.tables import Attempt, Skill, utcnow
from atpace.store.tables_pathways import ResourceUse
from tests.service.conftest import World, actor_of
from tests.service.test_practice import correct_response
from tests.service.test_today import root_skill


def add(session: Session, world: World, key: str, title: str, **fields: str) -> pathways.ResourceView:
    data = ResourceInput(
        fields.get("kind", "reading"), title, fields.get("url", ""), fields.get("body", "Text.")
    )
    return pathways.add_resource(session, actor_of(session, world.teacher_id), world.course_id, key, data)


def titles(session: Session, world: World, key: str) -> list[str]:
    view = pathways.playlist(session, actor_of(session, world.teacher_id), world.course_id, key)
    return [r.title for r in view.resources]


def test_teachers_add_edit_order_and_remove_resources(session: Session, world: World) -> None:
    key, _ = root_skill(session, world)
    teacher = actor_of(session, world.teacher_id)
    before = titles(session, world, key)
    a = add(session, world, key, "Fold a strip")
    b = add(session, world, key, "Video: unit fractions", kind="video", url="https://example.org/v", body="")
    c = add(session, world, key, "Ana explains", kind="peer_explanation")
    assert titles(session, world, key) == [*before, "Fold a strip", "Video: unit fractions", "Ana explains"]
    pathways.move_resource(session, teacher, c.id, -1)
    assert titles(session, world, key)[-3:] == ["Fold a strip", "Ana explains", "Video: unit fractions"]
    everything = [r.id for r in pathways.playlist(session, teacher, world.course_id, key).resources]
    pathways.reorder(session, teacher, world.course_id, key, list(reversed(everything)))
    assert titles(session, world, key)[:3] == ["Video: unit fractions", "Ana explains", "Fold a strip"]
    with pytest.raises(InvalidInput):  # every resource once
        pathways.reorder(session, teacher, world.course_id, key, everything[:1])
    edited = pathways.update_resource(
        session, teacher, a.id, ResourceInput("worked_example", "Fold it", "", "Step 1")
    )
    assert (edited.kind, edited.title, edited.kind_label) == ("worked_example", "Fold it", "Worked example")
    pathways.delete_resource(session, teacher, b.id)
    positions = [r.position for r in pathways.playlist(session, teacher, world.course_id, key).resources]
    assert positions == list(range(len(positions)))  # renumbered without a gap
    assert "Video: unit fractions" not in titles(session, world, key)
    # The other class's teacher uses the same course: a course editor too.
    other = actor_of(session, world.other_teacher_id)
    pathways.update_resource(
        session, other, c.id, ResourceInput("peer_explanation", "Ana's way", "", "Halves.")
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ResourceInput("podcast", "T", "", "x"), "kind"),
        (ResourceInput("reading", "", "", "x"), "title"),
        (ResourceInput("reading", "T" * 201, "", "x"), "title"),
        (ResourceInput("reading", "T", "javascript:alert(1)", "x"), "url"),
        (ResourceInput("reading", "T", "ftp://example.org/a", "x"), "url"),
        (ResourceInput("reading", "T", "https://", "x"), "url"),
        (ResourceInput("video", "T", "", "about the video"), "url"),
        (ResourceInput("reading", "T", "", ""), "body"),
        (ResourceInput("reading", "T", "", "x" * 5001), "body"),
    ],
)
def test_resources_are_validated(session: Session, world: World, data: ResourceInput, field: str) -> None:
    key, _ = root_skill(session, world)
    with pytest.raises(InvalidInput) as refused:
        pathways.add_resource(session, actor_of(session, world.teacher_id), world.course_id, key, data)
    assert refused.value.field == field


def test_students_cannot_edit_and_another_school_finds_nothing(session: Session, world: World) -> None:
    key, _ = root_skill(session, world)
    resource = add(session, world, key, "Fold a strip")
    with pytest.raises(Forbidden):
        pathways.add_resource(
            session,
            actor_of(session, world.student_id),
            world.course_id,
            key,
            ResourceInput("reading", "Mine", "", "x"),
        )
    with pytest.raises(NotFound):
        pathways.use_resource(session, actor_of(session, world.foreign_student_id), resource.id)
    with pytest.raises(NotFound):
        pathways.delete_resource(session, actor_of(session, world.foreign_teacher_id), resource.id)


def test_a_student_s_choice_is_recorded_with_its_time(session: Session, world: World) -> None:
    key, _ = root_skill(session, world)
    resource = add(session, world, key, "Fold a strip")
    student = actor_of(session, world.student_id)
    listed = pathways.student_playlist(session, student, key)
    assert resource.id in [r.id for r in listed.resources] and listed.figures == ()
    moment = utcnow() - timedelta(minutes=3)
    opened = pathways.use_resource(session, student, resource.id, now=moment)
    pathways.use_resource(session, student, resource.id)
    assert opened.title == "Fold a strip"
    uses = session.scalars(select(ResourceUse).where(ResourceUse.student_id == world.student_id)).all()
    assert len(uses) == 2 and min(u.used_at for u in uses) == moment
    figure = next(
        f
        for f in pathways.playlist(session, actor_of(session, world.teacher_id), world.course_id, key).figures
        if f.resource.id == resource.id
    )
    assert (figure.users, figure.uses) == (1, 2)


def test_what_followed_counts_the_next_five_answers_and_says_too_few(session: Session, world: World) -> None:
    key, _ = root_skill(session, world)
    resource = add(session, world, key, "Fold a strip")
    student = actor_of(session, world.student_id)
    pathways.use_resource(session, student, resource.id, now=utcnow() - timedelta(minutes=1))
    gained = []
    for n in range(5):
        item = practice.next_item(session, student, key)
        outcome = practice.submit_answer(
            session, student, AnswerInput(item.item_id, correct_response(session, item.item_id), f"r{n}", key)
        )
        gained.append((outcome.mastery_before, outcome.mastery_after))
    figure = next(
        f
        for f in pathways.playlist(session, actor_of(session, world.teacher_id), world.course_id, key).figures
        if f.resource.id == resource.id
    )
    assert figure.effect.used.students == 1
    assert figure.effect.used.mean_gain == pytest.approx(gained[-1][1] - gained[0][0])
    # The others: every other student of the school with at least 5 answers on the skill (the user had
    # none before using it, so the window starts at their first answer).
    skill_id = session.scalar(select(Skill.id).where(Skill.course_id == world.course_id, Skill.key == key))
    counts = session.execute(
        select(Attempt.student_id, func.count())
        .where(Attempt.skill_id == skill_id, Attempt.student_id != world.student_id)
        .group_by(Attempt.student_id)
    ).all()
    assert figure.effect.others.students == sum(1 for _, n in counts if n >= 5)
    assert not figure.effect.enough and figure.effect.text.startswith("too few to tell: 1 measurable")


def test_the_demo_course_has_a_playlist_for_every_skill(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    keys = session.scalars(select(Skill.key).where(Skill.course_id == world.course_id)).all()
    kinds: set[str] = set()
    for key in keys:
        view = pathways.playlist(session, teacher, world.course_id, key)
        assert view.resources, key
        for r in view.resources:
            pathways.validate(ResourceInput(r.kind, r.title, r.url, r.body))  # what a teacher may save
            kinds.add(r.kind)
    assert kinds == {"worked_example", "reading", "interactive", "peer_explanation"}
