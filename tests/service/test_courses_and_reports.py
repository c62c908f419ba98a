"""Skill graphs, the teacher heatmap and the demo seed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput, NotFound
from atpace.services import courses, reports
from atpace.services.access import get_course
from atpace.services.demo import ensure_demo_school
from atpace.store.tables import Attempt, SkillPrerequisite, User
from tests.service.conftest import World, actor_of


def test_a_prerequisite_cycle_is_refused_naming_the_skills(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    graph = courses.load_graph(session, get_course(session, teacher, world.course_id))
    order = graph.graph.topological_order()
    first, last = order[0], order[-1]
    before = session.scalar(select(func.count()).select_from(SkillPrerequisite))
    with pytest.raises(InvalidInput) as caught:
        courses.add_prerequisite(session, teacher, world.course_id, first, last)
    assert caught.value.field == "prerequisite_key"
    assert "cycle" in caught.value.message
    assert (
        graph.skills[first].name in caught.value.message and graph.skills[last].name in caught.value.message
    )
    assert session.scalar(select(func.count()).select_from(SkillPrerequisite)) == before


def test_a_valid_prerequisite_is_added_by_staff_only(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    graph = courses.load_graph(session, get_course(session, teacher, world.course_id))
    order = graph.graph.topological_order()
    target = order[-1]
    candidate = next(k for k in order[:-1] if k not in graph.graph.prerequisites[target])
    updated = courses.add_prerequisite(session, teacher, world.course_id, target, candidate)
    assert candidate in updated.graph.prerequisites[target]
    with pytest.raises(Forbidden):
        courses.add_prerequisite(
            session, actor_of(session, world.student_id), world.course_id, target, order[0]
        )
    with pytest.raises(NotFound):
        courses.add_prerequisite(
            session, actor_of(session, world.foreign_teacher_id), world.course_id, target, order[0]
        )


def test_heatmap_lists_the_class_and_sorts(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    heatmap = reports.class_heatmap(session, teacher, world.class_id)
    assert len(heatmap.rows) == 24 and len(heatmap.skills) >= 20
    names = [r.student_name for r in heatmap.rows]
    assert names == sorted(names, key=str.lower)
    assert any(p is not None for r in heatmap.rows for p in r.mastery.values())
    by_average = reports.class_heatmap(session, teacher, world.class_id, "average", descending=True)
    averages = [r.average for r in by_average.rows]
    assert averages == sorted(averages, reverse=True) and averages[0] > averages[-1]
    first_skill = heatmap.skills[0][0]
    by_skill = reports.class_heatmap(session, teacher, world.class_id, first_skill, descending=True)
    values = [-1.0 if r.mastery[first_skill] is None else r.mastery[first_skill] for r in by_skill.rows]
    assert values == sorted(values, reverse=True)
    with pytest.raises(InvalidInput) as caught:
        reports.class_heatmap(session, teacher, world.class_id, "shoe-size")
    assert caught.value.field == "sort"


def test_heatmap_is_for_the_class_teachers_and_admins(session: Session, world: World) -> None:
    assert reports.class_heatmap(session, actor_of(session, world.admin_id), world.class_id).rows
    with pytest.raises(Forbidden):
        reports.class_heatmap(session, actor_of(session, world.other_teacher_id), world.class_id)
    with pytest.raises(Forbidden):
        reports.class_heatmap(session, actor_of(session, world.student_id), world.class_id)
    with pytest.raises(NotFound):
        reports.class_heatmap(session, actor_of(session, world.foreign_teacher_id), world.class_id)


def test_demo_seed_has_history_and_is_reused(session: Session, world: World) -> None:
    again = ensure_demo_school(session)
    assert not again.created and len(again.students) == 24
    attempts = session.scalar(select(func.count(Attempt.id)).where(Attempt.school_id == world.school_id)) or 0
    students_with_history = session.scalar(
        select(func.count(func.distinct(Attempt.student_id))).where(Attempt.school_id == world.school_id)
    )
    assert attempts > 23 * 50 and students_with_history == 23
    assert session.scalar(select(func.count(User.id)).where(User.school_id == world.school_id)) == 24 + 2 + 2


def test_recent_attempts_are_newest_first(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    attempts = reports.recent_attempts(session, teacher, world.classmate_id, 10)
    assert len(attempts) == 10
    assert [a.created_at for a in attempts] == sorted((a.created_at for a in attempts), reverse=True)
    with pytest.raises(Forbidden):
        reports.recent_attempts(session, actor_of(session, world.other_teacher_id), world.classmate_id)


def test_a_course_with_a_skill_nobody_can_practise_is_refused(session: Session, world: World) -> None:
    from dataclasses import replace

    from atpace.content import FRACTIONS_COURSE
    from atpace.content.spec import SkillSpec
    from atpace.store.tables import Course, School

    school = session.get(School, world.school_id)
    assert school is not None
    orphan = SkillSpec("percent", "Percentages", "Write a fraction as a percentage.", 6)
    spec = replace(FRACTIONS_COURSE, key="fractions-plus", skills=(*FRACTIONS_COURSE.skills, orphan))
    with pytest.raises(InvalidInput, match="none practise percent") as refused:
        courses.import_course(session, school, spec)
    assert refused.value.field == "items"
    assert session.scalar(select(func.count(Course.id)).where(Course.key == "fractions-plus")) == 0
