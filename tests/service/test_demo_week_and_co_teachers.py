"""The demo's week of classwork shows on the teacher's pages; a co-teacher sees and acts on everything of the
class, like its teacher."""

from __future__ import annotations

from sqlalchemy import func, select

from atpace.services import today
from atpace.services.demo import ensure_demo_school
from atpace.store.tables import Assignment, ClassTeacher, Evidence, Feedback, Role, Submission, User
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.school import Api, browser


def test_the_demo_week_fills_today_and_is_added_once(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        ensure_demo_school(session, classwork=True)
        ensure_demo_school(session, classwork=True)  # again: nothing doubles
        kinds = sorted(session.scalars(select(Assignment.kind).where(Assignment.class_id == world.class_id)))
        assert kinds == ["practice", "project", "task"]
        assert session.scalar(select(func.count(Submission.id))) == 8
        assert session.scalar(select(func.count(Submission.id)).where(Submission.late.is_(True))) == 3
        feedback = session.scalars(select(Feedback)).one()
        assert feedback.decision == "returned"
        # The returned work's aligned criterion was evidence for equivalent fractions, through the one path.
        assert session.scalar(select(Evidence.kind).where(Evidence.feedback_id == feedback.id)) == "rubric"
        view = today.class_today(session, actor_of(session, world.teacher_id), world.class_id)
    sections = {section.key: section for section in view.sections}
    waiting = [line.student_id for line in sections["grade"].lines]
    assert len(waiting) == 7  # eight hand-ins, one already returned: seven wait for feedback
    work_reasons = [
        r.text for s in view.sections for line in s.lines for r in line.reasons if r.kind == "work"
    ]
    assert any("overdue" in text.lower() for text in work_reasons)
    assert any("revision" in text.lower() or "returned" in text.lower() for text in work_reasons)


def test_a_co_teacher_sees_and_acts_on_everything_of_the_class(
    database: RollbackDatabase, world: World
) -> None:
    with database.transaction() as session:
        ensure_demo_school(session, classwork=True)
        co = session.get(User, world.other_teacher_id)
        assert co is not None and co.role == Role.TEACHER
        session.add(ClassTeacher(class_id=world.class_id, user_id=co.id, role="co-teacher"))
        task_id = session.scalar(
            select(Assignment.id).where(Assignment.class_id == world.class_id, Assignment.kind == "task")
        )
    page = browser(database, "t2@riverside.example", password="password-2")
    for path in ("", "/today", "/groups", "/assignments", "/report"):
        assert page.get(f"/classes/{world.class_id}{path}").status_code == 200, path
    assert page.get(f"/assignments/{task_id}").status_code == 200
    assert page.get(f"/assignments/{task_id}/grade").status_code == 200
    api = Api(database, world.other_teacher_id)
    assert api.get(f"/api/classes/{world.class_id}/today").status_code == 200
    assert api.get(f"/api/classes/{world.class_id}/groups/suggestion").status_code == 200
    queue = api.get(f"/api/assignments/{task_id}/grading")
    assert queue.status_code == 200
    made = api.post(
        f"/api/classes/{world.class_id}/assignments",
        json={"kind": "practice", "title": "Co-taught practice", "skill_keys": ["unit-fractions"]},
    )
    assert made.status_code == 201, made.text
    comment = api.post(
        f"/api/classes/{world.class_id}/students/{world.classmate_id}/comments",
        json={"text": "See me at recess."},
    )
    assert comment.status_code == 201, comment.text
