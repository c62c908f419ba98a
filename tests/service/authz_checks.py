"""Mastery checks in the authorization matrix: a check is the student's own (teachers and admins cannot take
one, 403; another school's student finds no such skill, 404); a class's check setting is for its teachers
and the school's admins."""

from __future__ import annotations

from sqlalchemy import select

from tests.service.authz import CLASS_DATA, PRACTICE, STUDENT_DATA, Case
from tests.service.conftest import RollbackDatabase, World

# A check is of a skill of the student's own course: another school's student reaches the same skill key in
# their own course (its own data, not ours). The skill chosen is not open for a check yet for any student.
OFFER = {**PRACTICE, "foreign_student": 200}
NOT_READY = {**PRACTICE, "student": 409, "classmate": 409, "foreign_student": 409}
ANSWER = NOT_READY  # no open check: 409 "start one first"
SETTING_PAGE = {**CLASS_DATA, "teacher": 303, "admin": 303}


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    from atpace.services import checks
    from atpace.store.tables import Item, ItemSkill, Skill
    from tests.service.conftest import actor_of

    with database.transaction() as session:
        rows = session.execute(
            select(Skill.key, Item.id)
            .join(ItemSkill, ItemSkill.skill_id == Skill.id)
            .join(Item, Item.id == ItemSkill.item_id)
            .where(Skill.course_id == world.course_id)
            .order_by(Skill.position, Item.id)
        ).all()
        students = [actor_of(session, i) for i in (world.student_id, world.classmate_id)]
        tried: set[str] = set()
        for key, item_id in rows:
            if key in tried:
                continue
            tried.add(key)
            offers = [checks.offer(session, s, key) for s in students]
            if not any(o.ready or o.open_check for o in offers):
                return {"check_skill": key, "check_item": item_id}
    raise AssertionError("every skill is open for a check")


def _answer(w: World, i: dict[str, int], a: str) -> dict[str, object]:
    return {"item_id": i["check_item"], "response": "1/2", "client_attempt_id": f"authz-check-{a}"}


CASES = [
    Case("GET", "/checks/{skill_key}", lambda w, i: f"/checks/{i['check_skill']}", OFFER),
    Case("POST", "/checks/{skill_key}", lambda w, i: f"/checks/{i['check_skill']}", NOT_READY,
         body=lambda w, i, a: {}, form=True),
    Case("POST", "/checks/{skill_key}/answer", lambda w, i: f"/checks/{i['check_skill']}/answer", ANSWER,
         body=_answer, form=True),
    Case("GET", "/api/checks/{skill_key}", lambda w, i: f"/api/checks/{i['check_skill']}", OFFER),
    Case("POST", "/api/checks/{skill_key}", lambda w, i: f"/api/checks/{i['check_skill']}", NOT_READY,
         body=lambda w, i, a: {}),
    Case("POST", "/api/checks/{skill_key}/answers", lambda w, i: f"/api/checks/{i['check_skill']}/answers",
         ANSWER, body=_answer),
    Case("GET", "/classes/{class_id}/checks", lambda w, i: f"/classes/{w.class_id}/checks", CLASS_DATA),
    Case("POST", "/classes/{class_id}/checks", lambda w, i: f"/classes/{w.class_id}/checks", SETTING_PAGE,
         body=lambda w, i, a: {"required": "on"}, form=True),
    Case("GET", "/api/classes/{class_id}/checks", lambda w, i: f"/api/classes/{w.class_id}/checks", CLASS_DATA),
    Case("PUT", "/api/classes/{class_id}/checks", lambda w, i: f"/api/classes/{w.class_id}/checks", CLASS_DATA,
         body=lambda w, i, a: {"required": True}),
    Case("GET", "/api/students/{student_id}/checks", lambda w, i: f"/api/students/{w.student_id}/checks",
         STUDENT_DATA),
]  # fmt: skip
