"""Rubrics in the authorization matrix: shared by the staff of one school (any teacher, any admin);
students 403; another school's rubric is missing (404), even to its students."""

from __future__ import annotations

from tests.service.authz import Case
from tests.service.conftest import RollbackDatabase, World

STAFF = {
    "student": 403, "classmate": 403, "teacher": 200, "other_teacher": 200, "admin": 200,
    "foreign_teacher": 200, "foreign_student": 403,
}  # fmt: skip
SCHOOL_RUBRIC = {**STAFF, "foreign_teacher": 404, "foreign_student": 404}
CREATED = {**STAFF, "teacher": 201, "other_teacher": 201, "admin": 201, "foreign_teacher": 201}
COPIED = {**SCHOOL_RUBRIC, "teacher": 201, "other_teacher": 201, "admin": 201}
PAGE_DONE = {**SCHOOL_RUBRIC, "teacher": 303, "other_teacher": 303, "admin": 303}


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    from atpace.store.tables import Rubric, RubricCriterion

    with database.transaction() as session:
        rubric = Rubric(school_id=world.school_id, title="Lab report", created_by_id=world.teacher_id)
        session.add(rubric)
        session.flush()
        session.add(
            RubricCriterion(
                rubric_id=rubric.id,
                position=0,
                title="Method",
                levels=[
                    {"title": "Missing", "description": "", "points": 0},
                    {"title": "Clear", "description": "", "points": 2},
                ],
            )
        )
        return {"rubric": rubric.id}


def rubric_body(w: World, i: dict[str, int], actor: str) -> dict[str, object]:
    return {
        "title": f"Rubric of {actor}",
        "criteria": [
            {
                "title": "Reasoning",
                "levels": [{"title": "Not yet", "points": 0}, {"title": "Yes", "points": 1}],
            }
        ],
    }


def rubric_form(w: World, i: dict[str, int], actor: str) -> dict[str, object]:
    return {
        "title": f"Rubric of {actor}", "c0_title": "Reasoning", "c0_l0_title": "Not yet", "c0_l0_points": "0",
        "c0_l1_title": "Yes", "c0_l1_points": "1",
    }  # fmt: skip


CASES = [
    Case("GET", "/api/rubrics", lambda w, i: "/api/rubrics", STAFF),
    Case("POST", "/api/rubrics", lambda w, i: "/api/rubrics", CREATED, body=rubric_body),
    Case("GET", "/api/rubrics/{rubric_id}", lambda w, i: f"/api/rubrics/{i['rubric']}", SCHOOL_RUBRIC),
    Case("PUT", "/api/rubrics/{rubric_id}", lambda w, i: f"/api/rubrics/{i['rubric']}", SCHOOL_RUBRIC, body=rubric_body),
    Case("POST", "/api/rubrics/{rubric_id}/copy", lambda w, i: f"/api/rubrics/{i['rubric']}/copy", COPIED),
    Case("POST", "/api/rubrics/{rubric_id}/archive", lambda w, i: f"/api/rubrics/{i['rubric']}/archive",
         SCHOOL_RUBRIC),
    Case("GET", "/rubrics", lambda w, i: "/rubrics", STAFF),
    Case("GET", "/rubrics/new", lambda w, i: "/rubrics/new", STAFF),
    Case("POST", "/rubrics", lambda w, i: "/rubrics", {**STAFF, **{a: 303 for a in CREATED if CREATED[a] == 201}},
         body=rubric_form, form=True),
    Case("GET", "/rubrics/{rubric_id}", lambda w, i: f"/rubrics/{i['rubric']}", SCHOOL_RUBRIC),
    Case("POST", "/rubrics/{rubric_id}", lambda w, i: f"/rubrics/{i['rubric']}", PAGE_DONE, body=rubric_form, form=True),
    Case("POST", "/rubrics/{rubric_id}/copy", lambda w, i: f"/rubrics/{i['rubric']}/copy", PAGE_DONE,
         body=lambda w, i, a: {}, form=True),
    Case("POST", "/rubrics/{rubric_id}/archive", lambda w, i: f"/rubrics/{i['rubric']}/archive", PAGE_DONE,
         body=lambda w, i, a: {}, form=True),
]  # fmt: skip
