"""Placement through the service: adaptive, bounded, and it sets starting mastery."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.content.spec import AnswerSpec
from atpace.errors import Conflict, Forbidden, InvalidInput
from atpace.services import placement, practice, reports
from atpace.store.tables import Item, ItemSkill, LearnerState, Skill
from atpace.web.pages.student import MAP_STATE, skill_map_svg
from tests.service.conftest import World, actor_of
from tests.service.test_practice import wrong_response


def skill_of(session: Session, item_id: int) -> str:
    key = session.scalar(
        select(Skill.key)
        .join(ItemSkill, ItemSkill.skill_id == Skill.id)
        .where(ItemSkill.item_id == item_id)
        .limit(1)
    )
    assert key is not None
    return key


def test_a_student_who_knows_the_early_skills_is_placed_past_them(session: Session, world: World) -> None:
    student = actor_of(session, world.student_id)
    before = reports.progress_of(session, student, world.student_id)
    assert before.placement is not None and before.placement.reason.startswith("Placement")
    order = before.course_graph.graph.topological_order()
    known = set(order[:8])  # a student who knows the first eight skills in learning order
    status = placement.start(session, student)
    with pytest.raises(Conflict):
        placement.start(session, student)
    asked = []
    while not status.finished:
        assert status.item is not None and status.items_used <= 20
        key = skill_of(session, status.item.item_id)
        asked.append(key)
        item = session.get(Item, status.item.item_id)
        assert item is not None
        right = AnswerSpec.from_dict(item.answer).correct
        status = placement.answer(
            session, student, item.id, right if key in known else wrong_response(session, item.id)
        )
    assert status.items_used == len(asked) <= 20 and len(set(asked)) == len(asked)
    after = reports.progress_of(session, student, world.student_id)
    assert after.placement is None
    mastery = after.mastery_map()
    assert len(mastery) == len(order)  # every skill got a starting estimate
    assert all(s.attempts == 0 for s in after.skills.values())
    early = sum(mastery[k] for k in order[:4]) / 4
    late = sum(mastery[k] for k in order[-4:]) / 4
    assert early > 0.8 > 0.3 > late
    # The knowledge map shows the states progress decided: placed skills with no practice are "ready".
    drawn = dict(re.findall(r'data-skill="([^"]+)" data-state="([^"]+)"', skill_map_svg(after, None)))
    assert drawn == {k: MAP_STATE.get(s.state, s.state) for k, s in after.skills.items()}
    assert "ready" in drawn.values() and "in-progress" not in drawn.values()


def test_placement_checks_its_input_and_who_takes_it(session: Session, world: World) -> None:
    student = actor_of(session, world.student_id)
    status = placement.start(session, student)
    assert status.item is not None
    with pytest.raises(InvalidInput) as wrong_item:
        placement.answer(session, student, status.item.item_id + 1, "1")
    assert wrong_item.value.field == "item_id"
    with pytest.raises(Conflict, match="no hints during placement"):
        practice.hint(session, student, status.item.item_id, 1)
    with pytest.raises(InvalidInput) as malformed:  # a blank answer is malformed whatever the kind
        placement.answer(session, student, status.item.item_id, "   ")
    assert malformed.value.field == "response"
    assert placement.status(session, student).items_used == 0
    with pytest.raises(Forbidden):
        placement.start(session, actor_of(session, world.teacher_id))
    assert (
        session.scalar(select(func.count(LearnerState.id)).where(LearnerState.student_id == world.student_id))
        == 0
    )


def test_a_student_who_knows_everything_finishes_placement(session: Session, world: World) -> None:
    # Items shared by two skills once made the engine ask the same skill twice and stop with an error.
    student = actor_of(session, world.student_id)
    status = placement.start(session, student)
    while not status.finished:
        assert status.item is not None
        item = session.get(Item, status.item.item_id)
        assert item is not None
        status = placement.answer(session, student, item.id, AnswerSpec.from_dict(item.answer).correct)
    assert status.items_used <= 20 and status.placed_mastered


def test_a_placement_started_twice_at_once_is_a_conflict_not_an_error(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from atpace.store.tables import PlacementSession

    student = actor_of(session, world.student_id)
    first = placement.start(session, student)
    real_get = Session.get

    def racing_get(self: Session, entity: object, ident: object, **kw: object) -> object:
        # The second request checked before the first one's row existed.
        return None if entity is PlacementSession else real_get(self, entity, ident, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(Session, "get", racing_get)
    with pytest.raises(Conflict, match="already started"):
        placement.start(session, student)
    monkeypatch.undo()
    assert placement.status(session, student).items_used == 0 and first.item is not None
