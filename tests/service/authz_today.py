"""The teacher's "Today" and comments to a student in the authorization matrix: the class's teachers and the
school's admins; students and teachers of other classes are refused (403), another school's users find
nothing (404)."""

from __future__ import annotations

from tests.service.authz import CLASS_DATA, Case

COMMENT_PAGE = {**CLASS_DATA, "teacher": 303, "admin": 303}
COMMENT_API = {**CLASS_DATA, "teacher": 201, "admin": 201}

CASES = [
    Case("GET", "/classes/{class_id}/today", lambda w, i: f"/classes/{w.class_id}/today", CLASS_DATA),
    Case("GET", "/api/classes/{class_id}/today", lambda w, i: f"/api/classes/{w.class_id}/today", CLASS_DATA),
    Case("POST", "/classes/{class_id}/students/{student_id}/comment",
         lambda w, i: f"/classes/{w.class_id}/students/{w.classmate_id}/comment", COMMENT_PAGE,
         body=lambda w, i, a: {"text": f"A word from the matrix ({a})"}, form=True),
    Case("POST", "/api/classes/{class_id}/students/{student_id}/comments",
         lambda w, i: f"/api/classes/{w.class_id}/students/{w.classmate_id}/comments", COMMENT_API,
         body=lambda w, i, a: {"text": f"A word from the matrix ({a})"}),
]  # fmt: skip
