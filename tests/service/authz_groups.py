"""Flexible groups in the authorization matrix: the class's teachers and the school's admins see and edit
the class's groups; another teacher of the school 403; another school 404; students 403."""

from __future__ import annotations

from tests.service.authz import CLASS_DATA, DECIDE_PAGE, Case
from tests.service.conftest import RollbackDatabase, World

CREATED = {**CLASS_DATA, "teacher": 201, "admin": 201}
REMOVED = {**CLASS_DATA, "teacher": 204, "admin": 204}


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    from atpace.services import groups
    from tests.service.conftest import actor_of

    with database.transaction() as session:
        teacher = actor_of(session, world.teacher_id)
        saved = groups.save_groups(
            session, teacher, world.class_id,
            [groups.GroupDraft("needs: Unit fractions", [world.student_id], "needs", "unit-fractions"),
             groups.GroupDraft("ready for: Fractions of a whole", [world.classmate_id], "ready",
                               "fractions-of-a-whole")],
        )  # fmt: skip
        return {"group": saved[0].id, "group_skill": "unit-fractions"}


def save_body(w: World, i: dict[str, object], actor: str) -> dict[str, object]:
    return {"groups": [{"name": "Table 1", "student_ids": [w.student_id, w.classmate_id]}]}


def form_save(w: World, i: dict[str, object], actor: str) -> dict[str, object]:
    return {"focus": "unit-fractions", "name": "Table 1", "activity": "", "kind": "custom", "skill": "",
            "strategy": "", "member": [f"{w.student_id}:0", f"{w.classmate_id}:0"]}  # fmt: skip


CASES = [
    Case("GET", "/api/classes/{class_id}/groups/suggestion",
         lambda w, i: f"/api/classes/{w.class_id}/groups/suggestion?skills=unit-fractions,fractions-of-a-whole&k=2",
         CLASS_DATA),
    Case("POST", "/api/classes/{class_id}/groups", lambda w, i: f"/api/classes/{w.class_id}/groups", CREATED,
         body=save_body),
    Case("GET", "/api/classes/{class_id}/groups", lambda w, i: f"/api/classes/{w.class_id}/groups", CLASS_DATA),
    Case("PATCH", "/api/groups/{group_id}", lambda w, i: f"/api/groups/{i['group']}", CLASS_DATA,
         body=lambda w, i, a: {"name": f"Renamed by {a}"}),
    Case("PUT", "/api/groups/{group_id}/members/{student_id}",
         lambda w, i: f"/api/groups/{i['group']}/members/{w.classmate_id}", CLASS_DATA),
    Case("DELETE", "/api/groups/{group_id}/members/{student_id}",
         lambda w, i: f"/api/groups/{i['group']}/members/{w.student_id}", REMOVED),
    Case("POST", "/api/groups/{group_id}/dissolve", lambda w, i: f"/api/groups/{i['group']}/dissolve", CLASS_DATA,
         body=lambda w, i, a: {}),
    Case("GET", "/classes/{class_id}/groups", lambda w, i: f"/classes/{w.class_id}/groups", CLASS_DATA),
    Case("POST", "/classes/{class_id}/groups", lambda w, i: f"/classes/{w.class_id}/groups", DECIDE_PAGE,
         body=form_save, form=True),
    Case("POST", "/classes/{class_id}/groups/{group_id}/edit",
         lambda w, i: f"/classes/{w.class_id}/groups/{i['group']}/edit", DECIDE_PAGE,
         body=lambda w, i, a: {"name": "Table 2", "activity": "Games"}, form=True),
    Case("POST", "/classes/{class_id}/groups/{group_id}/members",
         lambda w, i: f"/classes/{w.class_id}/groups/{i['group']}/members", DECIDE_PAGE,
         body=lambda w, i, a: {"student_id": w.classmate_id}, form=True),
    Case("POST", "/classes/{class_id}/groups/{group_id}/members/{student_id}/remove",
         lambda w, i: f"/classes/{w.class_id}/groups/{i['group']}/members/{w.student_id}/remove", DECIDE_PAGE,
         body=lambda w, i, a: {}, form=True),
    Case("POST", "/classes/{class_id}/groups/{group_id}/dissolve",
         lambda w, i: f"/classes/{w.class_id}/groups/{i['group']}/dissolve", DECIDE_PAGE,
         body=lambda w, i, a: {}, form=True),
]  # fmt: skip
