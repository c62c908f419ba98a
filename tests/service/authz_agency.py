"""Goals, calibration, the journal and turned-around mistakes in the authorization matrix.

A student's own pages and writes are the student's (staff 403); reading a student's data follows the student
rule (themself, their teachers, the school's admins; classmates and other teachers 403; another school 404);
co-signing is for the student's teachers only, reflecting and dropping for the student only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from atpace.store.tables import Course, utcnow
from atpace.store.tables_agency import Goal
from tests.service.authz import CLASS_DATA, STUDENT_DATA, Case, everyone
from tests.service.conftest import RollbackDatabase, World

OWN = {**everyone(403), "student": 200, "classmate": 200, "foreign_student": 200}  # a student's own page
OWN_FORM = {**OWN, "student": 303, "classmate": 303, "foreign_student": 303}
OWN_CREATE = {**OWN, "student": 201, "classmate": 201, "foreign_student": 201}
STUDENT_ONLY = {**STUDENT_DATA, "teacher": 403, "admin": 403}  # on world.student's goal
TEACHER_ONLY = {**STUDENT_DATA, "student": 403, "admin": 403}


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    """Three goals of world.student: an active one, one past its date (to reflect on) and one to drop."""
    today = utcnow().date()
    with database.transaction() as session:
        course = session.get(Course, world.course_id)
        assert course is not None
        made: dict[str, object] = {}
        for name, due in (("goal", today + timedelta(days=7)), ("goal_past", today - timedelta(days=1)),
                          ("goal_drop", today + timedelta(days=7))):  # fmt: skip
            goal = Goal(
                school_id=world.school_id, student_id=world.student_id, course_id=course.id, kind="time",
                title=f"Matrix {name}", minutes_per_week=30, due_on=due,
                created_at=utcnow() - timedelta(days=14),
            )  # fmt: skip
            session.add(goal)
            session.flush()
            made[name] = goal.id
    return made


def goal_body(w: World, i: dict[str, Any], a: str) -> dict[str, object]:
    return {"kind": "skills", "due_on": (utcnow().date() + timedelta(days=7)).isoformat(),
            "skill_keys": [i["item_skill"]], "title": f"Matrix goal ({a})"}  # fmt: skip


def reflection(w: World, i: dict[str, Any], a: str) -> dict[str, object]:
    return {"helped": f"Practising every day ({a})", "next_step": "Start earlier"}


def journal_body(w: World, i: dict[str, Any], a: str) -> dict[str, object]:
    return {"context": "free", "helped": f"Worked examples ({a})"}


def rating(w: World, i: dict[str, Any], a: str) -> dict[str, object]:
    return {"skill_key": i["item_skill"], "rating": 3}


def comment(w: World, i: dict[str, Any], a: str) -> dict[str, object]:
    return {"text": f"Keep going ({a})"}


CASES = [
    Case("GET", "/goals", lambda w, i: "/goals", OWN),
    Case("POST", "/goals", lambda w, i: "/goals", OWN_FORM, body=goal_body, form=True),
    Case("POST", "/api/goals", lambda w, i: "/api/goals", OWN_CREATE, body=goal_body),
    Case("GET", "/goals/{goal_id}", lambda w, i: f"/goals/{i['goal']}", STUDENT_DATA),
    Case("GET", "/api/goals/{goal_id}", lambda w, i: f"/api/goals/{i['goal']}", STUDENT_DATA),
    Case("GET", "/api/students/{student_id}/goals", lambda w, i: f"/api/students/{w.student_id}/goals",
         STUDENT_DATA),
    Case("POST", "/goals/{goal_id}/comment", lambda w, i: f"/goals/{i['goal']}/comment",
         {**STUDENT_DATA, "student": 303, "teacher": 303, "admin": 303}, body=comment, form=True),
    Case("POST", "/api/goals/{goal_id}/comments", lambda w, i: f"/api/goals/{i['goal']}/comments",
         {**STUDENT_DATA, "student": 201, "teacher": 201, "admin": 201}, body=comment),
    Case("POST", "/goals/{goal_id}/cosign", lambda w, i: f"/goals/{i['goal']}/cosign",
         {**TEACHER_ONLY, "teacher": 303}, body=lambda w, i, a: {}, form=True),
    Case("POST", "/api/goals/{goal_id}/cosign", lambda w, i: f"/api/goals/{i['goal']}/cosign", TEACHER_ONLY),
    Case("POST", "/goals/{goal_id}/reflection", lambda w, i: f"/goals/{i['goal_past']}/reflection",
         {**STUDENT_ONLY, "student": 303}, body=reflection, form=True),
    Case("POST", "/api/goals/{goal_id}/reflection", lambda w, i: f"/api/goals/{i['goal_past']}/reflection",
         {**STUDENT_ONLY, "student": 201}, body=reflection),
    Case("POST", "/goals/{goal_id}/drop", lambda w, i: f"/goals/{i['goal_drop']}/drop",
         {**STUDENT_ONLY, "student": 303}, body=lambda w, i, a: {}, form=True),
    Case("POST", "/api/goals/{goal_id}/drop", lambda w, i: f"/api/goals/{i['goal_drop']}/drop", STUDENT_ONLY),
    Case("GET", "/calibration", lambda w, i: "/calibration", OWN),
    Case("POST", "/calibration/ratings", lambda w, i: "/calibration/ratings", OWN_FORM, body=rating, form=True),
    Case("POST", "/api/self-ratings", lambda w, i: "/api/self-ratings", OWN_CREATE, body=rating),
    Case("GET", "/api/students/{student_id}/calibration",
         lambda w, i: f"/api/students/{w.student_id}/calibration", STUDENT_DATA),
    Case("GET", "/classes/{class_id}/calibration", lambda w, i: f"/classes/{w.class_id}/calibration", CLASS_DATA),
    Case("GET", "/api/classes/{class_id}/calibration", lambda w, i: f"/api/classes/{w.class_id}/calibration",
         CLASS_DATA),
    Case("GET", "/journal", lambda w, i: "/journal", OWN),
    Case("POST", "/journal", lambda w, i: "/journal", OWN_FORM, body=journal_body, form=True),
    Case("POST", "/api/journal", lambda w, i: "/api/journal", OWN_CREATE, body=journal_body),
    Case("GET", "/api/students/{student_id}/journal", lambda w, i: f"/api/students/{w.student_id}/journal",
         STUDENT_DATA),
    Case("GET", "/turnarounds", lambda w, i: "/turnarounds", OWN),
    Case("GET", "/api/students/{student_id}/turnarounds",
         lambda w, i: f"/api/students/{w.student_id}/turnarounds", STUDENT_DATA),
    Case("GET", "/classes/{class_id}/students/{student_id}/agency",
         lambda w, i: f"/classes/{w.class_id}/students/{w.classmate_id}/agency", CLASS_DATA),
]  # fmt: skip
