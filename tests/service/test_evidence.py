"""One evidence path and one mastery rule, as teachers see them: evidence kinds by name, and a skill a teacher
paused reads the same on the heatmap and on the student's map."""

from __future__ import annotations

import itertools

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.services import practice, reports
from atpace.services.interventions import set_override
from atpace.services.practice import AnswerInput
from atpace.store.tables import Evidence, LearnerState
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.test_practice import correct_response
from tests.service.web import bearer, client_for


def test_teachers_see_each_piece_of_evidence_by_its_kind(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        actor = actor_of(session, world.student_id)
        item = practice.next_item(session, actor)
        practice.submit_answer(
            session, actor, AnswerInput(item.item_id, correct_response(session, item.item_id), "ev-1")
        )
    client = client_for(database)
    teacher = bearer(database, world.teacher_id)
    fresh = client.get(f"/api/students/{world.student_id}/evidence", headers=teacher).json()
    assert fresh[0]["kind"] == "practice" and fresh[0]["label"] == "Practice answer"
    assert fresh[0]["correct"] is True and fresh[0]["mastery_after"] > fresh[0]["mastery_before"]
    history = client.get(f"/api/students/{world.classmate_id}/evidence?limit=5", headers=teacher).json()
    assert len(history) == 5 and {e["label"] for e in history} == {"Earlier practice"}  # the demo's weeks
    page = client.get(f"/classes/{world.class_id}/students/{world.student_id}", headers=teacher)
    assert page.status_code == 200 and "How mastery moved" in page.text
    assert 'data-kind="practice"' in page.text and "Practice answer" in page.text
    # Another school's teacher learns nothing, not even that the student exists.
    foreign = client.get(
        f"/api/students/{world.student_id}/evidence", headers=bearer(database, world.foreign_teacher_id)
    )
    assert foreign.status_code == 404


def test_every_answer_is_evidence_with_the_state_it_moved(session: Session, world: World) -> None:
    actor = actor_of(session, world.student_id)
    for n in range(3):
        item = practice.next_item(session, actor)
        practice.submit_answer(
            session, actor, AnswerInput(item.item_id, correct_response(session, item.item_id), f"e{n}")
        )
    rows = session.scalars(
        select(Evidence).where(Evidence.student_id == world.student_id).order_by(Evidence.id)
    ).all()
    assert len(rows) >= 3 and all(r.attempt_id is not None and r.kind == "practice" for r in rows)
    for skill_id in {r.skill_id for r in rows}:
        chain = [r for r in rows if r.skill_id == skill_id]
        for earlier, later in itertools.pairwise(chain):
            assert later.p_before == earlier.p_after
        state = session.scalar(
            select(LearnerState).where(
                LearnerState.student_id == world.student_id, LearnerState.skill_id == skill_id
            )
        )
        assert state is not None and state.p_learned == chain[-1].p_after and state.attempts == len(chain)


def test_a_paused_mastered_skill_is_paused_on_the_heatmap_and_the_map(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    progress = reports.progress_of(session, teacher, world.classmate_id)
    mastered = [key for key, s in progress.skills.items() if s.state == "mastered"]
    assert mastered, "the demo classmate has mastered skills"
    before = next(
        r
        for r in reports.class_heatmap(session, teacher, world.class_id).rows
        if r.student_id == world.classmate_id
    )
    set_override(session, teacher, world.classmate_id, mastered[0], "lock", "check this one with me first")
    progress = reports.progress_of(session, teacher, world.classmate_id)
    row = next(
        r
        for r in reports.class_heatmap(session, teacher, world.class_id).rows
        if r.student_id == world.classmate_id
    )
    assert progress.skills[mastered[0]].state == "held" == row.states[mastered[0]]
    assert row.mastered_count == before.mastered_count - 1
    assert row.states == {key: s.state for key, s in progress.skills.items()}  # the same decision everywhere
