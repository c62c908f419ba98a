"""Pathways in the authorization matrix: a skill's playlist is edited and measured by the course's editors
(teachers of a class using the course, the school's admins); students see and use their own course's."""

from __future__ import annotations

from sqlalchemy import select

from tests.service.authz import COURSE, COURSE_EDIT, PRACTICE, Case
from tests.service.conftest import RollbackDatabase, World

EDITORS = {**COURSE, "student": 403, "classmate": 403}  # both teachers' classes use the course
EDIT_PAGE = {**EDITORS, "teacher": 303, "other_teacher": 303, "admin": 303}
DELETED = {
    **EDITORS,
    "teacher": 204,
    "other_teacher": 404,
    "admin": 404,
}  # the first deletes it: later, missing
DELETED_PAGE = {**EDITORS, "teacher": 303, "other_teacher": 404, "admin": 404}
# Students of the school use their course's resources; another school's student finds no such resource.
USE = {**PRACTICE, "student": 201, "classmate": 201}
USE_PAGE = {**PRACTICE, "student": 303, "classmate": 303}
OPEN = {**COURSE, "foreign_teacher": 404, "foreign_student": 404}
STUDENT_LIST = {**PRACTICE, "foreign_student": 200}  # the same skill key in their own course


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    from atpace.store.tables import Skill
    from atpace.store.tables_pathways import LearningResource

    with database.transaction() as session:
        skill = session.scalars(
            select(Skill).where(Skill.course_id == world.course_id).order_by(Skill.position, Skill.id)
        ).first()
        assert skill is not None
        resource = LearningResource(
            school_id=world.school_id, course_id=world.course_id, skill_id=skill.id, kind="reading",
            title="Matrix reading", body="A short text.", position=99,
        )  # fmt: skip
        session.add(resource)
        session.flush()
        playlist = session.scalars(
            select(LearningResource.id)
            .where(LearningResource.skill_id == skill.id)
            .order_by(LearningResource.id.desc())
        ).all()
        return {"resource_skill": skill.key, "resource": resource.id, "resource_order": list(playlist)}


def _resource(w: World, i: dict[str, int], a: str) -> dict[str, object]:
    return {"kind": "reading", "title": f"From the matrix ({a})", "body": "Read this first."}


def _order(w: World, i: dict[str, int]) -> str:
    return f"/api/courses/{w.course_id}/skills/{i['resource_skill']}/resources/order"


CASES = [
    Case("GET", "/courses/{course_id}/skills/{skill_key}/resources",
         lambda w, i: f"/courses/{w.course_id}/skills/{i['resource_skill']}/resources", EDITORS),
    Case("POST", "/courses/{course_id}/skills/{skill_key}/resources",
         lambda w, i: f"/courses/{w.course_id}/skills/{i['resource_skill']}/resources", EDIT_PAGE,
         body=_resource, form=True),
    Case("POST", "/resources/{resource_id}/edit", lambda w, i: f"/resources/{i['resource']}/edit", EDIT_PAGE,
         body=_resource, form=True),
    Case("POST", "/resources/{resource_id}/move", lambda w, i: f"/resources/{i['resource']}/move", EDIT_PAGE,
         body=lambda w, i, a: {"direction": "up"}, form=True),
    Case("POST", "/resources/{resource_id}/delete", lambda w, i: f"/resources/{i['resource']}/delete",
         DELETED_PAGE, body=lambda w, i, a: {}, form=True),
    Case("GET", "/pathways/{skill_key}", lambda w, i: f"/pathways/{i['resource_skill']}", STUDENT_LIST),
    Case("POST", "/resources/{resource_id}/use", lambda w, i: f"/resources/{i['resource']}/use", USE_PAGE,
         body=lambda w, i, a: {}, form=True),
    Case("GET", "/resources/{resource_id}", lambda w, i: f"/resources/{i['resource']}", OPEN),
    Case("GET", "/api/courses/{course_id}/skills/{skill_key}/resources",
         lambda w, i: f"/api/courses/{w.course_id}/skills/{i['resource_skill']}/resources", EDITORS),
    Case("POST", "/api/courses/{course_id}/skills/{skill_key}/resources",
         lambda w, i: f"/api/courses/{w.course_id}/skills/{i['resource_skill']}/resources", COURSE_EDIT,
         body=_resource),
    Case("PUT", "/api/courses/{course_id}/skills/{skill_key}/resources/order", _order, EDITORS,
         body=lambda w, i, a: {"resource_ids": i["resource_order"]}),
    Case("PUT", "/api/resources/{resource_id}", lambda w, i: f"/api/resources/{i['resource']}", EDITORS,
         body=_resource),
    Case("DELETE", "/api/resources/{resource_id}", lambda w, i: f"/api/resources/{i['resource']}", DELETED),
    Case("GET", "/api/pathways/{skill_key}", lambda w, i: f"/api/pathways/{i['resource_skill']}", STUDENT_LIST),
    Case("POST", "/api/resources/{resource_id}/uses", lambda w, i: f"/api/resources/{i['resource']}/uses", USE,
         body=lambda w, i, a: {}),
]  # fmt: skip
